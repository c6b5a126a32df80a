"""Benchmarking end to end: a comparator set imported as bundle files gives the rank, quartile and
group median worked out by hand below; the KPI page, the QPR's panel and its directorate table
show them with the comparator period (and the caveat where the periods differ); bad files are
refused naming file, line and column, nothing written; the export re-imports unchanged.

The small case, by hand (the web fixtures' data for 2022/23 Q2):

* A1 (higher is better) = 75; the group's other areas: 80, 75, 70, 60 (2022/23 Q2). Better: only
  80, so rank 1 + 1 = 2, shared with the other 75; of 5. Quartile 1 + floor(4 x 1 / 5) = 1 (the
  top quarter: one area in five does better). Median of 80, 75, 70, 60: (70 + 75) / 2 = 72.5.
* A2 (lower is better, days) = 9; others 8, 9, 10. Better: 8 only: rank 2 of 4, quartile
  1 + floor(4 x 1 / 4) = 2; median 9.
* B1 (higher) = 96.5; others 99, 98, 97, 95 for 2021/22 (a year, not the quarter: a caveat).
  Better: 99, 98, 97: rank 4 of 5, quartile 1 + floor(4 x 3 / 5) = 3; median (97 + 98) / 2 = 97.5.
"""

from __future__ import annotations

import html as html_module
import io
import re
from decimal import Decimal

import pytest

from beacon.bundle.errors import BundleErrors
from beacon.bundle.importer import export_bundle, import_bundle
from beacon.domain.periods import Quarter
from beacon.performance import models as pm
from web_fixtures import PERIOD

MEASURES = """measure,title,unit,polarity,source
calls,Calls answered,percent,higher,Test source A
waits,Days waited,days,lower,Test source B
bins,Bins collected,percent,higher,Test source C
"""
VALUES = """measure,area_code,area_name,period,value,illustrative
calls,E10000001,Area One,2022/23 Q2,80,
calls,E10000002,Area Two,2022/23 Q2,75,
calls,E10000003,Area Three,2022/23 Q2,70,
calls,E10000004,Area Four,2022/23 Q2,60,
calls,E10000001,Area One,2021/22,50,
waits,E10000001,Area One,2022/23 Q2,8,
waits,E10000002,Area Two,2022/23 Q2,9,
waits,E10000003,Area Three,2022/23 Q2,10,true
bins,E10000001,Area One,2021/22,99,
bins,E10000002,Area Two,2021/22,98,
bins,E10000003,Area Three,2021/22,97,
bins,E10000004,Area Four,2021/22,95,
bins,E10000004,Area Four,2023/24,10,
"""
GROUPS = """group,name,source,area_code,area_name
near,Near neighbours,Test groups,E10000001,
near,Near neighbours,Test groups,E10000002,
near,Near neighbours,Test groups,E10000003,
near,Near neighbours,Test groups,E10000004,
near,Near neighbours,Test groups,E10000016,Kent
"""
KPIS = """kpi,measure,area_code,group
A1,calls,E10000016,near
A2,waits,E10000016,near
B1,bins,E10000016,near
"""


def write(bundle, **files):
    for name, text in files.items():
        bundle.write(name + ".csv", text)
    return bundle.root


@pytest.fixture
def imported(data, make_bundle):
    b = make_bundle(empty=True)
    write(b, benchmark_measures=MEASURES, comparator_values=VALUES, comparison_groups=GROUPS, kpi_benchmarks=KPIS)
    return import_bundle(b.root, user="test")


def model():
    from beacon.reports.qpr import build_qpr

    return build_qpr(Quarter.parse(PERIOD))


def test_rank_quartile_and_median_are_those_worked_out_by_hand(imported):
    m = model()
    a1, a2, b1 = (m.kpi(c).benchmark for c in ("A1", "A2", "B1"))
    assert (a1.rank, a1.of, a1.quartile, a1.median, a1.period, a1.caveat) == (2, 5, 1, 72.5, "2022/23 Q2", None)
    assert (a2.rank, a2.of, a2.quartile, a2.median, a2.illustrative) == (2, 4, 2, 9, 1)
    assert (b1.rank, b1.of, b1.quartile, b1.median, b1.period) == (4, 5, 3, 97.5, "2021/22")
    assert b1.caveat == ("The periods differ: Kent's value is for 2022/23 Q2, the other areas' values are for "
                         "2021/22, the latest held.")
    # the later year (2023/24) is after the report period: never used
    assert b1.area == "Kent" and b1.group_name == "Near neighbours" and b1.source == "Test source C"


def text_of(html: str) -> str:
    html = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S)
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_the_qpr_prints_them_in_the_panel_the_chart_and_the_directorate_table(imported):
    from beacon.reports import documents
    from beacon.reports.charts import kpi_chart
    from beacon.reports.documents import Edition

    m = model()
    text = text_of(documents.qpr_html(Edition(model=m, settings={"council": "Kent County Council"})))
    assert ("Compared with Near neighbours (4 other areas, 2022/23 Q2): Kent ranks 2nd of 5, top quartile; "
            "group median 72.5%.") in text  # a median is never rounded to the KPI's precision
    assert "Benchmarking against other councils" in text
    assert "Benchmarking: Alpha Services" in text and "Benchmarking: Beta Services" in text
    assert "4th of 5" in text and "third quartile" in text
    assert "The periods differ: Kent's value is for 2022/23 Q2" in text
    assert "1 of the 3 other areas' values is illustrative, not published figures" in text
    chart = kpi_chart(m.kpi("B1"))
    assert "Group median (2021/22)" in chart.table["columns"] and "Group median" in chart.svg and "(2021/22)" in chart.svg
    assert "Group median (2021/22) of Near neighbours: 97.5%" in chart.alt
    from docx import Document

    doc = Document(io.BytesIO(documents.qpr_docx(Edition(model=m, settings={"council": "Kent County Council"}))))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    assert "2nd of 5" in cells and "4th of 5" in cells


def test_the_kpi_page_shows_them(imported, client_for):
    page = client_for("reader").get("/kpis/B1/").content.decode()
    text = text_of(page)
    assert "Compared with other councils" in text
    assert "Rank 4th of 5" in text and "Quartile Third quartile" in text and "Group median 97.5%" in text
    assert "Period of the other councils' values 2021/22" in text
    assert "The periods differ" in text
    assert "Kent (this council, 2022/23 Q2)" in text
    page = client_for("reader").get("/kpis/A2/").content.decode()
    assert "Illustrative: 1 of the values compared with are not published figures" in text_of(page)
    assert "10 days (illustrative)" in text_of(page)


def test_bad_files_are_refused_naming_file_line_and_column(data, make_bundle):
    b = make_bundle(empty=True)
    bad_values = VALUES.replace("calls,E10000002,Area Two,2022/23 Q2,75,", "calls,E1000002,Area Two,2022/23 Q2,75,")
    bad_values = bad_values.replace("waits,E10000001,Area One,2022/23 Q2,8,", "waits,E10000001,Area One,2022/23 Q5,8,")
    bad_values = bad_values.replace("bins,E10000001,Area One,2021/22,99,", "bins,E10000001,Area One,2021/22,lots,")
    bad_values += "nope,E10000001,Area One,2021/22,1,\n"
    bad_kpis = KPIS + "ZZ9,calls,E10000016,near\n"
    bad_measures = MEASURES.replace("bins,Bins collected,percent,higher", "bins,Bins collected,percent,upwards")
    write(b, benchmark_measures=bad_measures, comparator_values=bad_values, comparison_groups=GROUPS,
          kpi_benchmarks=bad_kpis)
    with pytest.raises(BundleErrors) as caught:
        import_bundle(b.root, user="test")
    text = str(caught.value)
    assert "comparator_values.csv:3: area_code: 'E1000002' is not an ONS GSS area code" in text
    assert "comparator_values.csv:7: period:" in text
    assert "comparator_values.csv:10: value: 'lots' is not a number" in text
    assert "comparator_values.csv:15: measure: unknown measure 'nope'" in text
    assert "kpi_benchmarks.csv:5: kpi: unknown KPI 'ZZ9'" in text
    assert "benchmark_measures.csv:4: polarity: 'upwards' is not one of: higher, lower, neither" in text
    # all or nothing
    assert not pm.BenchmarkMeasure.objects.exists() and not pm.ComparatorValue.objects.exists()
    assert not pm.Area.objects.exists()


def test_a_changed_value_is_a_revision_and_the_same_files_change_nothing(imported, make_bundle):
    from beacon.core.audit import history_of

    b = make_bundle(empty=True)
    write(b, comparator_values=VALUES.replace("bins,E10000001,Area One,2021/22,99,", "bins,E10000001,Area One,2021/22,99.5,"))
    result = import_bundle(b.root, user="test", reason="revised by the publisher")
    assert result.summary["comparator_values.csv"]["changed"] == 1
    assert result.summary["comparator_values.csv"]["unchanged"] == 12
    value = pm.ComparatorValue.objects.get(measure__code="bins", area__code="E10000001", period="2021/22")
    (revision,) = history_of(value)
    assert (revision.field, revision.old_value, revision.new_value, revision.reason) == (
        "value", "99", "99.5", "revised by the publisher")
    again = import_bundle(b.root, user="test")
    assert not again.changed


def test_a_group_member_left_out_leaves_the_group_with_a_revision(imported, make_bundle):
    from beacon.core.audit import history_of

    b = make_bundle(empty=True)
    write(b, comparison_groups=GROUPS.replace("near,Near neighbours,Test groups,E10000001,\n", ""))
    import_bundle(b.root, user="test")
    group = pm.ComparisonGroup.objects.get(code="near")
    assert sorted(group.areas.values_list("code", flat=True)) == ["E10000002", "E10000003", "E10000004", "E10000016"]
    (revision,) = history_of(group)
    assert revision.field == "members" and "E10000001" in revision.old_value and "E10000001" not in revision.new_value
    # A1 now: others 75, 70, 60: rank 1 (shared with 75) of 4
    assert model().kpi("A1").benchmark.rank == 1


def test_the_export_re_imports_unchanged(imported, tmp_path):
    out = tmp_path / "export"
    export_bundle(out)
    for name in ("benchmark_measures.csv", "comparator_values.csv", "comparison_groups.csv", "kpi_benchmarks.csv"):
        assert (out / name).exists()
    result = import_bundle(out, user="test")
    assert not result.changed, result.report()
    before = model().kpi("B1").benchmark
    # into an empty database too: the same standings
    pm.KpiMeasure.objects.all().delete()
    pm.ComparatorValue.objects.all().delete()
    pm.ComparisonGroupMember.objects.all().delete()
    pm.ComparisonGroup.objects.all().delete()
    pm.BenchmarkMeasure.objects.all().delete()
    pm.Area.objects.all().delete()
    import_bundle(out, user="test")
    assert model().kpi("B1").benchmark == before
    assert pm.ComparatorValue.objects.get(measure__code="waits", area__code="E10000003").illustrative is True


def test_a_snapshot_from_before_benchmarking_still_loads_and_renders(imported):
    from beacon.domain.qpr_model import QprModel
    from beacon.reports import documents
    from beacon.reports.documents import Edition

    data = model().to_json()
    for entry in data["kpis"]:
        assert entry.pop("benchmark")
    old = QprModel.from_json(data)
    assert all(k.benchmark is None for k in old.kpis)
    text = text_of(documents.qpr_html(Edition(model=old, settings={"council": "Kent County Council"})))
    assert "Benchmarking against other councils" not in text and "Compared with" not in text


def test_the_kpi_pages_chart_draws_the_group_median_whether_or_not_the_quarter_is_computed(imported):
    """A KPI page draws its chart from the one KPI when the quarter's model is not computed yet;
    a benchmarked KPI's chart still carries its comparison group's median (read from the model)."""
    from django.core.cache import cache

    from beacon.reports import dashboards

    kpi = pm.Kpi.objects.get(code="B1")
    cache.clear()
    cold = dashboards.kpi_chart_for(kpi, Quarter.parse(PERIOD))
    warm = dashboards.kpi_chart_for(pm.Kpi.objects.get(code="B1"), Quarter.parse(PERIOD))
    for chart in (cold, warm):
        assert "Group median (2021/22) of Near neighbours: 97.5%" in chart.alt and "Group median" in chart.svg
    assert cold.key == warm.key
