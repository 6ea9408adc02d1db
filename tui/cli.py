"""The ``sowtrack`` command line (SPEC.md §6).

Exit codes: 0 done, 1 refused input (one line per problem on stderr, nothing
written), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from model import rules
from model.errors import LedgerError, LedgerErrors, Ref
from tui.flags import flag_namer
from tui.text import fmt_hours, fmt_money, fmt_pd, table

PROG = "sowtrack"
SHEETS = ("acceptance", "timesheet", "cr", "plan", "status")


def _example(text: str) -> str:
    return "example:\n  " + "\n  ".join(text.strip().splitlines())


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)


def _globals(parser: argparse.ArgumentParser, top: bool) -> None:
    # Accepted before or after the command; the sub-parsers must not reset them.
    d = (lambda v: v) if top else (lambda v: argparse.SUPPRESS)
    g = parser.add_argument_group("global options")
    # Unset flags stay None: _ledger() falls back to the environment, then the config file.
    g.add_argument("--db", metavar="URL", default=d(None),
                   help="SQLAlchemy URL of the ledger (env SOWTRACK_DB, config key db; "
                        "default: a SQLite file in your data directory)")
    g.add_argument("--project", metavar="CODE", default=d(None),
                   help="project code, when the database holds more than one (env "
                        "SOWTRACK_PROJECT, config key project)")
    g.add_argument("--as", dest="actor", metavar="PERSON", default=d(None),
                   help="the acting person (env SOWTRACK_USER, config key person)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Track a professional-services project sold by the person-day (人天) "
                    "under a Statement of Work.\nWith no command, opens the full-screen app "
                    "(or, when output is piped, prints the project's status).",
        epilog=_example("""
sowtrack init sow.toml
sowtrack --as liu.yang log --task T2 --hours 7.5 --note "parsing pipeline"
sowtrack report summary --as-of 2026-03-10"""))
    _globals(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def group(name: str, help: str, example: str) -> Any:
        g = sub.add_parser(name, help=help, description=help, epilog=_example(example))
        _globals(g, top=False)
        return g

    def cmd(parent: Any, name: str, help: str, example: str,
            func: Callable[..., int]) -> argparse.ArgumentParser:
        p = parent.add_parser(name, help=help, description=help, epilog=_example(example))
        _globals(p, top=False)
        p.set_defaults(func=func, command_parser=p)
        return p

    p = cmd(sub, "init", "create a project from a SOW file", "sowtrack init sow.toml", do_init)
    p.add_argument("file", metavar="FILE.toml")

    p = cmd(sub, "demo", "create a realistic demo project: a five-grade team 13 weeks into a "
                         "20-week SOW",
            "sowtrack demo", do_demo)
    p.add_argument("--today", metavar="D", help="build the demo as if today were D (YYYY-MM-DD)")

    p = cmd(sub, "log", "log one time entry",
            "sowtrack --as liu.yang log --task T2 --hours 7.5 --note 'retry logic'", do_log)
    p.add_argument("--task", required=True, metavar="T", help="task code")
    p.add_argument("--hours", required=True, metavar="H", help="hours, e.g. 7.5")
    p.add_argument("--date", metavar="D", help="the date worked (default: today, your time zone)")
    p.add_argument("--person", metavar="P", help="who worked (default: --as)")
    p.add_argument("--note", default="", metavar="N")

    p = cmd(sub, "entries", "list time entries",
            "sowtrack entries --from 2026-03-01 --to 2026-03-31 --person liu.yang", do_entries)
    p.add_argument("--from", dest="first", metavar="D", help="first date (YYYY-MM-DD)")
    p.add_argument("--to", dest="last", metavar="D", help="last date")
    p.add_argument("--person", metavar="P", help="only this person's entries")

    ent = group("entry", "correct a time entry: edit, delete",
                "sowtrack entry edit 42 --hours 6.5")
    esub = ent.add_subparsers(dest="what", metavar="ACTION", required=True)
    p = cmd(esub, "edit", "change an entry (not inside a signed period)",
            "sowtrack entry edit 42 --hours 6.5 --note 'fixed'", do_entry_edit)
    p.add_argument("id", type=int, metavar="ID", help="the entry id shown by `entries`")
    p.add_argument("--task", metavar="T")
    p.add_argument("--hours", metavar="H")
    p.add_argument("--date", metavar="D")
    p.add_argument("--note", metavar="N")
    p = cmd(esub, "delete", "delete an entry (not inside a signed period)",
            "sowtrack entry delete 42", do_entry_delete)
    p.add_argument("id", type=int, metavar="ID")

    imp = group("import", "bulk import of time entries",
                "sowtrack import entries march.csv")
    isub = imp.add_subparsers(dest="what", metavar="WHAT", required=True)
    p = cmd(isub, "entries", "import time entries from a CSV file, all or nothing",
            "sowtrack import entries march.csv   # header: date,person,task,hours,note", do_import)
    p.add_argument("file", metavar="FILE.csv")
    p.add_argument("--again", action="store_true",
                   help="import a file whose exact bytes were imported before (refused "
                        "otherwise: its hours would count twice)")

    blk = group("blocker", "blockers: add, resolve, list",
                "sowtrack blocker add --title 'VPN not granted' --party client")
    bsub = blk.add_subparsers(dest="what", metavar="ACTION", required=True)
    p = cmd(bsub, "add", "record a blocker; prints its id (B-001, ...)",
            "sowtrack blocker add --title 'Test environment access not granted' --party client",
            do_blocker_add)
    p.add_argument("--title", required=True, metavar="T")
    p.add_argument("--party", required=True, metavar="client|vendor",
                   help="the party that owns (caused) the blocker")
    p.add_argument("--on", metavar="D", help="when it was raised (default today)")
    p.add_argument("--task", metavar="T", help="the task it blocks")
    p = cmd(bsub, "resolve", "resolve a blocker", "sowtrack blocker resolve B-001 --on 2026-03-05",
            do_blocker_resolve)
    p.add_argument("id", metavar="ID")
    p.add_argument("--on", metavar="D", help="when it was resolved (default today)")
    p = cmd(bsub, "list", "list blockers with their age in working days",
            "sowtrack blocker list", do_blocker_list)

    crp = group("cr", "change requests: new, edit, sign, withdraw, list, show",
                "sowtrack --as zhang.wei cr new --title 'Second OCR engine' --delta expert=3")
    csub = crp.add_subparsers(dest="what", metavar="ACTION", required=True)
    p = cmd(csub, "new", "raise a change request; prints its id (CR-001, ...)",
            "sowtrack --as zhang.wei cr new --title 'Add fraud-risk hints' --delta senior=5 "
            "--quota prompt-rounds=1", do_cr_new)
    p.add_argument("--title", required=True, metavar="T")
    p.add_argument("--reason", default="", metavar="R")
    p.add_argument("--delta", action="append", default=[], metavar="GRADE=PD",
                   help="person-days added (or removed, negative) at a grade; repeatable")
    p.add_argument("--quota", action="append", default=[], metavar="KEY=N",
                   help="quota limit change; repeatable")
    p.add_argument("--end", metavar="D", help="the new end date")
    p.add_argument("--on", metavar="D", help="when it was raised (default today)")
    p = cmd(csub, "edit", "change an unsigned change request",
            "sowtrack cr edit CR-002 --delta expert=4", do_cr_edit)
    p.add_argument("id", metavar="ID")
    p.add_argument("--title", metavar="T")
    p.add_argument("--reason", metavar="R")
    p.add_argument("--delta", action="append", metavar="GRADE=PD")
    p.add_argument("--quota", action="append", metavar="KEY=N")
    p.add_argument("--end", metavar="D")
    p = cmd(csub, "sign", "sign a change request as --as; prints its status",
            "sowtrack --as li.na cr sign CR-001 --on 2026-03-06", do_cr_sign)
    p.add_argument("id", metavar="ID")
    p.add_argument("--on", metavar="D", help="the date of the (paper) signature")
    p = cmd(csub, "withdraw", "withdraw a change request that is not yet effective",
            "sowtrack --as zhang.wei cr withdraw CR-002", do_cr_withdraw)
    p.add_argument("id", metavar="ID")
    cmd(csub, "list", "list change requests", "sowtrack cr list", do_cr_list)
    p = cmd(csub, "show", "show one change request with its signatures",
            "sowtrack cr show CR-001", do_cr_show)
    p.add_argument("id", metavar="ID")

    sgn = group("signoff", "period timesheets and the acceptance: sign, withdraw, list",
                "sowtrack --as li.na signoff period --from 2026-03-01 --to 2026-03-31")
    ssub = sgn.add_subparsers(dest="what", metavar="WHAT", required=True)
    p = cmd(ssub, "period", "sign a period's timesheet as --as (its entries freeze)",
            "sowtrack --as zhang.wei signoff period --from 2026-03-01 --to 2026-03-31",
            do_signoff_period)
    p.add_argument("--from", dest="first", required=True, metavar="D", help="first date")
    p.add_argument("--to", dest="last", required=True, metavar="D", help="last date")
    p.add_argument("--on", metavar="D", help="the date of the (paper) signature (default today)")
    p = cmd(ssub, "acceptance", "sign the final acceptance as --as",
            "sowtrack --as li.na signoff acceptance --on 2026-06-05 --conclusion accepted\n"
            "sowtrack --as li.na signoff acceptance --conclusion conditional "
            "--comment 'fix the OCR timeout by 06-30'", do_signoff_acceptance)
    p.add_argument("--on", metavar="D", help="the date of the (paper) signature (default today)")
    p.add_argument("--conclusion", choices=rules.CONCLUSIONS,
                   help="the client's conclusion (default accepted); rejected closes this "
                        "acceptance, not the project")
    p.add_argument("--comment", metavar="TEXT",
                   help="the client's comments: the conditions, or why it is rejected")
    p = cmd(ssub, "withdraw", "withdraw a period or the acceptance not yet signed by both",
            "sowtrack --as zhang.wei signoff withdraw TS-002", do_signoff_withdraw)
    p.add_argument("id", metavar="ID")
    cmd(ssub, "list", "list periods and the acceptance with their signatures",
        "sowtrack signoff list", do_signoff_list)

    qta = group("quota", "quotas: use, list", "sowtrack --as zhang.wei quota use prompt-rounds")
    qsub = qta.add_subparsers(dest="what", metavar="ACTION", required=True)
    p = cmd(qsub, "use", "record the use of a quota",
            "sowtrack --as zhang.wei quota use research-meetings --on 2026-03-02", do_quota_use)
    p.add_argument("key", metavar="KEY")
    p.add_argument("--n", type=int, default=1, metavar="N", help="how many (default 1)")
    p.add_argument("--on", metavar="D", help="when it was used (default today)")
    p.add_argument("--note", default="", metavar="N")
    cmd(qsub, "list", "list quotas with limit and use", "sowtrack quota list", do_quota_list)

    per = group("person", "people: list, grade, bind, unbind", "sowtrack person list")
    psub = per.add_subparsers(dest="what", metavar="ACTION", required=True)
    cmd(psub, "list", "the team with grades and day rates", "sowtrack person list",
        do_person_list)
    p = cmd(psub, "grade", "change a person's grade (past entries keep their grade)",
            "sowtrack person grade wang.fang senior", do_person_grade)
    p.add_argument("person", metavar="PERSON")
    p.add_argument("grade", metavar="GRADE")
    p = cmd(psub, "bind", "PostgreSQL, as the database owner: bind a person to a database login "
                          "role; that role then acts as this person and no one else",
            "sowtrack person bind liu.yang liu_yang", do_person_bind)
    p.add_argument("person", metavar="PERSON")
    p.add_argument("role", metavar="ROLE", help="an existing PostgreSQL login role")
    p = cmd(psub, "unbind", "PostgreSQL, as the database owner: remove a person's login role "
                            "binding",
            "sowtrack person unbind liu.yang", do_person_unbind)
    p.add_argument("person", metavar="PERSON")

    cmd(sub, "whoami", "who you are acting as, and what you may do",
        "sowtrack whoami", do_whoami)

    rep = group("report", "summary and burn-down",
                "sowtrack report summary --as-of 2026-03-10 --json")
    rsub = rep.add_subparsers(dest="what", metavar="REPORT", required=True)
    for name, func, help in (("summary", do_summary,
                              "budget, consumed and remaining PD by grade, cost, overtime, "
                              "blocked days, forecast, quotas, change requests"),
                             ("burndown", do_burndown, "one row per working day, start to end")):
        p = cmd(rsub, name, help, f"sowtrack report {name} --as-of 2026-03-10 --json", func)
        p.add_argument("--as-of", metavar="D", help="default: today in the project's time zone")
        p.add_argument("--json", action="store_true", help="machine-readable output")

    p = cmd(sub, "export", "write the SOW as TOML, or a printed sheet as PDF",
            "sowtrack export sow --out sow.toml\n"
            "sowtrack export timesheet --from 2026-03-01 --to 2026-03-31 --out march.pdf\n"
            "sowtrack export cr --cr CR-002 --out CR-002.pdf\n"
            "sowtrack export acceptance --out acceptance.pdf", do_export)
    p.add_argument("kind", choices=["sow", *SHEETS], metavar="|".join(["sow", *SHEETS]),
                   help="sow (TOML) or a sheet: acceptance report, timesheet confirmation, "
                        "change request form, work plan, status report (PDF)")
    p.add_argument("--out", required=True, metavar="FILE",
                   help="the file to write; refused if it exists, unless --force")
    p.add_argument("--force", action="store_true",
                   help="replace FILE if it exists (a regular file only, never the ledger)")
    p.add_argument("--from", dest="first", metavar="D", help="timesheet: first date")
    p.add_argument("--to", dest="last", metavar="D", help="timesheet: last date")
    p.add_argument("--person", metavar="P", help="timesheet: only this person")
    p.add_argument("--per-person", action="store_true",
                   help="timesheet: one sheet per person, each a document of its own in "
                        "its own file (FILE with the person's id: march-liu.yang.pdf)")
    p.add_argument("--cr", metavar="ID", help="cr: the change request")
    p.add_argument("--as-of", metavar="D", help="status: as of this date (default today)")
    p.add_argument("--lang", metavar="zh|en",
                   help="a sheet: print it in this language (default: the SOW's)")

    p = cmd(sub, "verify", "check the audit chain and its witnessed head, every record of "
                           "every table against the audit log, every signature; or a printed "
                           "sheet against the ledger, page by page",
            "sowtrack verify\nsowtrack verify CR-002.pdf", do_verify)
    p.add_argument("file", nargs="?", metavar="FILE.pdf",
                   help="a sheet printed by sowtrack: is it still what the ledger holds, "
                        "does each page draw what the ledger prints, is the audit chain "
                        "head it was printed at still in the chain?")

    p = cmd(sub, "backup", "copy a SQLite ledger into FILE, consistently, while others go on "
                           "writing (PostgreSQL: pg_dump)",
            "sowtrack backup ~/backups/sowtrack-2026-03-31.db\n"
            "sowtrack --db sqlite:///team-ledger.db backup ledger-copy.db --force",
            do_backup)
    p.add_argument("file", metavar="FILE", help="the backup to write (a SQLite file)")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    p = cmd(sub, "restore", "replace the SQLite ledger by a backup, in one transaction; "
                            "refused if the ledger holds audit rows the backup lacks "
                            "(PostgreSQL: pg_restore)",
            "sowtrack restore ~/backups/sowtrack-2026-03-31.db\n"
            "sowtrack restore ~/backups/sowtrack-2026-03-31.db --force   # drops newer rows",
            do_restore)
    p.add_argument("file", metavar="FILE", help="a backup written by `sowtrack backup`")
    p.add_argument("--force", action="store_true",
                   help="restore even if the ledger holds audit rows the backup lacks "
                        "(they are lost)")

    cfg = group("config", "your settings file: the database, who you are, the project",
                "sowtrack config set db postgresql://liu_yang:secret@ledger.example.com/sowtrack\n"
                "sowtrack config set person liu.yang\n"
                "sowtrack log --task T2 --hours 7.5")
    gsub = cfg.add_subparsers(dest="what", metavar="ACTION", required=True)
    keys_help = "db (the --db URL), person (the --as person) or project (the --project code)"
    p = cmd(gsub, "set", "set a key in the config file, keeping the others",
            "sowtrack config set person liu.yang\n"
            "sowtrack config set db postgresql://liu_yang:secret@ledger.example.com/sowtrack",
            do_config_set)
    p.add_argument("key", metavar="KEY", help=keys_help)
    p.add_argument("value", metavar="VALUE")
    p = cmd(gsub, "get", "print one key's value, or every key and the file's path",
            "sowtrack config get\nsowtrack config get person", do_config_get)
    p.add_argument("key", nargs="?", metavar="KEY", help=keys_help)
    p = cmd(gsub, "unset", "remove a key from the config file",
            "sowtrack config unset project", do_config_unset)
    p.add_argument("key", metavar="KEY", help=keys_help)
    cmd(gsub, "path", "print where the config file is (SOWTRACK_CONFIG, else your config "
                      "directory)", "sowtrack config path", do_config_path)

    dbp = group("db", "the ledger's database schema: status, upgrade",
                "sowtrack db status\nsowtrack --db postgresql://sowtrack_owner@ledger.example.com/"
                "sowtrack db upgrade")
    dsub = dbp.add_subparsers(dest="what", metavar="ACTION", required=True)
    cmd(dsub, "status", "show the database, its schema revision and the pending migrations "
                        "(changes nothing)", "sowtrack db status", do_db_status)
    cmd(dsub, "upgrade", "apply the pending migrations (on PostgreSQL, as the database owner)",
        "sowtrack --db postgresql://sowtrack_owner@ledger.example.com/sowtrack db upgrade",
        do_db_upgrade)
    return parser


# ---------------------------------------------------------------- helpers


def _ledger(args: argparse.Namespace, create: bool = False):  # type: ignore[no-untyped-def]
    """The ledger named by the flags, else the environment, else the config file.

    A SQLite file named by them that does not exist is refused, unless ``create``
    (`init`, `demo`): only the default file is created by any command."""
    from storage.config import setting
    from storage.services import Ledger

    return Ledger.open(args.db, setting("project", args.project)[0],
                       setting("person", args.actor)[0], create=create)


def pinned_today() -> date | None:
    """``SOWTRACK_TODAY`` as a date (the app's today and the sheets' printed-on date),
    None when unset; a value that is not a date is refused, naming the variable."""
    from storage.sowfile import parse_date

    raw = os.environ.get("SOWTRACK_TODAY")
    return None if raw is None else parse_date(raw, "SOWTRACK_TODAY")


def _out(text: str = "") -> None:
    print(text)


def _err(text: str) -> None:
    print(text, file=sys.stderr)


# ---------------------------------------------------------------- commands


def do_init(args: argparse.Namespace) -> int:
    from storage.sowfile import load_sow

    spec = load_sow(args.file)
    ledger = _ledger(args, create=True)
    view = ledger.init_project(spec)
    ledger.project_code = view.code
    warning = ledger.calendar_warning()
    if warning:
        _err(warning)
    _out(f"created project {view.code}: {view.start}..{view.end}, "
         f"{len(spec.people)} people, {len(spec.tasks)} tasks")
    return 0


def do_demo(args: argparse.Namespace) -> int:
    from storage.demo import build_demo

    ledger = _ledger(args, create=True)
    code, created = build_demo(ledger, args.today)
    if created:
        _out(f"created demo project {code}")
    else:
        _out(f"demo project {code} already exists; left as it is")
    return 0


def do_log(args: argparse.Namespace) -> int:
    e = _ledger(args).log(args.task, args.hours, args.date, args.person, args.note)
    _out(f"logged {fmt_hours(e.minutes)} h for {e.person} on {e.task}, {e.on} "
         f"(entry {e.id}, {e.grade})")
    return 0


def do_entries(args: argparse.Namespace) -> int:
    from storage.sowfile import parse_date

    first = parse_date(args.first, "--from") if args.first else None
    last = parse_date(args.last, "--to") if args.last else None
    rows = _ledger(args).entries(first, last, args.person)
    _out(table(["id", "date", "person", "task", "hours", "grade", "note"],
               [[e.id, e.on, e.person, e.task, fmt_hours(e.minutes), e.grade, e.note]
                for e in rows], right=[0, 4]))
    _out(f"{len(rows)} entries, {fmt_hours(sum(e.minutes for e in rows))} h")
    return 0


def do_entry_edit(args: argparse.Namespace) -> int:
    e = _ledger(args).edit_entry(args.id, task=args.task, hours=args.hours, on=args.date,
                                 note=args.note)
    _out(f"entry {e.id}: {fmt_hours(e.minutes)} h for {e.person} on {e.task}, {e.on}")
    return 0


def do_entry_delete(args: argparse.Namespace) -> int:
    _ledger(args).delete_entry(args.id)
    _out(f"entry {args.id} deleted")
    return 0


def do_import(args: argparse.Namespace) -> int:
    from storage.sowfile import read_entry_file

    f = read_entry_file(args.file)
    ledger = _ledger(args)
    try:
        n = ledger.import_entries(f.rows, f.problems, source=f, again=args.again)
    except LedgerErrors as exc:
        for p in exc.problems:
            _err(f"{Path(args.file).name}: {p}")
        _err(f"nothing imported: {len(exc.problems)} bad row(s)")
        return 1
    _out(f"imported {n} entries")
    return 0


def do_blocker_add(args: argparse.Namespace) -> int:
    b = _ledger(args).add_blocker(args.title, args.party, args.on, args.task)
    _out(b.number)
    return 0


def do_blocker_resolve(args: argparse.Namespace) -> int:
    b = _ledger(args).resolve_blocker(args.id, args.on)
    _out(f"{b.number} resolved on {b.resolved_on} after {b.age_days} working day(s)")
    return 0


def do_blocker_list(args: argparse.Namespace) -> int:
    rows = _ledger(args).blockers()
    _out(table(["id", "party", "raised", "resolved", "days", "task", "title"],
               [[b.number, b.party, b.raised_on, b.resolved_on or "open", b.age_days,
                 b.task or "", b.title] for b in rows], right=[4]))
    return 0


def _cr_args(args: argparse.Namespace) -> tuple[dict | None, dict | None]:
    from storage.services import parse_assignments

    deltas = parse_assignments(args.delta, "--delta") if args.delta is not None else None
    quotas = parse_assignments(args.quota, "--quota") if args.quota is not None else None
    return deltas, quotas


def do_cr_new(args: argparse.Namespace) -> int:
    deltas, quotas = _cr_args(args)
    cr = _ledger(args).new_cr(args.title, args.reason, deltas, quotas, args.end, args.on)
    _out(cr.number)
    return 0


def do_cr_edit(args: argparse.Namespace) -> int:
    deltas, quotas = _cr_args(args)
    cr = _ledger(args).edit_cr(args.id, title=args.title, reason=args.reason, deltas=deltas,
                               quota_deltas=quotas, new_end=args.end)
    _out(f"{cr.number} updated")
    return 0


def _cr_status(cr: Any) -> str:
    if cr.status == rules.DOC_EFFECTIVE:
        return f"effective since {cr.effective_on}"
    if cr.status == rules.DOC_SIGNING:
        signed = {s.party for s in cr.signatures}
        waiting = [p for p in rules.PARTIES if p not in signed]
        return f"pending: signed by {', '.join(sorted(signed))}, waiting for {', '.join(waiting)}"
    if cr.status == rules.DOC_OPEN:
        return "pending: no signature yet"
    return cr.status


def do_cr_sign(args: argparse.Namespace) -> int:
    cr = _ledger(args).sign_cr(args.id, args.on)
    _out(f"{cr.number}: {_cr_status(cr)}")
    return 0


def do_cr_withdraw(args: argparse.Namespace) -> int:
    cr = _ledger(args).withdraw_cr(args.id)
    _out(f"{cr.number}: withdrawn")
    return 0


def _deltas(cr: Any) -> str:
    parts = [f"{g}{'+' if v >= 0 else ''}{fmt_pd(rules.pd_of_milli(v))}" for g, v in cr.deltas]
    parts += [f"{k}{'+' if v >= 0 else ''}{v}" for k, v in cr.quota_deltas]
    if cr.new_end:
        parts.append(f"end→{cr.new_end}")
    return " ".join(parts)


def do_cr_list(args: argparse.Namespace) -> int:
    rows = _ledger(args).change_requests()
    shown = {rules.DOC_OPEN: "pending", rules.DOC_SIGNING: "pending",
             rules.DOC_EFFECTIVE: "effective", rules.DOC_WITHDRAWN: "withdrawn"}
    _out(table(["id", "raised", "status", "changes", "signed by", "title"],
               [[c.number, c.raised_on, shown[c.status], _deltas(c),
                 ", ".join(f"{s.person} ({s.party}) {s.on}" for s in c.signatures), c.title]
                for c in rows]))
    return 0


def do_cr_show(args: argparse.Namespace) -> int:
    c = _ledger(args).change_request(args.id)
    _out(f"{c.number}  {c.title}")
    _out(f"raised     {c.raised_on} by {c.raised_by or '-'}")
    _out(f"reason     {c.reason or '-'}")
    _out(f"changes    {_deltas(c) or '-'}")
    _out(f"status     {_cr_status(c)}")
    for s in c.signatures:
        _out(f"signed     {s.on}  {s.name} ({s.person}, {s.party} {s.role})  "
             f"sha256 {s.digest[:16]}…")
    return 0


def _signoff_line(v: Any) -> str:
    span = f" {v.first}..{v.last}" if v.first else ""
    state = {rules.DOC_EFFECTIVE: f"signed by both parties, effective {v.effective_on}",
             rules.DOC_SIGNING: "signed by one party, waiting for the other",
             rules.DOC_OPEN: "not signed", rules.DOC_WITHDRAWN: "withdrawn",
             rules.DOC_REJECTED: "rejected by the client"}[v.status]
    conclusion = getattr(v, "conclusion", None)
    if conclusion and v.status != rules.DOC_REJECTED:
        state += f"; the client's conclusion: {conclusion}"
    return f"{v.number}{span}: {state}"


def do_signoff_period(args: argparse.Namespace) -> int:
    _out(_signoff_line(_ledger(args).sign_period(args.first, args.last, args.on)))
    return 0


def do_signoff_acceptance(args: argparse.Namespace) -> int:
    _out(_signoff_line(_ledger(args).sign_acceptance(args.on, args.conclusion,
                                                     args.comment or "")))
    return 0


def do_signoff_withdraw(args: argparse.Namespace) -> int:
    _out(_signoff_line(_ledger(args).withdraw_signoff(args.id)))
    return 0


def do_signoff_list(args: argparse.Namespace) -> int:
    for v in _ledger(args).signoffs():
        _out(_signoff_line(v))
        for s in v.signatures:
            _out(f"    {s.on}  {s.name} ({s.person}, {s.party} {s.role})")
    return 0


def do_quota_use(args: argparse.Namespace) -> int:
    q = _ledger(args).use_quota(args.key, args.n, args.on, args.note)
    _out(f"{q.key}: {q.used} of {q.limit} used")
    return 0


def do_quota_list(args: argparse.Namespace) -> int:
    rows = _ledger(args).quotas()
    _out(table(["quota", "used", "limit", "title"],
               [[q.key, q.used, q.limit, q.title] for q in rows], right=[1, 2]))
    return 0


def do_person_list(args: argparse.Namespace) -> int:
    ledger = _ledger(args)
    rows = ledger.people()
    bound = {p.key: p.login_role for p in rows if p.login_role}
    head = ["id", "name", "party", "role", "grade", "day rate", "location", "time zone"]
    _out(table(head + (["login role"] if bound else []),
               [[p.key, p.name, p.party, p.role, p.grade or "",
                 fmt_money(p.day_rate_minor / 100) if p.day_rate_minor is not None else "",
                 p.location or "", p.timezone or ""] + ([bound.get(p.key, "")] if bound else [])
                for p in rows], right=[5]))
    return 0


def do_person_bind(args: argparse.Namespace) -> int:
    p = _ledger(args).bind_role(args.person, args.role)
    _out(f"{p.key} is bound to the login role {args.role}: that role acts as {p.key} only")
    return 0


def do_person_unbind(args: argparse.Namespace) -> int:
    p = _ledger(args).bind_role(args.person, None)
    _out(f"{p.key} is no longer bound to a login role")
    return 0


def do_whoami(args: argparse.Namespace) -> int:
    from model.permissions import MATRIX, UNBOUND, Action

    kind, person, role = _ledger(args).whoami()
    if kind == UNBOUND:
        who = (f"{person.key} {person.name}" if person else "nobody") + (
            ", read only: this login role is bound to no person")
    else:
        who = (f"{person.key} {person.name}, {kind}" if person
               else "the operator (no person named)")
    _out(f"acting as {who}" + (f"; database login role {role}" if role else ""))
    _out("may: " + "; ".join(["read reports and sheets",
                              *(a.value for a in Action if a in MATRIX[kind])]))
    return 0


def do_person_grade(args: argparse.Namespace) -> int:
    p = _ledger(args).change_grade(args.person, args.grade)
    _out(f"{p.key} is now {p.grade}; past entries keep the grade they were charged at")
    return 0


def do_summary(args: argparse.Namespace) -> int:
    ledger = _ledger(args)
    s = ledger.summary(args.as_of)
    if args.json:
        _out(json.dumps(s.to_json(), ensure_ascii=False, indent=1))
        return 0
    _out(render_summary(s, ledger.project().title))
    return 0


def render_summary(s: rules.Summary, title: str) -> str:
    """The human form of ``report summary``."""
    lines = [f"{s.code}  {title}", f"as of {s.as_of}   end {s.end}   working days "
             f"{s.working_days_elapsed} of {s.working_days_total}", ""]
    rows = [[g.grade, rules.GRADE_LABELS_ZH.get(g.grade, ""), fmt_pd(g.budget_pd),
             fmt_pd(g.consumed_pd), fmt_pd(g.remaining_pd)] for g in s.by_grade]
    rows.append(["total", "合计", fmt_pd(s.budget_pd), fmt_pd(s.consumed_pd),
                 fmt_pd(s.remaining_pd)])
    lines.append(table(["grade", "职级", "budget PD", "consumed PD", "remaining PD"], rows,
                       right=[2, 3, 4]))
    lines += ["",
              f"overtime      {fmt_pd(s.overtime_pd)} PD (included in consumed)",
              f"cost          {fmt_money(s.consumed_cost)} of {fmt_money(s.budget_cost)} "
              f"{s.currency}",
              f"blocked days  client {s.blocked_days.get('client', 0)}, "
              f"vendor {s.blocked_days.get('vendor', 0)}",
              f"forecast end  {s.forecast_end or 'none (no recent burn, or over 100 years out)'}"
              + (f"  ({'after' if s.forecast_end > s.end else 'on or before'} the end "
                 f"{s.end})" if s.forecast_end else ""),
              "change requests  effective: " + (", ".join(s.effective_changes) or "-")
              + "   pending: " + (", ".join(s.pending_changes) or "-")]
    if s.quotas:
        lines.append("quotas        " + ", ".join(f"{k} {used}/{limit}"
                                                  for k, _, limit, used in s.quotas))
    return "\n".join(lines)


def do_burndown(args: argparse.Namespace) -> int:
    ledger = _ledger(args)
    rows = ledger.burndown(args.as_of)
    if args.json:
        _out(json.dumps({"project": ledger.project().code,
                         "series": [r.to_json() for r in rows]}, ensure_ascii=False, indent=1))
        return 0
    _out(table(["date", "budget PD", "consumed PD", "remaining PD", "ideal PD"],
               [[r.on, fmt_pd(r.budget_pd), fmt_pd(r.consumed_pd), fmt_pd(r.remaining_pd),
                 fmt_pd(r.ideal_pd)] for r in rows], right=[1, 2, 3, 4]))
    return 0


def sheet_request(args: argparse.Namespace) -> Any:
    """The SheetRequest of `export KIND` options; refuses missing or stray options."""
    from dataclasses import replace

    from model.sheets import LANGUAGES

    kind = args.kind
    applies = {"--from": ("timesheet", args.first), "--to": ("timesheet", args.last),
               "--person": ("timesheet", args.person),
               "--per-person": ("timesheet", args.per_person), "--cr": ("cr", args.cr),
               "--as-of": ("status", args.as_of)}
    for option, (only, value) in applies.items():
        if value and kind != only:
            raise LedgerError(f"{option}: does not apply to `export {kind}` (only to {only})")
    if args.person and args.per_person:
        raise LedgerError("--per-person: not with --person (one sheet for one person)")
    language = getattr(args, "lang", None)
    if language is not None and language not in LANGUAGES:
        raise LedgerError(f"--lang: {language!r} is not one of {', '.join(LANGUAGES)}")
    request = _sheet_request(args, kind)
    return replace(request, language=language) if language else request


def _sheet_request(args: argparse.Namespace, kind: str) -> Any:
    from model.sheets import SheetRequest
    from storage.sowfile import parse_date

    if kind == "timesheet":
        if not args.first or not args.last:
            raise LedgerError("--from/--to: a timesheet needs its period")
        first, last = parse_date(args.first, "--from"), parse_date(args.last, "--to")
        if last < first:
            raise LedgerError(f"--to: {last} is before --from {first}")
        return SheetRequest(kind, first, last, person=args.person,
                            per_person=args.per_person)
    if kind == "cr":
        if not args.cr:
            raise LedgerError("--cr: which change request? (e.g. --cr CR-001)")
        return SheetRequest(kind, cr=args.cr.upper())
    if kind == "status":
        return SheetRequest(kind, as_of=parse_date(args.as_of, "--as-of") if args.as_of
                            else None)
    return SheetRequest(kind)


def ledger_protected(ledger: Any) -> tuple[Path, ...]:
    """The files of ``ledger`` that no export or backup may write (see storage.outfile)."""
    from storage.outfile import ledger_files

    return ledger_files(ledger.engine.url)


def write_sheet(ledger: Any, request: Any, out: str | Path, force: bool = False) -> list[Any]:
    """Build and draw a sheet into ``out`` (a timesheet per person: one file per person,
    ``out`` with the person's id before its suffix), each refused if it exists, unless
    ``force``; records each sheet's revision; font warnings go to stderr. The files
    written (storage.sheets.Printed)."""
    import warnings

    from exports.render import render_pdf
    from storage.outfile import check_target, write_output
    from storage.sheets import export_sheets

    protected = ledger_protected(ledger)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        written = export_sheets(
            ledger, request, out, render_pdf,
            check=lambda path: check_target(path, force=force, protected=protected),
            write=lambda path, data: write_output(path, data, force=force,
                                                  protected=protected),
            printed_on=pinned_today())
    for message in dict.fromkeys(str(w.message) for w in caught
                                 if not issubclass(w.category, ResourceWarning)):
        _err(f"warning: {message}")  # the drawing's own, not the GC's
    return written


def do_export(args: argparse.Namespace) -> int:
    from storage.outfile import check_target, write_output
    from storage.sowfile import dump_sow

    if args.kind != "sow":
        request = sheet_request(args)  # bad options are refused before the ledger is opened
        for printed in write_sheet(_ledger(args), request, args.out, args.force):
            meta = printed.sheet.meta
            _out(f"wrote {printed.path} ({meta.doc_id} revision {meta.revision})")
        return 0
    if args.lang:
        raise LedgerError("--lang: does not apply to `export sow` (only to a sheet)")
    ledger = _ledger(args)
    protected = ledger_protected(ledger)
    check_target(args.out, force=args.force, protected=protected)
    text = dump_sow(ledger.export_sow())
    write_output(args.out, text.encode("utf-8"), force=args.force, protected=protected)
    _out(f"wrote {args.out}")
    return 0


def do_verify(args: argparse.Namespace) -> int:
    if args.file:
        from exports.render import render_pdf
        from storage.services import Ledger
        from storage.sheets import verify_pdf

        opened = _ledger(args)
        engine, actor = opened.engine, opened.actor
        report = verify_pdf(args.file, lambda code: Ledger(engine, code, actor), render_pdf)
        head = f"{args.file}: {report.doc_id} revision {report.revision}"
        if report.ok:
            _out(f"{head}: the ledger still holds exactly this content "
                 f"(sha256 {report.printed_digest[:16]}…), and every page is what it prints")
            _out(f"signatures: {report.signed}")
            return 0
        if not report.matches:
            _err(f"{head}: the ledger no longer holds this content: printed sha256 "
                 f"{report.printed_digest[:16]}…, now {report.current_digest[:16]}…")
            if report.superseded:
                _err(f"{head}: {report.superseded}")
        for problem in report.problems:
            _err(f"{head}: {problem}")
        if report.note:
            _err(report.note)
        _err(f"signatures: {report.signed}")
        return 1
    count, problems = _ledger(args).verify()
    if problems:
        for p in problems:
            _err(p)
        _err(f"verify failed: {len(problems)} problem(s) in {count} audit rows")
        return 1
    _out(f"ok: {count} audit rows chained, every record and signature matches")
    return 0


def _shown_value(key: str, value: str) -> str:
    """A config value as printed in a listing: a db URL with its password hidden."""
    if key == "db":
        from sqlalchemy import make_url

        try:
            return make_url(value).render_as_string(hide_password=True)
        except Exception:  # noqa: BLE001 - shown as stored
            return value
    return value


def do_config_set(args: argparse.Namespace) -> int:
    from storage.config import set_value

    path = set_value(args.key, args.value)
    _out(f"{args.key} = {_shown_value(args.key, args.value)}  (in {path})")
    _config_overridden(args.key)
    return 0


def _config_overridden(key: str) -> None:
    from storage.config import ENV

    if os.environ.get(ENV[key]):
        _err(f"note: {ENV[key]} is set in your environment and wins over the config file's "
             f"{key}")


def do_config_get(args: argparse.Namespace) -> int:
    from storage.config import KEYS, check_key, config_path, load_config

    path = config_path()
    if args.key:
        check_key(args.key)
        value = getattr(load_config(path), args.key)
        if value is None:
            raise LedgerError(f"config: {args.key} is not set (in {path})")
        _out(value)
        _config_overridden(args.key)
        return 0
    config = load_config(path)
    _out(f"# {path}" + ("" if path.exists() else " (does not exist yet)"))
    for key in KEYS:
        value = getattr(config, key)
        _out(f"{key} = {_shown_value(key, value)}" if value is not None
             else f"# {key} is not set")
    return 0


def do_config_unset(args: argparse.Namespace) -> int:
    from storage.config import config_path, unset_value

    if unset_value(args.key):
        _out(f"{args.key} removed from {config_path()}")
    else:
        _out(f"{args.key} was not set in {config_path()}")
    return 0


def do_config_path(args: argparse.Namespace) -> int:
    from storage.config import config_path

    _out(str(config_path()))
    return 0


def _db_url(args: argparse.Namespace) -> tuple[str, str]:
    """The ledger's URL and where it came from: a flag, the environment, the config file."""
    from storage.config import setting
    from storage.db import default_url

    url, source = setting("db", args.db)
    if isinstance(source, Ref):
        source = flag_namer(None)(source.field)
    return (url, source) if url else (default_url(), "the default")


def do_db_status(args: argparse.Namespace) -> int:
    from storage.db import schema_status

    url, source = _db_url(args)
    st = schema_status(url)
    _out(f"database  {st.url}  (from {source})")
    _out(f"backend   {st.backend}")
    if st.newer:
        _out(f"schema    {st.current}: newer than this sowtrack; upgrade sowtrack")
    else:
        _out(f"schema    {st.current or 'empty'}")
    _out(f"sowtrack  {st.head}")
    if st.newer:
        return 0
    if not st.pending:
        _out("pending   none: up to date")
        return 0
    for i, (rev, message) in enumerate(st.pending):
        _out(f"{'pending' if i == 0 else '':<9} {rev}  {message}")
    if st.current is None:
        _out("the first command creates the schema, or `sowtrack db upgrade`")
    elif st.backend == "sqlite":
        _out("applied the next time sowtrack opens this file, or now with `sowtrack db upgrade`")
    else:
        _out("apply them with `sowtrack db upgrade`, as the database owner")
    return 0


def do_db_upgrade(args: argparse.Namespace) -> int:
    from sqlalchemy import make_url
    from sqlalchemy.exc import DBAPIError

    from storage.db import ledger_url, make_engine, migrate

    url = ledger_url(args.db, create=True)
    shown = make_url(url).render_as_string(hide_password=True)
    engine = make_engine(url)
    try:
        before, after = migrate(engine, upgrade=True)
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) != "42501":  # insufficient_privilege
            raise
        raise LedgerError(f"db upgrade: the login role {make_url(url).username!r} may not "
                          "change the schema; run it as the database owner "
                          f"({str(exc.orig).strip().splitlines()[0]})") from None
    finally:
        engine.dispose()
    if before == after:
        _out(f"{shown}: schema {after}, up to date")
    else:
        _out(f"{shown}: schema {before or 'empty'} → {after}")
    return 0


def do_backup(args: argparse.Namespace) -> int:
    from storage.backup import backup
    from storage.db import ledger_url

    r = backup(ledger_url(args.db, create=False), args.file, args.force)
    newest = f", newest {r.newest:%Y-%m-%d %H:%M} UTC" if r.newest else ""
    _out(f"wrote {args.file}: {r.entries} entries, {r.audit_rows} audit rows{newest}")
    return 0


def do_restore(args: argparse.Namespace) -> int:
    from storage.backup import restore
    from storage.db import ledger_url

    r = restore(ledger_url(args.db, create=True), args.file, args.force)
    if r.lost:
        span = (f"on {r.lost_first}" if r.lost_first == r.lost_last
                else f"from {r.lost_first} to {r.lost_last}")
        _err(f"warning: --force: {r.lost} audit row(s) written {span} were dropped")
    _out(f"restored {args.file}: {r.entries} entries, {r.audit_rows} audit rows")
    return 0


def do_status(args: argparse.Namespace) -> int:
    """No command: the full-screen TUI on a terminal, else (piped) a short status."""
    ledger = _ledger(args)
    today = pinned_today()
    if sys.stdin.isatty() and sys.stdout.isatty():
        from tui.app import run_tui

        ledger.project()  # refuse here, in one line, if there is no project to show
        run_tui(ledger, today)
        return 0
    s = ledger.summary(today)
    _out(render_summary(s, ledger.project().title))
    open_blockers = [b for b in ledger.blockers() if b.resolved_on is None]
    if open_blockers:
        _out("open blockers " + "; ".join(f"{b.number} ({b.party}, {b.age_days} d) {b.title}"
                                          for b in open_blockers))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    if hasattr(signal, "SIGPIPE"):
        # `sowtrack report burndown | head` should end quietly, like any Unix tool.
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", do_status)
    try:
        pinned_today()  # a bad SOWTRACK_TODAY is refused whatever the command
        return func(args)
    except LedgerErrors as exc:
        for p in exc.problems:
            _err(f"error: {p}")
        return 1
    except LedgerError as exc:  # its inputs named by their flags (tui.flags)
        _err(f"error: {exc.worded(flag_namer(getattr(args, 'command_parser', None)))}")
        return 1
    except KeyboardInterrupt:
        _err("interrupted; nothing was written by the unfinished action")
        return 130
    except Exception as exc:  # noqa: BLE001
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(exc, SQLAlchemyError):
            first = str(exc).strip().splitlines()[0]
            _err(f"error: database: {first}")
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
