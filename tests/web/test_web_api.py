"""The JSON API: token authentication, the same permissions as the pages, pagination, filters."""

import pytest

from beacon.returns.models import Return
from beacon.core.models import ApiToken

from web_fixtures import NEXT_SLUG, SLUG


@pytest.fixture
def api(users, client):
    tokens = {name: ApiToken.issue(user, "test")[1] for name, user in users.items()}

    def call(method, url, who=None, **kwargs):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[who]}"} if who else {}
        return getattr(client, method)(url, content_type="application/json", **headers, **kwargs)

    return call


def test_schema_is_served(client, db):
    schema = client.get("/api/openapi.json").json()
    assert "/api/kpis" in schema["paths"] and "/api/returns/{slug}/{code}" in schema["paths"]
    assert any(s.get("type") == "http" and s.get("scheme") == "bearer" for s in schema["components"]["securitySchemes"].values())


def test_token_required(api, client):
    assert api("get", "/api/kpis").status_code == 401
    assert client.get("/api/kpis", HTTP_AUTHORIZATION="Bearer nonsense").status_code == 401


def test_revoked_token_is_refused(api, users, client):
    obj, token = ApiToken.issue(users["reader"])
    assert client.get("/api/kpis", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    obj.revoked = True
    obj.save()
    assert client.get("/api/kpis", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert not ApiToken.objects.filter(digest=token).exists()  # only a hash is stored


@pytest.mark.parametrize("who,status", [("reader", 200), ("lead", 200), ("owner", 200), ("riskowner", 200), ("norole", 403)])
def test_read_permissions(api, who, status):
    for url in ("/api/kpis", "/api/observations", f"/api/periods/{SLUG}/results", "/api/periods"):
        assert api("get", url, who).status_code == status, url


def test_pagination_and_filters(api):
    body = api("get", "/api/kpis?directorate=AA", "reader").json()
    assert body["count"] == 2 and [k["code"] for k in body["items"]] == ["A1", "A2"]
    body = api("get", "/api/observations?kpi=A1&page=1", "reader").json()
    assert body["count"] == 3 and body["items"][0]["period"] == "2021/22 Q4"
    results = api("get", f"/api/periods/{SLUG}/results", "reader").json()
    assert results["period"] == "2022/23 Q2" and results["totals"]["kpis"] == 3
    by_code = {r["code"]: r for r in results["results"]}
    assert by_code["A1"]["rag"] == "RED" and by_code["A2"]["rag"] == "GREEN"
    red = api("get", f"/api/periods/{SLUG}/results?rag=RED", "reader").json()["results"]
    assert [r["code"] for r in red] == ["A1"]
    bb = api("get", f"/api/periods/{SLUG}/results?directorate=BB", "reader").json()["results"]
    assert [r["code"] for r in bb] == ["B1"]


def test_returns_through_the_api(api, open_period):
    url = f"/api/returns/{NEXT_SLUG}/AA"
    assert api("get", url, "reader").status_code == 403
    assert api("get", url, "owner_b").status_code == 403
    assert api("put", url, "owner_b", data={"lines": [{"code": "A1", "value": "90"}]}).status_code == 403
    assert api("put", url, "reader", data={"lines": [{"code": "A1", "value": "90"}]}).status_code == 403
    listed = api("get", "/api/returns", "owner").json()
    assert [r["directorate"] for r in listed] == ["AA"]
    assert len(api("get", "/api/returns", "lead").json()) == 2

    bad = api("put", url, "owner", data={"lines": [{"code": "A1", "value": "lots"}]})
    assert bad.status_code == 400 and bad.json()["errors"]["kpi-A1-value"].startswith("A1 value:")
    unknown = api("put", url, "owner", data={"lines": [{"code": "B1", "value": "1"}]})
    assert unknown.status_code == 400

    ok = api("put", url, "owner", data={"lines": [{"code": "A1", "value": "91"}, {"code": "A2", "value": "7"}], "submit": True})
    assert ok.status_code == 200, ok.content
    assert ok.json()["status"] == "submitted"
    assert Return.objects.get(period=open_period, directorate__code="AA").status == Return.SUBMITTED
    again = api("put", url, "owner", data={"lines": [{"code": "A1", "value": "50"}]})
    assert again.status_code == 400


def test_risks_through_the_api(api, risks):
    first, second = risks
    body = api("get", "/api/risks", "reader").json()
    assert body["count"] == 2 and {r["id"] for r in body["items"]} == {first.risk_id, second.risk_id}
    assert api("get", "/api/risks", "norole").status_code == 403
    high = api("get", "/api/risks?level=High", "reader").json()["items"]
    assert [r["id"] for r in high] == [first.risk_id]
    url = f"/api/risks/{first.risk_id}/rerate"
    assert api("post", url, "reader", data={"likelihood": 2, "impact": 5, "note": "x"}).status_code == 403
    assert api("post", f"/api/risks/{second.risk_id}/rerate", "riskowner", data={"likelihood": 2, "impact": 4, "note": "x"}).status_code == 403
    bad = api("post", url, "riskowner", data={"likelihood": 7, "impact": 5, "note": "x"})
    assert bad.status_code == 400 and "likelihood" in str(bad.json()["errors"])
    ok = api("post", url, "riskowner", data={"likelihood": 2, "impact": 5, "note": "Training completed"})
    assert ok.status_code == 200, ok.content
    assert ok.json()["current"]["score"] == 10 and ok.json()["direction"] == "reduced"


def test_users_issue_and_revoke_their_own_tokens(client_for, client):
    reader = client_for("reader")
    assert client_for(None).get("/account/").status_code == 302
    page = reader.post("/account/", {"action": "issue", "name": "my script"}).content.decode()
    token = page.split('<code id="new-token">')[1].split("</code>")[0]
    assert client.get("/api/kpis", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    obj = ApiToken.objects.get(name="my script")
    assert client_for("owner").post("/account/", {"action": "revoke", "token": obj.pk}).status_code == 302
    assert client.get("/api/kpis", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200  # not the owner's token
    reader.post("/account/", {"action": "revoke", "token": obj.pk})
    assert client.get("/api/kpis", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert "no role" in client_for("norole").post("/account/", {"action": "issue"}, follow=True).content.decode()
    assert not ApiToken.objects.filter(user__username="norole").exists()


def test_admin_user_page_edits_assignments(client_for, users):
    body = client_for("admin").get(f"/admin/auth/user/{users['owner'].pk}/change/").content.decode()
    assert "directorates (data owner)" in body.lower() and "risks (risk owner)" in body.lower()
