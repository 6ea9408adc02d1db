"""The burn-down chart: actual remaining, the ideal line, CR steps, pending CRs, forecast."""

from __future__ import annotations

from rich.text import Text
from textual.app import RenderResult
from textual_plotext import PlotextPlot

from tui.widgets.chart_slot import ChartData  # defined there, without plotext


class BurndownChart(PlotextPlot):
    """Remaining PD per working day, drawn with plotext in the terminal."""

    DEFAULT_CSS = """
    BurndownChart { height: 1fr; min-height: 12; }
    """

    _drawn = False  # until draw(), nothing to plot: an empty plot costs as much as a full one

    def render(self) -> RenderResult:
        return super().render() if self._drawn else Text("")

    def draw(self, data: ChartData) -> None:
        self._drawn = True
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        rows = data.rows
        if not rows:
            plt.title("Burn-down: no working days")
            self.refresh()
            return
        xs = list(range(1, len(rows) + 1))
        plt.title("Burn-down (PD)")
        plt.plot(xs, [float(r.ideal_pd) for r in rows], label="ideal", color="gray",
                 marker="dot")
        plt.plot(xs, [float(r.budget_pd) for r in rows], label="budget", color="blue",
                 marker="braille")
        done = [(x, r) for x, r in zip(xs, rows, strict=True) if r.remaining_pd is not None]
        if done:
            plt.plot([x for x, _ in done], [float(r.remaining_pd or 0) for _, r in done],
                     label="remaining", color="green", marker="braille")
            last_x, last = done[-1]
            for number, budget in data.pending:
                plt.plot([last_x, xs[-1]], [budget, budget], label=f"{number} if signed",
                         color="yellow", marker="dot")
            if data.forecast_x is not None and last.remaining_pd is not None:
                plt.plot([last_x, data.forecast_x], [float(last.remaining_pd), 0.0],
                         label="forecast", color="red", marker="dot")
        index = {r.on: x for x, r in zip(xs, rows, strict=True)}
        for number, on in data.steps:
            x = index.get(on) or next((i for d, i in index.items() if d >= on), None)
            if x is not None:
                plt.vertical_line(x, color="cyan")
                plt.text(number, x=x, y=float(rows[x - 1].budget_pd), color="cyan")
        ticks, labels = [], []
        month = None
        for x, r in zip(xs, rows, strict=True):
            if r.on.month != month:
                month = r.on.month
                ticks.append(x)
                labels.append(r.on.strftime("%m-%d"))
        plt.xticks(ticks, labels)
        self.refresh()
