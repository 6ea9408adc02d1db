"""Quotas (meetings, trips, ...): uses recorded against a limit that CRs may change."""

from __future__ import annotations

from datetime import date

from model import rules
from model.errors import FieldError, LedgerError
from model.i18n import _
from model.permissions import Action
from model.views import QuotaView
from storage import records
from storage.orm import QuotaUse
from storage.services.core import LedgerBase, parse_on


class QuotasMixin(LedgerBase):
    """Quotas."""

    def use_quota(self, key: str, n: int = 1, on: str | date | None = None,
                  note: str = "") -> QuotaView:
        """Record ``n`` uses of a quota; refused beyond its limit as of that date."""
        if n < 1:
            raise FieldError("n", _("must be at least 1, got {n}").format(n=n))
        with self._writing() as s:
            project = self._project(s)
            self._check_writable(s, project)
            me = self._permit(s, project, Action.QUOTA)
            quota = next((q for q in project.quotas if q.key == key), None)
            if quota is None:
                known = ", ".join(q.key for q in project.quotas)
                if known:
                    raise LedgerError(_("quota: unknown quota {key!r} (known: {known})")
                                      .format(key=key, known=known))
                raise LedgerError(_("quota: unknown quota {key!r}").format(key=key))
            day = parse_on(on, self._today(project.timezone))
            self._check_event_date(project, me, day)
            changes = [self._change_fact(cr) for cr in self._changes(s, project)]
            limit = rules.quota_limit_at(rules.QuotaFact(quota.key, quota.title, quota.limit),
                                         changes, day)
            used = sum(u.n for u in quota.uses)
            if used + n > limit:
                raise LedgerError(_("quota {key}: limit is {limit} on {day} and {used} are "
                                    "used; {n} more would make {total}")
                                  .format(key=key, limit=limit, day=day, used=used, n=n,
                                          total=used + n))
            use = QuotaUse(quota=quota, used_on=day, n=n, note=note or "",
                           used_by=me.key if me else None)
            s.add(use)
            s.flush()
            self._audit(s, project).record("use", "quota_use",
                                           records.quota_use_ref(key, use.id),
                                           after=records.quota_use_record(use, key))
            return QuotaView(quota.key, quota.title, limit, used + n)

    def quotas(self, as_of: date | None = None) -> list[QuotaView]:
        with self._reading() as s:
            project = self._project(s)
            day = as_of or self._today(project.timezone)
            changes = [self._change_fact(cr) for cr in self._changes(s, project)]
            return [QuotaView(q.key, q.title,
                              rules.quota_limit_at(rules.QuotaFact(q.key, q.title, q.limit),
                                                   changes, day),
                              sum(u.n for u in q.uses if u.used_on <= day))
                    for q in project.quotas]
