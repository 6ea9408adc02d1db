"""``sowtrack serve`` (issue 15): the app in a browser, acting as one person only.

The end-to-end tests start the real command on a free loopback port, open the page in
headless Chromium (Debian's ``chromium`` and ``chromium-driver``, driven by Selenium)
and read the dashboard from the page: xterm.js draws on a canvas, so the text is read
from the terminal's own buffer (``buffer.active.getLine(i).translateToString()``), the
terminal object caught as the page's script stores it. In CI (``CI=true``) a missing
browser fails these tests; elsewhere they are skipped, saying why.
"""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.services import Ledger
from tui.cli import main
from tui.commands.serve import child_command, served_person

from .tui_support import demo_ledger, drive, screen_text, settle

TODAY = "2026-03-20"  # the example SOW's third week: its entries are dated before it

#: run before the page's own script: keeps the xterm.js terminal the page makes (it
#: assigns ``this.terminal = new Terminal(...)``) where the test can read its buffer
CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, 'terminal', {configurable: true,
  set(v) {
    Object.defineProperty(this, 'terminal',
                          {value: v, writable: true, configurable: true, enumerable: true});
    if (v && v.buffer) window.__sowtrackTerminal = v;
  }});
"""

READ_SCREEN = """
const t = window.__sowtrackTerminal;
if (!t) return null;
const b = t.buffer.active, rows = [];
for (let i = 0; i < b.length; i++) {
  const line = b.getLine(i);
  rows.push(line ? line.translateToString(true) : '');
}
return rows.join('\\n');
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(argv: list[str], env: dict[str, str], port: int) -> subprocess.Popen[str]:
    """``sowtrack ARGV`` in a process of its own, returned once it accepts connections."""
    proc = subprocess.Popen([sys.executable, "-m", "tui.cli", *argv], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"serve ended ({proc.returncode}): {out}{err}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc
        except OSError:
            time.sleep(0.1)
    _stop(proc)
    pytest.fail("serve did not listen within 30 s")


def _stop(proc: subprocess.Popen[str]) -> str:
    """Stop the server as ctrl+c does; its output. It must end within 10 s, open
    sessions and all."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # its own session: it and its sessions
            proc.communicate()
            pytest.fail("serve did not stop within 10 s of ctrl+c")
    out, err = proc.communicate()
    return out + err


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOWTRACK_")}
    env["SOWTRACK_CONFIG"] = os.environ["SOWTRACK_CONFIG"]  # the test's own, empty
    env["SOWTRACK_TODAY"] = TODAY
    # The page is read in English, as every test speaks it (tests/conftest.py): the
    # demo SOW's own language, Chinese, would otherwise be the app's.
    env["SOWTRACK_LANGUAGE"] = "en"
    env.update(extra)
    return env


def _app_cmdlines(db_url: str) -> list[list[str]]:
    """The command lines of the running served sessions (``serve --app``) on ``db_url``,
    told from other tests' by the ledger's URL in their environment."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            words = (proc / "cmdline").read_bytes().decode(errors="replace").split("\0")
            env = (proc / "environ").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        if "--app" in words and "serve" in words and f"SOWTRACK_DB={db_url}" in env:
            found.append([w for w in words if w])
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Chromium driven by Selenium: Debian's chromium and chromium-driver."""
    chromium = shutil.which("chromium")
    driver_path = shutil.which("chromedriver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        chromium = None
    if chromium is None or driver_path is None:
        reason = "needs chromium, chromium-driver (apt-get) and selenium (pip)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser test: {reason}")
        pytest.skip(reason)
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--window-size=1400,1000", "--enable-unsafe-swiftshader"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CATCH_TERMINAL})
    yield driver
    driver.quit()


def _page_text(driver, until: str, timeout: float = 40) -> str:  # type: ignore[no-untyped-def]
    """What the page's terminal shows, once ``until`` is in it."""
    deadline = time.monotonic() + timeout
    text = None
    while time.monotonic() < deadline:
        text = driver.execute_script(READ_SCREEN)
        if text and until in text:
            return str(text)
        time.sleep(0.2)
    pytest.fail(f"the page never showed {until!r}; it showed:\n{text}")


def _toast(text: str) -> str:
    """The words of the notification drawn over the screen's right side (``▌ ...``)."""
    return " ".join(" ".join(line.rsplit("▌", 1)[1].split())
                    for line in text.splitlines() if "▌" in line).strip()


def test_the_dashboard_in_a_browser_acts_as_one_person(example: Ledger, db_url: str,
                                                       browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    from tui.text import fmt_pd

    example.log("T2", "7.5", on="2026-03-02", person="liu.yang")
    example.log("T1", "6", on="2026-03-03", person="wang.fang")
    summary = example.summary(TODAY)
    assert summary.consumed_pd > 0
    code = example.project().code
    port = _free_port()
    # The ledger's URL (with its password on PostgreSQL) given in the environment.
    home, downloads = tmp_path / "home", tmp_path / "downloads"
    home.mkdir()
    downloads.mkdir()
    browser.execute_cdp_cmd("Browser.setDownloadBehavior",
                            {"behavior": "allow", "downloadPath": str(downloads)})
    server = _serve(["--project", code, "--as", "zhang.wei", "serve", "--port", str(port)],
                    _env(SOWTRACK_DB=db_url, HOME=str(home)), port)
    try:
        here = f"http://127.0.0.1:{port}/"
        with urllib.request.urlopen(here, timeout=10) as page:
            html = page.read().decode()
        # The page fetches nothing from another host (textual-serve's web font is left out).
        links = re.findall(r'(?:href|src)="([^"]*)"', html)
        assert links and all(link.startswith(here) for link in links), links
        browser.get(here)
        text = _page_text(browser, "remaining")
        # The dashboard's headline, with the ledger's own figures as of the pinned day.
        assert f"budget {fmt_pd(summary.budget_pd)}" in text
        assert f"consumed {fmt_pd(summary.consumed_pd)}" in text
        assert f"remaining {fmt_pd(summary.remaining_pd)}" in text
        assert f"as of {TODAY}" in text
        assert "zhang.wei (lead)" in text

        # The session runs with the project and person quoted as arguments, and the
        # ledger's URL nowhere on a command line.
        sessions = _app_cmdlines(db_url)
        assert sessions, "no served session is running"
        for words in sessions:
            assert words[-6:] == ["--project", code, "--as", "zhang.wei", "serve", "--app"]
            assert not any(db_url in w for w in words)

        # ctrl+a does not change who the page acts as.
        keys = browser.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea")
        browser.execute_script("arguments[0].focus()", keys)  # the terminal's key input
        ActionChains(browser).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL) \
            .perform()
        text = _page_text(browser, "▌ Acting as (ctrl+a)")
        assert _toast(text) == ("Acting as (ctrl+a): fixed: this browser page acts as "
                                "zhang.wei and no one else")
        assert "zhang.wei (lead)" in text.splitlines()[0]

        # A sheet printed in the page is written where the app saves it (on the server),
        # and the browser receives the same file.
        keys.send_keys("0")
        _page_text(browser, "Sheet to print")
        keys.send_keys("x")
        text = _page_text(browser, "✓ wrote")
        written = sorted((home / "sowtrack-exports").glob("*.pdf"))
        assert len(written) == 1, text
        received = downloads / written[0].name
        deadline = time.monotonic() + 20
        while not received.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert received.read_bytes() == written[0].read_bytes()
    finally:
        out = _stop(server)  # ctrl+c with the page still open
        browser.get("about:blank")
    assert f"serving {code} as zhang.wei on http://127.0.0.1:{port}" in out
    assert "Traceback" not in out and "Exception" not in out, out
    assert _app_cmdlines(db_url) == [], "a served session outlived the server"


def test_a_served_app_acts_as_no_one_else(tmp_path: Path) -> None:
    led = demo_ledger(tmp_path, "zhang.wei")  # the lead: the app opens on the dashboard
    seen: dict[str, object] = {}

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        seen["palette"] = [c.title for c in pilot.app.get_system_commands(pilot.app.screen)]
        await pilot.press("ctrl+a")
        await settle(pilot)
        seen["screen"] = type(pilot.app.screen).__name__
        pilot.app.set_actor("chen.jing")  # what the dialog would do, were it open
        await settle(pilot)
        seen["notes"] = [n.message for n in pilot.app._notifications]
        seen["text"] = screen_text(pilot.app)

    app = drive(led, scenario, fixed_actor=True)
    assert app.acting == "zhang.wei" and app.ledger.actor == "zhang.wei"
    assert seen["screen"] == "DashboardScreen"
    assert seen["notes"] == ["Acting as (ctrl+a): fixed: this browser page acts as zhang.wei "
                             "and no one else"] * 2
    assert "Act as…" not in seen["palette"]  # type: ignore[operator]
    assert "as 张伟 zhang.wei (lead)" in str(seen["text"])

    # The same app in a terminal: ctrl+a opens the choice, and the palette offers it.
    async def terminal(pilot) -> None:  # type: ignore[no-untyped-def]
        seen["palette"] = [c.title for c in pilot.app.get_system_commands(pilot.app.screen)]
        await pilot.press("ctrl+a")
        await settle(pilot)
        seen["screen"] = type(pilot.app.screen).__name__

    (tmp_path / "t").mkdir()
    drive(demo_ledger(tmp_path / "t", "zhang.wei"), terminal)
    assert seen["screen"] == "ActAsScreen"
    assert "Act as…" in seen["palette"]  # type: ignore[operator]


def test_each_session_command_quotes_what_the_user_named() -> None:
    project, person = "P-1; touch pwned", "li'na $(id) `id` \"x\""
    words = shlex.split(child_command(project, person))
    assert words == [sys.executable, "-P", "-m", "tui.cli", "--project", project, "--as",
                     person, "serve", "--app"]
    assert shlex.split(child_command("P", None))[-4:] == ["--project", "P", "serve", "--app"]


def _refusal(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err.strip()


@pytest.mark.parametrize("port, problem", [
    ("x", "'x' is not a whole number"),
    ("", "'' is not a whole number"),
    ("0", "must be from 1 to 65535, not 0"),
    ("65536", "must be from 1 to 65535, not 65536"),
])
def test_a_bad_port_is_one_line(sqlite_example: Ledger, capsys: pytest.CaptureFixture[str],
                                port: str, problem: str) -> None:
    url = str(sqlite_example.engine.url)
    assert _refusal(capsys, ["--db", url, "--as", "zhang.wei", "serve", "--port", port]) == \
        f"error: --port: {problem}"


@pytest.mark.parametrize("url", ["ftp://example.com", "example.com", 'http://h/"><script>',
                                 "https://h/\x1b[31m", "http://h/a b", ""])
def test_a_bad_public_url_is_one_line(sqlite_example: Ledger, url: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--db", str(sqlite_example.engine.url), "--as", "zhang.wei", "serve",
            "--public-url", url]
    assert _refusal(capsys, argv) == \
        f"error: --public-url: {url!r} is not an http:// or https:// address"


def test_a_port_in_use_is_one_line(sqlite_example: Ledger,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    url = str(sqlite_example.engine.url)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert _refusal(capsys, ["--db", url, "--as", "zhang.wei", "serve", "--port",
                                 str(port)]) == f"error: port {port} on 127.0.0.1 is in use"


def test_serve_names_one_person_and_listens_on_loopback(
        sqlite_example: Ledger, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOWTRACK_USER", raising=False)
    url = str(sqlite_example.engine.url)
    port = str(_free_port())
    # No one named: the page would be the lead, for whoever reaches it.
    assert _refusal(capsys, ["--db", url, "serve", "--port", port]).startswith(
        "error: --as: name the person the browser acts as")
    assert _refusal(capsys, ["--db", url, "--as", "nobody.here", "serve", "--port", port]) == \
        "error: --as: unknown person 'nobody.here'"
    # A SQLite ledger is never served past loopback.
    for host in ("0.0.0.0", "::"):
        err = _refusal(capsys, ["--db", url, "--as", "li.na", "serve", "--host", host,
                                "--port", port])
        assert err.startswith(f"error: --host: {host} is not a loopback address"), err
        assert "anyone who reaches the port would act as li.na" in err
    assert _refusal(capsys, ["--db", url, "--as", "li.na", "serve", "--host",
                             "no-such-host.invalid", "--port", port]) == \
        "error: --host: 'no-such-host.invalid' is not an address or a known host name"


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_only_a_bound_login_role_serves_past_loopback(
        example: Ledger, db_url: str, roles, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy import make_url

    monkeypatch.delenv("SOWTRACK_USER", raising=False)
    code = example.project().code
    li = roles("li")
    assert main(["--db", db_url, "--project", code, "person", "bind", "li.na",
                 str(make_url(li).username)]) == 0
    capsys.readouterr()
    port = _free_port()
    # The owner's connection, even naming a person, is not served on the network.
    err = _refusal(capsys, ["--db", db_url, "--project", code, "--as", "zhang.wei", "serve",
                            "--host", "0.0.0.0", "--port", str(port)])
    assert err.startswith("error: --host: 0.0.0.0 is not a loopback address")
    # li.na's own login role: the page is li.na, whom the database holds to her rights.
    server = _serve(["--project", code, "serve", "--host", "0.0.0.0", "--port", str(port)],
                    _env(SOWTRACK_DB=li), port)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as page:
            assert page.status == 200
    finally:
        out = _stop(server)
    assert f"serving {code} as li.na on http://0.0.0.0:{port}" in out
    # A login role bound to nobody: a read-only page, as nobody, and on loopback only.
    guest = Ledger.open(roles("guest"), code)
    assert served_person(guest) == (None, False)
    guest.engine.dispose()
    assert _refusal(capsys, ["--db", roles("guest2"), "--project", code, "serve", "--host",
                             "0.0.0.0", "--port", str(port)]).startswith(
        "error: --host: 0.0.0.0 is not a loopback address")


def test_a_served_page_saves_and_checks_sheets_in_the_export_folder_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whoever reaches the page need not be the machine's user: the Exports view of a
    served app writes and reads no file outside ~/sowtrack-exports."""
    from textual.widgets import Checkbox, Input, Select

    from tui.screens.exports import ExportsScreen

    home = tmp_path / "home"
    (home / "sowtrack-exports").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    outside = home / ".profile"
    outside.write_text("mine\n", encoding="utf-8")
    (home / "sowtrack-exports" / "link.pdf").symlink_to(outside)
    seen: dict[str, str] = {}

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("0")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ExportsScreen)
        for typed in (str(outside), "../.profile", "~/.profile", "link.pdf", "mine.pdf"):
            screen.query_one("#ex-out", Input).value = typed
            await pilot.press("escape", "x")
            await settle(pilot)
            seen[typed] = " ".join(str(screen.query_one("#ex-error").render()).split())
        screen.query_one("#ex-out", Input).value = str(outside)
        await pilot.press("escape", "v")
        await settle(pilot)
        seen["verify"] = " ".join(str(screen.query_one("#ex-error").render()).split())
        # a spreadsheet is held to the same folder (its overwrite box ticked, even)
        screen.query_one("#ex-kind", Select).value = "entries"
        await settle(pilot)
        screen.query_one("#ex-format", Select).value = "csv"
        await settle(pilot)
        screen.query_one("#ex-overwrite", Checkbox).value = True
        for typed in ("../.profile", "entries.csv"):
            screen.query_one("#ex-out", Input).value = typed
            await pilot.press("escape", "x")
            await settle(pilot)
            seen[f"csv {typed}"] = " ".join(str(screen.query_one("#ex-error").render()).split())

    drive(demo_ledger(tmp_path, "zhang.wei"), scenario, fixed_actor=True)
    refused = ("refused: Save to: in a browser, sheets are saved in ~/sowtrack-exports only: "
               "type a file name")
    for typed in (str(outside), "../.profile", "~/.profile", "link.pdf"):
        assert seen[typed] == refused, (typed, seen[typed])
    assert outside.read_text(encoding="utf-8") == "mine\n"
    assert seen["mine.pdf"] == "", seen["mine.pdf"]
    assert (home / "sowtrack-exports" / "mine.pdf").read_bytes().startswith(b"%PDF")
    assert seen["verify"] == refused, seen["verify"]
    assert seen["csv ../.profile"] == refused, seen["csv ../.profile"]
    assert seen["csv entries.csv"] == "", seen["csv entries.csv"]
    assert (home / "sowtrack-exports" / "entries.csv").read_text(encoding="utf-8-sig") \
        .startswith("日期")


def test_each_session_runs_sowtrack_not_a_tui_package_of_the_folder_serve_started_in(
        tmp_path: Path) -> None:
    # `python -m tui.cli` looks in the current folder first: serve started in a folder
    # holding a tui/ package (another Textual project, a shared /tmp) ran its code as
    # every browser session, with the ledger's URL in its environment
    (tmp_path / "tui").mkdir()
    (tmp_path / "tui" / "__init__.py").write_text("", encoding="utf-8")
    marker = tmp_path / "ran"
    (tmp_path / "tui" / "cli.py").write_text(
        f"open({str(marker)!r}, 'w').close()\n", encoding="utf-8")
    words = shlex.split(child_command("P", None))
    assert words[-4:] == ["--project", "P", "serve", "--app"]
    done = subprocess.run([*words[:-4], "--help"], cwd=tmp_path, env=_env(),
                          capture_output=True, text=True, timeout=60)
    assert not marker.exists()
    assert done.returncode == 0 and "serve" in done.stdout


def test_a_served_page_refuses_a_nul_in_save_to_in_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A NUL pasted into Save to (the page passes a paste as is): checking (v) or
    exporting (x) is refused naming the field (a ValueError ended the check's worker
    unsaid, and the view stayed busy: "an export or a check is already running")."""
    from textual.widgets import Input

    from tui.screens.exports import ExportsScreen

    home = tmp_path / "home"
    (home / "sowtrack-exports").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    seen: dict[str, str] = {}

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("0")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ExportsScreen)
        for key in ("v", "x"):
            screen.query_one("#ex-out", Input).value = "a\x00b.pdf"
            await pilot.press("escape", key)
            await settle(pilot)
            seen[key] = " ".join(str(screen.query_one("#ex-error").render()).split())
        seen["busy"] = str(screen.busy)

    drive(demo_ledger(tmp_path, "zhang.wei"), scenario, fixed_actor=True)
    assert seen == {"v": "refused: Save to: contains a NUL character",
                    "x": "refused: Save to: contains a NUL character",
                    "busy": "False"}, seen


def test_a_page_of_another_site_cannot_open_a_session(sqlite_example: Ledger) -> None:
    """Browsers let any web page open a WebSocket to 127.0.0.1: a site the person
    visits while serve runs could open a session and type in it as them (sign, log).
    Only the served page's own origin (or a loopback one: an SSH tunnel's other port)
    may open a session."""
    import aiohttp

    code = sqlite_example.project().code
    url = sqlite_example.engine.url.render_as_string(hide_password=False)
    port = _free_port()
    server = _serve(["--project", code, "--as", "zhang.wei", "serve", "--port", str(port)],
                    _env(SOWTRACK_DB=url), port)

    async def status(origin: str) -> int:
        async with aiohttp.ClientSession() as session:
            try:
                async with session.ws_connect(f"http://127.0.0.1:{port}/ws",
                                              headers={"Origin": origin}) as ws:
                    await ws.close()
                    return 101
            except aiohttp.WSServerHandshakeError as exc:
                return exc.status

    try:
        seen = {origin: asyncio.run(status(origin)) for origin in (
            "https://evil.example", "http://127.0.0.1.evil.example:8000", "null",
            f"http://127.0.0.1:{port}", f"http://localhost:{port}", "http://127.0.0.1:9000")}
    finally:
        out = _stop(server)
    assert seen == {"https://evil.example": 403, "http://127.0.0.1.evil.example:8000": 403,
                    "null": 403, f"http://127.0.0.1:{port}": 101,
                    f"http://localhost:{port}": 101, "http://127.0.0.1:9000": 101}, seen
    assert "Traceback" not in out, out
