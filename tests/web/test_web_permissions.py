"""The permission matrix: every role against every page and action, forbidden cases included."""

import pytest

from beacon.performance import models as pm
from beacon.returns.models import Return

from web_fixtures import NEXT_SLUG, SLUG, submit_through_services

ROLES = ["anon", "norole", "lead", "owner", "owner_b", "riskmanager", "riskowner", "reader", "admin"]
READERS = {"lead", "owner", "owner_b", "riskmanager", "riskowner", "reader"}

# page -> the roles that get 200 (anonymous users are sent to sign in; other roles get 403)
PAGES = {
    "/": set(ROLES),
    "/sign-in/": {"anon"},  # signed-in users are redirected home
    f"/performance/{SLUG}/": READERS,
    f"/performance/{SLUG}/?rag=RED&dot=worsening&directorate=AA": READERS,
    f"/performance/{SLUG}/directorates/AA/": READERS,
    "/kpis/A1/": READERS,
    "/activity/AI1/": READERS,
    "/returns/": {"lead", "owner", "owner_b"},
    f"/returns/{NEXT_SLUG}/": {"lead"},
    f"/returns/{NEXT_SLUG}/AA/": {"lead", "owner"},
    f"/returns/{NEXT_SLUG}/BB/": {"lead", "owner_b"},
    "/data/": {"lead", "reader"},
    "/data/export/bundle.zip": {"lead", "reader"},
    "/data/export/bundle.xlsx": {"lead", "reader"},
    "/reports/": set(ROLES),
    "/reports/compare/": set(ROLES),
    "/account/": set(ROLES) - {"anon"},
    f"/reports/{SLUG}/build/": {"lead"},
    f"/reports/{SLUG}/settings/": {"lead"},
    "/admin/": {"admin"},
}


@pytest.mark.parametrize("role", ROLES)
def test_page_matrix(client_for, open_period, role):
    c = client_for(None if role == "anon" else role)
    for url, allowed in PAGES.items():
        response = c.get(url)
        if role in allowed:
            assert response.status_code == 200, (role, url, response.status_code)
        elif role == "anon":
            assert response.status_code == 302 and "sign-in" in response["Location"] or "admin/login" in response["Location"], (url, response.status_code)
        elif url == "/admin/" or url == "/sign-in/":
            assert response.status_code == 302, (role, url)
        else:
            assert response.status_code == 403, (role, url, response.status_code)


def _save(c, code="AA", value="91"):
    field = "kpi-A1-value" if code == "AA" else "kpi-B1-value"
    return c.post(f"/returns/{NEXT_SLUG}/{code}/", {"action": "save", field: value})


@pytest.mark.parametrize("role,allowed", [
    ("lead", True), ("owner", True), ("owner_b", False), ("reader", False), ("riskmanager", False),
    ("riskowner", False), ("norole", False),
])
def test_enter_return_matrix(client_for, open_period, role, allowed):
    response = _save(client_for(role))
    ret = Return.objects.get(period=open_period, directorate__code="AA")
    if allowed:
        assert response.status_code == 302
        assert ret.lines.get(kpi__code="A1").value_text == "91"
    else:
        assert response.status_code == 403
        assert not ret.lines.exists()


def test_anonymous_post_is_sent_to_sign_in(client_for, open_period):
    response = _save(client_for(None))
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


@pytest.mark.parametrize("role", ["owner", "owner_b", "reader", "riskmanager", "riskowner", "norole"])
def test_only_the_lead_reviews_opens_closes_and_imports(client_for, users, open_period, role):
    ret = Return.objects.get(period=open_period, directorate__code="AA")
    submit_through_services(ret, {"A1": "91", "A2": "8"}, "owner")
    c = client_for(role)
    assert c.post(f"/returns/{NEXT_SLUG}/AA/", {"action": "approve"}).status_code == 403
    assert c.post(f"/returns/{NEXT_SLUG}/AA/", {"action": "send_back", "comment": "no"}).status_code == 403
    assert c.post("/returns/", {"period": "2022/23 Q4", "due_date": "2023-04-30"}).status_code == 403
    assert c.post("/returns/close-year/", {"financial_year": "2022/23"}).status_code == 403
    assert c.post("/data/", {}).status_code == 403
    ret.refresh_from_db()
    assert ret.status == Return.SUBMITTED
    assert not pm.Observation.objects.filter(period="2022/23 Q3").exists()


def test_owner_cannot_change_a_submitted_return(client_for, users, open_period):
    ret = Return.objects.get(period=open_period, directorate__code="AA")
    submit_through_services(ret, {"A1": "91", "A2": "8"}, "owner")
    response = _save(client_for("owner"), value="50")
    assert response.status_code == 400
    assert ret.lines.get(kpi__code="A1").value_text == "91"


def test_navigation_shows_only_allowed_areas(client_for, open_period):
    body = client_for("owner").get("/").content.decode()
    assert 'href="/returns/"' in body and 'href="/data/"' not in body and 'href="/admin/"' not in body
    body = client_for("reader").get("/").content.decode()
    assert 'href="/data/"' in body and 'href="/returns/"' not in body
