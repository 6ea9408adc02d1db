"""The dashboard: are we inside the SOW? Budget by grade, burn-down, forecast, alerts."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical, VerticalScroll
from textual.widgets import Static

from model import rules
from model.formats import grade_title
from model.i18n import N_, _, language, prose_date, word
from model.views import BlockerView, ChangeView
from storage.services import Ledger
from tui.text import fmt_money, fmt_pd, literal
from tui.widgets.blocker_list import blocker_title
from tui.widgets.chart_slot import ChartData, ChartSlot
from tui.widgets.ledger_screen import LedgerScreen
from tui.widgets.tables import Fit, FitTable, refill

#: seconds the dashboard's load waits for its figures to be painted before it reads the rest
PAINT_WAIT = 2.0


@dataclass(frozen=True)
class DashboardData:
    title: str
    summary: rules.Summary
    alerts: list[rules.Alert]
    changes: list[ChangeView]
    blockers: list[BlockerView]  # the open ones, late client obligations included
    rates: dict[str, int]
    obligations: frozenset[str] = frozenset()  # the blockers that are late obligations
    chart: ChartData | None = None  # None: no chart to draw


class DashboardScreen(LedgerScreen):
    """Budget / consumed / remaining PD and money, burn-down, forecast and alerts."""

    VIEW = "dashboard"
    BINDINGS = [Binding("r", "refresh", N_("Refresh"), id="dashboard-refresh")]
    DEFAULT_CSS = """
    DashboardScreen #dash-body { layout: horizontal; height: 1fr; }
    DashboardScreen #dash-left { width: 1fr; }
    DashboardScreen #dash-right { width: 40%; min-width: 34; max-width: 52;
                                  border-left: vkey $panel-lighten-2; }
    DashboardScreen #grades { height: auto; max-height: 10; }
    DashboardScreen .panel { height: auto; padding: 0 1 1 1; }
    /* A narrow or short terminal (80 × 24, 100 × 30): the panes one under the other,
       the figures and the chart first, then the alerts, CRs, blockers and quotas; the
       body scrolls. Beside the alerts, the budget by grade would lose its remaining PD
       and the chart its plot. */
    DashboardScreen.narrow #dash-body, DashboardScreen.short #dash-body {
        layout: vertical; overflow-y: auto; }
    DashboardScreen.narrow #dash-left, DashboardScreen.short #dash-left {
        width: 100%; height: auto; }
    DashboardScreen.narrow #grades, DashboardScreen.short #grades { max-height: 100; }
    DashboardScreen.narrow ChartSlot, DashboardScreen.short ChartSlot { height: 18; }
    DashboardScreen.narrow #dash-right, DashboardScreen.short #dash-right {
        width: 100%; max-width: 100%; height: auto;
        border-left: none; border-top: hkey $panel-lighten-2; }
    """

    def compose_body(self) -> ComposeResult:
        with Container(id="dash-body"):
            with Vertical(id="dash-left"):
                yield Static(_("loading…"), id="headline", classes="headline")
                yield FitTable(id="grades", cursor_type="row", zebra_stripes=True)
                yield ChartSlot(id="chart")  # the chart (and plotext) once its data is in
            with VerticalScroll(id="dash-right"):
                yield Static(_("Alerts"), classes="section-title")
                yield Static("", id="alerts", classes="panel")
                yield Static(_("Change requests"), classes="section-title")
                yield Static("", id="changes", classes="panel")
                yield Static(_("Open blockers"), classes="section-title")
                yield Static("", id="blockers", classes="panel")
                yield Static(_("Quotas"), classes="section-title")
                yield Static("", id="quotas", classes="panel")

    def action_refresh(self) -> None:
        self.reload()

    def load(self) -> DashboardData:
        led = self.ledger
        # The headline and the grades first, from the per-date sums in SQL alone; the
        # alerts, the side panels and the chart follow in the same snapshot (issue 13).
        self.sow_app.opening.facts_read()  # read while the app started (tui.startup)
        summary = led.summary(self.today)
        rates = led.rates()
        self.app.call_from_thread(self.show_figures, summary, rates)
        # Then wait for the screen's refresh: the rest would only compete with the paint.
        painted = threading.Event()
        self.app.call_from_thread(self.call_after_refresh, painted.set)
        painted.wait(PAINT_WAIT)
        changes = led.change_requests()
        blockers = led.blocker_list(self.today)  # as the Blockers view lists them
        return DashboardData(
            title=led.project().title, summary=summary,
            alerts=led.alerts(summary), changes=changes, blockers=blockers.open(),
            rates=rates, obligations=blockers.obligations,
            chart=chart_data(led, summary, changes))

    def show_figures(self, summary: rules.Summary, rates: dict[str, int]) -> None:
        """The headline and the budget by grade: what the lead looks at first."""
        self.query_one("#headline", Static).update(headline(summary))
        self._grades(summary, rates)

    def show(self, data: DashboardData) -> None:
        s = data.summary
        self.show_figures(s, data.rates)
        if data.chart is not None:
            self.query_one(ChartSlot).draw(data.chart)
        alerts = self.query_one("#alerts", Static)
        if data.alerts:
            alerts.update(Text("\n".join(f"! {a.text}" for a in data.alerts), style="bold red"))
        else:
            alerts.update(Text(_("none"), style="green"))
        self.query_one("#changes", Static).update(changes_text(data.changes))
        self.query_one("#blockers", Static).update(
            blockers_text(data.blockers, data.obligations))
        self.query_one("#quotas", Static).update(literal(
            "\n".join(f"{key:<20} {used:>5} / {limit:<5} {title}"
                      for key, title, limit, used in s.quotas) or _("none")))

    def _grades(self, s: rules.Summary, rates: dict[str, int]) -> None:
        rows: list[tuple[list[Text | str], str]] = []
        for g in s.by_grade:
            rate = Fraction(rates.get(g.grade, 0), 100)
            over = g.consumed_pd > g.budget_pd
            rows.append(([
                g.grade, grade_title(g.grade, "zh", s.ladder),
                _num(fmt_pd(g.budget_pd)), _num(fmt_pd(g.consumed_pd)),
                _num(fmt_pd(g.remaining_pd), "bold red" if over else ""),
                _num(fmt_money(g.budget_pd * rate)), _num(fmt_money(g.consumed_pd * rate))],
                g.grade))
        # "total 合计" in English; in Chinese 合计 once (the title column has no title)
        rows.append(([Text(_("total"), style="bold"),
                      Text("合计" if language() == "en" else "", style="bold"),
                      _num(fmt_pd(s.budget_pd), "bold"), _num(fmt_pd(s.consumed_pd), "bold"),
                      _num(fmt_pd(s.remaining_pd), "bold"),
                      _num(fmt_money(s.budget_cost), "bold"),
                      _num(fmt_money(s.consumed_cost), "bold")], "total"))
        columns: list[tuple[str, Text | str]] = [("grade", _("grade")), ("zh", _("职级"))]
        # keyed by the English label (the fits below), shown in the language spoken
        columns += [(key, Text(label, justify="right")) for key, label in (
            ("budget PD", _("budget PD")), ("consumed PD", _("consumed PD")),
            ("remaining PD", _("remaining PD")),
            (f"budget {s.currency}", _("budget {currency}").format(currency=s.currency)),
            (f"consumed {s.currency}", _("consumed {currency}").format(currency=s.currency)))]
        # Sized as the rows are added (never left to the table's idle: issue 13's paint
        # comes first); on a narrow terminal the money goes first, then the Chinese title.
        table = self.query_one("#grades", FitTable)
        table.fits = {f"budget {s.currency}": Fit(drop=3), f"consumed {s.currency}": Fit(drop=2),
                      "zh": Fit(drop=1)}
        refill(table, columns, rows)
        # As tall as its rows (an auto height is not laid out again in the stacked panes)
        table.styles.height = len(rows) + table.header_height


def chart_data(led: Ledger, summary: rules.Summary, changes: list[ChangeView]) -> ChartData:
    """The burn-down chart's data as of the summary's date (in the load's thread)."""
    today = summary.as_of
    rows = led.burndown(today)
    cal, start, _end = led.calendar()
    forecast_x = None
    if summary.forecast_end is not None:
        forecast_x = cal.count(start, summary.forecast_end)
    steps = [(c.number, c.effective_on) for c in changes
             if c.status == rules.DOC_EFFECTIVE and c.effective_on is not None
             and c.effective_on <= today]
    pending = []
    for c in changes:
        if c.status in (rules.DOC_OPEN, rules.DOC_SIGNING) and c.deltas:
            extra = sum((rules.pd_of_milli(m) for _, m in c.deltas), Fraction(0))
            pending.append((c.number, float(summary.budget_pd + extra)))
    return ChartData(rows, today, forecast_x, steps, pending)


def blockers_text(blockers: list[BlockerView], obligations: frozenset[str]) -> Text:
    """One line per open blocker: number, party, working days open, title (a late
    obligation's marked as in the Blockers view). Titles and keys are user text: literal."""
    if not blockers:
        return Text(_("none"))
    text = Text()
    for i, b in enumerate(blockers):
        text.append("\n" if i else "")
        party = word("party", b.party)
        text.append_text(literal(f"{b.number} {party}{' ' * max(0, 6 - cell_len(party))} "
                                 + _("{days:>2} d").format(days=b.age_days) + "  ",
                                 one_line=True))
        text.append_text(blocker_title(b, obligations))
    return text


def _num(text: str, style: str = "") -> Text:
    return Text(text, style=style, justify="right")


def headline(s: rules.Summary) -> Text:
    """One line that answers: are we inside the SOW?"""
    t = Text()
    t.append(_("{code}  as of {day}").format(code=s.code, day=_prose_date(s.as_of)),
             style="bold")
    t.append("   " + _("working days {elapsed} / {total}").format(
        elapsed=s.working_days_elapsed, total=s.working_days_total) + "\n")
    t.append(_("PD  budget {budget} · consumed {consumed} · ").format(
        budget=fmt_pd(s.budget_pd), consumed=fmt_pd(s.consumed_pd)))
    t.append(_("remaining {pd}").format(pd=fmt_pd(s.remaining_pd)),
             style="bold red" if s.remaining_pd < 0 else "bold")
    t.append(" · " + _("overtime {pd}").format(pd=fmt_pd(s.overtime_pd)) + "\n")
    t.append(_("{currency} {consumed} of {budget}").format(
        currency=s.currency, consumed=fmt_money(s.consumed_cost),
        budget=fmt_money(s.budget_cost)) + "   "
        + _("blocked days: client {client} · vendor {vendor}").format(
            client=s.blocked_days.get("client", 0), vendor=s.blocked_days.get("vendor", 0))
        + "\n")
    t.append(_("forecast end") + " ")
    if s.forecast_end is None:
        t.append(_("none (no burn in the last 10 working days)"), style="yellow")
    else:
        late = s.forecast_end > s.end
        t.append(_prose_date(s.forecast_end), style="bold red" if late else "bold green")
        t.append(" " + _("against the end {end}: ").format(end=_prose_date(s.end)) + (
            _("{n} days late").format(n=_days(s.end, s.forecast_end)) if late
            else _("inside the SOW")))
    return t


def _prose_date(day: date) -> str:
    """A date in the headline's prose: ISO in English (as it always read), 2026年12月4日
    in Chinese (model.i18n.format_date)."""
    return prose_date(day)


def _days(a: date, b: date) -> int:
    return (b - a).days


def changes_text(changes: list[ChangeView]) -> Text:
    t = Text()
    for c in changes:
        if c.status == rules.DOC_WITHDRAWN:
            continue
        deltas = " ".join(f"{g}{'+' if m >= 0 else ''}{fmt_pd(rules.pd_of_milli(m))}"
                          for g, m in c.deltas)
        if c.status == rules.DOC_EFFECTIVE:
            t.append(_("{number} effective {day}  {deltas}").format(
                number=c.number, day=c.effective_on, deltas=deltas) + "\n", style="green")
        else:
            waiting = _(", ").join(word("party", p) for p in rules.waiting_parties(
                [(s.party, s.role) for s in c.signatures]))
            t.append(_("{number} pending: waiting for {waiting}  {deltas}").format(
                number=c.number, waiting=waiting, deltas=deltas) + "\n", style="yellow")
    return t if t.plain else Text(_("none"))
