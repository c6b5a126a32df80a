"""The governance API: bodies, meetings (Open Civic Data events), one meeting with its agenda,
minutes and votes, the decisions search and the recorded votes; public without a token, exempt
content only for a token of a user who may see exempt items."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from beacon.core.models import ApiToken
from gov_public_fixtures import SECRET, make_governance, make_users

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(clock, settings):
    clock.set("2023-01-01")
    from django.core.cache import caches

    caches["default"].clear()
    caches["counters"].clear()  # the API's rate-limit counts


@pytest.fixture
def tokens(db):
    make_governance()
    users = make_users()
    return {name: ApiToken.issue(user, "test")[1] for name, user in users.items()}


def get(path, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().get("/api" + path, **headers)


def test_public_reads_without_a_token_and_a_bad_token_is_refused(tokens):
    assert get("/governance/bodies").status_code == 200
    assert get("/governance/bodies", token="not-a-token").status_code == 401
    assert get("/kpis").status_code == 401  # the other endpoints still need a token


def test_bodies(tokens):
    bodies = get("/governance/bodies").json()
    cabinet = next(b for b in bodies if b["code"] == "CABINET")
    assert cabinet == {"code": "CABINET", "name": "Cabinet", "kind": "Executive", "parent": "", "status": "Active",
                       "meetings": 4, "next_meeting": "5 January 2023"}


def test_meetings_are_ocd_events_filtered_by_body_and_dates(tokens):
    body = get("/governance/meetings?body=CABINET&date_from=2023-01-01").json()
    assert body["count"] == 3
    jan = body["items"][0]
    assert jan["name"] == "Cabinet" and jan["start_date"] == "2023-01-05T10:00:00+00:00" and jan["status"] == "confirmed"
    assert jan["location"]["name"] == "Council Chamber" and jan["all_day"] is False
    assert [a["order"] for a in jan["agenda"]] == ["1", "2", "3", "6", "7"]
    assert jan["agenda"][2]["notes"] == ["(Pages 1 - 6)"]
    assert jan["documents"][0]["url"].endswith("/meetings/CABINET-2023-01-05/pack-v1-public.pdf")
    assert len(jan["documents"]) == 1  # no members' pack for the public
    cancelled = body["items"][1]
    assert cancelled["status"] == "cancelled" and cancelled["extras"]["business_moved_to"] == "CABINET-2023-02-16"
    assert get("/governance/meetings?body=NOPE").status_code == 422
    assert get("/governance/meetings?date_from=soon").status_code == 422


def test_one_meeting_hides_exempt_content_from_the_public_and_a_reader(tokens):
    for token in (None, tokens["reader"]):
        response = get("/governance/meetings/CABINET-2022-12-01", token)
        assert response.status_code == 200
        assert SECRET not in response.content.decode()
        body = response.json()
        item = next(a for a in body["event"]["agenda"] if a["order"] == "10")
        assert item["description"] == "Acquisition of land at Example Road"
        assert item["notes"][0].startswith("Exempt under paragraph 3 of Part 1 of Schedule 12A")
        minute = next(mi for mi in body["minutes"]["minutes"] if mi["number"] == 9)
        assert minute["withheld"] is True and minute["paragraphs"] == [] and minute["resolutions"] == []
        assert SECRET not in get("/governance/meetings/COUNCIL-2022-12-08", token).content.decode()
    assert get("/governance/meetings/NOPE").status_code == 404


@pytest.mark.parametrize("who", ["member", "clerk"])
def test_one_meeting_shows_exempt_content_to_members_and_clerks(tokens, who):
    body = get("/governance/meetings/CABINET-2022-12-01", tokens[who]).json()
    item = next(a for a in body["event"]["agenda"] if a["order"] == "10")
    assert item["extras"]["exempt_reason"].startswith("SECRET-REASON")
    assert item["extras"]["paper"]["subject"] == "Land deal SECRET-PAPER"
    minute = next(mi for mi in body["minutes"]["minutes"] if mi["number"] == 9)
    assert minute["paragraphs"] == ["SECRET-MINUTE-TEXT about the price"]
    jan = get("/governance/meetings/CABINET-2023-01-05", tokens[who]).json()
    assert [d["note"] for d in jan["event"]["documents"]] == ["Public pack", "Members' pack (includes exempt items)"]


def test_minutes_in_the_api(tokens):
    body = get("/governance/meetings/CABINET-2022-12-01").json()
    present = next(a for a in body["minutes"]["attendance"] if a["category"] == "present")
    assert [p["name"] for p in present["people"]] == ["Mr R W Gough", "Mr P M Hill, OBE", "Mr P J Oakford"]
    three = next(mi for mi in body["minutes"]["minutes"] if mi["number"] == 3)
    assert three["outcome"] == "No decision recorded" and three["item"] is None


def test_decisions_search(tokens):
    body = get("/governance/decisions").json()
    assert body["count"] == 2 and body["pages"] == 1
    assert [d["id"] for d in body["results"]] == ["COUNCIL-2022-12-08/41", "CABINET-2022-12-01/2"]
    assert get("/governance/decisions?q=integrated+care").json()["count"] == 1
    assert get("/governance/decisions?verb=agree").json()["count"] == 1
    assert get("/governance/decisions?verb=dance").status_code == 422
    assert get("/governance/decisions", tokens["member"]).json()["count"] == 3
    assert "SECRET" in get("/governance/decisions", tokens["clerk"]).content.decode()


def test_votes_are_ocd_vote_events(tokens):
    votes = get("/governance/votes").json()
    assert len(votes) == 1  # the exempt minute's vote is left out
    v = votes[0]
    assert v["identifier"] == "COUNCIL-2022-12-08-M41" and v["result"] == "pass" and v["organization"] == "County Council"
    assert v["counts"] == [{"option": "yes", "value": 2}, {"option": "no", "value": 1}, {"option": "abstain", "value": 0}]
    assert [(x["option"], x["voter_id"]) for x in v["votes"]] == [("yes", "oakford-p"), ("yes", "carey-s"), ("no", "gough-r")]
    member = get("/governance/votes", tokens["member"]).json()
    assert {x["identifier"] for x in member} == {"COUNCIL-2022-12-08-M41", "COUNCIL-2022-12-08-M42"}
    assert json.loads(get("/governance/votes?body=CABINET").content) == []


def test_the_api_schema_lists_the_governance_endpoints(db):
    paths = Client().get("/api/openapi.json").json()["paths"]
    for path in ("/api/governance/bodies", "/api/governance/meetings", "/api/governance/meetings/{key}",
                 "/api/governance/decisions", "/api/governance/votes"):
        assert path in paths, path
