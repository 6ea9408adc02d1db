"""The working calendar: weekends, a country's holidays and make-up working days, the SOW's own."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from model.errors import LedgerError
from model.i18n import _


def shift(d: date, days: int) -> date:
    """``d`` moved by ``days``, held within the dates Python knows (0001-01-01 to
    9999-12-31): a SOW may end on the last of them, and one step past it must not
    take a report down."""
    ordinal = min(max(d.toordinal() + days, date.min.toordinal()), date.max.toordinal())
    return date.fromordinal(ordinal)


def month_end(d: date) -> date:
    """The last day of ``d``'s month."""
    return date(d.year, d.month, monthrange(d.year, d.month)[1])


@lru_cache(maxsize=64)
def _country_year(country: str, year: int) -> tuple[frozenset[date], frozenset[date], bool]:
    """Holidays, make-up working days and 'schedule unpublished' for one country-year."""
    import holidays as holidays_lib  # imported late: it is slow to import

    try:
        table = holidays_lib.country_holidays(country, years=year)
    except NotImplementedError:
        raise LedgerError(_("calendar.country: {country!r} is not a known country code").format(
            country=country)) from None
    days_off = frozenset(d for d in table if d.year == year)
    extra = frozenset(d for d in getattr(table, "weekend_workdays", ()) if d.year == year)
    specials = getattr(table, "special_public_holidays", {}) or {}
    unpublished = False
    if specials:
        last = max(specials)
        # Only countries that publish a yearly schedule with make-up days (CN) are flagged.
        if year > last and getattr(
            holidays_lib.country_holidays(country, years=last), "weekend_workdays", ()
        ):
            unpublished = True
    return days_off, extra, unpublished


@dataclass(frozen=True)
class Calendar:
    """Working days: Monday–Friday, minus holidays, plus make-up working days.

    The SOW's explicit ``holidays`` and ``workdays`` always win over the
    ``country`` table of the holidays library.
    """

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    country: str | None = None

    def is_working(self, d: date) -> bool:
        if d in self.workdays:
            return True
        if d in self.holidays:
            return False
        if self.country:
            days_off, extra, __ = _country_year(self.country, d.year)
            if d in extra:
                return True
            if d in days_off:
                return False
        return d.weekday() < 5

    def working_days(self, first: date, last: date) -> list[date]:
        """Working days in first..last, both included."""
        days = []
        for ordinal in range(first.toordinal(), last.toordinal() + 1):  # last may be date.max
            d = date.fromordinal(ordinal)
            if self.is_working(d):
                days.append(d)
        return days

    def count(self, first: date, last: date) -> int:
        return len(self.working_days(first, last))

    def nth_working_day_after(self, d: date, n: int, limit: date = date.max) -> date | None:
        """The n-th working day strictly after ``d`` (n >= 1); None if it is after ``limit``."""
        if n < 1:
            raise ValueError("n must be >= 1")
        while d < limit:
            d += timedelta(days=1)
            if self.is_working(d):
                n -= 1
                if n == 0:
                    return d
        return None

    def unpublished_years(self, first: date, last: date) -> list[int]:
        """Years in first..last whose official schedule the library does not know."""
        if not self.country:
            return []
        return [y for y in range(first.year, last.year + 1)
                if _country_year(self.country, y)[2]]


def country_warning(cal: Calendar, first: date, last: date) -> str | None:
    years = cal.unpublished_years(first, last)
    if not years:
        return None
    listed = ", ".join(str(y) for y in years)
    return _("warning: the official {country} holiday schedule for {years} is not published "
             "in the holidays library; list [calendar] holidays and workdays explicitly for "
             "those years").format(country=cal.country, years=listed)
