"""Small charts drawn on the server: the geometry of an SVG scatter plot and of a step
line, from plain numbers, for `templates/macros/charts.html` to write out as inline
`<svg>`. No scripts and no style attributes (the Content-Security-Policy allows
neither): the template gives every element a class, and `static/css/app.css` colours it.

Everything here is plain Python: numbers in, coordinates and tick labels out. A chart
without data is still a chart object, with `empty` set, so the page can say so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

#: The drawing area inside the SVG's viewBox, in its units (the SVG scales to its box).
WIDTH, HEIGHT = 480, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 40, 32, 48
#: Points are named on the chart up to this many; beyond, names would overlap, and the
#: point's title (on hover) and the table beside the chart name them.
NAMED_POINTS = 8


@dataclass(frozen=True)
class Tick:
    """A tick on an axis: its position (SVG units along the axis) and its label."""

    position: float
    label: str


@dataclass(frozen=True)
class Point:
    """A point as drawn (SVG units) with what it stands for, for the title and the table."""

    x: float
    y: float
    label: str
    x_text: str
    y_text: str


@dataclass
class Chart:
    """A chart's geometry: its axes, ticks, points (and for a line, the path)."""

    title: str
    description: str
    x_label: str
    y_label: str
    points: list[Point] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    #: The step line through the points ("M x y H x V y ..."), for a line chart.
    path: str = ""
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM

    @property
    def empty(self) -> bool:
        return not self.points

    @property
    def names_points(self) -> bool:
        return len(self.points) <= NAMED_POINTS


def _scale(low: float, high: float, start: float, end: float):
    """A function from [low, high] to [start, end] (a flat range maps to its middle)."""
    if high == low:
        return lambda value: (start + end) / 2
    return lambda value: start + (value - low) / (high - low) * (end - start)


def nice_ticks(low: float, high: float, count: int = 5, whole: bool = False) -> list[float]:
    """Round tick values covering [low, high]: steps of 1, 2 or 5 times a power of ten
    (at least 1 when `whole`, for counts)."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(factor * power for factor in (1, 2, 5, 10) if factor * power >= raw)
    if whole:
        step = max(1, step)
    first = math.floor(low / step) * step
    ticks, value = [], first
    while value <= high + step / 2:
        ticks.append(round(value, 10))
        value += step
    return ticks


def scatter(title: str, description: str, x_label: str, y_label: str,
            points: list[tuple[str, float, float]], x_range: tuple[float, float], y_range: tuple[float, float],
            x_text, y_text) -> Chart:
    """A scatter plot of (label, x, y); `x_text` and `y_text` write a value for people."""
    chart = Chart(title, description, x_label, y_label)
    x_of = _scale(*x_range, chart.left, chart.right)
    y_of = _scale(*y_range, chart.bottom, chart.top)
    chart.x_ticks = [Tick(x_of(value), x_text(value)) for value in nice_ticks(*x_range)
                     if x_range[0] <= value <= x_range[1]]
    chart.y_ticks = [Tick(y_of(value), y_text(value)) for value in nice_ticks(*y_range)
                     if y_range[0] <= value <= y_range[1]]
    chart.points = [Point(round(x_of(x), 1), round(y_of(y), 1), label, x_text(x), y_text(y))
                    for label, x, y in points]
    return chart


def cumulative_by_day(title: str, description: str, x_label: str, y_label: str, days: list[date],
                      date_text, count_text) -> Chart:
    """A step line of how many there are by each day: `days` holds one date per event
    (a submitted response, say), in any order; a point per day with events."""
    chart = Chart(title, description, x_label, y_label)
    if not days:
        return chart
    per_day: dict[date, int] = {}
    for day in days:
        per_day[day] = per_day.get(day, 0) + 1
    first, last = min(per_day), max(per_day)
    if first == last:
        first -= timedelta(days=1)  # one day still gets a width
    total = len(days)
    x_of = _scale(first.toordinal(), last.toordinal(), chart.left, chart.right)
    ticks = nice_ticks(0, total, whole=True)
    y_of = _scale(0, max(ticks), chart.bottom, chart.top)
    running, steps = 0, [f"M {x_of(first.toordinal()):.1f} {chart.bottom:.1f}"]
    for day in sorted(per_day):
        running += per_day[day]
        x, y = round(x_of(day.toordinal()), 1), round(y_of(running), 1)
        steps.append(f"H {x:.1f} V {y:.1f}")
        chart.points.append(Point(x, y, date_text(day), date_text(day), count_text(running)))
    chart.path = " ".join(steps)
    chart.y_ticks = [Tick(y_of(value), count_text(int(value))) for value in ticks]
    chart.x_ticks = [Tick(x_of(first.toordinal()), date_text(first)), Tick(x_of(last.toordinal()), date_text(last))]
    return chart
