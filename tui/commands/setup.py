"""Commands: create a project: ``init`` from a SOW file, ``demo``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from model.i18n import N_, _
from tui.commands.common import _err, _ledger, _out


def add_parsers(sub: Any, group: Callable[..., Any], cmd: Callable[..., Any]) -> None:
    """Its commands' parsers (in the order of ``sowtrack --help``)."""
    p = cmd(sub, "init", N_("create a project from a SOW file"), "sowtrack init sow.toml", do_init)
    p.add_argument("file", metavar="FILE.toml")

    p = cmd(sub, "demo", N_("create a realistic demo project: a five-grade team 13 weeks into a "
                         "20-week SOW"),
            "sowtrack demo", do_demo)
    p.add_argument("--today", metavar="D",
                   help=N_("build the demo as if today were D (YYYY-MM-DD)"))


def do_init(args: argparse.Namespace) -> int:
    from storage.sowfile import load_sow

    spec = load_sow(args.file)
    ledger = _ledger(args, create=True)
    view = ledger.init_project(spec)
    ledger = ledger.for_project(view.code)
    ledger.speak()  # from now on, the new project's language
    warning = ledger.calendar_warning()
    if warning:
        _err(warning)
    _out(_("created project {code}: {start}..{end}, {people} people, {tasks} tasks").format(
        code=view.code, start=view.start, end=view.end, people=len(spec.people),
        tasks=len(spec.tasks)))
    return 0


def do_demo(args: argparse.Namespace) -> int:
    from storage.demo import build_demo

    ledger = _ledger(args, create=True)
    code, created = build_demo(ledger, args.today)
    ledger.for_project(code).speak()  # the demo's SOW is Chinese: say so in its language
    if created:
        _out(_("created demo project {code}").format(code=code))
    else:
        _out(_("demo project {code} already exists; left as it is").format(code=code))
    return 0
