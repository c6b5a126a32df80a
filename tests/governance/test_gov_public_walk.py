"""Defects found walking the public governance pages (issue 12 walk): the decisions search with a
bad date, the back link inside a landmark, the packs' labels, the paper's cover details in words,
the paper search's anchor and the pack web page at 320 px."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from gov_public_fixtures import make_governance

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(clock):
    clock.set("2023-01-01")


@pytest.fixture
def gov(db):
    return make_governance()


def text(response) -> str:
    flat = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r" ([,.;:)])", r"\1", flat)


# --- 12: a bad date shows the errors and no results --------------------------------------------

def test_a_bad_date_filter_shows_the_errors_and_no_results(gov):
    response = Client().get("/decisions/?from=31/02/2022&to=yesterday")
    assert response.status_code == 400
    page = text(response)
    assert "Meetings from must be a real date, like 1 December 2022" in page
    assert "Meetings to must be a real date, like 5 January 2023" in page
    assert "Showing" not in page and "No decisions" not in page
    assert "decisions-caption" not in response.content.decode()


def test_a_date_range_the_wrong_way_round_shows_no_results(gov):
    response = Client().get("/decisions/?from=2023-01-01&to=2022-01-01")
    assert response.status_code == 400
    page = text(response)
    assert "Meetings to must be the same as or after meetings from" in page
    assert "Showing" not in page


def test_a_bad_body_still_refused_without_results(gov):
    response = Client().get("/decisions/?body=NOPE")
    assert response.status_code == 400 and "Showing" not in text(response)


# --- 11: the back link is inside a landmark ----------------------------------------------------

@pytest.mark.parametrize("url", ["/meetings/bodies/CABINET/", "/meetings/CABINET-2023-01-05/", "/decisions/",
                                 "/meetings/open-data/", "/people/gough-r/"])
def test_the_back_link_sits_in_a_navigation_landmark(gov, url):
    html = Client().get(url).content.decode()
    assert "govuk-back-link" in html
    back = html.index("govuk-back-link")
    opened = html.rfind("<nav", 0, back)
    assert opened != -1 and html.find("</nav>", opened) > back, "the back link must sit inside a <nav>"


# --- 16 and 7: the packs and a paper's cover details in words -----------------------------------

def _supplement(gov):
    from gov_public_fixtures import AT
    from beacon.domain import governance as g
    from beacon.governance import models as m

    m.Pack.objects.create(meeting=gov["jan"], audience=g.PackAudience.PUBLIC, version=2, title="Cabinet, 5 January 2023",
                          pages={}, page_count=4, pdf=b"%PDF-1.7 supplement", html="<p>supplement</p>",
                          sha256="1" * 64, dispatched_by="clerk", dispatched_at=AT)


def test_each_pack_has_its_own_name_and_the_date_it_was_produced(gov):
    _supplement(gov)
    html = Client().get("/meetings/CABINET-2023-01-05/").content.decode()
    packs = text(Client().get("/meetings/CABINET-2023-01-05/")).split("Agenda pack", 2)[2].split("Minutes")[0]
    assert "Public pack (PDF, 134 pages)" in packs and "Supplement 1 to the public pack (PDF, 4 pages)" in packs
    assert "produced and sent out on" in packs and ", dispatched " not in packs
    assert "web page version of the public pack" in packs and "web page version of supplement 1 to the public pack" in packs
    hidden = re.findall(r"web page version<span[^>]*>([^<]*)</span>", html)
    assert len(hidden) == len(set(hidden)) == 2


def test_the_cover_details_read_as_printed(gov):
    page = text(Client().get("/meetings/CABINET-2023-01-05/"))
    register = page[page.index("Paper: Corporate Risk Register") if "Paper: Corporate Risk Register" in page
                    else page.index("Report: Corporate Risk Register"):]
    assert "Decision number N/A" in register and "Decision number None" not in page
    qpr = page[page.index("Report: Quarterly Performance Report"):page.index("Corporate Risk Register", page.index("Report: Quarterly"))]
    assert "Decision number n/a" in qpr
    assert "Report Author / Relevant Director" not in page
    assert "Report Author Emily Kennedy" in register or re.search(r"Report Author (Ms |Mrs |Miss )?Emily Kennedy", register)
    assert re.search(r"Relevant Director (Mr |Mrs |Ms )?[A-Z][a-z]+ Watts", register)


def test_the_pathway_reads_in_words(gov):
    page = text(Client().get("/meetings/CABINET-2023-01-05/"))
    assert "current, planned" not in page and "future, planned" not in page
    assert "Cabinet, 5 January 2023: to be considered at this meeting" in page
    assert "Governance &amp; Audit Committee: to be considered after this meeting" in page


# --- 17: a paper found by the search links to its item; each paper to its pages in the pack ----

def test_paper_and_decision_search_results_name_their_place_on_the_meeting_page(gov):
    from beacon.governance import queries as q

    papers = q.find_papers(["Risk", "Register"], False, 10)
    assert [(f.key, f.anchor) for f in papers] == [("CABINET-2023-01-05", "item-7")]
    decisions = q.find_decisions(["integrated", "care"], False, 10)
    assert decisions and all(f.anchor == f"minute-{f.note.split(',')[0].split()[1]}" for f in decisions)
    html = Client().get("/meetings/CABINET-2023-01-05/").content.decode()
    assert 'id="item-7"' in html
    assert all(f'id="{f.anchor}"' in Client().get(f"/meetings/{f.key}/").content.decode() for f in decisions)


def test_each_paper_links_to_its_pages_in_the_pack_web_page(gov):
    from beacon.governance import models as m

    html = Client().get("/meetings/CABINET-2023-01-05/").content.decode()
    # the fixture's pack holds item 3's pages only
    assert 'href="/meetings/CABINET-2023-01-05/pack-v1-public.html#item-3"' in html
    assert "#item-7\"" not in html.replace('id="item-7"', "")
    pack = m.Pack.objects.get(meeting=gov["jan"], version=1, audience="public")
    pack.pages = {"3": [1, 6], "7": [65, 134]}
    pack.save()
    html = Client().get("/meetings/CABINET-2023-01-05/").content.decode()
    assert 'href="/meetings/CABINET-2023-01-05/pack-v1-public.html#item-7"' in html
    assert "Read item 7 in the agenda pack" in text(Client().get("/meetings/CABINET-2023-01-05/"))


# --- 7: the public pages say things in words, never keys, codes or ISO dates --------------------

CODES = [r"\b[A-Z]{3,}-\d{4}-\d{2}-\d{2}(-[A-Z]?\d+)?\b", r"\b\d{4}-\d{2}-\d{2}\b", r"\bNone\b(?! (scheduled|recorded))",
         r"\b[a-z]+_[a-z_]+\b", r"\b[a-z]+-[a-z]\b", r"\b(current|past|future), (planned|done|skipped)\b"]


@pytest.mark.parametrize("url", ["/meetings/", "/meetings/bodies/CABINET/", "/meetings/CABINET-2023-01-05/",
                                 "/meetings/CABINET-2022-12-01/", "/meetings/COUNCIL-2022-12-08/", "/people/gough-r/",
                                 "/people/kennedy-e/", "/decisions/", "/meetings/open-data/"])
def test_public_pages_show_words_not_keys_codes_or_iso_dates(gov, url):
    from html import unescape

    html = Client().get(url).content.decode()
    body = html[html.index('<main'):html.index('</main>')]
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    shown = unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))
    found = [m.group(0) for pattern in CODES for m in re.finditer(pattern, shown)]
    assert not found, f"{url}: {found}"


def test_the_reference_meeting_page_in_words(clock):
    """The imported reference meeting (the demo's data): its register paper's contact block, decision
    number and pathway read as printed, no keys or codes."""
    from html import unescape

    from gov_pack_support import demo_pack_data

    demo_pack_data()
    html = Client().get("/meetings/CABINET-2023-01-05/").content.decode()
    body = html[html.index('<main'):html.index('</main>')]
    shown = unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))
    found = [m.group(0) for pattern in CODES for m in re.finditer(pattern, shown)]
    assert not found, found
    assert "Report Author / Relevant Director" not in shown and "Decision number N/A" in shown
