"""What a walk through the pages in Chromium found, each fixed: history and sources in people's
words, dates in words, a KPI's rolling suffix once, the service banner in a landmark."""

from __future__ import annotations

import re

from beacon.core import clock as beacon_clock
from beacon.core.models import ImportRun

from web_fixtures import NEXT_SLUG


def test_an_accounts_history_names_its_fields_for_people(client_for, users):
    lead = client_for("lead")
    owner = users["owner"]
    page = lead.get(f"/users/{owner.pk}/").content.decode()
    opened = re.search(r'name="opened" value="([^"]*)"', page).group(1)
    response = lead.post(f"/users/{owner.pk}/", {"opened": opened, "first_name": "Olive", "last_name": owner.last_name,
                                                 "email": owner.email, "active": "on", "data_owner": "on",
                                                 "directorates": ["AA", "BB"]})
    assert response.status_code == 302
    history = lead.get(f"/users/{owner.pk}/").content.decode().split("<table")[-1]
    assert ">First name<" in history and ">Directorates<" in history and "AA, BB" in history
    assert "first_name" not in history and ";" not in history


def test_import_sources_never_show_server_folders(client_for, data):
    ImportRun.objects.create(source="import /work/secret/place/kcc-bundle", imported_by="lead",
                             imported_at=beacon_clock.now(), summary={})
    page = client_for("lead").get("/data/").content.decode()
    assert "kcc-bundle" in page and "/work/secret" not in page


def test_the_register_and_a_risk_page_speak_dates_and_statuses_in_words(client_for, risks):
    first, _ = risks
    register = client_for("riskmanager").get("/risks/").content.decode()
    caption = re.search(r'direction of travel since ([^<]*)<', register).group(1)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", caption)
    page = client_for("riskmanager").get(f"/risks/{first.risk_id}/").content.decode()
    status = re.search(r'<span class="govuk-caption-l">[^<]*· ([^<·]*)</span>', page).group(1)
    assert status[0].isupper()


def test_a_rolling_kpis_name_carries_its_suffix_once(client_for, data):
    from beacon.performance.models import Kpi

    kpi = Kpi.objects.get(code="A1")
    kpi.name, kpi.rolling_12_months = "Appeals heard in time – rolling 12 months", True
    kpi.save()
    page = client_for("reader").get("/kpis/A1/").content.decode()
    assert page.count("rolling 12 months") >= 1 and "rolling 12 months – rolling 12 months" not in page


def test_the_service_banner_is_in_a_landmark(client_for, data):
    page = client_for(None).get("/").content.decode()
    assert '<div class="govuk-phase-banner" role="region" aria-label="About this service">' in page


def test_the_returns_board_never_says_not_started_about_timeliness(client_for, open_period):
    board = client_for("lead").get(f"/returns/{NEXT_SLUG}/").content.decode()
    cells = re.findall(r"<td class=\"govuk-table__cell\">(Not yet submitted|Not started)</td>", board)
    assert cells and set(cells) == {"Not yet submitted"}


def test_changes_since_publication_name_commentary_without_its_row_numbers():
    from beacon.reports.publish import Change

    assert Change("commentary", "CS / 0 / 2", "added").sentence() == "Commentary on CS added"
    assert Change("commentary", "CS / CS1 / 0 / 1", "removed").sentence() == "Commentary on CS, CS1 removed"
    assert Change("observations", "CS1 2022/23 Q2", "changed", {"value": ("96", "")}).sentence() == (
        "Value of CS1 2022/23 Q2: value removed (was 96)")


def test_a_return_never_offers_an_illustrative_figure_as_the_last_value(client_for, open_period):
    from beacon.performance.models import Observation

    page = client_for("owner").get(f"/returns/{NEXT_SLUG}/AA/").content.decode()
    assert "Last value: 75%" in page
    Observation.objects.filter(kpi__code="A1", value=75).update(illustrative=True)
    page = client_for("owner").get(f"/returns/{NEXT_SLUG}/AA/").content.decode()
    assert "Last value: 75%" not in page


def test_targets_and_floors_carry_their_unit_like_the_value(client_for, data):
    page = client_for("reader").get("/performance/2022-23-Q2/directorates/AA/").content.decode()
    row = re.search(r'href="/kpis/A1/".*?</tr>', page, re.S).group(0)
    cells = re.findall(r'<td class="govuk-table__cell beacon-num">([^<]*)</td>', row)
    assert cells and all(c.strip() == "–" or "%" in c for c in cells), cells
