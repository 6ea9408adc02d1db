"""Imports from other trackers (issue 15): timew, timeclock, timedot, klog, Kimai.

A tracker file, read by its parser (model.trackers.formats), becomes entry rows by the
model's rules (model.trackers.days: time zone, midnight, task, minutes), which go
through the one admission and write path of ``import entries``
(:meth:`EntriesMixin.import_entries`): all or nothing, every problem listed. The
intervals' pieces (storage.orm.TrackerPiece) are written in the same transaction, so a
re-import adds only the intervals it has not seen.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from model import rules
from model.errors import FieldError, LedgerErrors, Ref
from model.i18n import _, parts
from model.trackers import Parsed, Plan, TrackerProblems, plan_entries
from storage.orm import Project, Task, TrackerPiece
from storage.services.core import LedgerBase
from storage.sowfile import EntryRow


@dataclass(frozen=True)
class TrackerImport:
    """What an import from a tracker did."""

    entries: int  # entries written
    new: int  # intervals imported now
    already: int  # intervals imported before, skipped
    changed: tuple[str, ...] = ()  # of those, the ones changed in the tracker since


class TrackersMixin(LedgerBase):
    """``import timew|timeclock|timedot|klog|kimai``."""

    def import_tracker(self, parsed: Parsed, person: str | None = None,
                       task_map: Mapping[str, str] | None = None) -> TrackerImport:
        """Import ``parsed`` as ``person``'s time (default: the acting person's); every
        problem (the file's, the tasks', the admission's) is listed, naming the file's
        line or JSON path, and nothing is written."""
        hook = _Hook(self, parsed, person, dict(task_map or {}))
        try:
            # EntriesMixin's, as the composed Ledger has it: the CSV import's one path
            n = self.import_entries(  # type: ignore[attr-defined]
                hook, (), minutes_of=rules.parse_hours, hook=hook)
        except LedgerErrors as exc:
            raise TrackerProblems([hook.relabel(p) for p in exc.problems],
                                  unnamed=bool(hook.plan and hook.plan.unnamed)) from None
        assert hook.plan is not None
        return TrackerImport(n, hook.plan.new, hook.plan.already, tuple(hook.plan.changed))


class _Hook:
    """The rows of a tracker file, made inside the import's transaction (``before``:
    the person, the tasks and the pieces imported before are read there), and its
    pieces written there (``after``). Iterated by the import as its rows."""

    def __init__(self, ledger: TrackersMixin, parsed: Parsed, person: str | None,
                 task_map: dict[str, str]):
        self.ledger, self.parsed, self.person, self.task_map = ledger, parsed, person, task_map
        self.rows: list[EntryRow] = []
        self.labels: list[str] = []
        self.plan: Plan | None = None
        self.person_id = 0

    def __iter__(self) -> Iterator[EntryRow]:
        return iter(self.rows)

    def before(self, s: Session, project: Project) -> None:
        led = self.ledger
        __, me = led._actor(s, project)
        who = self.person or (me.key if me else None)
        if not who:
            raise FieldError("person", *parts(_("required (or {actor} / SOWTRACK_USER)"),
                                              actor=Ref("actor")))
        p = led._person(s, project, who, Ref("person") if self.person else Ref("actor"))
        led._permit_entry(s, project, p)
        self.person_id = p.id
        codes = s.scalars(select(Task.code).where(Task.project_id == project.id)).all()
        mapped: dict[str, str] = {}
        for name, code in self.task_map.items():
            found = rules.match_task(code, codes, Ref("task_map"))
            if found is None:
                raise FieldError("task_map", _("{name}={code}: {code!r} is not a task of the "
                                               "project").format(name=name, code=code))
            mapped[name] = found
        done = dict(s.execute(
            select(TrackerPiece.key, func.sum(TrackerPiece.seconds))
            .where(TrackerPiece.project_id == project.id, TrackerPiece.person_id == p.id,
                   TrackerPiece.tool == self.parsed.tool)
            .group_by(TrackerPiece.key)).all())
        day_seconds = dict(s.execute(
            select(TrackerPiece.on, func.sum(TrackerPiece.seconds))
            .where(TrackerPiece.project_id == project.id, TrackerPiece.person_id == p.id)
            .group_by(TrackerPiece.on)).all())
        plan = self.plan = plan_entries(
            self.parsed.intervals, p.timezone or project.timezone, codes, mapped,
            {k: int(v) for k, v in done.items()},
            {d: int(v) for d, v in day_seconds.items()})
        problems = [*self.parsed.problems, *plan.problems]
        if problems:
            raise LedgerErrors(sorted(problems, key=_position))
        for i, e in enumerate(plan.entries, start=1):
            self.rows.append(EntryRow(i, e.on.isoformat(), p.key, e.task,
                                      f"{e.minutes}m", e.note))
            self.labels.append(f"{e.where} ({e.on}, {e.task})")

    def after(self, s: Session, project: Project, written: int) -> None:
        assert self.plan is not None
        if self.plan.pieces:
            s.execute(insert(TrackerPiece), [
                {"project_id": project.id, "person_id": self.person_id,
                 "tool": self.parsed.tool, "key": piece.key, "on": piece.on,
                 "seconds": piece.seconds} for piece in self.plan.pieces])

    def relabel(self, problem: str) -> str:
        """An admission's ``line N: reason`` (N: the row's number) as the file names
        where the row comes from: ``line 12 (2026-03-02, T2): reason``, ``[3] (...)``."""
        head, sep, rest = problem.partition(": ")
        if sep and head.startswith("line ") and head[5:].isdigit():
            n = int(head[5:])
            if 1 <= n <= len(self.labels):
                return f"{self.labels[n - 1]}: {rest}"
        return problem


def _position(problem: str) -> tuple[int, ...]:
    """Where a problem is in the file, to list them in its order: the numbers of its
    ``line 12`` or ``records[2].entries[0].start``."""
    return tuple(int(n) for n in re.findall(r"\d+", problem.split(": ", 1)[0]))
