"""The burn-down chart: actual remaining, the ideal line, CR steps, pending CRs, forecast."""

from __future__ import annotations

from rich.text import Text
from textual.app import RenderResult
from textual_plotext import PlotextPlot

from model.i18n import _
from tui.widgets.chart_slot import ChartData  # defined there, without plotext

#: a plotext colour as the legend (rich) writes it
RICH_COLOUR = {"gray": "grey62", "blue": "blue", "green": "green", "yellow": "yellow",
               "red": "red", "cyan": "cyan"}
MARK = {"dot": "••", "braille": "⣿⣿", "line": "│"}


class BurndownChart(PlotextPlot):
    """Remaining PD per working day, drawn with plotext in the terminal. Its legend is
    not plotext's (drawn over the plot's top left, on the first weeks' lines): the
    series drawn are kept in ``shown`` and written under the chart (:meth:`legend`)."""

    DEFAULT_CSS = """
    BurndownChart { height: 1fr; min-height: 10; }
    """

    _drawn = False  # until draw(), nothing to plot: an empty plot costs as much as a full one
    shown: list[tuple[str, str, str]]  # (label, plotext colour, marker) of each series

    def legend(self, width: int = 0) -> Text:
        """One entry per series drawn, in its colour and marker; the entries laid out in
        lines of ``width`` columns (0: one line), none broken over two."""
        entries = []
        for label, colour, marker in getattr(self, "shown", []):
            entry = Text()
            entry.append(MARK[marker], style=RICH_COLOUR[colour])
            entry.append(" " + label)
            entries.append(entry)
        text = Text()
        column = 0
        for entry in entries:
            if column and width and column + 3 + entry.cell_len > width:
                text.append("\n")
                column = 0
            elif column:
                text.append("   ")
                column += 3
            text.append_text(entry)
            column += entry.cell_len
        return text

    def _series(self, xs: list[int], ys: list[float], label: str, colour: str,
              marker: str) -> None:
        self.plt.plot(xs, ys, color=colour, marker=marker)
        if (label, colour, marker) not in self.shown:
            self.shown.append((label, colour, marker))

    def render(self) -> RenderResult:
        return super().render() if self._drawn else Text("")

    def draw(self, data: ChartData) -> None:
        self._drawn = True
        self.shown = []
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        rows = data.rows
        if not rows:
            plt.title(_("Burn-down: no working days"))
            self.refresh()
            return
        xs = list(range(1, len(rows) + 1))
        plt.title(_("Burn-down (PD)"))
        self._series(xs, [float(r.ideal_pd) for r in rows], _("ideal"), "gray", "dot")
        self._series(xs, [float(r.budget_pd) for r in rows], _("budget"), "blue", "braille")
        done = [(x, r) for x, r in zip(xs, rows, strict=True) if r.remaining_pd is not None]
        if done:
            self._series([x for x, _r in done], [float(r.remaining_pd or 0) for _x, r in done],
                       _("remaining"), "green", "braille")
            last_x, last = done[-1]
            for number, budget in data.pending:
                self._series([last_x, xs[-1]], [budget, budget],
                             _("{number} if signed").format(number=number), "yellow", "dot")
            if data.forecast_x is not None and last.remaining_pd is not None:
                self._series([last_x, data.forecast_x], [float(last.remaining_pd), 0.0],
                           _("forecast"), "red", "dot")
        for x, label in step_labels(data):
            plt.vertical_line(x, color="cyan")
            plt.text(label, x=x, y=float(rows[x - 1].budget_pd), color="cyan")
        if data.steps:
            self.shown.append((_("CR effective"), "cyan", "line"))
        ticks, labels = [], []
        month = None
        for x, r in zip(xs, rows, strict=True):
            if r.on.month != month:
                month = r.on.month
                ticks.append(x)
                labels.append(r.on.strftime("%m-%d"))
        plt.xticks(ticks, labels)
        self.refresh()


def step_labels(data: ChartData) -> list[tuple[int, str]]:
    """Where each effective CR's step is drawn (its working-day index) and its label: CRs
    effective on the same working day share one label (``CR-001 CR-003``), never two
    written over each other."""
    rows = data.rows
    index = {r.on: x for x, r in enumerate(rows, start=1)}
    at: dict[int, list[str]] = {}
    for number, on in data.steps:
        x = index.get(on) or next((i for d, i in index.items() if d >= on), None)
        if x is not None:
            at.setdefault(x, []).append(number)
    return [(x, " ".join(numbers)) for x, numbers in sorted(at.items())]
