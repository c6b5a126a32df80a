"""Open data of a published report: one row per KPI as CSV and as an Excel workbook, taken from
the frozen snapshot of the published edition (never from the live data), formula-safe, linked on
the public report page next to the JSON."""

import csv
import io

import pytest
from openpyxl import load_workbook

from beacon.domain.periods import Quarter
from beacon.domain.qpr_editions import OPEN_DATA_COLUMNS, ValueSource, open_data_rows, value_source
from beacon.performance import models as pm
from beacon.reports.formats import QPR
from beacon.reports.models import PublishedFile, PublishedReport
from beacon.reports.open_data import open_data_csv, open_data_xlsx, safe_text
from beacon.reports.publish import publish
from beacon.web.services.reports import draft_checks

from web_fixtures import PERIOD, SLUG

COLUMNS = [name for name, _ in OPEN_DATA_COLUMNS]


def _publish(label=PERIOD):
    q = Quarter.parse(label)
    return publish(q, "lead", {c.id: "accepted for the test" for c in draft_checks(q) if not c.passed})


def _rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def test_open_data_formats_are_registered_and_stored_at_publication(data):
    assert "csv" in QPR and "xlsx" in QPR
    assert QPR["csv"].content_type == "text/csv; charset=utf-8"
    _publish()
    stored = set(PublishedFile.objects.filter(report__period=PERIOD).values_list("format", flat=True))
    assert {"json", "csv", "xlsx"} <= stored


def test_the_csv_is_the_published_snapshot_and_never_the_live_data(client_for):
    public, lead = client_for(None), client_for("lead")
    assert public.get(f"/reports/{SLUG}/qpr.csv").status_code == 404
    _publish()
    response = public.get(f"/reports/{SLUG}/qpr.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    first = response.content
    rows = _rows(first)
    assert list(rows[0]) == COLUMNS
    frozen = PublishedReport.objects.get(period=PERIOD).frozen_model
    assert [r["kpi"] for r in rows] == [k.code for k in frozen.kpis] == ["A1", "A2", "B1"]
    by_code = {r["kpi"]: r for r in rows}
    a1 = by_code["A1"]
    assert (a1["period"], a1["directorate"], a1["directorate_name"], a1["title"], a1["unit"]) == (
        "2022/23 Q2", "AA", "Alpha Services", "Percentage of calls answered", "percent")
    assert (a1["value"], a1["value_source"], a1["target"], a1["floor"]) == ("75", "reported", "90", "80")
    assert (a1["target_source"], a1["floor_source"]) == ("published", "published")
    assert a1["rag"] == frozen.kpi("A1").rag.label == "Red" and a1["rag_source"] == "computed"
    assert a1["direction_of_travel"] == frozen.kpi("A1").reported_dot.label
    assert by_code["B1"]["value"] == "96.5" and by_code["B1"]["rag"] == "Green"
    assert by_code["A2"]["value"] == "9" and by_code["A2"]["polarity"] == "lower"

    # the live data changes after publication: the published CSV does not, the draft does
    obs = pm.Observation.objects.get(kpi__code="A1", period=PERIOD)
    obs.value = 95
    obs.save()
    assert public.get(f"/reports/{SLUG}/qpr.csv").content == first
    live = _rows(lead.get(f"/reports/{SLUG}/preview.csv").content)
    assert live[0]["value"] == "95" and live[0]["rag"] == "Green"
    # an edition published before the CSV existed: rendered from its snapshot, not the live data
    PublishedFile.objects.filter(report__period=PERIOD, format="csv").delete()
    assert public.get(f"/reports/{SLUG}/qpr.csv").content == first


def test_the_workbook_has_a_header_row_frozen_panes_and_numbers(client_for):
    _publish()
    response = client_for(None).get(f"/reports/{SLUG}/qpr.xlsx")
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["KPIs"]
    assert [c.value for c in ws[1]] == COLUMNS
    assert ws.freeze_panes == "A2"
    header = {name: i for i, name in enumerate(COLUMNS)}
    a1 = [c.value for c in ws[2]]
    assert a1[header["kpi"]] == "A1" and a1[header["value"]] == 75 and a1[header["target"]] == 90
    assert a1[header["rag"]] == "Red"
    assert [c.value for c in wb["Columns"]["A"]][1:] == COLUMNS


def test_the_public_report_page_links_the_csv_and_workbook_next_to_the_json(client_for):
    _publish()
    public = client_for(None)
    page = public.get(f"/reports/{SLUG}/").content.decode()
    for fmt, label in (("json", "Open data (JSON)"), ("csv", "Open data (CSV)"), ("xlsx", "Open data (Excel workbook)")):
        assert f'href="/reports/{SLUG}/qpr.{fmt}"' in page and label in page
    listing = public.get("/reports/").content.decode()
    assert f'href="/reports/{SLUG}/qpr.csv"' in listing and f'href="/reports/{SLUG}/qpr.xlsx"' in listing


@pytest.mark.parametrize("text, expected", [
    ("=SUM(A1:A2)", "'=SUM(A1:A2)"), ("+44 1622", "'+44 1622"), ("-1+A1", "'-1+A1"), ("@cmd", "'@cmd"),
    ("-1", "-1"),  # a plain number runs nothing: it stays a number (beacon.domain.cells)
    ("\tx", "'\tx"), ("Calls answered", "Calls answered"), ("", ""), ("a=b", "a=b"),
])
def test_safe_text(text, expected):
    assert safe_text(text) == expected


def test_formula_like_text_is_written_as_text_in_both_files(data):
    kpi = data["a1"]
    kpi.name = '=HYPERLINK("http://example.invalid","click")'
    kpi.save()
    pm.Commentary.objects.all().delete()
    from beacon.reports.qpr import build_qpr

    model = build_qpr(Quarter.parse(PERIOD))
    row = _rows(open_data_csv(model))[0]
    assert row["title"] == "'" + kpi.name
    ws = load_workbook(io.BytesIO(open_data_xlsx(model)))["KPIs"]
    cell = ws.cell(row=2, column=COLUMNS.index("title") + 1)
    assert cell.data_type == "s" and cell.value == kpi.name
    # a negative number stays a number
    assert ws.cell(row=2, column=COLUMNS.index("value") + 1).data_type == "n"


def test_value_sources(data):
    from beacon.reports.qpr import build_qpr

    pm.Observation.objects.filter(kpi__code="A2", period=PERIOD).update(illustrative=True)
    pm.Observation.objects.filter(kpi__code="B1", period=PERIOD).delete()
    model = build_qpr(Quarter.parse(PERIOD))
    assert value_source(model.kpi("A1"), PERIOD) is ValueSource.REPORTED
    assert value_source(model.kpi("A2"), PERIOD) is ValueSource.ASSUMED
    assert value_source(model.kpi("B1"), PERIOD) is ValueSource.MISSING
    rows = {r["kpi"]: r for r in open_data_rows(model)}
    assert rows["A2"]["value"] == 9 and rows["A2"]["value_source"] == "assumed"
    assert rows["B1"]["value"] is None and rows["B1"]["value_source"] == "missing" and rows["B1"]["rag"] == "Not rated"
