"""An activity indicator linked to a risk as a key risk indicator names that risk on its page,
with the trigger rule and its open flags, as a KPI page does; one linked to nothing says so."""

from __future__ import annotations

import datetime as dt

from beacon.domain.kri import FlagStatus
from beacon.risk.models import RiskFlag

from test_kri_end_to_end import linked  # noqa: F401 - the fixture


def _risks_section(body: str) -> str:
    return body.split('id="risks"', 1)[1].split("</table>", 1)[0]


def test_the_activity_page_names_the_risks_it_evidences(linked, client_for):  # noqa: F811
    first, _ = linked
    page = client_for("reader").get("/activity/AI1/").content.decode()
    section = _risks_section(page)
    assert f'href="/risks/{first.risk_id}/">{first.risk_id}</a> {first.title}' in section
    assert "None open" in section
    RiskFlag.objects.create(risk=first, indicator_code="AI1", trigger="outside_range", period="2022/23 Q2",
                            evidence="AI1 outside its expected range", status=FlagStatus.OPEN,
                            raised_at=dt.datetime(2026, 11, 20, 12, tzinfo=dt.timezone.utc))
    section = _risks_section(client_for("reader").get("/activity/AI1/").content.decode())
    assert "Flagged for review" in section and "AI1 outside its expected range" in section


def test_an_activity_indicator_linked_to_nothing_says_so(client_for, data):
    page = client_for("reader").get("/activity/AI1/").content.decode()
    assert "No risk on the register is linked to AI1." in page
