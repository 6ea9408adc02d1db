"""Commands: the work breakdown (SPEC §9 "Tasks and capacity"): ``task add|edit|allocate|list``.

They call the same services as the app's Tasks view (``Ledger.add_task``, ``edit_task``,
``set_allocation``, ``tasks``, ``workloads``).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from rich.cells import cell_len

from model.errors import LedgerError
from model.i18n import N_, _, key_word
from model.rules import PRIORITIES, TASK_STATUSES, pd_of_milli, pd_of_minutes
from tui.commands.common import _ledger, _out, heads
from tui.commands.language import Help
from tui.text import fmt_pd, table

WIDTH = 80  # `task list` fits a terminal this wide (the title is cut to fit)
OVER_MARK = "⚠"


def add_parsers(sub: Any, group: Callable[..., Any], cmd: Callable[..., Any]) -> None:
    """Its commands' parsers (in the order of ``sowtrack --help``)."""
    tsk = group("task", N_("the work breakdown (任务): add, edit, allocate PD to people, list"),
                "sowtrack --as zhang.wei task add T6 --title \"Load test\" --estimate 12\n"
                "sowtrack --as zhang.wei task allocate T6 liu.yang 8\nsowtrack task list")
    tsub = tsk.add_subparsers(dest="what", metavar="ACTION", required=True)
    p = cmd(tsub, "add", N_("add a task with its estimate (the vendor lead plans tasks)"),
            "sowtrack --as zhang.wei task add T6 --title \"压测 Load test\" --estimate 12 "
            "--priority high", do_task_add)
    p.add_argument("code", metavar="CODE", help=N_("the task's code, e.g. T6 (one per project)"))
    p.add_argument("--title", required=True, metavar="T", help=N_("what the task is"))
    p.add_argument("--estimate", required=True, metavar="PD",
                   help=N_("estimated person-days (人天), e.g. 12 or 12.5"))
    p.add_argument("--priority", default="medium", metavar="P",
                   help=Help(N_("{choices} (default medium)"), choices=", ".join(PRIORITIES)))

    p = cmd(tsub, "edit", N_("change a task's title, estimate, priority or status; what is not "
                          "given stays as it is"),
            "sowtrack --as zhang.wei task edit T6 --estimate 15 --status in_progress",
            do_task_edit)
    p.add_argument("code", metavar="CODE", help=N_("the task's code"))
    p.add_argument("--title", metavar="T", help=N_("a new title"))
    p.add_argument("--estimate", metavar="PD", help=N_("a new estimate in person-days"))
    p.add_argument("--priority", metavar="P", help=", ".join(PRIORITIES))
    p.add_argument("--status", metavar="S", help=", ".join(TASK_STATUSES))

    p = cmd(tsub, "allocate", N_("plan PD of one person on a task (人天分配), replacing what was "
                              "planned for them there. A person's allocations over all tasks "
                              "may not exceed their capacity (active working days minus days "
                              "away) unless --over is given"),
            "sowtrack --as zhang.wei task allocate T2 liu.yang 50", do_task_allocate)
    p.add_argument("code", metavar="CODE", help=N_("the task's code"))
    p.add_argument("person", metavar="PERSON",
                   help=N_("a vendor person with a grade, e.g. liu.yang"))
    p.add_argument("PD", help=N_("planned person-days for them on this task, e.g. 20"))
    p.add_argument("--over", action="store_true",
                   help=N_("allow their allocations to exceed their capacity (it is then marked "
                        "and alerted)"))

    cmd(tsub, "list", N_("the tasks with estimate, allocated and consumed PD, then each person's "
                      "allocation against their capacity (⚠ over capacity)"),
        "sowtrack task list", do_task_list)


def do_task_add(args: argparse.Namespace) -> int:
    t = _ledger(args).add_task(args.code, args.title, args.estimate, args.priority)
    _out(_("{code} added: {pd} PD estimated, priority {priority}").format(
        code=t.code, pd=fmt_pd(pd_of_milli(t.estimate_milli)), priority=t.priority))
    return 0


def do_task_edit(args: argparse.Namespace) -> int:
    changes = {k: getattr(args, k) for k in ("title", "estimate", "priority", "status")
               if getattr(args, k) is not None}
    if not changes:
        raise LedgerError(_("{code}: nothing to change: give --title, --estimate, "
                            "--priority or --status").format(code=args.code))
    t = _ledger(args).edit_task(args.code, **changes)
    _out(_("{code} saved: {pd} PD estimated, priority {priority}, {status}").format(
        code=t.code, pd=fmt_pd(pd_of_milli(t.estimate_milli)), priority=t.priority,
        status=t.status))
    return 0


def do_task_allocate(args: argparse.Namespace) -> int:
    ledger = _ledger(args)
    t = ledger.set_allocation(args.code, args.person, args.PD, over=args.over)
    w = next((w for w in ledger.workloads() if w.person == args.person), None)
    line = _("{person} on {code}: {pd} PD planned").format(person=args.person, code=t.code,
                                                          pd=args.PD)
    if w is not None:
        line += (f"; {OVER_MARK} {w.worded}" if w.over
                 else _("; {workload} allocated in all").format(workload=w.worded))
    _out(line)
    return 0


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal cells, with … where it was cut."""
    if cell_len(text) <= width:
        return text
    out = ""
    for c in text:
        if cell_len(out + c) > width - 1:
            break
        out += c
    return out + "…"


def do_task_list(args: argparse.Namespace) -> int:
    ledger = _ledger(args)
    tasks = ledger.tasks()
    headers = heads(N_("code"), N_("title"), N_("priority"), N_("status"), N_("estimate"),
                    N_("allocated"), N_("consumed"))
    rows = [[t.code, t.title, key_word("priority", t.priority),
             key_word("task_status", t.status), fmt_pd(pd_of_milli(t.estimate_milli)),
             fmt_pd(pd_of_milli(t.allocated_milli)),
             fmt_pd(pd_of_minutes(t.consumed_minutes, t.minutes_per_day))] for t in tasks]
    # the title takes what the other columns (and their 2-space gaps) leave of WIDTH
    others = sum(max([cell_len(h)] + [cell_len(r[i]) for r in rows])
                 for i, h in enumerate(headers) if i != 1) + 2 * (len(headers) - 1)
    for r in rows:
        r[1] = clip(r[1], max(10, WIDTH - others))
    _out(table(headers, rows, right=[4, 5, 6]) if rows
         else _("no task yet: add one with `sowtrack task add`"))
    loads = ledger.workloads()
    if loads:
        _out()
        _out(table(heads(N_("person"), N_("allocated"), N_("capacity"), N_("state")),
                   [[w.person, fmt_pd(pd_of_milli(w.allocated_milli)), w.capacity_days,
                     f"{OVER_MARK} {_('over capacity')}" if w.over else _("fits")]
                    for w in loads],
                   right=[1, 2]))
    return 0
