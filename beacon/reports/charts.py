"""The one chart module for every output of the Quarterly Performance Report.

Every chart the HTML, PDF and Word documents and the web pages show is made here, in one house
style (laid out and drawn by :mod:`beacon.reports.chart_drawing`):

* :func:`kpi_chart`: a KPI over the last six quarters (the direction-of-travel window) with its
  target line and floor line, or its target band and floor band for a range KPI, and the median
  of its comparison group when it is benchmarked (``docs/benchmarking.md``);
* :func:`activity_chart`: an activity indicator with its expected range (lower and upper
  thresholds) as a band, or its benchmark / target as a line.

Illustrative values (``illustrative`` in the data: not published figures) are drawn as hollow
markers on a dashed segment and labelled "illustrative" in the legend, the text alternative
and the data table.

The palette is Okabe-Ito, which stays distinguishable under the common colour-vision
deficiencies; lines also differ by dash pattern and markers, so nothing relies on colour.

Each chart is a :class:`Chart` with ``svg`` (HTML and PDF), ``png`` (Word), ``alt`` (the text
alternative) and ``table`` (its data, for a data table beside or under the chart). Pictures are
cached by a hash of everything that goes into them (the data, the labels and
:data:`STYLE_VERSION`): in memory for the life of the process, and on disk under
``<VAR_DIR>/cache/charts`` so a second run of the report draws nothing.

A document draws its charts in one batch before its templates render (:func:`prepare`): every
distinct picture missing from the cache is drawn once (SVG in this process, about 0.2 ms a
chart; PNG, painted by matplotlib, in parallel over a pool of processes sized to the CPUs:
``BEACON_CHART_WORKERS`` overrides, 1 draws in this process), and the pictures stay with their
:class:`Chart` for the rest of the render. A chart used on its own (a web page) is still
drawn on first use. Both paths draw with the same function, so they give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from beacon.domain.narrative import format_value
from beacon.domain.provenance import figure_source, marked
from beacon.domain.periods import Quarter, parse_period
from beacon.domain.qpr_model import ActivityEntry, KpiEntry
from beacon.reports import chart_drawing

__all__ = ["Chart", "kpi_chart", "activity_chart", "prepare", "PALETTE", "STYLE_VERSION", "cache_dir",
           "clear_memory_cache", "chart_workers"]

log = logging.getLogger(__name__)

STYLE_VERSION = "qpr-charts/7"

PALETTE = chart_drawing.PALETTE

_lock = threading.Lock()  # the memory cache
_memory: OrderedDict[str, bytes] = OrderedDict()
_MEMORY_MAX = 512


def cache_dir() -> Path | None:
    """Where pictures are cached on disk (``None`` when caching to disk is switched off with
    ``BEACON_CHART_CACHE=off``)."""
    if os.environ.get("BEACON_CHART_CACHE", "").lower() == "off":
        return None
    try:
        from django.conf import settings

        base = Path(settings.VAR_DIR)
    except Exception:  # settings not configured (e.g. a plain script)
        base = Path(os.environ.get("BEACON_VAR_DIR", "var"))
    return base / "cache" / "charts"


def clear_memory_cache() -> None:
    with _lock:
        _memory.clear()


def _lookup(name: str) -> bytes | None:
    """A cached picture (``KEY.svg``): from memory, else from disk (then kept in memory)."""
    with _lock:
        if name in _memory:
            _memory.move_to_end(name)
            return _memory[name]
    folder = cache_dir()
    path = folder / name if folder else None
    if path is None or not path.exists():
        return None
    data = path.read_bytes()
    _remember(name, data)
    return data


def _remember(name: str, data: bytes) -> None:
    with _lock:
        _memory[name] = data
        _memory.move_to_end(name)
        while len(_memory) > _MEMORY_MAX:
            _memory.popitem(last=False)


def _store(name: str, data: bytes) -> None:
    """Keep a freshly drawn picture: on disk (written atomically) and in memory."""
    folder = cache_dir()
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    _remember(name, data)


def _cached(key: str, ext: str, draw) -> bytes:
    name = f"{key}.{ext}"
    data = _lookup(name)
    if data is None:
        data = draw(ext)
        _store(name, data)
    return data


@dataclass
class Chart:
    """A chart: its pictures (drawn on first use, cached), text alternative and data table."""

    kind: str
    title: str
    alt: str
    table: dict  # {"caption": str, "columns": [str], "rows": [[str]]}
    spec: dict = field(repr=False)
    key: str = ""
    # pictures handed over by prepare(): kept with the chart for the rest of its document's
    # render, whatever the memory cache evicts meanwhile
    _pictures: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        payload = json.dumps({"style": STYLE_VERSION, "kind": self.kind, "spec": self.spec}, sort_keys=True)
        self.key = hashlib.sha256(payload.encode()).hexdigest()[:32]

    @property
    def has_values(self) -> bool:
        return any(p.get("value") is not None for p in self.spec.get("points", []))

    @property
    def svg(self) -> str:
        return self._picture("svg").decode("utf-8")

    @property
    def png(self) -> bytes:
        return self._picture("png")

    def _picture(self, ext: str) -> bytes:
        data = self._pictures.get(ext)
        if data is None:
            data = self._pictures[ext] = _cached(self.key, ext, self._draw)
        return data

    def svg_data_uri(self) -> str:
        import base64

        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode("utf-8")).decode("ascii")

    def _draw(self, ext: str) -> bytes:
        return _draw(self.kind, self.spec, ext)


# --- drawing a document's charts in one batch -----------------------------------------------
MIN_PARALLEL = 6
"""Fewer missing PNG pictures than this are drawn in this process: starting the pool costs more.
SVG pictures (about a millisecond each) are always drawn in this process."""


def chart_workers() -> int:
    """How many processes draw a batch: ``BEACON_CHART_WORKERS``, else the CPUs this process
    may use. 1 (or 0) draws in this process."""
    value = os.environ.get("BEACON_CHART_WORKERS", "").strip()
    if value:
        try:
            return max(1, int(value))
        except ValueError:
            log.warning("BEACON_CHART_WORKERS=%r is not a number; using the CPU count", value)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def prepare(charts: Iterable[Chart], formats: Iterable[str] = ("svg",), workers: int | None = None) -> int:
    """Make every picture of ``charts`` in ``formats`` ("svg", "png") ready before a document
    renders: cached ones are read, and every distinct missing one is drawn once, all in one batch
    (in parallel over ``workers`` processes, default :func:`chart_workers`). Each chart keeps its
    pictures for the rest of the render. Returns the number of charts drawn."""
    formats = tuple(dict.fromkeys(formats))
    for ext in formats:
        if ext not in ("svg", "png"):
            raise ValueError(f"unknown chart format {ext!r}")
    by_key: dict[str, list[Chart]] = {}
    for chart in charts:
        by_key.setdefault(chart.key, []).append(chart)
    jobs: list[tuple[str, str, dict, tuple[str, ...]]] = []  # (key, kind, spec, missing formats)
    for key, same in by_key.items():
        first = same[0]
        missing = []
        for ext in formats:
            data = first._pictures.get(ext) or _lookup(f"{key}.{ext}")
            if data is None:
                missing.append(ext)
            else:
                for chart in same:
                    chart._pictures[ext] = data
        if missing:
            jobs.append((key, first.kind, first.spec, tuple(missing)))
    if not jobs:
        return 0
    for (key, _kind, _spec, _exts), pictures in zip(jobs, _draw_batch(jobs, workers)):
        for ext, data in pictures.items():
            _store(f"{key}.{ext}", data)
            for chart in by_key[key]:
                chart._pictures[ext] = data
    return len(jobs)


def _draw_job(job: tuple[str, str, dict, tuple[str, ...]]) -> dict[str, bytes]:
    _key, kind, spec, exts = job
    return _draw_figure(kind, spec, exts)


def _draw_batch(jobs: list, workers: int | None) -> list[dict[str, bytes]]:
    workers = min(chart_workers() if workers is None else max(1, workers), len(jobs))
    painted = sum(1 for job in jobs if "png" in job[3])
    if workers > 1 and painted >= MIN_PARALLEL:
        try:
            return _draw_in_pool(jobs, workers)
        except Exception:  # no processes to be had (a sandbox, a broken pool): draw here
            log.warning("charts: the drawing pool failed; drawing %d charts in this process", len(jobs),
                        exc_info=True)
    return [_draw_job(job) for job in jobs]


_PRELOAD = ["beacon.reports.charts", "matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg"]


def _draw_in_pool(jobs: list, workers: int) -> list[dict[str, bytes]]:
    """Draw ``jobs`` over ``workers`` processes forked from a forkserver: the server is started
    once per process with matplotlib and this module imported, so each batch forks warm workers
    without copying a threaded web or job process (no fork of its locks)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(_PRELOAD)
    chunk = max(1, min(16, len(jobs) // (workers * 4)))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(_draw_job, jobs, chunksize=chunk))


# --- inputs --------------------------------------------------------------------------------
def _label(period: str, in_arrears: bool = False) -> str:
    """"Sep-22": the chart label of a quarter or month. A KPI reported one quarter in arrears
    (spec 3.8) is stored under the report quarter but describes the quarter before: its point is
    labelled with the quarter of its data (the value reported in Quarter 2 is June's: "Jun-22")."""
    try:
        parsed = parse_period(period)
        if in_arrears and isinstance(parsed, Quarter):
            parsed = parsed.previous()
        return parsed.chart_label
    except Exception:
        return str(period)


@lru_cache(maxsize=8192, typed=True)
def _fmt(value, unit, decimals) -> str:
    """A value as the data table and the text alternative print it (memoised: a KPI's target and
    floor repeat on every row, and a 1,000-KPI report formats tens of thousands of values)."""
    return "no data" if value is None else format_value(value, unit, decimals)


def kpi_chart(kpi: KpiEntry) -> Chart:
    """The chart of one KPI of the QPR model (``build_qpr().kpis[i]``)."""
    unit, decimals = kpi.unit, kpi.decimals
    points = [{"label": _label(p.period, kpi.in_arrears), "value": p.value, "illustrative": bool(p.illustrative)}
              for p in kpi.series]
    is_range = kpi.polarity == "range"
    spec = {
        "title": kpi.name,
        "unit": unit,
        "unit_label": kpi.unit_label or "",
        "decimals": decimals,
        "points": points,
        "range": is_range,
        "target": kpi.target,
        "floor": kpi.floor,
        "target_low": kpi.target_low,
        "target_high": kpi.target_high,
        "floor_low": kpi.floor_low,
        "floor_high": kpi.floor_high,
        # a target or floor standard that is not published carries its mark in words (legend,
        # data table, text alternative): "Floor (assumed)"
        "target_source": figure_source(kpi.target_source).value,
        "floor_source": figure_source(kpi.floor_source).value,
    }
    bench = kpi.benchmark
    if bench is not None and bench.median is not None:
        # the comparison group's median, drawn as a line (only then in the spec: other charts keep their key)
        spec["benchmark"] = bench.median
        spec["benchmark_label"] = f"Group median ({bench.period})" + (" (illustrative)" if bench.illustrative else "")
    columns = ["Quarter", "Value"]
    if is_range:
        columns += ["Target range", "Floor range"]
    else:
        columns += ["Target", "Floor"]
    # the target and floor in force are the same on every row: formatted once
    if is_range:
        target = _range_text(spec["target_low"], spec["target_high"], unit, decimals)
        floor = _range_text(spec["floor_low"], spec["floor_high"], unit, decimals)
    else:
        target = _fmt(spec["target"], unit, decimals) if spec["target"] is not None else "none"
        floor = _fmt(spec["floor"], unit, decimals) if spec["floor"] is not None else "none"
    if target != "none":
        target = marked(target, spec["target_source"])
    if floor != "none":
        floor = marked(floor, spec["floor_source"])
    median = []
    if "benchmark" in spec:
        columns.append(spec["benchmark_label"])
        from beacon.domain.benchmarking import shown_decimals

        median = [_fmt(spec["benchmark"], unit, shown_decimals(spec["benchmark"], decimals))]
    rows = []
    for p in points:
        value = _fmt(p["value"], unit, decimals) + (" (illustrative)" if p["illustrative"] and p["value"] is not None else "")
        rows.append([p["label"], value, target, floor, *median])
    shown = [p for p in points if p["value"] is not None]
    alt = _kpi_alt(kpi.name, points, shown, spec)
    if median:
        alt += f" {spec['benchmark_label']} of {bench.group_name}: {median[0]}."
    if kpi.in_arrears and shown:
        alt += " Reported one quarter in arrears: each value is shown at the quarter its data describes."
    return Chart("kpi", kpi.name, alt, {"caption": f"Data for the chart: {kpi.name}", "columns": columns, "rows": rows}, spec)


def _range_text(low, high, unit, decimals) -> str:
    if low is None or high is None:
        return "none"
    return f"{_fmt(low, unit, decimals)} - {_fmt(high, unit, decimals)}"


def _kpi_alt(name, points, shown, spec) -> str:
    unit, decimals = spec["unit"], spec["decimals"]
    span = f"{points[0]['label']} to {points[-1]['label']}" if points else "no quarters"
    parts = [f"Line chart of {name}, quarterly, {span}."]
    if shown:
        values = ", ".join(
            f"{p['label']} {_fmt(p['value'], unit, decimals)}{' (illustrative)' if p['illustrative'] else ''}" for p in shown
        )
        parts.append(f"Values: {values}.")
    else:
        parts.append("No values are available for these quarters.")
    missing = len(points) - len(shown)
    if missing:
        parts.append(f"{missing} of {len(points)} quarters have no value.")
    target_mark, floor_mark = spec.get("target_source"), spec.get("floor_source")
    if spec["range"]:
        parts.append(f"Target range {marked(_range_text(spec['target_low'], spec['target_high'], unit, decimals), target_mark)}")
        if spec["floor_low"] is not None:
            parts[-1] += f"; floor range {marked(_range_text(spec['floor_low'], spec['floor_high'], unit, decimals), floor_mark)}"
        parts[-1] += "."
    else:
        if spec["target"] is not None:
            line = f"Target {marked(_fmt(spec['target'], unit, decimals), target_mark)}"
            if spec["floor"] is not None:
                line += f"; floor standard {marked(_fmt(spec['floor'], unit, decimals), floor_mark)}"
            parts.append(line + ".")
    if any(p["illustrative"] for p in shown):
        parts.append("Values marked illustrative are not published figures.")
    return " ".join(parts)


def activity_chart(indicator: ActivityEntry) -> Chart:
    """The chart of one activity indicator of the QPR model (its ``name``, ``unit``, ``decimals``
    and ``series`` of :class:`~beacon.domain.qpr_model.ActivityPoint`)."""
    unit, decimals = indicator.unit, indicator.decimals or 0
    points = []
    for p in indicator.series:
        points.append(
            {
                "label": _label(p.period),
                "value": p.value,
                "lower": p.lower_threshold,
                "upper": p.upper_threshold,
                "benchmark": p.benchmark,
                "target": p.target,
                "illustrative": bool(p.illustrative),
            }
        )
    spec = {"title": indicator.name, "unit": unit, "unit_label": "", "decimals": decimals, "points": points}
    has = {k: any(p[k] is not None for p in points) for k in ("lower", "upper", "benchmark", "target")}
    columns = ["Period", "Value"]
    extra = [("lower", "Lower threshold"), ("upper", "Upper threshold"), ("benchmark", "Benchmark"), ("target", "Target")]
    columns += [title for k, title in extra if has[k]]
    rows = []
    for p in points:
        value = _fmt(p["value"], unit, decimals) + (" (illustrative)" if p["illustrative"] and p["value"] is not None else "")
        rows.append([p["label"], value] + [_fmt(p[k], unit, decimals) for k, _ in extra if has[k]])
    shown = [p for p in points if p["value"] is not None]
    span = f"{points[0]['label']} to {points[-1]['label']}" if points else "no periods"
    alt = [f"Line chart of {indicator.name}, {span}."]
    if shown:
        alt.append("Values: " + ", ".join(
            f"{p['label']} {_fmt(p['value'], unit, decimals)}{' (illustrative)' if p['illustrative'] else ''}" for p in shown
        ) + ".")
    last = points[-1] if points else None
    if last and has["lower"] and has["upper"] and last["lower"] is not None:
        alt.append(
            f"Expected range in {last['label']}: {_fmt(last['lower'], unit, decimals)} to {_fmt(last['upper'], unit, decimals)}."
        )
    elif last and has["benchmark"] and last["benchmark"] is not None:
        alt.append(f"Benchmark in {last['label']}: {_fmt(last['benchmark'], unit, decimals)}.")
    if last and has["target"] and last["target"] is not None:
        alt.append(f"Target in {last['label']}: {_fmt(last['target'], unit, decimals)}.")
    if any(p["illustrative"] for p in shown):
        alt.append("Values marked illustrative are not published figures.")
    return Chart("activity", indicator.name, " ".join(alt),
                 {"caption": f"Data for the chart: {indicator.name}", "columns": columns, "rows": rows}, spec)


# --- drawing -------------------------------------------------------------------------------
def _draw(kind: str, spec: dict, ext: str) -> bytes:
    """One picture of one chart (the path of a chart drawn on first use)."""
    return _draw_figure(kind, spec, (ext,))[ext]


def _draw_figure(kind: str, spec: dict, exts: tuple[str, ...]) -> dict[str, bytes]:
    """The chart laid out once (:func:`beacon.reports.chart_drawing.layout`) and written in each
    of ``exts``."""
    scene = chart_drawing.layout(kind, spec)
    return {ext: chart_drawing.svg(scene) if ext == "svg" else chart_drawing.png(scene) for ext in exts}
