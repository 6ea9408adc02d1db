"""The ledger's words: grades, parties, roles, priorities, languages, and its fixed limits."""

from __future__ import annotations

GRADES: tuple[str, ...] = ("junior", "intermediate", "senior", "expert", "senior_expert")
GRADE_LABELS_ZH = {
    "junior": "初级工程师",
    "intermediate": "中级工程师",
    "senior": "高级工程师",
    "expert": "高级技术专家",
    "senior_expert": "资深技术专家",
}
GRADE_LABELS_EN = {
    "junior": "Junior engineer",
    "intermediate": "Intermediate engineer",
    "senior": "Senior engineer",
    "expert": "Technical expert",
    "senior_expert": "Senior technical expert",
}
PARTIES: tuple[str, ...] = ("vendor", "client")
ROLES: tuple[str, ...] = ("lead", "engineer", "signatory")
LOCATIONS: tuple[str, ...] = ("onsite", "remote")
PRIORITIES: tuple[str, ...] = ("high", "medium", "low")
TASK_STATUSES: tuple[str, ...] = ("open", "in_progress", "done")
LANGUAGES: tuple[str, ...] = ("zh", "en")
#: how a SOW is settled (SPEC §8): consumed × rates (按实结算) or a fixed price (固定总价)
BILLINGS: tuple[str, ...] = ("actual", "fixed")
#: a deliverable's kind: the only one is the knowledge transfer (SPEC §9)
DELIVERABLE_KINDS: tuple[str, ...] = ("training",)

MAX_MINUTES_PER_DAY = 24 * 60
FORECAST_WINDOW = 10  # working days of history behind the forecast rate
FORECAST_HORIZON_YEARS = 100  # no forecast end further out than this


def grade_order(grade: str) -> int:
    """Sort key: grades in seniority order, unknown ones last."""
    return GRADES.index(grade) if grade in GRADES else len(GRADES)
