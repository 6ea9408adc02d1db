"""Command: ``serve``: the full-screen app in a browser, with textual-serve (issue 15).

Each browser session runs the app as a subprocess of the server: the same ledger
(handed over in ``SOWTRACK_DB``, so a password in the URL is not on a command line),
the same project and the same acting person, and its "Acting as" is fixed: the page
acts as that one person and nobody else. Whoever reaches the port is that person, so
the server listens on a loopback address, except for a PostgreSQL login role bound to a
person (the database itself then lets the page do only what that person may).
textual-serve is imported here alone, when the server starts.
"""

from __future__ import annotations

# Only what the parser needs at the top: every command's start-up (`log`) builds it.
import argparse
import os
import sys
from collections.abc import Callable
from typing import Any

from model.errors import FieldError, LedgerError
from model.i18n import N_, _
from tui.commands.common import _err, _ledger, pinned_today
from tui.commands.language import Help

DEFAULT_PORT = 8000

#: an address for browsers: http(s), a host, and only the characters a URL needs (it is
#: written into the page, so no quote, space, angle bracket or control character)
PUBLIC_URL = r"https?://[A-Za-z0-9.\-\[\]:]+(/[A-Za-z0-9._~/%\-]*)?"

#: a ``<link>`` to another host in textual-serve's page (its web font)
EXTERNAL_LINK = r'(?i)<link\b[^>]*\bhref="https?://[^"]*"[^>]*>\s*'

TRUST = N_("""\
Who the page acts as: the person the command names (--as, SOWTRACK_USER or the config
file's person), or, on a shared PostgreSQL ledger, the person its login role is bound to.
Every browser session acts as that person and no one else (its "Acting as", ctrl+a, is
fixed). The page asks for no password: anyone who reaches the port acts as that person.
So it listens on loopback (127.0.0.1, ::1, localhost), which every user of this machine
reaches, and no other; from another machine, use an SSH tunnel, or an HTTPS proxy that
asks for a login (--public-url). A --host that is not loopback is refused, except on a
PostgreSQL ledger whose login role is bound to the served person: the database then
refuses whatever that person may not do. A SQLite ledger stays on loopback: nothing
but the app holds its page to the person named.""")


def add_parsers(sub: Any, group: Callable[..., Any], cmd: Callable[..., Any]) -> None:
    """Its command's parser (in the order of ``sowtrack --help``)."""
    p = cmd(sub, "serve", N_("the full-screen app in a browser, as one person (textual-serve)"),
            "sowtrack --as li.na serve                  # http://127.0.0.1:8000\n"
            "sowtrack --as li.na serve --port 8001\n"
            "ssh -L 8000:127.0.0.1:8000 ledger-host     # from another machine", do_serve)
    p.description = Help("{what}\n\n{trust}", what=Help(p.description), trust=Help(TRUST))
    p.add_argument("--host", default="127.0.0.1", metavar="HOST",
                   help=N_("the address to listen on (default 127.0.0.1; see above for any "
                        "other than loopback)"))
    p.add_argument("--port", default=str(DEFAULT_PORT), metavar="N",
                   help=Help(N_("the TCP port to listen on (default {port})"), port=DEFAULT_PORT))
    p.add_argument("--public-url", metavar="URL",
                   help=N_("the address browsers use, when a proxy stands in front "
                        "(default http://HOST:PORT)"))
    # The served side: what each browser session runs (the app, its person fixed).
    p.add_argument("--app", action="store_true", help=argparse.SUPPRESS)


def parse_port(text: str) -> int:
    """The port ``text`` names, or a refusal naming ``port``."""
    try:
        port = int(text.strip())
    except ValueError:
        raise FieldError("port", _("{text!r} is not a whole number").format(text=text)) \
            from None
    if not 1 <= port <= 65535:
        raise FieldError("port", _("must be from 1 to 65535, not {port}").format(port=port))
    return port


def host_addresses(host: str) -> list[str]:
    """Every address ``host`` names (it may be a name), or a refusal naming ``host``."""
    import socket

    if not host.strip():
        raise FieldError("host", _("empty; name an address such as 127.0.0.1"))
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        raise FieldError("host", _("{host!r} is not an address or a known host name").format(
            host=host)) from None
    return sorted({str(info[4][0]) for info in infos})


def is_loopback(host: str) -> bool:
    """Whether every address of ``host`` is a loopback address (only this machine)."""
    import ipaddress

    return all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in host_addresses(host))


def check_port_free(host: str, port: int) -> None:
    """Refuse, in one line, a port that this host cannot listen on (in use, or not ours)."""
    import socket

    for address in host_addresses(host):
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
            try:
                s.bind((address, port))
            except OSError as exc:
                raise _listen_error(exc, host, port) from None


def _listen_error(exc: OSError, host: str, port: int) -> LedgerError:
    import errno

    if exc.errno == errno.EADDRINUSE:
        return LedgerError(_("port {port} on {host} is in use").format(port=port, host=host))
    if exc.errno == errno.EACCES:
        return LedgerError(_("port {port} on {host}: permission denied (ports below 1024 "
                             "need root); choose another").format(port=port, host=host))
    return LedgerError(_("cannot listen on port {port} on {host}: {problem}").format(
        port=port, host=host, problem=exc.strerror or exc))


def served_person(ledger: Any) -> tuple[str | None, bool]:
    """(the person the page acts as, whether the database binds this connection to them).

    None: an unbound PostgreSQL login role, which only reads. A person named that this
    connection may not act as is refused here (``whoami``), before anything listens."""
    from model.permissions import UNBOUND

    kind, person, role = ledger.whoami()
    if person is not None:
        return person.key, role is not None and person.login_role == role
    if kind == UNBOUND:
        return None, False
    raise FieldError("actor", _("name the person the browser acts as (or SOWTRACK_USER, or "
                                "the config file's person); serve asks for no password: "
                                "whoever reaches the port acts as them"))


def child_command(project: str, person: str | None) -> str:
    """The shell command each browser session runs (textual-serve starts it through a
    shell): every value quoted, so a name is never read by the shell."""
    import shlex

    # -P: sowtrack's own tui package, never one in the folder serve was started in
    argv = [sys.executable, "-P", "-m", "tui.cli", "--project", project]
    if person is not None:
        argv += ["--as", person]
    return shlex.join([*argv, "serve", "--app"])


def public_url(url: str | None, host: str, port: int) -> str:
    if url is None:
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}"
    import re

    if not re.fullmatch(PUBLIC_URL, url):
        raise FieldError("public_url", _("{url!r} is not an http:// or https:// address").format(
            url=url))
    return url.rstrip("/")


def origin_allowed(origin: str | None, public: str) -> bool:
    """Whether a browser page of ``origin`` (its ``Origin`` header) may open a session:
    the served page's own (``public``, its public URL) or a loopback one (this machine,
    or an SSH tunnel's port on the other). Any web page may open a WebSocket to
    127.0.0.1, and textual-serve does not look: a site visited while serve runs would
    otherwise type in the app as its person. No header: not a browser, which reaches
    the port anyway."""
    import ipaddress
    from urllib.parse import urlsplit

    if origin is None:
        return True
    try:
        seen, own = urlsplit(origin), urlsplit(public)
        host = seen.hostname
        if (seen.scheme, seen.netloc.lower()) == (own.scheme, own.netloc.lower()):
            return True
        if seen.scheme not in ("http", "https") or not host:
            return False
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:  # not a URL, or not an address
        return False


def do_serve(args: argparse.Namespace) -> int:
    if args.app:
        return _run_served_app(args)
    port = parse_port(args.port)
    url = None if args.public_url is None else public_url(args.public_url, args.host, port)
    loopback = is_loopback(args.host)
    ledger = _ledger(args)
    project = ledger.project().code
    person, db_bound = served_person(ledger)
    if not loopback and not db_bound:
        raise FieldError("host", _("{host} is not a loopback address, and serve asks for no "
                                   "password: anyone who reaches the port would act as "
                                   "{person}; serve on 127.0.0.1 and use an SSH tunnel or an "
                                   "HTTPS proxy with a login (only a PostgreSQL login role "
                                   "bound to the person may serve on the network)").format(
            host=args.host, person=person or _("this login role")))
    check_port_free(args.host, port)
    # The sessions' ledger: the URL in the environment (not on a command line, which
    # every user of the machine can read), the project and person in their arguments.
    os.environ["SOWTRACK_DB"] = ledger.engine.url.render_as_string(hide_password=False)
    ledger.engine.dispose()
    return _serve(args.host, port, url, child_command(project, person), project, person)


def _serve(host: str, port: int, url: str | None, command: str, project: str,
           person: str | None) -> int:
    import asyncio
    import re
    from pathlib import Path

    from textual_serve.server import Server

    who = person or "nobody (read only)"

    class SowtrackServer(Server):
        """textual-serve's server, saying in one line who the page acts as, and ending
        every open session on ctrl+c (aiohttp would otherwise wait on their sockets)."""

        def __init__(self, *args: Any, **kwargs: Any):
            super().__init__(*args, **kwargs)
            self.sockets: set[Any] = set()  # the open sessions' websockets
            self.processes: set[Any] = set()  # their apps' processes, until they end

        async def on_startup(self, app: Any) -> None:  # one plain line, not the logo
            print(f"serving {project} as {who} on {self.public_url} (anyone who reaches "
                  f"it acts as {who}); ctrl+c stops", flush=True)

        async def _make_app(self) -> Any:
            import aiohttp_jinja2
            import jinja2

            app = await super()._make_app()
            aiohttp_jinja2.setup(app, loader=jinja2.FunctionLoader(self.page))
            return app

        def page(self, name: str) -> str:
            """textual-serve's page without what it fetches from the internet (a web
            font): a page on a closed network, or one where that host is blocked, would
            otherwise wait for it before it shows anything."""
            text = (Path(self.templates_path) / name).read_text(encoding="utf-8")
            return re.sub(EXTERNAL_LINK, "", text)

        async def on_shutdown(self, app: Any) -> None:
            for ws in list(self.sockets):
                await ws.close()  # its session's app is told to quit
            for process in list(self.processes):  # ended before the loop closes
                try:
                    await asyncio.wait_for(process.wait(), 10)
                except TimeoutError:
                    process.kill()
                    await process.wait()

        async def handle_websocket(self, request: Any) -> Any:
            from aiohttp import web

            if not origin_allowed(request.headers.get("Origin"), self.public_url):
                raise web.HTTPForbidden(text=f"sowtrack serve: a page of another site may "
                                             f"not open a session; open {self.public_url} "
                                             f"(or give serve the address browsers use, "
                                             f"--public-url)\n")
            return await super().handle_websocket(request)

        async def _process_messages(self, websocket: Any, app_service: Any) -> None:
            self.sockets.add(websocket)
            self.processes = {p for p in self.processes if p.returncode is None}
            if getattr(app_service, "_process", None) is not None:
                self.processes.add(app_service._process)
            try:
                await super()._process_messages(websocket, app_service)
            finally:
                self.sockets.discard(websocket)

    server = SowtrackServer(command, host=host, port=port, title=f"sowtrack {project}",
                            public_url=url or public_url(None, host, port))
    try:
        server.serve()
    except OSError as exc:  # the port taken between the check and the listen
        _err(_("error: {problem}").format(problem=_listen_error(exc, host, port)))
        return 1
    return 0


def _run_served_app(args: argparse.Namespace) -> int:
    """One browser session: the app over the web driver, its acting person fixed."""
    from tui.startup import open_app

    ledger = _ledger(args)
    ledger.project()  # refuse here, in one line, if there is no project to show
    open_app(ledger, pinned_today(), fixed_actor=True).run()
    return 0
