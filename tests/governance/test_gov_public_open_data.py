"""The meetings' open data (CSV and JSON after the Open Civic Data event and vote event schemas),
the iCalendar feed of a body (RFC 5545: parsed back, folded at 75 octets, CRLF) and the
governance kinds of the search page."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client

from beacon.domain.governance_public import ical_unfold
from gov_public_fixtures import SECRET, make_governance, make_users

pytestmark = pytest.mark.django_db

# the field names of pupa/scrape/schemas/event.py and vote_event.py (opencivicdata/pupa)
OCD_EVENT_FIELDS = {"name", "all_day", "start_date", "end_date", "status", "classification", "description",
                    "location", "media", "documents", "links", "participants", "agenda", "sources", "extras"}
OCD_AGENDA_FIELDS = {"description", "classification", "order", "subjects", "media", "notes", "related_entities"}
OCD_VOTE_FIELDS = {"identifier", "motion_text", "motion_classification", "start_date", "end_date", "result",
                   "organization", "bill", "votes", "counts", "sources", "extras"}


@pytest.fixture(autouse=True)
def _today(clock):
    clock.set("2023-01-01T08:30:00+00:00")


@pytest.fixture
def gov(db):
    return make_governance()


def fetch(path, who=None, users=None):
    c = Client()
    if who:
        c.force_login(users[who])
    response = c.get(path)
    assert response.status_code == 200, path
    return response


def test_the_open_data_page_links_every_dataset(gov):
    html = fetch("/meetings/open-data/").content.decode()
    for name in ("meetings", "agenda-items", "decisions", "votes"):
        for fmt in ("csv", "json"):
            assert f'href="/meetings/open-data/{name}.{fmt}"' in html
    assert Client().get("/meetings/open-data/secrets.csv").status_code == 404
    assert Client().get("/meetings/open-data/meetings.xml").status_code == 404


def test_meetings_json_is_shaped_as_ocd_events(gov):
    body = json.loads(fetch("/meetings/open-data/meetings.json").content)
    assert body["dataset"] == "meetings"
    events = {e["extras"]["id"]: e for e in body["results"]}
    jan = events["CABINET-2023-01-05"]
    assert set(jan) == OCD_EVENT_FIELDS
    assert jan["status"] in ("cancelled", "tentative", "confirmed", "passed") and jan["status"] == "confirmed"
    assert events["CABINET-2022-12-01"]["status"] == "passed" and events["CABINET-2023-02-09"]["status"] == "cancelled"
    assert jan["start_date"] == "2023-01-05T10:00:00+00:00"
    assert events["COUNCIL-2022-12-08"]["end_date"] == "2022-12-08T16:00:00+00:00"
    for item in jan["agenda"]:
        assert OCD_AGENDA_FIELDS <= set(item)
    assert jan["links"][0]["url"] == "http://testserver/meetings/CABINET-2023-01-05/"
    assert jan["participants"][0] == {"name": "Cabinet", "type": "organization", "note": "host"}


@pytest.mark.parametrize("name", ["meetings", "agenda-items", "decisions", "votes"])
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_open_data_never_holds_exempt_content_whoever_asks(gov, name, fmt):
    users = make_users()
    for who in (None, "member", "clerk"):
        assert SECRET.encode() not in fetch(f"/meetings/open-data/{name}.{fmt}", who, users).content


def test_the_csv_files(gov):
    rows = list(csv.DictReader(io.StringIO(fetch("/meetings/open-data/agenda-items.csv").content.decode())))
    jan = [r for r in rows if r["event"] == "CABINET-2023-01-05"]
    assert [r["order"] for r in jan] == ["1", "2", "3", "6", "7"]
    qpr = jan[3]
    assert qpr["pages"] == "(Pages 7 - 64)" and qpr["paper"] == "CABINET-2023-01-05-06"
    assert qpr["recommendations"] == "NOTE: Cabinet is asked to NOTE the Quarter 2 Performance Report."
    exempt = next(r for r in rows if r["event"] == "CABINET-2022-12-01" and r["order"] == "10")
    assert exempt["exempt"] == "true" and exempt["paper"] == "" and exempt["exempt_label"].startswith("Exempt under paragraph 3")
    decisions = list(csv.DictReader(io.StringIO(fetch("/meetings/open-data/decisions.csv").content.decode())))
    assert [d["id"] for d in decisions] == ["CABINET-2022-12-01/2", "COUNCIL-2022-12-08/41"]
    assert decisions[0]["classification"] == "approve" and decisions[0]["minute_title"].startswith("Kent and Medway")
    votes = list(csv.DictReader(io.StringIO(fetch("/meetings/open-data/votes.csv").content.decode())))
    assert [(v["voter_id"], v["option"]) for v in votes] == [("oakford-p", "yes"), ("carey-s", "yes"), ("gough-r", "no")]
    assert {v["result"] for v in votes} == {"pass"}
    meetings = fetch("/meetings/open-data/meetings.csv")
    assert meetings["Content-Type"].startswith("text/csv") and meetings.content.startswith(b"id,name,organization")
    assert b"\r\n" in meetings.content


def test_votes_json_is_shaped_as_ocd_vote_events(gov):
    body = json.loads(fetch("/meetings/open-data/votes.json").content)
    (v,) = body["results"]
    assert set(v) == OCD_VOTE_FIELDS
    assert v["result"] == "pass" and v["motion_classification"] == ["motion for time-limited debate"]
    assert {c["option"]: c["value"] for c in v["counts"]} == {"yes": 2, "no": 1, "abstain": 0}
    assert v["extras"]["printed_counts"] == {"yes": 2, "no": 1, "abstain": 0}


def test_a_formula_in_a_title_is_written_as_text(gov):
    from beacon.governance.models import AgendaItem

    AgendaItem.objects.filter(meeting__key="CABINET-2023-01-05", number=1).update(title="=HYPERLINK(\"x\")")
    text = fetch("/meetings/open-data/agenda-items.csv").content.decode()
    assert "'=HYPERLINK" in text


# --- the iCalendar feed ---------------------------------------------------------------------------


def parse_ical(text: str) -> list[dict]:
    """A small RFC 5545 reader: the VEVENTs as {name(;params): value}."""
    lines = ical_unfold(text)
    assert lines[-1] == "" and lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    events, current = [], None
    for line in lines[:-1]:
        name, _, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            current[name] = value
    return events


def test_the_feed_is_rfc_5545(gov):
    response = fetch("/meetings/bodies/CABINET/calendar.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    raw = response.content
    text = raw.decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")  # every line ends CRLF
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # octets, folded
    lines = ical_unfold(text)
    for required in ("VERSION:2.0", "PRODID:-//Beacon//Meetings//EN"):
        assert required in lines
    events = {e["UID"]: e for e in parse_ical(text)}
    assert set(events) == {f"CABINET-{d}@testserver" for d in ("2022-12-01", "2023-01-05", "2023-02-09", "2023-02-16")}
    jan = events["CABINET-2023-01-05@testserver"]
    assert jan["DTSTART"] == "20230105T100000Z"  # 10am in London in winter is 10:00 UTC
    assert jan["DTSTAMP"] == "20230101T083000Z"  # Beacon's clock
    assert jan["SUMMARY"] == "Cabinet" and jan["LOCATION"] == "Council Chamber" and jan["STATUS"] == "CONFIRMED"
    assert jan["URL"] == "http://testserver/meetings/CABINET-2023-01-05/"
    cancelled = events["CABINET-2023-02-09@testserver"]
    assert cancelled["STATUS"] == "CANCELLED" and cancelled["SUMMARY"] == "Cancelled: Cabinet"
    assert "Its business went to Cabinet\\, Thursday\\, 16 February 2023." in cancelled["DESCRIPTION"]
    assert Client().get("/meetings/bodies/NOPE/calendar.ics").status_code == 404


def test_the_feed_in_summer_time_and_with_an_end(gov):
    from beacon.governance.models import Meeting

    Meeting.objects.filter(key="CABINET-2023-02-16").update(date="2023-06-15", scheduled_end="16:00")
    events = {e["UID"]: e for e in parse_ical(fetch("/meetings/bodies/CABINET/calendar.ics").content.decode())}
    june = events["CABINET-2023-02-16@testserver"]
    assert june["DTSTART"] == "20230615T133000Z" and june["DTEND"] == "20230615T150000Z"  # BST: UTC+1


def test_a_meeting_without_a_time_is_all_day_and_long_lines_fold(gov):
    from beacon.governance.models import Meeting

    Meeting.objects.filter(key="CABINET-2023-01-05").update(
        start_time=None, venue="Council Chamber, Sessions House, County Hall, Maidstone — the room with the long name, über")
    text = fetch("/meetings/bodies/CABINET/calendar.ics").content.decode()
    events = {e["UID"]: e for e in parse_ical(text)}
    jan = events["CABINET-2023-01-05@testserver"]
    assert jan["DTSTART;VALUE=DATE"] == "20230105" and jan["DTEND;VALUE=DATE"] == "20230106"
    assert jan["LOCATION"].endswith("long name\\, über")
    assert "\r\n " in text  # the long line was folded


# --- search ----------------------------------------------------------------------------------------


def test_search_finds_meetings_papers_and_decisions(gov):
    users = make_users()
    page = fetch("/search/?q=cabinet+january").content.decode()
    assert "Meetings" in page and 'href="/meetings/CABINET-2023-01-05/"' in page
    page = fetch("/search/?q=quarterly+performance").content.decode()
    assert "Papers" in page and "Quarterly Performance Report, Quarter 2, 2022/23" in page
    page = fetch("/search/?q=integrated+care").content.decode()
    assert "Decisions" in page and "RESOLVED to approve the Kent and Medway" in page
    for who in (None, "reader"):
        page = fetch("/search/?q=SECRET", who, users).content.decode()
        assert "SECRET-PAPER" not in page and "SECRET-RESOLUTION" not in page and "No results" in page
        assert "Land deal" not in fetch("/search/?q=land+deal", who, users).content.decode()
    for who in ("member", "clerk"):
        page = fetch("/search/?q=SECRET", who, users).content.decode()
        assert "Land deal SECRET-PAPER" in page and "SECRET-RESOLUTION" in page
