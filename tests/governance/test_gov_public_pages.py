"""The public meeting pages through Django's test client: the bodies list, a body's calendar,
a meeting (agenda, papers, packs, minutes, decisions, votes...), a person, the decisions search,
the packs; exempt content hidden from the public and a reader, shown to members and clerks."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from gov_public_fixtures import SECRET, make_governance, make_users

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(clock):
    clock.set("2023-01-01")


@pytest.fixture
def gov(db):
    return make_governance()


@pytest.fixture
def users(gov):
    return make_users()


def client(users, who):
    c = Client()
    if who:
        c.force_login(users[who])
    return c


def text(response) -> str:
    flat = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r" ([,.;:)])", r"\1", flat)  # a tag's edge before punctuation is no space


def test_the_bodies_list_and_the_navigation_link(gov):
    response = Client().get("/meetings/")
    assert response.status_code == 200
    page = text(response)
    assert "Cabinet" in page and "County Council" in page and "Governance &amp; Audit Committee" in page
    assert 'href="/meetings/bodies/CABINET/"' in response.content.decode()
    assert "5 January 2023" in page  # Cabinet's next meeting, in words
    assert 'href="/meetings/"' in response.content.decode() and ">Meetings<" in response.content.decode().replace("\n", "").replace("  ", "")


def test_a_body_calendar_by_month_with_status_in_words(gov):
    response = Client().get("/meetings/bodies/CABINET/")
    assert response.status_code == 200
    page = text(response)
    upcoming, past = page.split("Past meetings", 1)
    assert "January 2023" in upcoming and "February 2023" in upcoming
    assert "Thursday, 5 January 2023" in upcoming and "Scheduled" in upcoming
    assert "Cancelled" in upcoming and "Its business went to Cabinet, Thursday, 16 February 2023" in upcoming
    assert "December 2022" in past and "Thursday, 1 December 2022" in past and "Held" in past
    assert upcoming.index("5 January 2023") < upcoming.index("9 February 2023")
    assert "<caption" in response.content.decode()
    assert 'href="/meetings/bodies/CABINET/calendar.ics"' in response.content.decode()
    assert Client().get("/meetings/bodies/NOPE/").status_code == 404


def test_the_meeting_page_shows_agenda_papers_and_public_pack(gov):
    response = Client().get("/meetings/CABINET-2023-01-05/")
    assert response.status_code == 200
    page = text(response)
    for expected in ("Thursday, 5 January 2023", "10am", "Council Chamber", "22 December 2022",
                     "3. Minutes of the meeting held on 1 December 2022", "(Pages 1 - 6)", "(Pages 65 - 134)",
                     "Quarterly Performance Report, Quarter 2, 2022/23", "Roger Gough – Leader of the Council",
                     "Cabinet – 5 January 2023", "NOTE", "Cabinet is asked to NOTE the Quarter 2 Performance Report.",
                     "Future pathway", "Governance &amp; Audit Committee", "Public pack", "134 pages",
                     "At the time of preparing the agenda there were no exempt items.", "Relevant director",
                     "Report Author", "Electoral division ALL"):
        assert expected in page, expected
    html = response.content.decode()
    assert 'href="/meetings/CABINET-2023-01-05/pack-v1-public.pdf"' in html
    assert "pack-v1-members" not in html and "Members' pack" not in page and "Members&#x27; pack" not in page


def test_the_minutes_attendance_outcomes_and_decisions(gov):
    page = text(Client().get("/meetings/CABINET-2022-12-01/"))
    assert "Present" in page and "Mr R W Gough" in page and "(Chairman)" in page and "Mr P M Hill, OBE" in page
    assert "Apologies" in page and "Miss S J Carey" in page
    assert "1. Apologies (Item 1)" in page and "There were no apologies for absence." in page
    assert "2. Kent and Medway Interim Integrated Care Strategy (Item 3)" in page
    assert "In attendance for this item: Sarah Hammond (Corporate Director" in page
    assert "RESOLVED to approve the Kent and Medway Interim Integrated Care Strategy" in page
    assert "3. Revenue and Capital Budget Monitoring" in page and "No decision recorded" in page
    assert "Draft: to be approved" in page


@pytest.mark.parametrize("who", [None, "reader"])
def test_exempt_content_is_hidden_from_the_public_and_readers(gov, users, who):
    c = client(users, who)
    for url in ("/meetings/CABINET-2022-12-01/", "/meetings/COUNCIL-2022-12-08/", "/people/surveyor-x/",
                "/people/gough-r/", "/people/hill-p/", "/decisions/", "/meetings/", "/meetings/bodies/CABINET/"):
        response = c.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode(), url
    page = text(c.get("/meetings/CABINET-2022-12-01/"))
    assert "10. Acquisition of land at Example Road" in page  # the title stays
    assert "Exempt under paragraph 3 of Part 1 of Schedule 12A to the Local Government Act 1972" in page
    assert "9. Acquisition of land at Example Road (Item 10)" in page and "This minute is not published." in page
    assert "One item is exempt" in page


@pytest.mark.parametrize("who", ["member", "clerk"])
def test_exempt_content_is_shown_to_members_and_clerks(gov, users, who):
    c = client(users, who)
    page = text(c.get("/meetings/CABINET-2022-12-01/"))
    for secret in ("SECRET-REASON", "SECRET-INTEREST", "SECRET-PAPER", "SECRET-SUMMARY", "SECRET-RECOMMENDATION",
                   "SECRET-MINUTE-TEXT", "SECRET-RESOLUTION", "SECRET-SURVEYOR"):
        assert secret in page, secret
    assert "Do not share what they say with the public" in page
    manage = 'href="/meetings/CABINET-2022-12-01/manage/"'
    assert (manage in c.get("/meetings/CABINET-2022-12-01/").content.decode()) == (who == "clerk")
    council = text(c.get("/meetings/COUNCIL-2022-12-08/"))
    assert "SECRET-MOTION" in council and "SECRET-DECLARATION" in council
    jan = c.get("/meetings/CABINET-2023-01-05/").content.decode()
    assert 'href="/meetings/CABINET-2023-01-05/pack-v1-members.pdf"' in jan
    assert "SECRET-RESOLUTION" in text(c.get("/decisions/"))


def test_motions_recorded_votes_elections_questions_petitions_declarations(gov):
    page = text(Client().get("/meetings/COUNCIL-2022-12-08/"))
    assert "Proposed by Mr P J Oakford, seconded by Miss S J Carey:" in page
    assert "This Council supports rural bus services." in page and "Motion carried." in page
    assert "For 2 Mr P J Oakford, Miss S J Carey" in page
    assert re.search(r"Against 1 Mr R W Gough", page)
    assert re.search(r"Abstain 0 No members", page)
    assert "Vice-Chairman: agreed unanimously" in page and "declaration of acceptance of office made" in page
    assert "12 submitted, 10 put, 8 asked and answered" in page and "What will the bus budget be?" in page
    assert "Save the library" in page and "referred to Cabinet Member for Communities" in page
    assert "He uses the bus." in page
    assert "Recorded vote on the motion at minute 41" in page  # the table's caption


def test_a_cancelled_meeting_says_where_its_business_went(gov):
    page = text(Client().get("/meetings/CABINET-2023-02-09/"))
    assert "Cancelled" in page and "Its business went to Cabinet, Thursday, 16 February 2023" in page
    moved = text(Client().get("/meetings/CABINET-2023-02-16/"))
    assert "took the business of the cancelled meeting of Thursday, 9 February 2023" in moved
    assert Client().get("/meetings/NOPE/").status_code == 404


def test_the_person_page_roles_over_time_and_attendance(gov):
    page = text(Client().get("/people/hill-p/"))
    assert "Mr P M Hill, OBE" in page
    assert "Lead Member" in page and "PREVENT" in page and "From 1 November 2022" in page and "(current)" in page
    assert "Cabinet Member" in page and "Community and Regulatory Services" in page
    assert "From 27 May 2021 to 31 October 2022" in page and "(past)" in page and "Communities" in page
    assert page.index("PREVENT") < page.index("Community and Regulatory Services")  # latest first
    assert "Present at 2 meetings; apologies sent for 0" in page
    carey = text(Client().get("/people/carey-s/"))
    assert "Present at 1 meeting; apologies sent for 1" in carey and "Apologies" in carey
    assert "For" in carey and "This Council supports rural bus services." in carey
    hammond = text(Client().get("/people/hammond-s/"))
    assert "Items attended" in hammond and "2. Kent and Medway Interim Integrated Care Strategy" in hammond
    gough = text(Client().get("/people/gough-r/"))
    assert "Shown in the papers on 5 January 2023" in gough and "The Leader" in gough
    assert Client().get("/people/nobody/").status_code == 404


def test_decisions_search_by_text_body_date_and_verb(gov):
    page = text(Client().get("/decisions/"))
    assert "Showing 1 to 2 of 2 decisions" in page
    assert page.index("rural bus services") < page.index("Integrated Care Strategy")  # latest first
    assert "Showing 1 to 1 of 1 decision" in text(Client().get("/decisions/?q=integrated+care"))
    assert "rural bus" not in text(Client().get("/decisions/?body=CABINET"))
    assert "Integrated Care" not in text(Client().get("/decisions/?verb=agree"))
    assert "Integrated Care" not in text(Client().get("/decisions/?from=2022-12-05"))
    assert "rural bus" not in text(Client().get("/decisions/?to=1+December+2022"))
    assert "No decisions match your search" in text(Client().get("/decisions/?q=nothing+like+this"))


def test_decisions_search_refuses_bad_filters_naming_the_field(gov):
    response = Client().get("/decisions/?from=yesterday&body=NOPE&verb=dance")
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#from"' in page and 'href="#body"' in page and 'href="#verb"' in page
    response = Client().get("/decisions/?from=2023-01-01&to=2022-01-01")
    assert response.status_code == 400 and 'href="#to"' in response.content.decode()


def test_decisions_paging(gov, settings):
    from beacon.domain import governance as g
    from beacon.governance import models as m

    for n in range(100, 130):
        m.Resolution.objects.create(meeting=gov["dec"], minute_number=n, verb=g.ResolutionVerb.NOTE,
                                    text=f"RESOLVED to note report {n}", source=g.ResolutionSource.REPORT)
    first = text(Client().get("/decisions/?q=note"))
    assert "Showing 1 to 25 of 30 decisions" in first and "Page 1 of 2" in first
    second = Client().get("/decisions/?q=note&page=2")
    assert "Showing 26 to 30 of 30" in text(second)
    assert 'href="?q=note&amp;page=1"' in second.content.decode()
    assert "Showing 26 to 30" in text(Client().get("/decisions/?q=note&page=99"))  # past the end: the last page


def test_packs_public_for_everyone_members_pack_only_for_exempt_readers(gov, users):
    public = Client().get("/meetings/CABINET-2023-01-05/pack-v1-public.pdf")
    assert public.status_code == 200 and public["Content-Type"] == "application/pdf"
    assert public.content.startswith(b"%PDF") and SECRET.encode() not in public.content
    html = Client().get("/meetings/CABINET-2023-01-05/pack-v1-public.html")
    assert html.status_code == 200 and "sandbox" in html["Content-Security-Policy"]
    for who in (None, "reader"):
        assert client(users, who).get("/meetings/CABINET-2023-01-05/pack-v1-members.pdf").status_code == 404
    for who in ("member", "clerk"):
        response = client(users, who).get("/meetings/CABINET-2023-01-05/pack-v1-members.pdf")
        assert response.status_code == 200 and b"SECRET-PACK" in response.content
        assert "no-store" in response["Cache-Control"]
    assert Client().get("/meetings/CABINET-2023-01-05/pack-v2-public.pdf").status_code == 404
    assert Client().get("/meetings/CABINET-2023-01-05/pack-v1-public.docx").status_code == 404
    assert Client().get("/meetings/CABINET-2023-01-05/pack-v1-other.pdf").status_code == 404



def test_search_results_for_meetings_are_headed_reference_without_a_directorate_column(gov):
    html = Client().get("/search/", {"q": "Cabinet"}).content.decode()
    meetings = html[html.index('id="results-meetings"'):]
    meetings = meetings[:meetings.index("</table>")]
    assert ">Reference</th>" in meetings
    assert "Directorate" not in meetings


def test_the_clerk_finds_the_clerks_pages_and_the_minutes_from_the_meetings_pages(gov, users):
    clerk = client(users, "clerk")
    assert 'href="/meetings/add/"' in clerk.get("/meetings/").content.decode()
    assert 'href="/meetings/add/"' not in Client().get("/meetings/").content.decode()


def test_a_paper_found_by_search_links_to_its_item_on_the_meeting_page(gov):
    html = Client().get("/search/", {"q": "Corporate Risk Register"}).content.decode()
    papers = html[html.index('id="results-papers"'):]
    assert 'href="/meetings/CABINET-2023-01-05/#item-7"' in papers[:papers.index("</table>")]
