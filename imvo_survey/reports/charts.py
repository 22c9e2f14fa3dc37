"""The progress report's charts, drawn on the server by matplotlib as SVG.

Made for a report that is printed, often in grey: bars in black and greys with
hatching, points with markers and their names beside them, the value written at every
bar; nothing relies on colour. Text is drawn as paths (`svg.fonttype` "path"), so the
SVG needs no font; no script is in it. The template embeds each chart as an image with
its numbers in a table beside it.

The same numbers give the same bytes (a fixed hash salt, no date in the metadata), so
that a report version's hash says something about its content. Matplotlib's object
interface is used, not pyplot: no global figure state, safe beside other requests.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Sequence

import matplotlib
from matplotlib.figure import Figure

#: Matplotlib settings for every chart: text as paths, a fixed salt for the SVG's ids,
#: small print-sized type, and no colour that grey print would lose.
SETTINGS = {
    "svg.fonttype": "path",
    "svg.hashsalt": "imvo-voortgangsrapportage",
    "font.size": 8,
    "font.family": "DejaVu Sans",
    "axes.edgecolor": "#000000",
    "axes.labelcolor": "#000000",
    "text.color": "#000000",
    "xtick.color": "#000000",
    "ytick.color": "#000000",
    "hatch.linewidth": 0.6,
}
#: Fills for bars (light to dark grey) and hatches, so that two series differ in grey print.
FILLS = ("#d9d9d9", "#7f7f7f")
HATCHES = ("", "////")
#: Points' markers, in turn, with their names written beside them.
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
WIDTH_INCHES = 6.3


def data_uri(svg: str) -> str:
    """An SVG as a data: URI for an <img> (the page's policy allows data: images)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    return buffer.getvalue()


def bar_chart(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]],
              axis_label: str, text: Callable[[float], str], limits: tuple[float, float] | None = None) -> str:
    """Horizontal bars, one group per label, one bar per series (name, values; None for
    no figure, drawn as no bar and written as "-"), each value written beside its bar.
    Negative values (a change) go left of a zero line. Returns the SVG."""
    with matplotlib.rc_context(SETTINGS):
        rows = max(1, len(labels))
        height = 0.9 + rows * (0.22 + 0.14 * (len(series) - 1))
        figure = Figure(figsize=(WIDTH_INCHES, height))
        axes = figure.add_subplot()
        band = 0.8 / max(1, len(series))
        values = [value for _name, numbers in series for value in numbers if value is not None]
        for index, (name, numbers) in enumerate(series):
            positions = [row + (index - (len(series) - 1) / 2) * band for row in range(len(labels))]
            drawn = [0.0 if value is None else value for value in numbers]
            bars = axes.barh(positions, drawn, height=band * 0.9, color=FILLS[index % len(FILLS)],
                             edgecolor="#000000", linewidth=0.6, hatch=HATCHES[index % len(HATCHES)], label=name)
            axes.bar_label(bars, labels=["\u2013" if value is None else text(value) for value in numbers],
                           padding=2, fontsize=7)
        axes.set_yticks(range(len(labels)), labels=list(labels))
        axes.invert_yaxis()
        low, high = limits if limits is not None else (min([0.0, *values]), max([0.0, *values]))
        margin = (high - low) * 0.15 or 1.0
        axes.set_xlim(low - (margin if low < 0 else 0), high + margin)
        if low < 0:
            axes.axvline(0, color="#000000", linewidth=0.8)
        axes.set_xlabel(axis_label)
        axes.set_title(title, loc="left", fontsize=9, fontweight="bold")
        axes.spines[["top", "right"]].set_visible(False)
        if len(series) > 1:
            axes.legend(loc="lower right", frameon=False, fontsize=7)
        return _svg(figure)


def scatter_chart(title: str, points: Sequence[tuple[str, float, float]], x_label: str, y_label: str,
                  x_limits: tuple[float, float], y_limits: tuple[float, float]) -> str:
    """Points (name, x, y), each with its own marker and its name beside it. Returns the SVG."""
    with matplotlib.rc_context(SETTINGS):
        figure = Figure(figsize=(WIDTH_INCHES, 3.6))
        axes = figure.add_subplot()
        for index, (name, x, y) in enumerate(points):
            axes.plot([x], [y], linestyle="none", marker=MARKERS[index % len(MARKERS)], markersize=6,
                      markerfacecolor=FILLS[index % len(FILLS)], markeredgecolor="#000000", markeredgewidth=0.8)
            axes.annotate(name, (x, y), xytext=(5, 4), textcoords="offset points", fontsize=7)
        axes.set_xlim(*x_limits)
        axes.set_ylim(*y_limits)
        axes.set_xlabel(x_label)
        axes.set_ylabel(y_label)
        axes.grid(True, color="#bfbfbf", linewidth=0.5, linestyle=":")
        axes.set_title(title, loc="left", fontsize=9, fontweight="bold")
        axes.spines[["top", "right"]].set_visible(False)
        return _svg(figure)
