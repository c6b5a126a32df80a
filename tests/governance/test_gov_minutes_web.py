"""The minutes pages with Django's test client: only the clerk writes; the journey from starting
the minutes to approval; a wrong recorded-vote count refused at its field; the speaker warning on
the page; two clerks saving one minute; approved minutes read-only."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from beacon.governance import models as gm

from gov_minutes_support import PRESENT, TODAY, make_cabinet, make_clerk

DEC = "CABINET-2022-12-01"
JAN = "CABINET-2023-01-05"


@pytest.fixture(autouse=True)
def _setup(db, clock, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    clock.set(TODAY, tick=True)


@pytest.fixture
def cab(db):
    data = make_cabinet()
    data["users"] = make_clerk()
    return data


@pytest.fixture
def clerk(cab):
    c = Client()
    c.force_login(cab["users"]["clerk"])
    return c


def _url(name, **kw):
    return reverse(f"web:{name}", kwargs=kw)


def _opened(html: str, form_value: str | None = None) -> str:
    """The sealed ``opened`` value of the page's (first) stale-safe form."""
    return re.search(r'name="opened" value="([^"]*)"', html).group(1)


def _start(clerk):
    r = clerk.post(_url("minutes_edit", key=DEC), {"numbering": "per_meeting", "first_number": "",
                                                   "items": [str(n) for n in range(1, 8)]})
    assert r.status_code == 302, r.content.decode()[:3000]


def _minute_post(page_html: str, **fields):
    data = {"form": "minute", "opened": _opened(page_html)}
    for name in ("title", "number", "item_number", "paragraphs", "outcome_kind", "outcome"):
        m = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page_html)
        if m:
            data[name] = m.group(1)
    sel = re.search(r'<select[^>]*name="item_number"[^>]*>.*?<option value="([^"]*)" selected', page_html, re.S)
    data["item_number"] = sel.group(1) if sel else ""
    kind = re.search(r'<select[^>]*name="outcome_kind"[^>]*>.*?<option value="([^"]*)" selected', page_html, re.S)
    data["outcome_kind"] = kind.group(1)
    for name in ("paragraphs", "outcome"):
        m = re.search(rf'name="{name}"[^>]*>([^<]*)</textarea>', page_html)
        data[name] = m.group(1) if m else ""
    data.update(fields)
    return data


@pytest.mark.parametrize("who,status", [(None, 302), ("member", 403)])
def test_only_the_clerk_writes_minutes(cab, who, status):
    c = Client()
    if who:
        c.force_login(cab["users"][who])
    for name in ("minutes_edit", "minutes_attendance"):
        assert c.get(_url(name, key=DEC)).status_code == status
    assert c.post(_url("minutes_place", key=DEC), {"place-on_meeting": JAN}).status_code == status
    assert not gm.Minutes.objects.exists()


def test_the_journey_from_the_agenda_to_approval(cab, clerk):
    r = clerk.get(_url("minutes_edit", key=DEC))
    assert r.status_code == 200 and "Start the minutes" in r.content.decode()
    _start(clerk)
    page = clerk.get(_url("minutes_edit", key=DEC)).content.decode()
    assert "Write minute 7" in page and "RESOLVED" not in page  # the overview lists, the minute page says

    # attendance: nine present, Mr Gough in the chair
    page = clerk.get(_url("minutes_attendance", key=DEC)).content.decode()
    data = {"opened": _opened(page), "chair": "gough-r"}
    data.update({f"person-{k}": "present" for k in PRESENT})
    r = clerk.post(_url("minutes_attendance", key=DEC), data)
    assert r.status_code == 302
    page = clerk.get(_url("minutes_edit", key=DEC)).content.decode()
    assert "Mr R W Gough (Chairman), Mrs C Bell" in page

    # minute 4: Mr Love speaks but is not present: saved, with a warning on the page
    page = clerk.get(_url("minute_edit", key=DEC, number=4)).content.decode()
    r = clerk.post(_url("minute_edit", key=DEC, number=4), _minute_post(
        page, paragraphs="Mr Oakford introduced the report.\n\nMr Love spoke about schools.",
        speaker_1="oakford-p", speaker_2="love-r"))
    assert r.status_code == 302, r.content.decode()[:2000]
    page = clerk.get(_url("minute_edit", key=DEC, number=4)).content.decode()
    assert "Minute 4: Mr R Love spoke but is not recorded as present" in page
    assert "Minute 4: Mr R Love spoke" in clerk.get(_url("minutes_edit", key=DEC)).content.decode()

    # a recorded vote whose count is wrong is refused at its field, naming the difference
    motion = {"form": "motion", "motion-kind": "recommendation", "motion-proposer": "oakford-p",
              "motion-seconder": "hill-p", "motion-text": "That the strategy be approved.", "motion-outcome": "carried",
              "motion-recorded_vote": "1", "motion-votes_for": ["gough-r", "bell-c"], "motion-for_count": "3",
              "motion-votes_against": [], "motion-against_count": "0", "motion-abstain_count": "0"}
    r = clerk.post(_url("minute_edit", key=DEC, number=7), motion)
    assert r.status_code == 400
    html = r.content.decode()
    assert '<a href="#motion-for_count">Number printed after For: the printed count is 3 but 2 names are listed</a>' in html
    assert not gm.Motion.objects.exists()
    r = clerk.post(_url("minute_edit", key=DEC, number=7), {**motion, "motion-for_count": "2"})
    assert r.status_code == 302
    assert gm.Motion.objects.get().votes.count() == 2

    # placed on the next meeting, then approved there
    r = clerk.post(_url("minutes_place", key=DEC), {"place-on_meeting": JAN})
    assert r.status_code == 302
    paper = gm.Paper.objects.get(document_ref=f"minutes:{DEC}")
    assert paper.meeting.key == JAN and paper.subject == "Minutes of the meeting held on 1 December 2022"
    page = clerk.get(_url("minutes_edit", key=DEC)).content.decode()
    assert 'name="approve-minute_number"' in page
    # the one minute offered is January's minute of the item carrying these minutes; any other is refused
    assert '<option value="4" selected>Minute 4 of Cabinet, 5 January 2023 (agenda item 4)</option>' in page
    assert re.search(r'<select[^>]*approve-at_meeting.*?</select>', page, re.S).group(0).count("<option") == 1
    assert '>Cabinet, 5 January 2023</option>' in page and "(CABINET-" not in page
    r = clerk.post(_url("minutes_approve", key=DEC), {"approve-at_meeting": JAN, "approve-minute_number": "99"})
    assert r.status_code == 400
    assert '<a href="#approve-minute_number">' in r.content.decode()
    assert gm.Minutes.objects.get(meeting__key=DEC).frozen_at is None
    assert not gm.MinuteItem.objects.filter(meeting__key=JAN, minute_number=99).exists()
    r = clerk.post(_url("minutes_approve", key=DEC), {"approve-at_meeting": JAN, "approve-minute_number": "4"})
    assert r.status_code == 302
    assert "approved at the meeting of Cabinet, 5 January 2023, minute 4" in clerk.get(
        _url("minutes_edit", key=DEC)).content.decode()
    minutes = gm.Minutes.objects.get(meeting__key=DEC)
    assert minutes.status == "approved" and minutes.frozen_at is not None

    # read-only from now on: no form, and an edit posted anyway is refused
    page = clerk.get(_url("minutes_edit", key=DEC)).content.decode()
    assert "are frozen" in page and "<form method=\"post\" novalidate>" not in page
    page = clerk.get(_url("minute_edit", key=DEC, number=4)).content.decode()
    assert "are frozen" in page and 'name="title"' not in page
    r = clerk.post(_url("minutes_declaration", key=DEC), {"declaration-person": "bell-c"})
    assert r.status_code == 409 and "are frozen: nothing can be changed" in r.content.decode()
    assert not gm.Declaration.objects.exists()
    # approved minutes are public
    assert Client().get(_url("minutes", key=DEC)).status_code == 200


def test_draft_minutes_are_public_marked_draft_without_exempt_items(cab, clerk):
    gm.AgendaItem.objects.filter(meeting=cab["december"], number=6).update(section="exempt")
    _start(clerk)
    r = Client().get(_url("minutes", key=DEC))
    assert r.status_code == 200
    html = r.content.decode()
    assert "govuk-tag--yellow\">Draft</strong>" in html and 'id="draft"' in html
    assert "Developer Contributions Guide" not in html and "EXEMPT ITEMS" not in html
    assert "Write the minutes" not in html
    assert "Developer Contributions Guide" in clerk.get(_url("minutes", key=DEC)).content.decode()


def test_a_meeting_with_no_minutes_is_a_404_about_minutes(cab):
    r = Client().get(_url("minutes", key=JAN))
    assert r.status_code == 404
    html = r.content.decode()
    assert "There are no minutes of this meeting yet" in html and "KPI" not in html
    assert Client().get(_url("minutes", key="CABINET-2099-01-01")).status_code == 404


def test_the_vote_lists_offer_only_members_present(cab, clerk):
    _start(clerk)
    people = cab["people"]
    dec = cab["december"]
    for i, key in enumerate(PRESENT[:3], start=1):
        gm.Attendance.objects.create(meeting=dec, person=people[key], category="present", position=i)
    gm.Attendance.objects.create(meeting=dec, person=people["love-r"], category="also_present", position=1)
    gm.Attendance.objects.create(meeting=dec, person=people["hill-p"], category="apologies", position=1)
    page = clerk.get(_url("minute_edit", key=DEC, number=7)).content.decode()
    listed = set(re.findall(r'name="motion-votes_abstain" type="checkbox" value="([^"]+)"', page))
    assert listed == {*PRESENT[:3], "love-r"}
    motion = {"form": "motion", "motion-kind": "recommendation", "motion-proposer": "oakford-p",
              "motion-text": "That the strategy be approved.", "motion-outcome": "carried",
              "motion-recorded_vote": "1", "motion-votes_for": [PRESENT[0]], "motion-for_count": "1",
              "motion-votes_abstain": ["hill-p"], "motion-against_count": "0", "motion-abstain_count": "1"}
    r = clerk.post(_url("minute_edit", key=DEC, number=7), motion)
    assert r.status_code == 400
    html = r.content.decode()
    assert '<a href="#motion-votes_abstain">' in html and "recorded as present at the meeting" in html
    assert "Saved" not in html
    assert not gm.Motion.objects.exists()


def test_the_approval_needs_the_approving_meeting_held(cab, clerk):
    _start(clerk)
    clerk.post(_url("minutes_place", key=DEC), {"place-on_meeting": "CABINET-2023-02-02"})
    page = clerk.get(_url("minutes_edit", key=DEC)).content.decode()
    assert 'id="approve-none"' in page  # 2 February 2023 has not been held: nothing offered
    r = clerk.post(_url("minutes_approve", key=DEC), {"approve-at_meeting": "CABINET-2023-02-02",
                                                      "approve-minute_number": "4"})
    assert r.status_code == 400 and gm.Minutes.objects.get(meeting__key=DEC).frozen_at is None


def test_a_field_error_names_the_field_in_the_summary(cab, clerk):
    _start(clerk)
    page = clerk.get(_url("minute_edit", key=DEC, number=4)).content.decode()
    r = clerk.post(_url("minute_edit", key=DEC, number=4), _minute_post(page, outcome="Something happened."))
    assert r.status_code == 400
    html = r.content.decode()
    assert '<a href="#outcome">Resolutions or statement: a minute with no decision recorded has no outcome text' in html
    assert r.context["errors"]


def test_two_clerks_saving_one_minute(cab, clerk):
    _start(clerk)
    other = Client()
    other.force_login(cab["users"]["clerk"])
    first = clerk.get(_url("minute_edit", key=DEC, number=4)).content.decode()
    second = other.get(_url("minute_edit", key=DEC, number=4)).content.decode()
    assert clerk.post(_url("minute_edit", key=DEC, number=4),
                      _minute_post(first, paragraphs="Mr Oakford introduced the report.")).status_code == 302
    r = other.post(_url("minute_edit", key=DEC, number=4), _minute_post(second, paragraphs="A different paragraph."))
    assert r.status_code == 400
    html = r.content.decode()
    assert "changed since you opened it: nothing was saved" in html
    assert "Paragraphs was blank when you opened the form and is now Mr Oakford introduced the report." in html
    assert gm.MinuteItem.objects.get(meeting__key=DEC, minute_number=4).text == ["Mr Oakford introduced the report."]
    # the second clerk changes only the title from the same old page: merged, the paragraph kept
    r = other.post(_url("minute_edit", key=DEC, number=4), _minute_post(second, title="Budget Monitoring"))
    assert r.status_code == 302
    minute = gm.MinuteItem.objects.get(meeting__key=DEC, minute_number=4)
    assert (minute.title, minute.text) == ("Budget Monitoring", ["Mr Oakford introduced the report."])


def test_an_attendance_error_is_at_the_persons_row(cab, clerk):
    _start(clerk)
    page = clerk.get(_url("minutes_attendance", key=DEC)).content.decode()
    r = clerk.post(_url("minutes_attendance", key=DEC), {"opened": _opened(page), "late-love-r": "1",
                                                         "person-gough-r": "present", "chair": "gough-r"})
    assert r.status_code == 400
    assert ('<a href="#person-love-r">Attendance of Mr R Love: Mr R Love is marked virtual or late but not as '
            'present</a>') in r.content.decode()
    assert not gm.Attendance.objects.exists()
