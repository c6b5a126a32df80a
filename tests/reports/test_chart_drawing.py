"""The chart layout (beacon.reports.chart_drawing): the value scale, and scenes that stay on their
canvas and hold every value, label and legend entry whatever the data."""

import math
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from beacon.reports import chart_drawing as drawing

finite = st.floats(min_value=-1e7, max_value=1e7, allow_nan=False, allow_infinity=False)


@given(st.lists(finite, min_size=0, max_size=12), st.sampled_from(["percent", "number", "seconds", "days"]))
def test_the_scale_holds_every_value_with_at_least_three_distinct_round_ticks(values, unit):
    bottom, top, ticks = drawing.scale(values, unit)
    assert bottom < top
    assert all(bottom <= v <= top for v in values)
    assert len(ticks) >= 3 and ticks == sorted(ticks)
    assert all(bottom - 1e-6 * abs(bottom) <= t <= top + 1e-6 * abs(top) for t in ticks)
    step = ticks[1] - ticks[0]
    assert all(math.isclose(b - a, step, rel_tol=1e-6, abs_tol=1e-9) for a, b in zip(ticks, ticks[1:]))
    labels = [drawing.tick_label(t, unit, step) for t in ticks]
    if unit != "seconds" or step >= 1:
        assert len(set(labels)) == len(labels)  # never two ticks alike


def test_round_steps():
    assert [drawing.nice_step(x, "number") for x in (0.3, 1, 1.1, 2.2, 4, 7, 30, 260)] == [
        0.5, 1, 2, 2.5, 5, 10, 50, 500]
    assert drawing.nice_step(40, "seconds") == 60  # times step by round minutes
    assert drawing.scale([74.8, 85.0], "percent")[2] == [75.0, 80.0, 85.0]
    assert drawing.tick_label(72.5, "percent", 2.5) == "72.5%" and drawing.tick_label(80, "percent", 5) == "80%"


def _series(values, illustrative=()):
    return [{"label": f"Q{i}", "value": v, "illustrative": i in illustrative} for i, v in enumerate(values)]


def kpi_spec(values, illustrative=(), **kw):
    spec = {"title": "T", "unit": "percent", "unit_label": "", "decimals": 1, "points": _series(values, illustrative),
            "range": False, "target": 85.0, "floor": 75.0, "target_low": None, "target_high": None,
            "floor_low": None, "floor_high": None, "target_source": "published", "floor_source": "assumed"}
    spec.update(kw)
    return spec


def texts(scene):
    return [item.text for item in scene.items if isinstance(item, drawing.Text)]


def test_a_kpi_scene_labels_every_value_quarter_and_legend_entry():
    scene = drawing.layout("kpi", kpi_spec([None, 77.0, 76.5, 76.0, 75.4, 74.8], illustrative=(1,)))
    words = texts(scene)
    assert [w for w in words if w.startswith("Q")] == [f"Q{i}" for i in range(6)]
    assert {"77.0%", "76.5%", "74.8%"} <= set(words)
    assert ["Target", "Floor", "(assumed)", "Actual", "Illustrative", "(not published)"] == [
        w for w in words if w in {"Target", "Floor", "(assumed)", "Actual", "Illustrative", "(not published)"}]
    hollow = [m for m in scene.items if isinstance(m, drawing.Marker) and m.hollow]
    filled = [m for m in scene.items if isinstance(m, drawing.Marker) and not m.hollow]
    assert len(hollow) == 2 and len(filled) == 5  # one illustrative value and its legend handle; 4 values + handle
    grey = [line for line in scene.items if isinstance(line, drawing.Line) and line.colour == drawing.PALETTE["illustrative"]]
    assert len(grey) == 1 and grey[0].dash  # the illustrative value joined to the next by a dashed segment


def test_a_gap_stays_a_gap():
    scene = drawing.layout("kpi", kpi_spec([70.0, 71.0, None, 72.0, 73.0, 74.0]))
    series = [line for line in scene.items if isinstance(line, drawing.Line) and line.colour == drawing.PALETTE["value"]
              and len(line.points) > 1 and line.points[0][0] != line.points[1][0] and line.width == 2.0]
    lengths = sorted(len(line.points) for line in series if line.points[0][0] > 60)  # the legend handle is 2 points too
    assert lengths.count(3) == 1 and lengths.count(2) >= 1


def test_activity_band_is_split_where_thresholds_are_missing_and_labels_thin_out():
    points = [{"label": f"M{i}", "value": 10.0 + i, "lower": None if i == 5 else 5.0, "upper": None if i == 5 else 20.0,
               "benchmark": None, "target": None, "illustrative": False} for i in range(30)]
    scene = drawing.layout("activity", {"title": "A", "unit": "number", "unit_label": "calls", "decimals": 0,
                                        "points": points})
    bands = [b for b in scene.items if isinstance(b, drawing.Band) and len(b.points) > 4]
    assert len(bands) == 2  # before and after the month without thresholds
    months = [w for w in texts(scene) if re.fullmatch(r"M\d+", w)]
    assert 10 <= len(months) <= 15 and "calls" in texts(scene)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.floats(min_value=0, max_value=1e6, allow_nan=False)), min_size=1, max_size=8),
    st.sets(st.integers(min_value=0, max_value=7)),
    st.one_of(st.none(), st.floats(min_value=0, max_value=1e6, allow_nan=False)),
    st.text(alphabet="abc <&>()", min_size=1, max_size=40),
)
def test_every_scene_stays_on_its_canvas_and_writes_well_formed_svg(values, illustrative, target, title):
    import xml.etree.ElementTree as ET

    spec = kpi_spec(values, illustrative, target=target, floor=None, benchmark=target,
                    benchmark_label=f"Group median {title}")
    scene = drawing.layout("kpi", spec)
    for item in scene.items:
        if isinstance(item, drawing.Text):
            width = drawing.text_width(item.text, item.size)
            start = item.x - {"start": 0, "middle": width / 2, "end": width}[item.anchor]
            if not item.rotate:
                assert -0.5 <= start and start + width <= scene.width + 0.5, item
            assert 0 <= item.y <= scene.height
        elif isinstance(item, (drawing.Line, drawing.Band)):
            assert all(0 <= x <= scene.width and 0 <= y <= scene.height for x, y in item.points)
    root = ET.fromstring(drawing.svg(scene))
    assert root.tag.endswith("svg")
    assert drawing.svg(scene) == drawing.svg(drawing.layout("kpi", spec))  # same data, same bytes
