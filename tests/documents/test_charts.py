"""The one chart module: pictures, text alternatives, data tables, illustrative marking, cache."""

import pytest

from beacon.domain.qpr_model import ActivityEntry, KpiEntry
from beacon.domain.records import from_plain
from beacon.reports import charts


@pytest.fixture(autouse=True)
def chart_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BEACON_VAR_DIR", str(tmp_path))
    monkeypatch.setattr(charts, "cache_dir", lambda: tmp_path / "charts")
    charts.clear_memory_cache()
    yield tmp_path / "charts"
    charts.clear_memory_cache()


def kpi(**kw):
    base = {
        "code": "SC6", "name": "Percentage of foster care placements in-house", "unit": "percent", "unit_label": "",
        "decimals": 1, "polarity": "higher", "target": 85.0, "floor": 75.0, "target_low": None, "target_high": None,
        "floor_low": None, "floor_high": None,
        "series": [
            {"period": "2021/22 Q1", "value": None, "illustrative": False},
            {"period": "2021/22 Q2", "value": 77.0, "illustrative": True},
            {"period": "2021/22 Q3", "value": 76.5, "illustrative": False},
            {"period": "2021/22 Q4", "value": 76.0, "illustrative": False},
            {"period": "2022/23 Q1", "value": 75.4, "illustrative": False},
            {"period": "2022/23 Q2", "value": 74.8, "illustrative": False},
        ],
    }
    base.update(kw)
    return from_plain(KpiEntry, base)


def test_kpi_chart_svg_png_alt_and_table(chart_cache):
    chart = charts.kpi_chart(kpi())
    svg = chart.svg
    assert svg.startswith("<svg") and "</svg>" in svg
    assert chart.png[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Sep-22 74.8%" in chart.alt and "Target 85.0%; floor standard 75.0%" in chart.alt
    assert "1 of 6 quarters have no value" in chart.alt
    assert "Values marked illustrative are not published figures." in chart.alt
    assert chart.table["columns"] == ["Quarter", "Value", "Target", "Floor"]
    assert chart.table["rows"][1] == ["Sep-21", "77.0% (illustrative)", "85.0%", "75.0%"]
    assert chart.table["rows"][0][1] == "no data"  # a gap, never a zero
    assert "Illustrative" in svg and "(not published)" in svg  # the legend marks it (text stays text)
    assert sorted(p.suffix for p in chart_cache.iterdir()) == [".png", ".svg"]


def test_range_kpi_has_bands():
    chart = charts.kpi_chart(kpi(polarity="range", target=None, floor=None, target_low=17.5, target_high=22.5,
                                 floor_low=15.0, floor_high=25.0))
    assert chart.table["columns"] == ["Quarter", "Value", "Target range", "Floor range"]
    assert "Target range 17.5% - 22.5%; floor range 15.0% - 25.0%." in chart.alt
    assert "Target range" in chart.svg and "Floor range" in chart.svg


def test_activity_chart_with_expected_range_and_benchmark():
    indicator = {
        "name": "Average call time", "unit": "seconds", "decimals": 0,
        "series": [
            {"period": "2022/23 Q1", "value": 330, "lower_threshold": 300, "upper_threshold": 360, "benchmark": None,
             "target": 345, "illustrative": False},
            {"period": "2022/23 Q2", "value": 384, "lower_threshold": 300, "upper_threshold": 360, "benchmark": None,
             "target": 345, "illustrative": False},
        ],
    }
    chart = charts.activity_chart(from_plain(ActivityEntry, indicator))
    assert chart.table["columns"] == ["Period", "Value", "Lower threshold", "Upper threshold", "Target"]
    assert "Sep-22 6 minutes 24 seconds" in chart.alt
    assert "Expected range in Sep-22: 5 minutes to 6 minutes." in chart.alt
    assert "Expected range" in chart.svg


def test_cached_by_content(chart_cache, monkeypatch):
    first = charts.kpi_chart(kpi())
    svg = first.svg
    calls = []
    monkeypatch.setattr(charts, "_draw", lambda *a: calls.append(a) or b"<svg/>")
    again = charts.kpi_chart(kpi())
    assert again.key == first.key and again.svg == svg and not calls  # memory
    charts.clear_memory_cache()
    assert charts.kpi_chart(kpi()).svg == svg and not calls  # disk
    changed = charts.kpi_chart(kpi(target=86.0))
    assert changed.key != first.key
    changed.svg
    assert len(calls) == 1


def test_same_data_same_file():
    a = charts.kpi_chart(kpi()).svg
    charts.clear_memory_cache()
    b = charts._draw("kpi", charts.kpi_chart(kpi()).spec, "svg").decode()
    assert a == b


def test_an_in_arrears_kpi_is_plotted_at_the_quarter_its_data_describes():
    """Spec 3.8: a value reported one quarter in arrears is stored under the report quarter but
    describes the quarter before (Care Needs Assessments: 75% reported in Quarter 2 is June's), so
    the chart labels each point with the quarter of its data."""
    chart = charts.kpi_chart(kpi(in_arrears=True))
    assert [row[0] for row in chart.table["rows"]] == ["Mar-21", "Jun-21", "Sep-21", "Dec-21", "Mar-22", "Jun-22"]
    assert "Jun-22 74.8%" in chart.alt and "Sep-22" not in chart.alt
    assert "Reported one quarter in arrears: each value is shown at the quarter its data describes." in chart.alt
    assert ">Jun-22<" in chart.svg and "Sep-22" not in chart.svg
    # the control: the same values reported in their own quarter end at the report quarter
    assert charts.kpi_chart(kpi()).table["rows"][-1][0] == "Sep-22"
