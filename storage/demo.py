"""``sowtrack demo``: a realistic project, built through the same services as any user.

The project is placed relative to "today" so that the dashboard is always
live: it started 13 weeks ago and ends 7 weeks from now. A seeded random
generator makes the same day give the same ledger.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from model.errors import FieldError, Ref
from model.i18n import _
from model.rules import Calendar
from storage.services import Ledger
from storage.sowfile import (
    AllocationSpec,
    DeliverableSpec,
    EntryRow,
    ObligationSpec,
    PersonSpec,
    QuotaSpec,
    SowSpec,
    TaskSpec,
    parse_date,
)

DEMO_CODE = "DEMO-AGENT"
DEMO_EARLIEST, DEMO_LATEST = date(2, 1, 1), date(9998, 12, 31)

PEOPLE = [
    PersonSpec("zhang.wei", "张伟", "vendor", "lead", "senior_expert", "onsite",
               "Asia/Shanghai", "项目经理 / Project lead"),
    PersonSpec("chen.jing", "陈静", "vendor", "engineer", "expert", "remote", "Asia/Shanghai"),
    PersonSpec("liu.yang", "刘洋", "vendor", "engineer", "senior", "remote", "Asia/Shanghai"),
    PersonSpec("sun.lei", "孙磊", "vendor", "engineer", "senior", "remote", "Europe/Lisbon"),
    PersonSpec("wang.fang", "王芳", "vendor", "engineer", "intermediate", "onsite",
               "Asia/Shanghai"),
    PersonSpec("zhou.jie", "周杰", "vendor", "engineer", "junior", "remote", "Asia/Shanghai"),
    PersonSpec("zhao.min", "赵敏", "vendor", "signatory", None, None, "Asia/Shanghai",
               "交付总监 / Delivery director"),
    PersonSpec("li.na", "李娜", "client", "signatory", None, None, "Asia/Shanghai",
               "信息科技部总经理 / Head of IT"),
]

TASKS = [
    TaskSpec("T1", "需求澄清与任务拆解 Requirement clarification", 45_000, "high", "done",
             ["zhang.wei", "wang.fang"]),
    TaskSpec("T2", "理赔材料解析流水线 Claims material parsing pipeline", 160_000, "high",
             "in_progress", ["liu.yang", "sun.lei", "chen.jing"]),
    TaskSpec("T3", "保单条款比对节点与提示词 Policy clause comparison", 90_000, "medium",
             "in_progress", ["chen.jing", "wang.fang"]),
    TaskSpec("T4", "评测、坏例轮次与验收报告 Evaluation and bad-case rounds", 80_000, "medium",
             "in_progress", ["zhang.wei", "zhou.jie", "wang.fang"]),
    TaskSpec("T5", "部署与运维交接 Deployment and hand-over", 85_000, "low", "in_progress",
             ["liu.yang", "zhou.jie"]),
]

# Planned PD of each person on each task (人天分配), in thousandths. Everyone's total
# fits their capacity (95 working days in the SOW after China's 2026 holidays, 100 after
# CR-002): liu.yang plans 50 + 45 = 95 PD, sun.lei 70.
ALLOCATIONS = [
    ("T1", "zhang.wei", 20_000), ("T1", "wang.fang", 25_000),
    ("T2", "liu.yang", 50_000), ("T2", "sun.lei", 70_000), ("T2", "chen.jing", 35_000),
    ("T3", "chen.jing", 45_000), ("T3", "wang.fang", 45_000),
    ("T4", "zhang.wei", 30_000), ("T4", "zhou.jie", 30_000), ("T4", "wang.fang", 20_000),
    ("T5", "liu.yang", 45_000), ("T5", "zhou.jie", 40_000),
]

# Each worker's usual day: (task codes, hours), and a first week on the project.
HABITS = {
    "zhang.wei": (["T1", "T4"], 6, 0),
    "chen.jing": (["T2", "T3"], 8, 0),
    "liu.yang": (["T2", "T5"], 8, 0),
    "sun.lei": (["T2"], 8, 2),
    "wang.fang": (["T1", "T3", "T4"], 8, 0),
    "zhou.jie": (["T4", "T5"], 8, 3),
}


# The project's life (SPEC §9): both parties sign the scope (SCOPE-001) in the first week,
# within the five working days the service packages give the client to confirm the plan;
# CR-001 then raises T3's estimate by 15 PD (the signed 90 PD becomes 105); sun.lei is
# replaced by wu.lei (same grade) in week 9, recorded at two working days' notice where
# the SOW asks three; the client's test environment comes four working days late (client
# blocked days); the vendor's CVs and NDAs come on time; the requirements specification
# is delivered, the training is due.
REPLACED, NEWCOMER, NEWCOMER_NAME = "sun.lei", "wu.lei", "吴磊"
REPLACED_WEEK = 9  # the newcomer's first day is the Monday of this week (mid-project)
STAFF_NOTICE = 3  # [project] staff_change_notice, in working days
PLAN_CONFIRM = 5  # [project] plan_confirm_days: working days after the start
SCOPE_SIGNED = ((2, "zhang.wei"), (4, "li.na"))  # (days after the start, signatory)
# CR-001's estimate change: the fraud-risk hints are prompts of the clause comparison.
CR1_ESTIMATES = {"T3": 15}


def demo_obligations() -> list[ObligationSpec]:
    return [
        ObligationSpec("ENV-ACCESS", "测试环境及账号开通 Test environment and accounts",
                       "client", due_days=1),
        ObligationSpec("CV-NDA", "驻场/远程工程师名单、简历及保密协议 Engineer list, CVs "
                                 "and NDAs", "vendor", due_days=2),
    ]


def demo_deliverables(start: date, end: date) -> list[DeliverableSpec]:
    return [
        DeliverableSpec("REQ-SPEC", "需求规格说明书及任务分解 Requirements specification",
                        ["T1"], "双方签字确认需求范围 Scope signed by both parties",
                        start + timedelta(weeks=3, days=-3)),
        DeliverableSpec("AGENT", "理赔助手 Agent 及部署 Claims assistant agent, deployed",
                        ["T2", "T3", "T5"],
                        "材料解析准确率不低于 95%，条款比对召回率不低于 90% "
                        "Parsing accuracy at least 95%, clause recall at least 90%", end),
        DeliverableSpec("EVAL", "评测报告 Evaluation report", ["T4"],
                        "坏例轮次闭环，评测数据 2000 条 Bad-case rounds closed, "
                        "2000 evaluation records", end),
        DeliverableSpec("KT", "运维培训及操作手册 Operations training and handbook", ["T5"],
                        "培训两场，手册经甲方确认 Two sessions held, handbook accepted by "
                        "the client", end - timedelta(days=7), kind="training"),
    ]


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


# China's public holidays and 调休 working weekends, as the State Council's General Office
# set them for 2026: 国务院办公厅关于2026年部分节假日安排的通知, dated 2025-11-04 and
# published by Xinhua that day (www.gov.cn): 元旦 1-1..1-3, 1-4 (Sun) worked;
# 春节 2-15..2-23, 2-14 (Sat) and 2-28 (Sat) worked; 清明节 4-4..4-6;
# 劳动节 5-1..5-5, 5-9 (Sat) worked; 端午节 6-19..6-21;
# 中秋节 9-25..9-27; 国庆节 10-1..10-7, 9-20 (Sun) and 10-10 (Sat) worked. 元旦 2027 is
# 1-1, its statutory day (全国年节及纪念日放假办法); the 2027 notice, not out when this
# was written, may add 调休 days around it.
CN_HOLIDAYS: tuple[date, ...] = tuple(
    _days(date(2026, 1, 1), date(2026, 1, 3)) + _days(date(2026, 2, 15), date(2026, 2, 23))
    + _days(date(2026, 4, 4), date(2026, 4, 6)) + _days(date(2026, 5, 1), date(2026, 5, 5))
    + _days(date(2026, 6, 19), date(2026, 6, 21)) + _days(date(2026, 9, 25), date(2026, 9, 27))
    + _days(date(2026, 10, 1), date(2026, 10, 7)) + [date(2027, 1, 1)])
CN_WORKDAYS: tuple[date, ...] = (date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28),
                                 date(2026, 5, 9), date(2026, 9, 20), date(2026, 10, 10))
#: the years CN_HOLIDAYS and CN_WORKDAYS hold whole
CN_YEARS = (2026,)


def demo_calendar(start: date, end: date) -> tuple[list[date], list[date]]:
    """(holidays, 调休 working weekends) of a demo running ``start``..``end``: China's
    official ones (weekdays off, weekend days worked) where the SOW lies in a year they
    are known for; else a Friday off in the sixth week, worked back on a Saturday."""
    if start.year in CN_YEARS or end.year in CN_YEARS:
        return ([d for d in CN_HOLIDAYS if start <= d <= end and d.weekday() < 5],
                [d for d in CN_WORKDAYS if start <= d <= end and d.weekday() >= 5])
    return [start + timedelta(weeks=5, days=4)], [start + timedelta(weeks=6, days=5)]


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def demo_spec(today: date) -> SowSpec:
    start = _monday(today) - timedelta(weeks=13)
    end = start + timedelta(weeks=20, days=-3)
    holidays, workdays = demo_calendar(start, end)
    return SowSpec(
        code=DEMO_CODE,
        title="保险理赔一站式助手 Agent 开发 (demo)",
        client="示例人寿保险股份有限公司 Example Mutual Insurance",
        vendor="示例云智能服务有限公司 Example Cloud AI Services",
        start=start, end=end, minutes_per_day=480, currency="CNY",
        timezone="Asia/Shanghai", language="zh",
        holidays=holidays, workdays=workdays,
        rates={"junior": 120_000, "intermediate": 180_000, "senior": 280_000,
               "expert": 420_000, "senior_expert": 600_000},
        baseline={"junior": 60_000, "intermediate": 95_000, "senior": 150_000,
                  "expert": 80_000, "senior_expert": 60_000},
        quotas=[QuotaSpec("research-meetings", "场景调研会 Scenario research meetings", 3),
                QuotaSpec("prompt-rounds", "提示词优化轮次 Prompt optimisation rounds", 5),
                QuotaSpec("eval-records", "评测数据条数 Evaluation data records", 2000)],
        people=list(PEOPLE), tasks=list(TASKS),
        allocations=[AllocationSpec(t, p, pd) for t, p, pd in ALLOCATIONS],
        staff_change_notice=STAFF_NOTICE, plan_confirm_days=PLAN_CONFIRM,
        obligations=demo_obligations(),
        deliverables=demo_deliverables(start, end),
    )


def demo_entries(spec: SowSpec, today: date) -> list[EntryRow]:
    """Three months of entries up to the last working day before ``today``."""
    rng = random.Random(2026)
    cal = Calendar(frozenset(spec.holidays), frozenset(spec.workdays))
    rows: list[EntryRow] = []
    last = today - timedelta(days=1)
    d = spec.start
    notes = ["接口联调 integration", "坏例分析 bad-case review", "提示词迭代 prompt iteration",
             "代码评审 code review", "与甲方对齐 alignment with client", "文档 documentation"]
    while d <= last:
        working = cal.is_working(d)
        week = (d - spec.start).days // 7
        for person, (tasks, hours, first_week) in HABITS.items():
            if week < first_week:
                continue
            if person == "zhou.jie" and d == last:
                continue  # the dashboard should show one engineer who has not logged yet
            if not working:
                # The odd weekend fix the client asked for: overtime.
                if person == "liu.yang" and rng.random() < 0.15:
                    rows.append(EntryRow(0, d.isoformat(), person, "T2", "4",
                                         "周末修复 weekend fix, client asked"))
                continue
            if rng.random() < 0.04:
                continue  # a day of leave
            h = hours
            if rng.random() < 0.1:
                h += 2  # a late day: overtime
            elif rng.random() < 0.1:
                h -= 0.5
            split = rng.random() < 0.3 and len(tasks) > 1
            picks = rng.sample(tasks, 2) if split else [tasks[min(week // 5, len(tasks) - 1)]]
            share = h / len(picks)
            for t in picks:
                rows.append(EntryRow(0, d.isoformat(), person, t, f"{share:g}",
                                     rng.choice(notes)))
        d += timedelta(days=1)
    rows = _replaced(rows, spec.start, cal)
    return [EntryRow(i + 2, r.on, r.person, r.task, r.hours, r.note)
            for i, r in enumerate(rows)]


def _replaced(rows: list[EntryRow], start: date, cal: Calendar) -> list[EntryRow]:
    """The replaced engineer's entries from the newcomer's first day are the newcomer's;
    a weekend fix between the last working day and that first day is nobody's."""
    first = start + timedelta(weeks=REPLACED_WEEK)
    last = first - timedelta(days=1)
    while not cal.is_working(last):
        last -= timedelta(days=1)
    out = []
    for r in rows:
        on = date.fromisoformat(r.on)
        if r.person == REPLACED and on > last:
            if on < first:
                continue
            r = EntryRow(r.line, r.on, NEWCOMER, r.task, r.hours, r.note)
        out.append(r)
    return out


def build_demo(ledger: Ledger, today: str | date | None = None, *,
               sign_scope: bool = True) -> tuple[str, bool]:
    """Create the demo project; returns (code, created). An existing demo is left alone.

    ``sign_scope=False`` builds the same life with its scope left unsigned (for trying the
    sign-off itself): CR-001 then changes budgets and quotas only, and T3 keeps its 90 PD.
    """
    if any(p.code == DEMO_CODE for p in ledger.projects()):
        return DEMO_CODE, False
    day = (parse_date(today, Ref("today")) if isinstance(today, str)
           else today or Ledger.today("Asia/Shanghai"))
    # The demo spans 13 weeks before `today` and 7 after: it needs room on both sides.
    if not DEMO_EARLIEST <= day <= DEMO_LATEST:
        raise FieldError("today", _("{day} is outside the years the demo can be built in "
                                    "({earliest} to {latest})")
                                  .format(day=day, earliest=DEMO_EARLIEST, latest=DEMO_LATEST))
    spec = demo_spec(day)
    # Every date of the demo is checked against "today": the day it is built as of.
    demo = Ledger(ledger.engine, DEMO_CODE, today=day)
    as_ = demo.acting_as

    lead = as_("zhang.wei")
    lead.init_project(spec)
    s = spec.start
    if sign_scope:
        # 需求澄清确认: the vendor lead signs the task breakdown, the client confirms it in
        # writing two days later, within plan_confirm_days of the start.
        for days, who in SCOPE_SIGNED:
            as_(who).sign_scope(on=s + timedelta(days=days))
    w = timedelta(weeks=1)
    cal = Calendar(frozenset(spec.holidays), frozenset(spec.workdays))
    # The replacement, recorded two working days before the newcomer's first day (the
    # SOW asks three): the ledger's "today" is the day it was recorded.
    first = s + REPLACED_WEEK * w
    recorded = first - timedelta(days=4)  # the Thursday before: Friday, Monday
    # The entries logged by the day it is recorded come first: the person replaced keeps
    # the part of each allocation they logged, the newcomer takes the rest.
    entries = demo_entries(spec, day)
    lead.import_entries([r for r in entries if r.on <= recorded.isoformat()])
    Ledger(ledger.engine, DEMO_CODE, today=recorded).acting_as("zhang.wei").replace(
        REPLACED, NEWCOMER, first, name=NEWCOMER_NAME)
    lead.import_entries([r for r in entries if r.on > recorded.isoformat()])
    _life(demo, spec, day, entries, cal)

    lead.use_quota("research-meetings", on=s + timedelta(days=1), note="理赔场景 claims flow")
    lead.use_quota("research-meetings", on=s + timedelta(days=8), note="核保场景 underwriting")
    lead.use_quota("research-meetings", on=s + 3 * w, note="欺诈识别 fraud hints")

    b2 = lead.add_blocker("脱敏样本数据延迟 Desensitised sample data late", "vendor",
                          on=s + 4 * w + timedelta(days=1), task="T3")
    lead.resolve_blocker(b2.number, on=s + 4 * w + timedelta(days=3))
    lead.add_blocker("生产 OCR 接口白名单待审批 Production OCR API allow-list pending",
                     "client", on=_monday(day) - timedelta(days=5), task="T5")

    cr1 = lead.new_cr("增加理赔结论中的欺诈风险提示 Add fraud-risk hints",
                      reason="甲方在第三次调研会上提出 Raised by the client at research meeting 3",
                      deltas={"senior": 10, "intermediate": 5}, quota_deltas={"prompt-rounds": 2},
                      estimates=CR1_ESTIMATES if sign_scope else None,
                      on=s + 3 * w + timedelta(days=1))
    lead.sign_cr(cr1.number, on=s + 3 * w + timedelta(days=2))
    as_("li.na").sign_cr(cr1.number, on=s + 4 * w)
    cr2 = lead.new_cr("接入第二家 OCR 引擎 Second OCR engine",
                      reason="单一 OCR 对手写材料识别率不足 Handwritten forms",
                      deltas={"expert": 6}, new_end=spec.end + w,
                      on=_monday(day) - 2 * w + timedelta(days=2))
    as_("zhao.min").sign_cr(cr2.number, on=_monday(day) - 2 * w + timedelta(days=3))

    for n, weeks in enumerate((2, 5, 8, 11)):
        lead.use_quota("prompt-rounds", on=s + weeks * w + timedelta(days=4),
                       note=f"第{n + 1}轮 round {n + 1}")
    lead.use_quota("eval-records", n=800, on=s + 6 * w, note="批次 1 batch 1")
    lead.use_quota("eval-records", n=450, on=s + 10 * w, note="批次 2 batch 2")

    # The first whole calendar month of the project, signed by both parties.
    first = (s.replace(day=1) + timedelta(days=32)).replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    lead.sign_period(first, last, on=last + timedelta(days=3))
    as_("li.na").sign_period(first, last, on=last + timedelta(days=5))
    return DEMO_CODE, True


def _life(demo: Ledger, spec: SowSpec, day: date, entries: list[EntryRow],
          cal: Calendar) -> None:
    """Obligations done, a deliverable delivered, a day away (SPEC §9)."""
    s = spec.start
    lead, client = demo.acting_as("zhang.wei"), demo.acting_as("li.na")
    # The test environment was due on Tuesday and came the Tuesday after: late on
    # Wednesday to Monday, 4 working days, each a client blocked day (ENV-ACCESS).
    lead.obligation_done("ENV-ACCESS", on=s + timedelta(days=8))
    client.obligation_done("CV-NDA", on=s + timedelta(days=1))
    lead.deliverable_done("REQ-SPEC", on=s + timedelta(weeks=3, days=-3),
                          note="v1.0，甲方已签收 v1.0, received by the client")
    # A day of leave, recorded: the newest working day well before today on which
    # chen.jing logged nothing, else (she logged every one) one booked ahead, the first
    # working day of the week after next.
    logged = {r.on for r in entries if r.person == "chen.jing"}
    d = _monday(day) - timedelta(weeks=1, days=1)
    while d > s and (not cal.is_working(d) or d.isoformat() in logged):
        d -= timedelta(days=1)
    if d <= s:
        d = _monday(day) + timedelta(weeks=2)
        while not cal.is_working(d):
            d += timedelta(days=1)
    lead.away("chen.jing", d, d, note="年假 annual leave")
