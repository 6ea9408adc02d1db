"""Where the dashboard's burn-down goes: a box of the chart's size, empty until the chart's
data is in. The chart itself (textual-plotext, which imports plotext: a good part of the
app's imports) is imported and mounted then, after the figures are painted (issue 13)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual.events import Resize
from textual.widget import Widget
from textual.widgets import Static

from model.rules import BurndownRow


@dataclass(frozen=True)
class ChartData:
    rows: list[BurndownRow]
    as_of: date
    forecast_x: int | None  # working-day index of the forecast end (may lie past the end)
    steps: list[tuple[str, date]]  # effective CRs: (number, effective date)
    pending: list[tuple[str, float]]  # pending CRs: (number, budget PD if it were signed)


class ChartSlot(Widget):
    """The burn-down chart's place: its size at once, the chart when there is data, and
    the chart's legend under it."""

    DEFAULT_CSS = """
    ChartSlot { height: 1fr; min-height: 12; layout: vertical; }
    ChartSlot #chart-legend { height: auto; padding: 0 1; color: $text-muted; }
    """

    def draw(self, data: ChartData) -> None:
        """Draw ``data``: the chart is made (and plotext imported) the first time."""
        from tui.widgets.burndown import BurndownChart

        charts = self.query(BurndownChart)
        if charts:
            chart = charts.first()
            chart.draw(data)
            self._legend()
            return
        chart = BurndownChart()
        chart.draw(data)
        self.mount(chart)
        self.mount(Static("", id="chart-legend"))
        self._legend()

    def _legend(self) -> None:
        legends = self.query("#chart-legend")  # mounted with the chart: none before it
        if not legends:
            return  # and plotext stays unimported until there is a chart (issue 13)
        from tui.widgets.burndown import BurndownChart

        charts = self.query(BurndownChart)
        if charts:
            legends.first(Static).update(charts.first().legend(max(0, self.size.width - 2)))

    def on_resize(self, event: Resize) -> None:
        self._legend()
