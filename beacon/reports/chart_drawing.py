"""How a chart of :mod:`beacon.reports.charts` is drawn: its layout, then its pictures.

A chart's specification (the plain data :mod:`~beacon.reports.charts` builds from the report
model) is laid out once into a :class:`Scene`: a fixed-size canvas measured in points (1/72 inch)
holding a list of primitives (bands, lines, markers, text), each placed by the rules of this
module (the scale and its ticks, the quarters along the bottom, the value labels, the legend to
the right). The scene is then written out:

* as SVG (:func:`svg`), directly, text kept as text: the HTML and PDF documents and the web pages;
* as PNG (:func:`png`) for the Word document, by painting the same primitives with matplotlib's
  Agg renderer at :data:`PNG_DPI`.

Both pictures come from the same scene, so they show the same thing; the layout is Beacon's own
(``docs/decisions/0008-charts-drawn-by-beacon.md`` says why: about 0.2 ms a chart instead of 75).

Text is measured with the DejaVu Sans font matplotlib ships (the same file whatever fonts the
machine has, so the same data always gives the same bytes).
"""

from __future__ import annotations

import io
import math
import threading
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape

from beacon.domain.narrative import format_value
from beacon.domain.provenance import marked

__all__ = ["Scene", "layout", "svg", "png", "PALETTE", "WIDTH", "HEIGHT", "PNG_DPI"]

# Okabe-Ito: colour-blind-safe categorical palette.
PALETTE = {
    "value": "#0072B2",  # blue
    "target": "#009E73",  # bluish green
    "floor": "#D55E00",  # vermillion
    "benchmark": "#CC79A7",  # reddish purple
    "band": "#56B4E9",  # sky blue
    "floor_band": "#E69F00",  # orange
    "illustrative": "#6B6B6B",  # grey
    "text": "#0B0C0C",
    "grid": "#D9D9D9",
    "axis": "#505A5F",
}

WIDTH, HEIGHT = 461.0, 130.0  # points: 6.4 x 1.8 inches, about the width of an A4 text column
PNG_DPI = 150
FONT = "DejaVu Sans"
TICK_SIZE, VALUE_SIZE, LEGEND_SIZE, UNIT_SIZE = 8.5, 7.0, 7.5, 7.5
LINE_HEIGHT = 1.2  # of the font size, between the lines of one legend entry

# Dash patterns (points on, points off): lines differ by pattern as well as colour.
TARGET_DASH = (9.6, 4.8)
FLOOR_DASH = (1.8, 3.6)
BENCHMARK_DASH = (9.6, 3.2, 1.6, 3.2)
UPPER_DASH = (4.0, 2.0)
LOWER_DASH = (1.0, 2.0)
ILLUSTRATIVE_DASH = (4.5, 3.0)


# --- the scene -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Band:
    """A filled area: a rectangle or any polygon, optionally dotted (a floor band)."""

    points: tuple[tuple[float, float], ...]
    colour: str
    opacity: float
    dots: bool = False


@dataclass(frozen=True)
class Line:
    points: tuple[tuple[float, float], ...]
    colour: str
    width: float
    dash: tuple[float, ...] = ()


@dataclass(frozen=True)
class Marker:
    """A circle: filled in the line's colour (a published value) or hollow (illustrative)."""

    x: float
    y: float
    radius: float
    colour: str
    hollow: bool = False


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # the baseline
    text: str
    size: float
    anchor: str = "start"  # start, middle, end
    rotate: bool = False  # upright, reading bottom to top


@dataclass(frozen=True)
class Scene:
    width: float
    height: float
    items: tuple


# --- text measure --------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _font():
    """DejaVu Sans at 100 px as Pillow reads it (measuring only), or None without the file."""
    try:
        from importlib.util import find_spec
        from pathlib import Path

        from PIL import ImageFont

        spec = find_spec("matplotlib")
        path = Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
        return ImageFont.truetype(str(path), 100)
    except Exception:  # pragma: no cover - matplotlib and Pillow are dependencies
        return None


_measure_lock = threading.Lock()


@lru_cache(maxsize=16384)
def text_width(text: str, size: float) -> float:
    """The advance width of ``text`` in points at ``size`` points."""
    font = _font()
    if font is None:  # pragma: no cover
        return len(text) * size * 0.6
    with _measure_lock:  # FreeType faces are not thread-safe
        return font.getlength(text) * size / 100.0


# --- the scale -----------------------------------------------------------------------------
_SECONDS_STEPS = (10, 15, 20, 30, 60, 120, 180, 300, 600, 900, 1200, 1800, 3600)


def nice_step(raw: float, unit: str) -> float:
    """The smallest round step at least ``raw``: 1, 2, 2.5 or 5 times a power of ten (times in
    seconds step by round minutes)."""
    if raw <= 0:
        return 1.0
    if unit == "seconds" and _SECONDS_STEPS[0] <= raw <= _SECONDS_STEPS[-1]:
        return float(next(s for s in _SECONDS_STEPS if s >= raw))
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1.0, 2.0, 2.5, 5.0, 10.0):
        if factor * power >= raw * (1 - 1e-9):
            return factor * power
    return 10.0 * power  # pragma: no cover


def scale(values: list[float], unit: str) -> tuple[float, float, list[float]]:
    """The value axis: its bottom, its top and its ticks, for every value the chart draws. Room
    is left below the lowest value and above the highest (for its label)."""
    if not values:
        low, high = 0.0, 1.0
    else:
        low, high = min(values), max(values)
    if high - low < 1e-6:  # one value (or all alike): a band around it
        pad = abs(high) * 0.1 if abs(high) >= 1e-4 else 1.0
        low, high = low - pad, high + pad
    span = high - low
    bottom, top = low - span * 0.08, high + span * 0.18
    step = nice_step((top - bottom) / 4, unit)
    ticks = _ticks(bottom, top, step)
    while len(ticks) < 3 and step > 1e-9:
        smaller = nice_step(step / 2.01, unit)
        if smaller >= step:
            break
        step = smaller
        ticks = _ticks(bottom, top, step)
    return bottom, top, ticks


def _ticks(bottom: float, top: float, step: float) -> list[float]:
    first, last = math.ceil(bottom / step - 1e-9), math.floor(top / step + 1e-9)
    digits = max(0, 3 - math.floor(math.log10(step)))
    return [round(k * step, digits) for k in range(first, last + 1)]


def tick_label(value: float, unit: str, step: float) -> str:
    """A tick's label, with as many decimals as the step needs (never two ticks alike)."""
    decimals = 0
    while decimals < 9 and abs(round(step, decimals) - step) > step * 1e-6:
        decimals += 1
    if unit == "seconds":
        decimals = 0
    return format_value(value, unit, decimals, short=True)


# --- layout --------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Entry:
    """A legend entry: its words and what its handle looks like."""

    label: str
    kind: str  # "line", "band", "series", "hollow"
    colour: str
    width: float = 0.0
    dash: tuple[float, ...] = ()
    opacity: float = 1.0
    dots: bool = False


@dataclass(frozen=True)
class _Frame:
    left: float
    right: float
    top: float
    bottom: float
    low: float
    high: float

    def y(self, value: float) -> float:
        return self.bottom - (value - self.low) / (self.high - self.low) * (self.bottom - self.top)

    def x(self, index: int, count: int) -> float:
        if count <= 1:
            return (self.left + self.right) / 2
        return self.left + (index + 0.4) / (count - 1 + 0.8) * (self.right - self.left)


def _wrap(label: str) -> list[str]:
    """A legend label's bracketed marks on lines of their own: "Floor", "(assumed)"."""
    return label.replace(" (", "\n(").split("\n")


def _present(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def layout(kind: str, spec: dict) -> Scene:
    """The scene of one chart (``kind`` "kpi" or "activity")."""
    points = spec["points"]
    unit = spec["unit"]
    entries: list[_Entry] = []
    values = [p["value"] for p in points if _present(p["value"])]
    if kind == "kpi":
        for key in ("target", "floor", "target_low", "target_high", "floor_low", "floor_high", "benchmark"):
            if _present(spec.get(key)) and (spec["range"] or key in ("target", "floor", "benchmark")):
                values.append(spec[key])
    else:
        values += [p[k] for p in points for k in ("lower", "upper", "benchmark", "target") if _present(p[k])]
    low, high, ticks = scale(values, unit)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    labels = [tick_label(t, unit, step) for t in ticks]

    # horizontal room: the unit's label, the tick labels, the plot, the legend
    left = 4.0 + (UNIT_SIZE * 1.4 if spec.get("unit_label") else 0.0)
    left += max((text_width(label, TICK_SIZE) for label in labels), default=0.0) + 5.0
    draw: list = []
    if kind == "kpi":
        _kpi_entries(spec, entries)
    else:
        _activity_entries(points, entries)
    _series_entries(points, entries)
    legend_width = 0.0
    if entries:
        widest = max(text_width(line, LEGEND_SIZE) for e in entries for line in _wrap(e.label))
        legend_width = 10.0 + 20.0 + 5.0 + widest + 2.0
    right = WIDTH - (legend_width or 8.0)
    frame = _Frame(left=left, right=right, top=4.0, bottom=HEIGHT - 18.0, low=low, high=high)

    for tick, label in zip(ticks, labels):  # the grid, under everything
        y = frame.y(tick)
        draw.append(Line(((frame.left, y), (frame.right, y)), PALETTE["grid"], 0.6))
    if kind == "kpi":
        _draw_kpi(spec, frame, draw)
    else:
        _draw_activity(points, frame, draw)
    draw.append(Line(((frame.left, frame.top), (frame.left, frame.bottom), (frame.right, frame.bottom)),
                     PALETTE["axis"], 0.8))
    _draw_series(points, spec, frame, draw)

    for tick, label in zip(ticks, labels):
        draw.append(Text(frame.left - 4.0, frame.y(tick) + TICK_SIZE * 0.35, label, TICK_SIZE, "end"))
    if spec.get("unit_label"):
        middle = (frame.top + frame.bottom) / 2
        draw.append(Text(4.0 + UNIT_SIZE, middle, spec["unit_label"], UNIT_SIZE, "middle", rotate=True))
    every = 1 if kind == "kpi" else max(1, len(points) // 12)
    for i, p in enumerate(points):
        if i % every == 0:
            draw.append(Text(frame.x(i, len(points)), frame.bottom + 4.0 + TICK_SIZE, p["label"], TICK_SIZE, "middle"))
    _draw_legend(entries, frame, draw)
    return Scene(WIDTH, HEIGHT, tuple(draw))


def _kpi_entries(spec: dict, entries: list[_Entry]) -> None:
    if spec["range"]:
        if _present(spec["floor_low"]) and _present(spec["floor_high"]):
            entries.append(_Entry(marked("Floor range", spec.get("floor_source")), "band", PALETTE["floor_band"],
                                  opacity=0.14, dots=True))
        if _present(spec["target_low"]) and _present(spec["target_high"]):
            entries.append(_Entry(marked("Target range", spec.get("target_source")), "band", PALETTE["target"],
                                  opacity=0.22))
    else:
        if _present(spec["target"]):
            entries.append(_Entry(marked("Target", spec.get("target_source")), "line", PALETTE["target"], 1.6,
                                  TARGET_DASH))
        if _present(spec["floor"]):
            entries.append(_Entry(marked("Floor", spec.get("floor_source")), "line", PALETTE["floor"], 1.8, FLOOR_DASH))
    if _present(spec.get("benchmark")):
        entries.append(_Entry(spec.get("benchmark_label", "Group median"), "line", PALETTE["benchmark"], 1.6,
                              BENCHMARK_DASH))


def _draw_kpi(spec: dict, frame: _Frame, draw: list) -> None:
    def band(low, high, colour, opacity, dots=False):
        y1, y2 = frame.y(high), frame.y(low)
        draw.append(Band(((frame.left, y1), (frame.right, y1), (frame.right, y2), (frame.left, y2)), colour, opacity, dots))

    def level(value, colour, width, dash):
        y = frame.y(value)
        draw.append(Line(((frame.left, y), (frame.right, y)), colour, width, dash))

    if spec["range"]:
        if _present(spec["floor_low"]) and _present(spec["floor_high"]):
            band(spec["floor_low"], spec["floor_high"], PALETTE["floor_band"], 0.14, dots=True)
        if _present(spec["target_low"]) and _present(spec["target_high"]):
            band(spec["target_low"], spec["target_high"], PALETTE["target"], 0.22)
    else:
        if _present(spec["target"]):
            level(spec["target"], PALETTE["target"], 1.6, TARGET_DASH)
        if _present(spec["floor"]):
            level(spec["floor"], PALETTE["floor"], 1.8, FLOOR_DASH)
    if _present(spec.get("benchmark")):
        level(spec["benchmark"], PALETTE["benchmark"], 1.6, BENCHMARK_DASH)


def _activity_entries(points: list[dict], entries: list[_Entry]) -> None:
    if any(_present(p["lower"]) and _present(p["upper"]) for p in points):
        entries.append(_Entry("Expected range", "band", PALETTE["band"], opacity=0.25))
        entries.append(_Entry("Upper threshold", "line", PALETTE["band"], 1.0, UPPER_DASH))
        entries.append(_Entry("Lower threshold", "line", PALETTE["floor_band"], 1.0, LOWER_DASH))
    if any(_present(p["benchmark"]) for p in points):
        entries.append(_Entry("Benchmark", "line", PALETTE["benchmark"], 1.6, BENCHMARK_DASH))
    if any(_present(p["target"]) for p in points):
        entries.append(_Entry("Target", "line", PALETTE["target"], 1.6, TARGET_DASH))


def _runs(points: list[dict], *keys: str) -> list[list[int]]:
    """The indexes of consecutive points where every one of ``keys`` has a value."""
    runs: list[list[int]] = []
    current: list[int] = []
    for i, p in enumerate(points):
        if all(_present(p[k]) for k in keys):
            current.append(i)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _draw_activity(points: list[dict], frame: _Frame, draw: list) -> None:
    n = len(points)
    if any(_present(p["lower"]) and _present(p["upper"]) for p in points):
        for run in _runs(points, "lower", "upper"):
            if len(run) > 1:
                top = [(frame.x(i, n), frame.y(points[i]["upper"])) for i in run]
                bottom = [(frame.x(i, n), frame.y(points[i]["lower"])) for i in reversed(run)]
                draw.append(Band(tuple(top + bottom), PALETTE["band"], 0.25))
        _polylines(points, frame, "upper", PALETTE["band"], 1.0, UPPER_DASH, draw)
        _polylines(points, frame, "lower", PALETTE["floor_band"], 1.0, LOWER_DASH, draw)
    _polylines(points, frame, "benchmark", PALETTE["benchmark"], 1.6, BENCHMARK_DASH, draw)
    _polylines(points, frame, "target", PALETTE["target"], 1.6, TARGET_DASH, draw)


def _polylines(points, frame, key, colour, width, dash, draw) -> None:
    n = len(points)
    for run in _runs(points, key):
        if len(run) > 1:
            draw.append(Line(tuple((frame.x(i, n), frame.y(points[i][key])) for i in run), colour, width, dash))


def _series_entries(points: list[dict], entries: list[_Entry]) -> None:
    entries.append(_Entry("Actual", "series", PALETTE["value"], 2.0))
    if any(p["illustrative"] and _present(p["value"]) for p in points):
        entries.append(_Entry("Illustrative (not published)", "hollow", PALETTE["illustrative"], 1.5))


def _draw_series(points: list[dict], spec: dict, frame: _Frame, draw: list) -> None:
    """Published values: a solid line and filled markers. Illustrative values: hollow markers,
    joined to their neighbours by a dashed grey line. A quarter without a value stays a gap.
    Every value is labelled above its marker."""
    n = len(points)
    at = [(frame.x(i, n), frame.y(p["value"])) if _present(p["value"]) else None for i, p in enumerate(points)]
    published = [at[i] if at[i] and not p["illustrative"] else None for i, p in enumerate(points)]
    for i in range(n - 1):
        if at[i] and at[i + 1] and (points[i]["illustrative"] or points[i + 1]["illustrative"]):
            draw.append(Line((at[i], at[i + 1]), PALETTE["illustrative"], 1.5, ILLUSTRATIVE_DASH))
    run: list = []
    for spot in published + [None]:
        if spot:
            run.append(spot)
            continue
        if len(run) > 1:
            draw.append(Line(tuple(run), PALETTE["value"], 2.0))
        run = []
    for i, p in enumerate(points):
        if at[i]:
            if p["illustrative"]:
                draw.append(Marker(*at[i], 3.0, PALETTE["illustrative"], hollow=True))
            else:
                draw.append(Marker(*at[i], 2.5, PALETTE["value"]))
    for i, p in enumerate(points):
        if at[i]:
            x, y = at[i]
            draw.append(Text(x, y - 6.0, format_value(p["value"], spec["unit"], spec["decimals"], short=True),
                             VALUE_SIZE, "middle"))


def _draw_legend(entries: list[_Entry], frame: _Frame, draw: list) -> None:
    if not entries:
        return
    line = LEGEND_SIZE * LINE_HEIGHT
    gap = LEGEND_SIZE * 0.6
    heights = [len(_wrap(e.label)) * line for e in entries]
    y = (frame.top + frame.bottom) / 2 - (sum(heights) + gap * (len(entries) - 1)) / 2
    x = frame.right + 10.0
    for entry, height in zip(entries, heights):
        middle = y + height / 2
        if entry.kind == "band":
            draw.append(Band(((x, middle - 4), (x + 20, middle - 4), (x + 20, middle + 4), (x, middle + 4)),
                             entry.colour, entry.opacity, entry.dots))
        elif entry.kind == "hollow":
            draw.append(Marker(x + 10, middle, 3.0, entry.colour, hollow=True))
        else:
            draw.append(Line(((x, middle), (x + 20, middle)), entry.colour, entry.width, entry.dash))
            if entry.kind == "series":
                draw.append(Marker(x + 10, middle, 2.5, entry.colour))
        for k, words in enumerate(_wrap(entry.label)):
            draw.append(Text(x + 25, y + k * line + LEGEND_SIZE * 0.9, words, LEGEND_SIZE))
        y += height + gap


# --- SVG -----------------------------------------------------------------------------------
def _n(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _pts(points) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in points)


def svg(scene: Scene) -> bytes:
    """The scene as an SVG document (no XML prolog: it goes inline or in a data URI)."""
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(scene.width)}pt" height="{_n(scene.height)}pt" '
        f'viewBox="0 0 {_n(scene.width)} {_n(scene.height)}">',
    ]
    if any(isinstance(item, Band) and item.dots for item in scene.items):
        out.append(f'<defs><pattern id="dots" width="5" height="5" patternUnits="userSpaceOnUse">'
                   f'<circle cx="2.5" cy="2.5" r="0.7" fill="{PALETTE["floor_band"]}" fill-opacity="0.6"/></pattern></defs>')
    out.append(f'<g font-family="{FONT}, sans-serif" fill="{PALETTE["text"]}">')
    for item in scene.items:
        if isinstance(item, Band):
            out.append(f'<polygon points="{_pts(item.points)}" fill="{item.colour}" fill-opacity="{_n(item.opacity)}"/>')
            if item.dots:
                out.append(f'<polygon points="{_pts(item.points)}" fill="url(#dots)"/>')
        elif isinstance(item, Line):
            dash = f' stroke-dasharray="{" ".join(_n(d) for d in item.dash)}"' if item.dash else ""
            out.append(f'<polyline points="{_pts(item.points)}" fill="none" stroke="{item.colour}" '
                       f'stroke-width="{_n(item.width)}"{dash} stroke-linejoin="round"/>')
        elif isinstance(item, Marker):
            fill = "#FFFFFF" if item.hollow else item.colour
            stroke = f' stroke="{item.colour}" stroke-width="1.5"' if item.hollow else ""
            out.append(f'<circle cx="{_n(item.x)}" cy="{_n(item.y)}" r="{_n(item.radius)}" fill="{fill}"{stroke}/>')
        elif isinstance(item, Text):
            anchor = f' text-anchor="{item.anchor}"' if item.anchor != "start" else ""
            turn = f' transform="rotate(-90 {_n(item.x)} {_n(item.y)})"' if item.rotate else ""
            out.append(f'<text x="{_n(item.x)}" y="{_n(item.y)}" font-size="{_n(item.size)}"{anchor}{turn}>'
                       f'{escape(item.text)}</text>')
    out.append("</g></svg>")
    return "\n".join(out).encode("utf-8")


# --- PNG -----------------------------------------------------------------------------------
_png_lock = threading.Lock()  # matplotlib's global state while a picture is painted

_ANCHOR = {"start": "left", "middle": "center", "end": "right"}


def png(scene: Scene) -> bytes:
    """The scene painted at :data:`PNG_DPI` (the Word document's pictures)."""
    import matplotlib as mpl
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle, Polygon

    with _png_lock, mpl.rc_context({"lines.scale_dashes": False, "font.family": FONT}):
        fig = Figure(figsize=(scene.width / 72, scene.height / 72), dpi=PNG_DPI, facecolor="white")
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, scene.width)
        ax.set_ylim(scene.height, 0)
        ax.set_axis_off()
        z = 0
        for item in scene.items:
            z += 1
            if isinstance(item, Band):
                ax.add_patch(Polygon(item.points, closed=True, facecolor=item.colour, alpha=item.opacity, lw=0, zorder=z))
                if item.dots:
                    xs, ys = zip(*item.points)
                    dots = [(x + 2.5, y + 2.5) for x in _grid(min(xs), max(xs)) for y in _grid(min(ys), max(ys))
                            if min(xs) <= x + 2.5 <= max(xs) and min(ys) <= y + 2.5 <= max(ys)]
                    if dots:
                        dx, dy = zip(*dots)
                        ax.scatter(dx, dy, s=(0.7 * 2) ** 2, c=item.colour, alpha=0.6, linewidths=0, zorder=z)
            elif isinstance(item, Line):
                xs, ys = zip(*item.points)
                line = Line2D(xs, ys, color=item.colour, linewidth=item.width, solid_joinstyle="round", zorder=z)
                if item.dash:
                    line.set_dashes(item.dash)
                ax.add_line(line)
            elif isinstance(item, Marker):
                ax.add_patch(Circle((item.x, item.y), item.radius, facecolor="white" if item.hollow else item.colour,
                                    edgecolor=item.colour, linewidth=1.5 if item.hollow else 0, zorder=z))
            elif isinstance(item, Text):
                ax.text(item.x, item.y, item.text, fontsize=item.size, ha=_ANCHOR[item.anchor], va="baseline",
                        rotation=90 if item.rotate else 0, rotation_mode="anchor", color=PALETTE["text"], zorder=z)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=PNG_DPI, metadata={"Software": None})
    return buf.getvalue()


def _grid(start: float, end: float) -> list[float]:
    """The dot pattern's cells (5 pt, aligned to the canvas as the SVG pattern is)."""
    first = math.floor(start / 5) * 5
    return [first + 5 * k for k in range(int((end - first) // 5) + 1)]
