"""``sowtrack remind`` (issue 15): what is due, in words, sent by real servers on loopback.

The example SOW with its two obligations, on Friday 2026-03-20 (March 2026 has no
holiday). The last working day before it is Thursday 03-19: liu.yang logged that day,
chen.jing did not, wang.fang was away (not reminded). CR-001 is signed by the vendor's
lead and waits for the client's signatory li.na. Blocker B-001, raised on Monday 03-02, is
open for 15 working days (03-02..03-20); B-002, raised on Wednesday 03-18, for 3 (not
past 3: not reminded). The client's ENV-ACCESS was due 03-06 and is not done (10 working
days late: 03-09..03-20); the vendor's CV-NDA is done.

The servers are real: aiosmtpd for SMTP, http.server for the robots' webhooks, both on
127.0.0.1; a dead port for the unreachable ones. What was sent is stored in the ledger, on
SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from model import reminders as rm
from model import rules
from storage.services import Ledger

from .life_support import OBLIGATIONS, cli, example_sow, start, write_sow

TODAY = "2026-03-20"
SECRET = "SECdeadbeef秘密"


@pytest.fixture
def led(ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    """The example project as described above, as the lead, on 2026-03-20."""
    led = start(ledger, write_sow(tmp_path, example_sow(extra=OBLIGATIONS)), monkeypatch,
                TODAY)
    led.log("T2", "8", "2026-03-19", person="liu.yang")
    led.log("T2", "6", "2026-03-18", person="chen.jing")  # not on the 19th
    led.away("wang.fang", "2026-03-19", "2026-03-20")
    led.obligation_done("CV-NDA", "2026-03-04")
    led.add_blocker("测试环境 VPN 未开通", "client", on="2026-03-02")
    led.add_blocker("Interface docs late", "client", on="2026-03-18")
    led.new_cr("增加欺诈风险提示", deltas={"senior": "5"}, on="2026-03-16")
    led.sign_cr("CR-001", "2026-03-17")
    return led


# ---------------------------------------------------------------- what is due


def test_reminders_name_each_subject_in_the_sows_language(led: Ledger) -> None:
    due = led.reminders()
    assert (due.project, str(due.on), due.language) == ("CLAIMS-AGENT-2026", TODAY, "zh")
    by = {r.subject: r for r in due.reminders}
    assert set(by) == {"missing:chen.jing:2026-03-19", "sign:CR-001:client", "blocker:B-001",
                       "obligation:ENV-ACCESS"}
    assert [p.key for p in by["missing:chen.jing:2026-03-19"].to] == ["chen.jing"]
    assert [p.key for p in by["sign:CR-001:client"].to] == ["li.na"]
    assert [p.key for p in by["blocker:B-001"].to] == ["zhang.wei"]
    zh = [r.text("zh") for r in due.reminders]
    assert "陈静（chen.jing）在 2026-03-19 没有登记工时，请补登" in zh
    assert "变更申请单 CR-001（增加欺诈风险提示）等待甲方签字确认：李娜（li.na）" in zh
    assert "阻塞问题 B-001（测试环境 VPN 未开通，责任方：甲方）已持续 15 个工作日" in zh
    assert ("义务事项 ENV-ACCESS（Test environment and VPN accounts，甲方）应于 2026-03-06 "
            "完成，尚未完成，已逾期 10 个工作日") in zh
    en = [r.text("en") for r in due.reminders]
    assert "陈静 (chen.jing) has no time entry on 2026-03-19: please log your hours" in en
    assert ("change request CR-001 (增加欺诈风险提示) is waiting for the client party's "
            "signature: 李娜 (li.na)") in en


def test_a_person_away_gone_or_not_yet_in_is_not_reminded(led: Ledger) -> None:
    """The rule of the dashboard's "missing" alert: wang.fang is away on 03-19; once
    chen.jing's last day is 03-18 she is not expected on the 19th either."""
    led.leave("chen.jing", "2026-03-18")
    subjects = {r.subject for r in led.reminders().reminders}
    assert not {s for s in subjects if s.startswith("missing:")}
    alerts = led.alerts(led.summary())
    assert not [a for a in alerts if a.kind == "missing"]


def test_due_today_counts_and_done_or_signed_does_not(led: Ledger) -> None:
    """An obligation due today is reminded (the dashboard calls it overdue only from
    tomorrow); done, it is not; a CR signed by both parties waits for nobody."""
    assert "obligation:ENV-ACCESS" in {r.subject for r in led.reminders("2026-03-06").reminders}
    assert "obligation:ENV-ACCESS" not in {r.subject
                                           for r in led.reminders("2026-03-05").reminders}
    led.obligation_done("ENV-ACCESS", "2026-03-20")
    led.acting_as("li.na").sign_cr("CR-001", "2026-03-20")
    subjects = {r.subject for r in led.reminders().reminders}
    assert "obligation:ENV-ACCESS" not in subjects and "sign:CR-001:client" not in subjects


def test_a_period_signed_by_one_party_waits_for_the_other(led: Ledger) -> None:
    led.acting_as("li.na").sign_period("2026-03-02", "2026-03-08", "2026-03-10")
    by = {r.subject: r for r in led.reminders().reminders}
    assert [p.key for p in by["sign:TS-001:vendor"].to] == ["zhang.wei", "zhao.min"]
    assert by["sign:TS-001:vendor"].text("zh") == (
        "工时确认单 TS-001（2026-03-02..2026-03-08）等待乙方签字确认：张伟（zhang.wei）、"
        "赵敏（zhao.min）")


def test_waiting_parties_follows_who_may_sign() -> None:
    assert rules.waiting_parties([]) == ("vendor", "client")
    assert rules.waiting_parties([("vendor", "lead")]) == ("client",)
    assert rules.waiting_parties([("vendor", "engineer")]) == ("vendor", "client")
    assert rules.waiting_parties([("vendor", "signatory"), ("client", "signatory")]) == ()


# ---------------------------------------------------------------- real servers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Mailbox:
    def __init__(self) -> None:
        self.mails: list[tuple[list[str], Any]] = []
        self.refuse: set[str] = set()  # recipients answered 550
        self.logins: list[tuple[bytes, bytes]] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: Any) -> str:  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                     data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult

        self.logins.append((data.login, data.password))
        return AuthResult(success=data.password == "p@ss 密码".encode())

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.mails.append((list(envelope.rcpt_tos),
                           message_from_bytes(envelope.original_content,
                                              policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[int, _Mailbox]]:
    from aiosmtpd.controller import Controller

    box = _Mailbox()
    port = _free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port, auth_require_tls=False,
                            authenticator=box.authenticate)
    controller.start()
    try:
        yield port, box
    finally:
        controller.stop()
        asyncio.set_event_loop(None)


class _Robot(BaseHTTPRequestHandler):
    answers = {"/ding": {"errcode": 0, "errmsg": "ok"}, "/feishu": {"code": 0, "msg": "success"},
               "/wecom": {"errcode": 0, "errmsg": "ok"},
               "/refuses": {"errcode": 310000, "errmsg": "sign not match"}}

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        path = urlsplit(self.path)
        self.server.posts.append((path.path, parse_qs(path.query),  # type: ignore[attr-defined]
                                  self.headers["Content-Type"], json.loads(body)))
        answer = json.dumps(self.answers[path.path]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def robots() -> Iterator[tuple[str, list[Any]]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Robot)
    server.posts = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.posts  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


def _config(path: Path, smtp_port: int, base: str, extra: str = "") -> None:
    path.write_text(f"""
person = "zhang.wei"

[remind.email]
"chen.jing" = "chen.jing@vendor.example"
"li.na" = "li.na@client.example"
"zhang.wei" = "zhang.wei@vendor.example"

[[remind.channel]]
name = "mail"
type = "email"
host = "127.0.0.1"
port = {smtp_port}
security = "none"
from = "sowtrack@vendor.example"
to = ["pmo@vendor.example"]

[[remind.channel]]
name = "钉钉群"
type = "dingtalk"
url = "{base}/ding?access_token=tok"
secret_env = "TEST_DING_SECRET"

[[remind.channel]]
name = "feishu"
type = "feishu"
url = "{base}/feishu"
secret_env = "TEST_FEISHU_SECRET"

[[remind.channel]]
name = "wecom"
type = "wecom"
url = "{base}/wecom?key=k"
{extra}""", encoding="utf-8")


@pytest.fixture
def configured(tmp_path: Path, _isolated_config: Path, smtp: tuple[int, _Mailbox],
               robots: tuple[str, list[Any]], monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TEST_DING_SECRET", SECRET)
    monkeypatch.setenv("TEST_FEISHU_SECRET", SECRET)
    _config(_isolated_config, smtp[0], robots[0])
    return _isolated_config


def test_each_channel_gets_its_documented_shape_signed_once_a_day(
        led: Ledger, configured: Path, smtp: tuple[int, _Mailbox],
        robots: tuple[str, list[Any]], capsys: pytest.CaptureFixture[str]) -> None:
    history = cli(capsys, led, "history", "--limit", "1")[1]
    rc, out, err = cli(capsys, led, "--as", "zhang.wei", "remind")
    assert (rc, err) == (0, "")
    assert "mail: sent 4 reminder(s) in 4 message(s)" in out
    assert "钉钉群: sent 4 reminder(s) in 1 message(s)" in out

    # e-mail: each person their own, the PMO every one; UTF-8 Chinese subject and body
    mails = {tuple(to): msg for to, msg in smtp[1].mails}
    assert set(mails) == {("chen.jing@vendor.example",), ("li.na@client.example",),
                          ("zhang.wei@vendor.example",), ("pmo@vendor.example",)}
    chen = mails[("chen.jing@vendor.example",)]
    assert chen["Subject"] == "sowtrack CLAIMS-AGENT-2026：2026-03-20 的提醒"
    assert chen["From"] == "sowtrack@vendor.example"
    assert chen.get_content_charset() == "utf-8"
    assert "陈静（chen.jing）在 2026-03-19 没有登记工时，请补登" in chen.get_content()
    assert "CR-001" not in chen.get_content()
    lead = mails[("zhang.wei@vendor.example",)].get_content()
    assert "B-001" in lead and "ENV-ACCESS" in lead and "chen.jing" not in lead
    assert mails[("pmo@vendor.example",)].get_content().count("\n- ") == 4

    posts = {path: (query, ctype, body) for path, query, ctype, body in robots[1]}
    assert set(posts) == {"/ding", "/feishu", "/wecom"}
    # DingTalk: msgtype/text.content; timestamp (ms) and sign in the query
    query, ctype, body = posts["/ding"]
    assert ctype.startswith("application/json")
    assert set(body) == {"msgtype", "text"} and body["msgtype"] == "text"
    assert "等待甲方签字确认" in body["text"]["content"]
    ts = query["timestamp"][0]
    expected = base64.b64encode(hmac.new(SECRET.encode(), f"{ts}\n{SECRET}".encode(),
                                         hashlib.sha256).digest()).decode()
    assert query["sign"] == [expected] and query["access_token"] == ["tok"]
    assert len(ts) == 13  # milliseconds
    # Feishu: msg_type/content.text; timestamp (s) and sign in the body
    _, _, body = posts["/feishu"]
    assert set(body) == {"timestamp", "sign", "msg_type", "content"}
    assert body["msg_type"] == "text" and "B-001" in body["content"]["text"]
    key = f"{body['timestamp']}\n{SECRET}".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert len(body["timestamp"]) == 10  # seconds
    # WeCom: msgtype/text.content, no signing
    query, _, body = posts["/wecom"]
    assert set(body) == {"msgtype", "text"} and set(body["text"]) == {"content"}
    assert query == {"key": ["k"]}

    # what was sent is no fact of the contract: no audit row, and verify still agrees
    assert cli(capsys, led, "history", "--limit", "1")[1] == history
    rc, out, _ = cli(capsys, led, "verify")
    assert rc == 0 and out.startswith("ok: ")
    # a second run the same day sends nothing new
    before = (len(smtp[1].mails), len(robots[1]))
    rc, out, err = cli(capsys, led, "remind")
    assert (rc, err) == (0, "")
    assert (len(smtp[1].mails), len(robots[1])) == before
    assert "wecom: sent 0 reminder(s) in 0 message(s); 4 already sent today" in out
    # a new subject that day goes alone
    led.add_blocker("Old one", "vendor", on="2026-03-09")
    rc, out, _ = cli(capsys, led, "remind")
    assert rc == 0 and "wecom: sent 1 reminder(s) in 1 message(s); 4 already sent today" in out
    assert "B-003" in robots[1][-1][3]["text"]["content"]
    assert "B-001" not in robots[1][-1][3]["text"]["content"]


def test_the_next_day_reminds_again(led: Ledger, configured: Path,
                                    robots: tuple[str, list[Any]],
                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(capsys, led, "remind")[0] == 0
    n = len(robots[1])
    assert cli(capsys, led, "remind", "--on", "2026-03-23")[0] == 0
    assert len(robots[1]) == n + 3
    assert "blocker B-001" not in robots[1][-1][3]["text"]["content"]  # zh: 阻塞问题
    assert "阻塞问题 B-001" in robots[1][-1][3]["text"]["content"]


def test_dry_run_prints_and_records_nothing(led: Ledger, configured: Path,
                                            smtp: tuple[int, _Mailbox],
                                            robots: tuple[str, list[Any]],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = cli(capsys, led, "remind", "--dry-run")
    assert rc == 0
    assert "wecom (wecom): would send 1 message(s)" in out
    assert "  to li.na@client.example: sowtrack CLAIMS-AGENT-2026：2026-03-20 的提醒" in out
    assert "    - 陈静（chen.jing）在 2026-03-19 没有登记工时，请补登" in out
    assert smtp[1].mails == [] and robots[1] == []
    assert led.sent_reminders(led.reminders().on, "wecom") == set()
    assert cli(capsys, led, "remind", "--dry-run")[1] == out  # the same again


def test_an_unreachable_channel_is_one_line_and_the_others_still_go(
        led: Ledger, tmp_path: Path, _isolated_config: Path, smtp: tuple[int, _Mailbox],
        robots: tuple[str, list[Any]], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TEST_DING_SECRET", SECRET)
    monkeypatch.setenv("TEST_FEISHU_SECRET", SECRET)
    dead = _free_port()
    _config(_isolated_config, dead, robots[0], extra=f"""
[[remind.channel]]
name = "gone"
type = "wecom"
url = "http://127.0.0.1:{dead}/wecom?key=k"

[[remind.channel]]
name = "refused"
type = "dingtalk"
url = "{robots[0]}/refuses?access_token=t"
""")
    rc, out, err = cli(capsys, led, "remind")
    assert rc == 1
    assert err.splitlines() == [
        f"error: remind channel mail (email): cannot reach the mail server 127.0.0.1:{dead}: "
        "Connection refused",
        f"error: remind channel gone (wecom): cannot reach 127.0.0.1:{dead}: Connection refused",
        "error: remind channel refused (dingtalk): the server answered errcode 310000: "
        "sign not match"]
    assert "钉钉群: sent 4" in out and "feishu: sent 4" in out and "wecom: sent 4" in out
    assert "Traceback" not in err
    day = led.reminders().on
    # a channel that failed recorded nothing: the next run tries it again
    assert led.sent_reminders(day, "mail") == set()
    assert led.sent_reminders(day, "gone") == set()
    assert led.sent_reminders(day, "refused") == set()
    assert len(led.sent_reminders(day, "wecom")) == 4
    _config(_isolated_config, smtp[0], robots[0])  # the mail server is back
    rc, out, err = cli(capsys, led, "remind")
    assert (rc, err) == (0, "")
    assert "mail: sent 4 reminder(s) in 4 message(s)" in out
    assert "wecom: sent 0 reminder(s) in 0 message(s); 4 already sent today" in out
    assert len(smtp[1].mails) == 4


def test_what_was_sent_is_claimed_once_in_the_ledger(led: Ledger, db_url: str) -> None:
    """Two machines on one ledger: the second claim of a subject the same day gets
    nothing; a released (failed) one can be claimed again."""
    other = Ledger.open(db_url).for_project(led.project_code).acting_as("zhang.wei")
    day = led.reminders().on
    assert led.claim_reminders(day, "mail", ["a", "b"]) == ["a", "b"]
    assert other.claim_reminders(day, "mail", ["b", "c"]) == ["c"]
    assert other.claim_reminders(day, "team", ["b"]) == ["b"]  # another channel
    led.release_reminders(day, "mail", ["b"])
    assert other.claim_reminders(day, "mail", ["a", "b"]) == ["b"]
    assert led.sent_reminders(day, "mail") == {"a", "b", "c"}
    other.engine.dispose()


def test_remind_without_channels_or_with_a_bad_config_is_one_line(
        led: Ledger, _isolated_config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = cli(capsys, led, "remind")
    assert (rc, out) == (1, "")
    assert err == (f"error: config file {_isolated_config}: no [[remind.channel]] to send "
                   "through (see the README, Reminders)\n")
    rc, out, _ = cli(capsys, led, "remind", "--dry-run")  # prints what is due
    assert rc == 0 and "4 reminder(s), no channel set:" in out
    for body, said in [
        ('[[remind.channel]]\nname = "m"\ntype = "email"\nhost = "h"\nfrom = "a@b"\n'
         'password = "hunter2"\n',
         "remind.channel[1].password: not kept in the file; name the environment variable "
         "that holds it in password_env"),
        ('[[remind.channel]]\nname = "m"\ntype = "slack"\nurl = "https://x"\n',
         "remind.channel[1].type: 'slack' is not one of email, dingtalk, feishu, wecom"),
        ('[[remind.channel]]\nname = "m"\ntype = "email"\nhost = "h"\nport = 0\n'
         'from = "a@b"\n', "remind.channel[1].port: must be a port number (1-65535)"),
        ('[remind.email]\n"li.na" = "not an address"\n',
         "remind.email.li.na: 'not an address' is not an e-mail address"),
        ('[remind.email]\n"li.na" = "李娜@client.example"\n',
         "remind.email.li.na: '李娜@client.example': only ASCII addresses can be sent to"),
        ('[[remind.channel]]\nname = "w"\ntype = "wecom"\n',
         "remind.channel[1].url: missing"),
        ('remind = 3\n', "remind: must be a table ([remind])"),
    ]:
        _isolated_config.write_text(body, encoding="utf-8")
        rc, out, err = cli(capsys, led, "remind", "--dry-run")
        assert (rc, out) == (1, "")
        assert err == f"error: config file {_isolated_config}: {said}\n"


def test_a_secret_named_but_not_set_fails_that_channel(
        led: Ledger, configured: Path, robots: tuple[str, list[Any]],
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("TEST_DING_SECRET")
    rc, out, err = cli(capsys, led, "remind")
    assert rc == 1
    assert err == ("error: remind channel 钉钉群 (dingtalk): the environment variable "
                   "TEST_DING_SECRET is not set\n")
    assert {p[0] for p in robots[1]} == {"/feishu", "/wecom"}


def test_config_set_keeps_the_remind_table(_isolated_config: Path) -> None:
    from storage.config import set_value
    from storage.remind_config import load_remind

    _isolated_config.write_text('[[remind.channel]]\nname = "w"\ntype = "wecom"\n'
                                'url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"\n',
                                encoding="utf-8")
    set_value("person", "zhang.wei")
    assert [c.name for c in load_remind().channels] == ["w"]
    assert 'person = "zhang.wei"' in _isolated_config.read_text(encoding="utf-8")


def test_a_robot_message_is_split_under_wecoms_limit() -> None:
    from datetime import date

    many = [rm.Reminder("blocker", f"blocker:B-{i:03d}", (),
                        (f"B-{i:03d}", "很长的标题" * 10, "client", "9")) for i in range(40)]
    channel = rm.Channel("w", "wecom", url="https://x")
    out, lost = rm.plan(channel, rm.RemindConfig(), "P", date(2026, 3, 20), many, "zh")
    assert lost == [] and len(out) > 1
    assert all(len(m.text.encode()) <= rm.TEXT_LIMIT["wecom"] for m in out)
    assert [s for m in out for s in m.subjects] == [r.subject for r in many]


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_bound_login_roles_record_sends_in_their_own_name_only(
        db_url: str, roles: Any, _isolated_config: Path, robots: tuple[str, list[Any]],
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """On a shared PostgreSQL ledger the lead's cron job records its sends as the lead;
    a login role bound to nobody may not record any; nobody writes a row in another's
    name or removes another's (row-level security, migration 0017)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.pool import NullPool

    from .test_pg_rls import LI, ZHANG, Team

    monkeypatch.delenv("SOWTRACK_USER", raising=False)
    monkeypatch.setenv("SOWTRACK_TODAY", TODAY)
    team = Team(db_url, roles)
    try:
        assert team.cli(ZHANG, "blocker", "add", "--title", "VPN", "--party", "client",
                        "--on", "2026-03-02") == 0
        _isolated_config.write_text(f'[[remind.channel]]\nname = "wecom"\ntype = "wecom"\n'
                                    f'url = "{robots[0]}/wecom?key=k"\n', encoding="utf-8")
        assert team.cli(ZHANG, "remind") == 0, capsys.readouterr().err
        assert len(robots[1]) == 1
        assert team.cli(ZHANG, "remind") == 0 and len(robots[1]) == 1  # once a day
        capsys.readouterr()
        assert team.cli(None, "remind", "--on", "2026-03-23") == 1
        err = capsys.readouterr().err
        assert "bound to no person, may not record reminders sent" in err
        assert len(robots[1]) == 1
        owner = create_engine(db_url, poolclass=NullPool)
        with owner.connect() as c:
            rows = c.execute(text("SELECT subject, sent_by FROM reminder_sent")).all()
        owner.dispose()
        assert rows and {by for _, by in rows} == {ZHANG}

        def attempt(who: str, statement: str) -> str | int:
            engine = create_engine(team.url[who], poolclass=NullPool)
            try:
                with engine.begin() as c:
                    return c.execute(text(statement)).rowcount
            except DBAPIError as exc:
                return str(getattr(exc.orig, "sqlstate", exc.orig))
            finally:
                engine.dispose()

        insert = ("INSERT INTO reminder_sent (project_id, day, channel, subject, sent_at, "
                  "sent_by) SELECT id, '2026-03-20', 'x', 'y', now(), '{0}' FROM project")
        assert attempt(LI, insert.format(ZHANG)) == "42501"
        assert attempt(LI, insert.format(LI)) == 1
        assert attempt(LI, "DELETE FROM reminder_sent WHERE sent_by = 'zhang.wei'") == 0
        assert attempt(LI, "UPDATE reminder_sent SET day = '2026-03-21'") == "42501"
    finally:
        team.owner.engine.dispose()


def test_one_refused_address_does_not_stop_the_other_mails(
        led: Ledger, configured: Path, smtp: tuple[int, _Mailbox],
        capsys: pytest.CaptureFixture[str]) -> None:
    smtp[1].refuse = {"li.na@client.example"}
    rc, out, err = cli(capsys, led, "remind")
    assert rc == 1
    assert err == (f"error: remind channel mail (email): the mail server 127.0.0.1:{smtp[0]} "
                   "refused: li.na@client.example: 550 5.1.1 no such mailbox\n")
    assert sorted(to for to, _ in smtp[1].mails) == [
        ["chen.jing@vendor.example"], ["pmo@vendor.example"], ["zhang.wei@vendor.example"]]
    day = led.reminders().on
    # CR-001's reminder did not reach li.na: it is tried again; the others went
    assert led.sent_reminders(day, "mail") == {"missing:chen.jing:2026-03-19",
                                               "blocker:B-001", "obligation:ENV-ACCESS"}
    smtp[1].refuse = set()
    assert cli(capsys, led, "remind")[0] == 0
    assert sorted(to for to, _ in smtp[1].mails[3:]) == [["li.na@client.example"],
                                                         ["pmo@vendor.example"]]


def test_the_smtp_login_reads_its_password_from_the_environment(
        led: Ledger, tmp_path: Path, _isolated_config: Path, smtp: tuple[int, _Mailbox],
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _isolated_config.write_text(f"""
[remind.email]
"chen.jing" = "chen.jing@vendor.example"

[[remind.channel]]
name = "mail"
type = "email"
host = "127.0.0.1"
port = {smtp[0]}
security = "none"
user = "sowtrack"
password_env = "TEST_SMTP_PASSWORD"
from = "sowtrack@vendor.example"
timeout = 1
""", encoding="utf-8")
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "wrong")
    rc, _, err = cli(capsys, led, "remind")
    # (after the refused PLAIN login smtplib tries LOGIN, which aiosmtpd leaves unanswered
    # until the channel's timeout: a real server answers 535 at once)
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert rc == 1 and len(errors) == 1
    assert errors[0].startswith(f"error: remind channel mail (email): the mail server "
                                f"127.0.0.1:{smtp[0]} refused: ")
    assert smtp[1].mails == [] and smtp[1].logins[0] == (b"sowtrack", b"wrong")
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "p@ss 密码")
    rc, out, err = cli(capsys, led, "remind")
    assert rc == 0, err
    assert smtp[1].logins[-1] == (b"sowtrack", "p@ss 密码".encode())
    assert [to for to, _ in smtp[1].mails] == [["chen.jing@vendor.example"]]


def test_two_machines_running_remind_at_once_send_each_reminder_once(
        led: Ledger, tmp_path: Path, _isolated_config: Path, robots: tuple[str, list[Any]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Two cron jobs on one ledger, started together as separate processes: the robot
    gets each reminder once, whichever claims first."""
    import subprocess

    from .processes import SOWTRACK, children, cli_env

    _isolated_config.write_text(f'[[remind.channel]]\nname = "wecom"\ntype = "wecom"\n'
                                f'url = "{robots[0]}/wecom?key=k"\n', encoding="utf-8")
    url = led.engine.url.render_as_string(hide_password=False)
    argv = [str(SOWTRACK), "--db", url, "--project", "CLAIMS-AGENT-2026", "--as",
            "zhang.wei", "remind"]
    with children() as started:
        for _ in range(2):
            started.append(subprocess.Popen(argv, stdout=subprocess.PIPE,
                                            stderr=subprocess.PIPE, text=True,
                                            env=cli_env(SOWTRACK_TODAY=TODAY)))
        done = [p.communicate(timeout=120) for p in started]
        assert [p.returncode for p in started] == [0, 0], done
    outs = sorted(out for out, _ in done)
    assert outs == ["wecom: sent 0 reminder(s) in 0 message(s); 4 already sent today\n",
                    "wecom: sent 4 reminder(s) in 1 message(s)\n"]
    assert len(robots[1]) == 1


def test_nobody_is_asked_to_log_a_day_that_takes_no_entry(led: Ledger) -> None:
    """A day in a period being signed, or after the SOW's end, takes no entry: nobody is
    reminded of it (nor alerted on the dashboard)."""
    def missing(on: str | None = None) -> set[str]:
        return {r.subject for r in led.reminders(on).reminders if r.kind == "missing"}

    assert missing() == {"missing:chen.jing:2026-03-19"}
    led.sign_period("2026-03-16", "2026-03-19", "2026-03-20")
    assert missing() == set()
    assert not [a for a in led.alerts(led.summary()) if a.kind == "missing"]
    assert missing("2026-06-02") == set()  # the SOW ended on Friday 05-29


@pytest.mark.parametrize("value", ["nan", "inf", "1e400", "1e300"])
def test_a_timeout_that_is_not_a_finite_number_is_refused_by_the_config(
        tmp_path: Path, value: str) -> None:
    # a socket cannot wait NaN or infinite seconds: it raised ValueError/OverflowError
    # mid-send, a traceback, instead of a refusal naming the key
    from model.errors import LedgerError
    from storage.remind_config import load_remind

    path = tmp_path / "config.toml"
    path.write_text('[[remind.channel]]\nname = "w"\ntype = "wecom"\n'
                    f'url = "https://x.example/hook"\ntimeout = {value}\n', encoding="utf-8")
    with pytest.raises(LedgerError, match=r"remind\.channel\[1\]\.timeout: must be a "
                                          r"number of seconds above 0 and at most 3600"):
        load_remind(path)


@pytest.mark.parametrize(("key", "value"), [
    ("name", "te\\u001b[31mam"), ("url", "https://x.example/hook\\r\\nX-Evil: 1")])
def test_a_config_string_with_a_control_character_is_refused_naming_the_key(
        tmp_path: Path, key: str, value: str) -> None:
    # a channel's name is printed and recorded in the ledger (reminder_sent.channel):
    # an ESC in it reached the terminal as an escape sequence, and the ledger as is
    from model.errors import LedgerError
    from storage.remind_config import load_remind

    fields = {"name": "w", "type": "wecom", "url": "https://x.example/hook", key: value}
    path = tmp_path / "config.toml"
    path.write_text("[[remind.channel]]\n" + "".join(f'{k} = "{v}"\n'
                                                     for k, v in fields.items()),
                    encoding="utf-8")
    with pytest.raises(LedgerError, match=rf"remind\.channel\[1\]\.{key}: must be one line "
                                          r"without control characters"):
        load_remind(path)


def test_one_working_day_late_and_a_person_without_a_name_read_right() -> None:
    from datetime import date

    late = rm.Reminder("obligation", "obligation:ENV", (),
                       ("ENV", "Test environment", "client", "2026-03-06", "1"))
    assert late.text("en") == ("obligation ENV (Test environment, client party) is due "
                               "2026-03-06 and not done, 1 working day late")
    assert late.text("zh").endswith("，已逾期 1 个工作日")
    two = rm.Reminder("obligation", "obligation:ENV", (),
                      ("ENV", "Test environment", "client", "2026-03-06", "2"))
    assert two.text("en").endswith("not done, 2 working days late")
    # a person whose name is their id: a space between the id and the Chinese, as
    # between the date and the Chinese
    bare = rm.Reminder("missing", "missing:chen.jing:2026-03-19",
                       (rm.Person("chen.jing", "chen.jing"),), ("2026-03-19",))
    assert bare.text("zh") == "chen.jing 在 2026-03-19 没有登记工时，请补登"
    named = rm.Reminder("missing", "missing:chen.jing:2026-03-19",
                        (rm.Person("chen.jing", "陈静"),), ("2026-03-19",))
    assert named.text("zh") == "陈静（chen.jing）在 2026-03-19 没有登记工时，请补登"
    assert rm.message("P", date(2026, 3, 20), [bare], "en").endswith(
        "- chen.jing has no time entry on 2026-03-19: please log your hours")


def test_a_mail_host_that_is_no_host_name_is_one_line_and_records_nothing(
        led: Ledger, _isolated_config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # "exa..mple" cannot be encoded (IDNA: an empty label): smtplib raised UnicodeError,
    # a traceback, and the channel's claims stayed recorded: the next run, the host
    # corrected, said "already sent today" and sent nothing that day
    _isolated_config.write_text(
        '[[remind.channel]]\nname = "mail"\ntype = "email"\nhost = "exa..mple"\n'
        'security = "none"\nfrom = "sowtrack@vendor.example"\nto = ["pmo@vendor.example"]\n',
        encoding="utf-8")
    rc, out, err = cli(capsys, led, "remind")
    assert (rc, out) == (1, "")
    assert err.startswith("error: remind channel mail (email): cannot reach the mail server "
                          "exa..mple:587: ") and err.count("\n") == 1, err
    assert led.sent_reminders(led.reminders().on, "mail") == set()


def test_a_dry_run_refuses_an_unknown_acting_person_as_the_run_does(
        led: Ledger, _isolated_config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the dry run listed what was due for --as ghost, exit 0; the run itself refused it
    rc, out, err = cli(capsys, led, "--as", "ghost", "remind", "--dry-run")
    assert (rc, out, err) == (1, "", "error: --as: unknown person 'ghost'\n")


def test_one_reminder_longer_than_wecoms_limit_is_cut_not_refused() -> None:
    # a change request's title has no length limit: alone over 2048 bytes, the message
    # was refused by WeCom every run, and the reminders after it in the run never went
    from datetime import date

    long = rm.Reminder("sign", "sign:CR-001:client", (rm.Person("li.na", "李娜"),),
                       ("cr", "CR-001", "很长的变更标题" * 200, "client"))
    short = rm.Reminder("blocker", "blocker:B-001", (), ("B-001", "VPN", "client", "9"))
    channel = rm.Channel("w", "wecom", url="https://x")
    out, _ = rm.plan(channel, rm.RemindConfig(), "P", date(2026, 3, 20), [long, short], "zh")
    assert [m.subjects for m in out] == [("sign:CR-001:client",), ("blocker:B-001",)]
    assert all(len(m.text.encode()) <= rm.TEXT_LIMIT["wecom"] for m in out)
    assert out[0].text.startswith("sowtrack P：2026-03-20 的提醒\n- 变更申请单 CR-001（很长")
    assert out[0].text.endswith("…")


def test_control_characters_in_remind_email_are_refused_and_never_printed(
        tmp_path: Path) -> None:
    # a DEL passed the address check (it refused only codes below 32), and a person id
    # was printed as is in the refusal, an ESC and all
    from model.errors import LedgerError
    from storage.remind_config import load_remind

    path = tmp_path / "config.toml"
    path.write_text('[remind.email]\n"li.na" = "li\\u007f@client.example"\n',
                    encoding="utf-8")
    with pytest.raises(LedgerError, match=r"remind\.email\.li\.na: 'li\\x7f@client.example' "
                                          r"is not an e-mail address"):
        load_remind(path)
    path.write_text('[remind.email]\n"li\\u001b[2J" = "x"\n', encoding="utf-8")
    with pytest.raises(LedgerError) as refused:
        load_remind(path)
    assert "\x1b" not in str(refused.value)
    assert "remind.email.'li\\x1b[2J': 'x' is not an e-mail address" in str(refused.value)


def test_a_dry_run_says_a_secret_named_but_not_set(
        led: Ledger, configured: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    # the dry run said the channel would send; the run (cron's bare environment) failed
    monkeypatch.delenv("TEST_DING_SECRET")
    rc, out, err = cli(capsys, led, "remind", "--dry-run")
    assert rc == 0 and "钉钉群 (dingtalk): would send 1 message(s)" in out
    assert err == ("note: 钉钉群: the environment variable TEST_DING_SECRET is not set: "
                   "the run would fail\n")
