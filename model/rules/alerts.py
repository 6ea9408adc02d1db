"""The dashboard's alerts: over budget, quota at its limit, blockers, missing entries, forecast,
staff changes recorded at short notice, people allocated over their capacity."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from model.i18n import before_chinese, language, word
from model.rules.amounts import format_pd
from model.rules.budget import working_days_open
from model.rules.capacity import Workload
from model.rules.facts import BlockerFact, ObligationFact
from model.rules.obligations import days_late, due_date, is_overdue
from model.rules.staffing import StaffChange, notice_days, staff_change_word
from model.rules.summary import Summary
from model.rules.workdays import Calendar

BLOCKER_ALERT_DAYS = 3  # a blocker open for more than this many working days is an alert
STAFF_ALERT_DAYS = 14  # a short-notice staff change is alerted until this many days after it


#: an alert's sentence per kind; its ``args`` fill the slots (a printed sheet may use its own)
ALERT_TEXT = {
    "grade": "{0} is over budget: {1} of {2} PD consumed",
    "quota": "quota {0} is at its limit: {1} of {2} used",
    "blocker": "blocker {0} ({1}) open for {2} working days",
    "missing": "{0} has no entry on {1}",
    "forecast": "forecast end {0} is after the end {1}",
    "staff_notice": "staff change ({1}) of {0} on {2} was recorded {3} working days ahead; "
                    "the SOW asks for {4}",
    "obligation": "obligation {0} ({1}) due {2} is not done: {3} working days late",
    "over_capacity": "{0} is over capacity: {1} PD allocated, capacity {2} PD",
    "scope_unsigned": "the scope is not signed by both parties: it was due by {0} "
                      "({1} working days late)",
}
#: the same sentences in Chinese (a printed sheet names the grade, quota and person first)
ALERT_TEXT_ZH = {
    "grade": "{0}超出预算：已消耗 {1} 人天，预算 {2} 人天",
    "quota": "额度“{0}”已用尽：已用 {1}，上限 {2}",
    "blocker": "阻塞问题 {0}（{1}）已持续 {2} 个工作日",
    "missing": "{0}在 {1} 没有登记工时",
    "forecast": "预测完成日 {0} 晚于结束日期 {1}",
    "staff_notice": "{0}的人员变更（{1}）于 {2} 生效，仅提前 {3} 个工作日登记，"
                    "工作说明书要求提前 {4} 个工作日",
    "obligation": "义务事项 {0}（{1}）应于 {2} 完成，尚未完成：已逾期 {3} 个工作日",
    "over_capacity": "{0}的人天分配超出可用人天：已分配 {1} 人天，可用 {2} 人天",
    "scope_unsigned": "需求范围尚未经双方签字确认：应于 {0} 前确认（已逾期 {1} 个工作日）",
}


def alert_text(kind: str, args: Sequence[str], lang: str = "en") -> str:
    """The one wording of an alert: its sentence in ``lang`` filled with ``args`` (the
    ledger's ids and keys for the command line, names and titles on a printed sheet)."""
    if lang == "zh" and args and kind in _NAMED_FIRST:
        args = (before_chinese(args[0]), *args[1:])
    return (ALERT_TEXT_ZH if lang == "zh" else ALERT_TEXT)[kind].format(*args)


#: the alerts whose Chinese sentence goes on from their first arg with no space: a name, a
#: grade's title, or an id (then a space: "zhou.jie 在 2026-12-04 没有登记工时")
_NAMED_FIRST = frozenset({"grade", "missing", "staff_notice", "over_capacity"})


@dataclass(frozen=True)
class Alert:
    kind: str  # grade | quota | blocker | missing | forecast | staff_notice | obligation
    #            | over_capacity | scope_unsigned
    args: tuple[str, ...]  # what the sentence names, in the order of ALERT_TEXT[kind]

    @property
    def text(self) -> str:
        """The alert in the language spoken (model.i18n): the app's dashboard. In Chinese
        a grade or a party is its word (高级工程师, 甲方); English keeps the keys."""
        lang = language()
        args = self.args
        vocabulary = _VOCABULARY.get(self.kind)
        if lang != "en" and vocabulary is not None:
            at, kind = vocabulary
            args = (*args[:at], word(kind, args[at]), *args[at + 1:])
        if self.kind == "staff_notice":
            args = (args[0], staff_change_word(args[1]), *args[2:])
        return alert_text(self.kind, args, lang)


#: an alert's arg that is a key of the vocabulary: kind -> (its place, its vocabulary)
_VOCABULARY = {"grade": (0, "grade"), "blocker": (1, "party"), "obligation": (1, "party")}


def blocker_overdue(days_open: int) -> bool:
    """Whether a blocker open for ``days_open`` working days is alerted (and reminded
    of): more than :data:`BLOCKER_ALERT_DAYS`."""
    return days_open > BLOCKER_ALERT_DAYS


def last_working_day_before(cal: Calendar, start: date, as_of: date) -> date | None:
    """The newest working day strictly before as_of, not before start."""
    for ordinal in range(as_of.toordinal() - 1, start.toordinal() - 1, -1):
        d = date.fromordinal(ordinal)  # never a step before 0001-01-01
        if cal.is_working(d):
            return d
    return None


def alerts(summary: Summary, blockers: Iterable[BlockerFact], cal: Calendar, start: date,
           engineers: Sequence[str], logged_on: Mapping[date, set[str]],
           staff: Iterable[StaffChange] = (),
           obligations: Iterable[ObligationFact] = (),
           workloads: Iterable[Workload] = ()) -> list[Alert]:
    """What the lead must see first: a grade over budget, a quota at its limit, a
    blocker open for more than 3 working days, an engineer with no entry on the last
    working day, a forecast end after the SOW end, a staff change recorded with less
    notice than the SOW asks (:func:`staff_alerts`), an obligation of either party not
    done by its due date (args: key, party, due date, working days late), a person
    allocated over their capacity (args: person, allocated PD, capacity PD)."""
    as_of = summary.as_of
    out: list[Alert] = []
    for g in summary.by_grade:
        if g.consumed_pd > g.budget_pd:
            out.append(Alert("grade", (g.grade, format_pd(g.consumed_pd),
                                       format_pd(g.budget_pd))))
    for key, _title, limit, used in summary.quotas:
        if used >= limit:
            out.append(Alert("quota", (key, str(used), str(limit))))
    for b in blockers:
        if b.raised_on > as_of or (b.resolved_on is not None and b.resolved_on <= as_of):
            continue
        days = working_days_open(cal, b.raised_on, None, as_of)
        if blocker_overdue(days):
            out.append(Alert("blocker", (b.number, b.party, str(days))))
    for ob in obligations:
        if is_overdue(ob, cal, start, as_of):
            out.append(Alert("obligation", (ob.key, ob.party,
                                            due_date(ob, cal, start).isoformat(),
                                            str(days_late(ob, cal, start, as_of)))))
    last = last_working_day_before(cal, start, as_of)
    if last is not None:
        for person in engineers:
            if person not in logged_on.get(last, set()):
                out.append(Alert("missing", (person, last.isoformat())))
    if summary.forecast_end is not None and summary.forecast_end > summary.end:
        out.append(Alert("forecast", (summary.forecast_end.isoformat(),
                                      summary.end.isoformat())))
    out += staff_alerts(cal, staff, as_of)
    out += [Alert("over_capacity", (w.person, format_pd(Fraction(w.allocated_milli, 1000)),
                                    str(w.capacity_days))) for w in workloads if w.over]
    return out


def staff_alerts(cal: Calendar, staff: Iterable[StaffChange], as_of: date) -> list[Alert]:
    """A vendor staff change recorded on or before ``as_of`` with fewer working days of
    notice than it required, until :data:`STAFF_ALERT_DAYS` days after it took effect.
    Args: person, change (add | leave | replace), effective date, notice given, required."""
    out = []
    for c in staff:
        if c.recorded_on > as_of or (as_of - c.effective_on).days > STAFF_ALERT_DAYS:
            continue
        short = short_notice(cal, c)
        if short is not None:
            out.append(Alert("staff_notice", (c.person, c.change, c.effective_on.isoformat(),
                                              str(short[0]), str(short[1]))))
    return out


def short_notice(cal: Calendar, change: StaffChange) -> tuple[int, int] | None:
    """(notice given, notice required) in working days when ``change`` was recorded with
    less notice than the SOW asked; None when the notice sufficed."""
    given = notice_days(cal, change.recorded_on, change.effective_on)
    return (given, change.required) if given < change.required else None
