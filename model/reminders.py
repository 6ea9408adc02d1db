"""Reminders (``sowtrack remind``, issue 15): what is due to whom today, in plain words.

Four kinds of subject, each decided by the rule that already decides it elsewhere:

* ``missing``: an engineer with no time entry on the last working day before today
  (the dashboard's "missing" alert: :func:`model.rules.last_working_day_before`, and
  who is active that day, :func:`model.rules.staffing.active_on`);
* ``sign``: a change request, period timesheet, scope or acceptance waiting for a
  party's signature (:func:`model.rules.waiting_parties`, from who may sign);
  the people reminded are those of that party who may sign;
* ``blocker``: a blocker open for more than :data:`model.rules.BLOCKER_ALERT_DAYS`
  working days (:func:`model.rules.alerts.blocker_overdue`);
* ``obligation``: an obligation of the SOW due today or overdue and not done
  (:func:`model.rules.obligations.is_due`).

A :class:`Reminder`'s ``subject`` is stable for one day: it is what a channel records
as sent, so that a second run the same day sends nothing new.

The channels a reminder goes through (e-mail, group-robot webhooks) are described by
:class:`Channel`; :mod:`storage.remind_config` reads them from the config file and
:mod:`exports.notify` sends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from model.i18n import before_chinese

KINDS: tuple[str, ...] = ("missing", "sign", "blocker", "obligation")

#: the kinds of document a signature is waited for, in the words of each language
DOC_WORDS = {
    "en": {"cr": "change request", "period": "period timesheet", "scope": "scope",
           "acceptance": "acceptance"},
    "zh": {"cr": "变更申请单", "period": "工时确认单", "scope": "需求范围确认",
           "acceptance": "验收"},
}
PARTY_WORDS = {"en": {"vendor": "vendor", "client": "client"},
               "zh": {"vendor": "乙方", "client": "甲方"}}

#: a reminder's sentence per kind and language; :attr:`Reminder.args` fill the slots
TEXT = {
    "en": {
        "missing": "{0} has no time entry on {1}: please log your hours",
        "sign": "{0} {1} ({2}) is waiting for the {3} party's signature: {4}",
        "blocker": "blocker {0} ({1}, owned by the {2} party) has been open for {3} "
                   "working days",
        "obligation": "obligation {0} ({1}, {2} party) is due {3} and not done{4}",
    },
    "zh": {
        "missing": "{0}在 {1} 没有登记工时，请补登",
        "sign": "{0} {1}（{2}）等待{3}签字确认：{4}",
        "blocker": "阻塞问题 {0}（{1}，责任方：{2}）已持续 {3} 个工作日",
        "obligation": "义务事项 {0}（{1}，{2}）应于 {3} 完成，尚未完成{4}",
    },
}
HEADER = {"en": "sowtrack {0}: reminders for {1}", "zh": "sowtrack {0}：{1} 的提醒"}
LATE = {"en": ", {0} working days late", "zh": "，已逾期 {0} 个工作日"}
LATE_ONE = {"en": ", {0} working day late", "zh": LATE["zh"]}


def language(lang: str | None) -> str:
    """``zh`` for a Chinese SOW, else ``en`` (the languages the vocabulary exists in)."""
    return "zh" if (lang or "").lower().startswith("zh") else "en"


@dataclass(frozen=True)
class Person:
    """Who a reminder is about or addressed to: the id and the name."""

    key: str
    name: str

    def words(self, lang: str = "en") -> str:
        if not self.name or self.name == self.key:
            return self.key
        return f"{self.name}（{self.key}）" if lang == "zh" else f"{self.name} ({self.key})"


@dataclass(frozen=True)
class Reminder:
    """One thing due: ``kind`` (:data:`KINDS`), a ``subject`` stable for the day (what a
    channel records as sent), the people it is addressed to (``to``) and the values its
    sentence names (``values``: see :meth:`text`)."""

    kind: str
    subject: str
    to: tuple[Person, ...]
    values: tuple[str, ...] = field(default=())

    def text(self, lang: str = "en") -> str:
        """The sentence in ``lang`` (``en`` or ``zh``), user text as is (it goes into a
        plain-text message, never markup)."""
        lang = language(lang)
        v = self.values
        if self.kind == "missing":
            who = self.to[0].words(lang)
            if lang == "zh":
                who = before_chinese(who)
            return TEXT[lang]["missing"].format(who, v[0])
        if self.kind == "sign":
            doc, number, title, party = v
            return TEXT[lang]["sign"].format(DOC_WORDS[lang][doc], number, title,
                                             PARTY_WORDS[lang][party],
                                             ("、" if lang == "zh" else ", ").join(
                                                 p.words(lang) for p in self.to) or "-")
        if self.kind == "blocker":
            number, title, party, days = v
            return TEXT[lang]["blocker"].format(number, title, PARTY_WORDS[lang][party], days)
        key, title, party, due, late = v
        tail = (LATE_ONE if late == "1" else LATE)[lang].format(late) if late != "0" else ""
        return TEXT[lang]["obligation"].format(key, title, PARTY_WORDS[lang][party], due,
                                               tail)


def header(project: str, on: date, lang: str = "en") -> str:
    """The first line of a message: the project and the day."""
    return HEADER[language(lang)].format(project, on.isoformat())


def message(project: str, on: date, reminders: Sequence[Reminder], lang: str = "en") -> str:
    """The plain text of one message: the header, then one line per reminder."""
    return "\n".join([header(project, on, lang),
                      *(f"- {r.text(lang)}" for r in reminders)])


# ---------------------------------------------------------------- channels

CHANNEL_TYPES: tuple[str, ...] = ("email", "dingtalk", "feishu", "wecom")
SECURITY: tuple[str, ...] = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class Channel:
    """A way reminders go out, as the config file's ``[[remind.channel]]`` sets it.

    ``email``: ``host``, ``port``, ``security`` (:data:`SECURITY`), ``user`` and the
    password read from the environment variable ``password_env``, ``sender`` (the From
    address); each reminder goes to the address of each person it is addressed to
    (``addresses``), and every reminder to the extra addresses ``to``.
    ``dingtalk``/``feishu``/``wecom``: a group robot's webhook ``url``, and for DingTalk
    and Feishu an optional signing secret read from ``secret_env``."""

    name: str
    type: str
    url: str = ""
    secret_env: str | None = None
    host: str = ""
    port: int = 0
    security: str = "starttls"
    user: str | None = None
    password_env: str | None = None
    sender: str = ""
    to: tuple[str, ...] = ()
    timeout: float = 10.0


@dataclass(frozen=True)
class RemindConfig:
    """The config file's ``[remind]`` table: the channels, and each person's e-mail
    address (``[remind.email]``: person id = address)."""

    channels: tuple[Channel, ...] = ()
    addresses: tuple[tuple[str, str], ...] = ()

    def address(self, person: str) -> str | None:
        return dict(self.addresses).get(person)


# ---------------------------------------------------------------- what each channel sends

#: the most a robot's text message may hold, in UTF-8 bytes (WeCom documents 2048 for
#: text.content; DingTalk and Feishu take far more: 20 KB for Feishu's whole body)
TEXT_LIMIT = {"wecom": 2000, "dingtalk": 18000, "feishu": 18000}


@dataclass(frozen=True)
class Outgoing:
    """One message a channel sends: to whom (e-mail addresses; a robot: its group),
    the subjects it carries (recorded as sent once it went) and its subject line and
    text."""

    to: tuple[str, ...]
    subjects: tuple[str, ...]
    title: str
    text: str


def plan(channel: Channel, config: RemindConfig, project: str, on: date,
         reminders: Sequence[Reminder], lang: str) -> tuple[list[Outgoing], list[Reminder]]:
    """The messages ``channel`` sends for ``reminders``, and the reminders it cannot
    deliver (e-mail: nobody it is addressed to has an address, and the channel has no
    ``to``). A robot posts them to its group, as few messages as its size limit allows;
    e-mail sends each address the reminders addressed to its person, and the channel's
    ``to`` every reminder."""
    title = header(project, on, lang)
    if channel.type != "email":
        limit = TEXT_LIMIT.get(channel.type, 2000)
        out: list[Outgoing] = []
        chunk: list[Reminder] = []
        for r in reminders:
            if chunk and len(message(project, on, [*chunk, r], lang).encode()) > limit:
                out.append(_outgoing((), chunk, title, project, on, lang))
                chunk = []
            chunk.append(r)
        if chunk:
            out.append(_outgoing((), chunk, title, project, on, lang))
        # one reminder alone over the limit (a title has no length limit) is cut, not
        # refused by the robot every run
        return [replace(m, text=_cut(m.text, limit)) for m in out], []
    by_address: dict[str, list[Reminder]] = {}
    lost: list[Reminder] = []
    for r in reminders:
        addresses = [a for a in (config.address(p.key) for p in r.to) if a]
        if not addresses and not channel.to:
            lost.append(r)
        for a in dict.fromkeys([*addresses, *channel.to]):
            by_address.setdefault(a, []).append(r)
    return [_outgoing((a,), rs, title, project, on, lang)
            for a, rs in by_address.items()], lost


def _cut(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` UTF-8 bytes, ending in "…" when cut."""
    if len(text.encode()) <= limit:
        return text
    room = limit - len("…".encode())
    return text.encode()[:room].decode("utf-8", "ignore") + "…"


def _outgoing(to: tuple[str, ...], rs: Sequence[Reminder], title: str, project: str,
              on: date, lang: str) -> Outgoing:
    return Outgoing(to, tuple(r.subject for r in rs), title, message(project, on, rs, lang))
