"""The web pages show a KPI's figures as the papers do: at the precision in force in the
figure's financial year (KpiTarget.decimals over the KPI's own), and a target or floor standard
that is not published marked as such ("80.0% (assumed)"), with the Key's words."""

from decimal import Decimal

from beacon.domain.provenance import FigureSource
from beacon.performance import models as pm

from web_fixtures import NEXT_SLUG


def _one_decimal_and_an_assumed_floor(data):
    pm.KpiTarget.objects.filter(kpi=data["a1"], financial_year="2022/23").update(decimals=1, floor_source="assumed")


def test_the_kpi_page(client_for, data):
    _one_decimal_and_an_assumed_floor(data)
    page = client_for("reader").get("/kpis/A1/").content.decode()
    ratings = page.split("Ratings over time")[1].split("Values and revisions")[0]
    q2 = ratings.split("2022/23 Q2")[1].split("</tr>")[0]
    assert ">75.0%<" in q2 and ">90.0%<" in q2 and ">80.0% (assumed)<" in q2
    values = page.split("Values and revisions")[1].split("Targets and floors by year")[0]
    assert ">75.0%<" in values and ">85%<" in values  # 2021/22 has no target row: the KPI's own precision
    targets = page.split("Targets and floors by year")[1]
    assert ">90.0%<" in targets and ">80.0% (assumed)<" in targets
    assert FigureSource.ASSUMED.key_text in targets and FigureSource.DERIVED.key_text not in targets
    overview = client_for("reader").get("/performance/2022-23-Q2/").content.decode()
    assert ">80.0% (assumed)<" in overview


def test_the_return_form(client_for, data, open_period):
    _one_decimal_and_an_assumed_floor(data)
    pm.KpiTarget.objects.filter(kpi=data["a2"], financial_year="2022/23").update(target_source="derived")
    page = client_for("owner").get(f"/returns/{NEXT_SLUG}/AA/").content.decode()
    a1 = page.split("A1: ")[1].split("</p>")[0]
    assert "Last value: 75.0%" in a1 and "Target: 90%." in a1 and "Floor standard: 80% (assumed)." in a1
    a2 = page.split("A2: ")[1].split("</p>")[0]
    assert "Target: 10 (derived)." in a2 and "Floor standard: 20." in a2
    assert Decimal("75") == pm.Observation.objects.get(kpi=data["a1"], period="2022/23 Q2").value
