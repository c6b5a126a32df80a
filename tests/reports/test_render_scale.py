"""Charts drawn in one batch (issue 13): the batch and parallel paths give the same pictures as a
chart drawn on its own, a cold cache draws each distinct chart once, and a document's render
draws its charts before its templates, never one by one."""

from __future__ import annotations

import pytest

from beacon.domain.qpr_model import ActivityEntry, KpiEntry
from beacon.domain.records import from_plain
from beacon.reports import charts

QUARTERS = ["2021/22 Q1", "2021/22 Q2", "2021/22 Q3", "2021/22 Q4", "2022/23 Q1", "2022/23 Q2"]


@pytest.fixture(autouse=True)
def chart_cache(tmp_path, monkeypatch):
    folder = tmp_path / "charts"
    monkeypatch.setattr(charts, "cache_dir", lambda: folder)
    charts.clear_memory_cache()
    yield folder
    charts.clear_memory_cache()


def kpi(n: int, **kw) -> KpiEntry:
    base = {
        "code": f"K{n}", "name": f"Synthetic KPI {n}", "unit": "percent", "unit_label": "", "decimals": 1,
        "polarity": "higher", "target": 85.0, "floor": 75.0, "target_low": None, "target_high": None,
        "floor_low": None, "floor_high": None,
        "series": [{"period": p, "value": 70.0 + n + i, "illustrative": i == 1} for i, p in enumerate(QUARTERS)],
    }
    base.update(kw)
    return from_plain(KpiEntry, base)


def activity(n: int) -> ActivityEntry:
    return from_plain(ActivityEntry, {
        "name": f"Calls answered {n}", "unit": "count", "decimals": 0,
        "series": [{"period": p, "value": 100 + 10 * i + n, "lower_threshold": 90, "upper_threshold": 160,
                    "benchmark": None, "target": None, "illustrative": False} for i, p in enumerate(QUARTERS)],
    })


def some_charts(n: int) -> list[charts.Chart]:
    out = [charts.kpi_chart(kpi(i)) for i in range(n - 2)]
    out.append(charts.kpi_chart(kpi(50, polarity="range", target=None, floor=None, target_low=70.0,
                                    target_high=80.0, floor_low=65.0, floor_high=85.0)))
    out.append(charts.activity_chart(activity(1)))
    return out


def single(chart: charts.Chart, ext: str) -> bytes:
    """The picture as a chart drawn on first use gets it (the single path)."""
    return charts._draw(chart.kind, chart.spec, ext)


def test_batch_in_this_process_gives_the_single_paths_pictures_alt_and_table():
    batch, alone = some_charts(3), some_charts(3)
    assert charts.prepare(batch, ("svg", "png"), workers=1) == 3
    for chart, other in zip(batch, alone):
        assert chart.svg.encode() == single(other, "svg")
        assert chart.png == single(other, "png")
        # the text alternative and the data table do not depend on how the picture is drawn
        assert (chart.alt, chart.table, chart.key) == (other.alt, other.table, other.key)
    assert batch[0].svg.startswith("<svg") and batch[0].png[:8] == b"\x89PNG\r\n\x1a\n"


def test_parallel_batch_gives_the_same_bytes_as_the_single_path(chart_cache):
    """PNG pictures (painted by matplotlib) are drawn by the pool; the parent process draws none."""
    batch = some_charts(charts.MIN_PARALLEL)
    drawn_here = []
    original = charts._draw_figure
    # the parent process draws nothing: the pool does (its workers import this module afresh)
    charts_draw_figure = lambda *a: drawn_here.append(a) or original(*a)  # noqa: E731
    import unittest.mock

    with unittest.mock.patch.object(charts, "_draw_figure", charts_draw_figure):
        assert charts.prepare(batch, ("svg", "png"), workers=2) == len(batch)
    assert drawn_here == []
    for chart in batch:
        assert chart.svg.encode() == single(chart, "svg")
        assert chart.png == single(chart, "png")
    assert sorted(p.name for p in chart_cache.iterdir()) == sorted(f"{c.key}.{e}" for c in batch for e in ("png", "svg"))


def test_svg_only_batches_are_drawn_in_this_process(chart_cache, monkeypatch):
    """An SVG takes about a millisecond: starting a pool of processes for them would cost more."""
    batch = some_charts(charts.MIN_PARALLEL * 2)
    monkeypatch.setattr(charts, "_draw_in_pool", lambda *a: pytest.fail("a pool started for SVG pictures"))
    assert charts.prepare(batch, ("svg",), workers=2) == len(batch)
    assert all(chart.svg.startswith("<svg") for chart in batch)


def test_a_cold_cache_draws_each_distinct_chart_once(chart_cache, monkeypatch):
    calls = []
    original = charts._draw_figure

    def counting(kind, spec, exts):
        calls.append((spec["title"], exts))
        return original(kind, spec, exts)

    monkeypatch.setattr(charts, "_draw_figure", counting)
    first, second = charts.kpi_chart(kpi(1)), charts.kpi_chart(kpi(2))
    duplicate = charts.kpi_chart(kpi(1))  # the same picture in two places of a document
    assert charts.prepare([first, second, duplicate], ("svg", "png"), workers=1) == 2
    assert sorted(calls) == [("Synthetic KPI 1", ("svg", "png")), ("Synthetic KPI 2", ("svg", "png"))]
    assert duplicate.svg == first.svg and duplicate.png == first.png and second.png
    assert len(calls) == 2  # using the pictures draws nothing more
    assert sorted(p.name for p in chart_cache.iterdir()) == sorted(
        f"{c.key}.{e}" for c in (first, second) for e in ("svg", "png"))
    # warm: nothing is drawn, from memory or (a new process) from disk
    assert charts.prepare([charts.kpi_chart(kpi(1)), charts.kpi_chart(kpi(2))], ("svg", "png"), workers=1) == 0
    charts.clear_memory_cache()
    assert charts.prepare([charts.kpi_chart(kpi(2))], ("svg",), workers=1) == 0
    # only a missing format is drawn
    third = charts.kpi_chart(kpi(3))
    third.svg
    assert charts.prepare([third], ("svg", "png"), workers=1) == 1
    assert calls[-2:] == [("Synthetic KPI 3", ("svg",)), ("Synthetic KPI 3", ("png",))]


def test_a_chart_keeps_its_batch_pictures_when_the_memory_cache_evicts_them(monkeypatch):
    monkeypatch.setattr(charts, "cache_dir", lambda: None)  # BEACON_CHART_CACHE=off
    monkeypatch.setattr(charts, "_MEMORY_MAX", 1)
    batch = [charts.kpi_chart(kpi(i)) for i in range(3)]
    assert charts.prepare(batch, ("svg",), workers=1) == 3
    monkeypatch.setattr(charts, "_draw_figure", lambda *a: pytest.fail("drawn again"))
    assert all(c.svg.startswith("<svg") for c in batch)


def test_unknown_format_is_refused():
    with pytest.raises(ValueError):
        charts.prepare([charts.kpi_chart(kpi(1))], ("gif",))


def test_workers_setting(monkeypatch):
    monkeypatch.setenv("BEACON_CHART_WORKERS", "3")
    assert charts.chart_workers() == 3
    monkeypatch.setenv("BEACON_CHART_WORKERS", "0")
    assert charts.chart_workers() == 1
    monkeypatch.delenv("BEACON_CHART_WORKERS")
    assert charts.chart_workers() >= 1


@pytest.mark.django_db
def test_documents_draw_their_charts_in_one_batch_before_the_templates(monkeypatch):
    """The demo QPR: HTML and PDF ask for the SVGs once, in one batch; Word only for the PNGs;
    nothing is drawn one by one while the templates render."""
    from beacon.bundle.importer import import_bundle
    from beacon.demo import DEMO_BUNDLE, DEMO_PERIOD
    from beacon.domain.periods import Quarter
    from beacon.reports import documents

    import_bundle(DEMO_BUNDLE, user="test")
    edition = documents.edition_inputs(Quarter.parse(DEMO_PERIOD))
    batches = []

    def fake_prepare(items, formats=("svg",), workers=None):  # pictures as a batch would leave them
        items = list(items)
        batches.append((len(items), tuple(formats)))
        for chart in items:
            for ext in formats:
                chart._pictures[ext] = b"<svg><text>batch</text></svg>" if ext == "svg" else b"png"
        return len(items)

    monkeypatch.setattr(documents.charts, "prepare", fake_prepare)
    monkeypatch.setattr(charts, "_draw", lambda *a: pytest.fail("a chart drawn one by one"))
    html = documents.qpr_html(edition)
    assert len(batches) == 1 and batches[0][1] == ("svg",) and batches[0][0] > 20
    assert html.count('data-chart="') == batches[0][0]
    batches.clear()
    ctx = documents.build_context(edition.model, edition.settings, edition.overrides)
    documents.qpr_html(edition, ctx=ctx, for_pdf=True, pictures=("png",))
    assert batches == [(len(ctx["charts"]), ("png",))]
