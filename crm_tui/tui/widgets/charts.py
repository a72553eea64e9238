"""Dashboard charts: plotext plots (textual-plotext) that follow the theme and the size.

A `Chart` is a title line over a `ChartPlot`. The plot holds plain data (`ChartData`: a
title and (label, value) rows) and draws it again on every render through its own `.plt`
(never plotext's global figure), so a resize or a theme change redraws it to fit: the bar
color is read from the theme's $primary then. The title is a Textual line, not plotext's,
which centres it over the plot area only and drops it when long labels leave too little.

Two shapes: horizontal bars (`kind="bars"`: categories, one row each, first on top) and
a trend (`kind="trend"`: vertical bars over time, sparse x labels, values on the y axis).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from rich.cells import cell_len
from textual.app import ComposeResult, RenderResult
from textual.color import Color
from textual.containers import Vertical
from textual.widgets import Static
from textual_plotext import PlotextPlot
from textual_plotext.plot import Plot

from .cells import fit_cells
from .kpi import compact_money

Rgb = tuple[int, int, int]
NICE_STEPS = (1, 2, 2.5, 5, 10)


@dataclass(frozen=True)
class ChartData:
    title: str
    rows: tuple[tuple[str, int], ...]  # (label, value); money values in cents
    money: bool = False
    kind: Literal["bars", "trend"] = "bars"

    @property
    def empty(self) -> bool:
        return not any(value for _, value in self.rows)


def value_text(value: int, money: bool) -> str:
    return compact_money(value) if money else f"{value:,}"


def nice_ticks(top: int, most: int) -> list[int]:
    """Round ticks from 0 up to the first at or above `top`, at most `most` of them."""
    raw = max(top, 1) / max(most - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = max(int(next(s * power for s in NICE_STEPS if s * power >= raw)), 1)
    return [i * step for i in range(math.ceil(max(top, 1) / step) + 1)]


def draw_bars(plt: Plot, data: ChartData, width: int, height: int, color: Rgb) -> None:
    """One labelled row per category, first on top; rows that do not fit are left out
    (the callers order rows so the last ones matter least)."""
    shown = list(data.rows[:height])
    if height < 2:
        return
    # Rows 1..height, one unit each: ylim(1, height) puts every integer on a row, where
    # plotext's default limits would smear bars over the wrong labels.
    step = 2 if height >= 2 * len(shown) - 1 else 1  # a gap between bars when there is room
    values = [value_text(v, data.money) for _, v in shown]
    value_width = max(len(v) for v in values)
    # Names measured and cut in terminal cells, with "…" where cut.
    name_width = min(max(cell_len(name) for name, _ in shown),
                     max(6, width * 3 // 5 - value_width - 1))
    labels = [f"{fit_cells(name, name_width)} {v:>{value_width}} "
              for (name, _), v in zip(shown, values, strict=True)]
    positions: list[float] = [height - i * step for i in range(len(shown))]
    plt.bar(positions, [v for _, v in shown], orientation="horizontal", width=0.1, color=color)
    plt.yticks(positions, labels)
    plt.ylim(1, height)
    plt.xlim(0, max(1, *(v for _, v in shown)))
    plt.xticks([])
    plt.frame(False)


def draw_trend(plt: Plot, data: ChartData, width: int, height: int, color: Rgb) -> None:
    """Vertical bars in time order, short values on the y axis, x labels that fit."""
    count = len(data.rows)
    if height < 4:  # no room for bars between the frame and the x labels
        return
    # About a tick every other row: labels readable, and no axis twice as tall as the data.
    ticks = nice_ticks(max(v for _, v in data.rows), max(3, min(6, height // 2 - 1)))
    # Few columns per bar: one column each (plotext would round wider bars into a block).
    bar_width = 0.1 if width < 4 * count + 8 else 0.6
    plt.bar(list(range(count)), [v for _, v in data.rows], width=bar_width, color=color)
    plt.yticks([float(t) for t in ticks], [value_text(t, data.money) for t in ticks])
    plt.ylim(0, ticks[-1])
    # A whole step of margin: with half a step plotext rounds the newest bar, and its
    # label, off the right edge at some widths.
    plt.xlim(-1, count)
    label_width = max(len(label) for label, _ in data.rows) + 2
    every = max(1, math.ceil(count * label_width / max(width - 8, 1)))
    # Counted back from the newest, so the latest day or month always has its label.
    marks = sorted(range(count - 1, -1, -every))
    plt.xticks([float(i) for i in marks], [data.rows[i][0] for i in marks])


DRAWERS: dict[str, Callable[[Plot, ChartData, int, int, Rgb], None]] = {
    "bars": draw_bars, "trend": draw_trend,
}


class ChartPlot(PlotextPlot):
    """The plot of `ChartData`, redrawn to fit on every render."""

    def __init__(self) -> None:
        super().__init__()
        self.data: ChartData | None = None

    def show(self, data: ChartData) -> None:
        self.data = data
        self.refresh()

    def render(self) -> RenderResult:
        plt = self.plt
        plt.clear_figure()  # the size, theme and data are all set again below
        if self.data is not None and not self.data.empty:
            color = Color.parse(self.app.theme_variables["primary"]).rgb
            DRAWERS[self.data.kind](plt, self.data, self.size.width, self.size.height, color)
        else:
            plt.frame(False)  # an empty frame would look like a broken chart
            plt.xticks([])
            plt.yticks([])
        return super().render()


class Chart(Vertical):
    """A titled chart; `show` gives it new data (the title says when there is none)."""

    DEFAULT_CSS = """
    Chart { background: $surface; height: 1fr; }
    Chart > .chart-title { height: 1; width: 1fr; text-align: center; text-style: bold; }
    Chart > ChartPlot { height: 1fr; background: $surface; }
    """

    def compose(self) -> ComposeResult:
        yield Static("", classes="chart-title", markup=False)
        yield ChartPlot()

    @property
    def data(self) -> ChartData | None:
        return self.query_one(ChartPlot).data

    def show(self, data: ChartData) -> None:
        title = f"{data.title}: none yet" if data.empty else data.title
        self.query_one(".chart-title", Static).update(title)
        self.query_one(ChartPlot).show(data)
