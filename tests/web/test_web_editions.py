"""The register editions pages (issue 10): freezing an edition that exists is refused with links
to it and an offer to supersede it; superseding and withdrawing need a reason and keep the
edition, its status in words; a date the data questions needs confirming; the documents are
stored once. One focused browser journey, checked with axe."""

from __future__ import annotations

import re

from beacon.risk.models import Edition, EditionFile

from browser_support import BROWSER_MARKS, Visitor, browser, risk_site  # noqa: F401 (fixtures)

TODAY = "2026-11-20"  # WEB_TODAY: the web tests' calendar


def _freeze(c, date=TODAY, **extra):
    return c.post("/risks/editions/", {"body": "Cabinet", "date": date, **extra})


def test_freezing_again_is_refused_with_links_to_open_or_supersede(client_for, risks):
    c = client_for("riskmanager")
    assert _freeze(c).status_code == 302
    first = Edition.objects.get()
    response = _freeze(c)
    assert response.status_code == 400 and Edition.objects.count() == 1
    page = response.content.decode()
    assert "Date: there is already an edition for Cabinet on 20/11/2026" in page
    assert 'href="#date"' in page  # the error summary links to the field
    assert f'href="/risks/editions/{first.pk}/"' in page and f"Open edition {first.pk}" in page
    assert f'action="/risks/editions/{first.pk}/supersede/"' in page and "Supersede it" in page


def test_supersede_needs_a_reason_and_keeps_the_old_edition(client_for, risks):
    c = client_for("riskmanager")
    _freeze(c)
    old = Edition.objects.get()
    response = c.post(f"/risks/editions/{old.pk}/supersede/", {"reason": ""})
    assert response.status_code == 400 and Edition.objects.count() == 1
    page = response.content.decode()
    assert '<a href="#supersede-reason">Why it is superseded: give the reason</a>' in page
    assert 'id="supersede-reason"' in page and 'aria-describedby="supersede-reason-error"' in page
    response = c.post(f"/risks/editions/{old.pk}/supersede/", {"reason": "a re-rating came in late"})
    new = Edition.objects.get(status="current")
    assert response.status_code == 302 and response["Location"] == f"/risks/editions/{new.pk}/"
    old.refresh_from_db()
    assert old.status == "superseded" and old.superseded_by == new and old.status_by == "riskmanager"
    old_page = c.get(f"/risks/editions/{old.pk}/").content.decode()
    assert "Superseded" in old_page and "a re-rating came in late" in old_page
    assert f'href="/risks/editions/{new.pk}/">Edition {new.pk}</a>' in old_page
    assert "Supersede this edition" not in old_page  # only the current one can be superseded
    new_page = c.get(f"/risks/editions/{new.pk}/").content.decode()
    assert f'href="/risks/editions/{old.pk}/">Edition {old.pk}</a>' in new_page and "Current" in new_page
    listing = c.get("/risks/editions/").content.decode()
    assert f"Superseded</strong> by edition {new.pk}" in listing and "Current" in listing


def test_withdrawn_edition_stays_listed_and_downloads_marked(client_for, risks):
    c, reader = client_for("riskmanager"), client_for("reader")
    _freeze(c)
    e = Edition.objects.get()
    assert reader.post(f"/risks/editions/{e.pk}/withdraw/", {"reason": "mistake"}).status_code == 403
    assert c.post(f"/risks/editions/{e.pk}/withdraw/", {"reason": ""}).status_code == 400
    response = c.post(f"/risks/editions/{e.pk}/withdraw/", {"reason": "frozen for the wrong meeting"})
    assert response.status_code == 302
    e.refresh_from_db()
    assert e.status == "withdrawn" and e.status_reason == "frozen for the wrong meeting"
    listing = reader.get("/risks/editions/").content.decode()
    assert "Withdrawn</strong>" in listing and f'href="/risks/editions/{e.pk}/"' in listing
    page = reader.get(f"/risks/editions/{e.pk}/").content.decode()
    assert "Withdrawn" in page and "frozen for the wrong meeting" in page and "Withdraw this edition" not in page
    html = reader.get(f"/risks/editions/{e.pk}/register.html")
    assert html.status_code == 200 and 'filename="register-2026-11-20-withdrawn.html"' in html["Content-Disposition"]
    assert b"Withdrawn edition" in html.content and b"frozen for the wrong meeting" in html.content
    # its date is free again: a new edition can be frozen for it
    assert _freeze(c).status_code == 302 and Edition.objects.count() == 2


def test_a_date_after_today_asks_for_confirmation(client_for, risks):
    c = client_for("riskmanager")
    response = _freeze(c, "2062-12-01")
    assert response.status_code == 400 and not Edition.objects.exists()
    page = response.content.decode()
    assert "Confirm the date: check the date 01/12/2062: 01/12/2062 is after today (20/11/2026)" in page
    assert 'href="#confirm_date"' in page and 'type="checkbox"' in page
    assert 'name="questioned" value="2062-12-01"' in page
    # a confirmation counts for the date that was questioned only
    assert _freeze(c, "2063-01-01", questioned="2062-12-01", confirm_date="1").status_code == 400
    response = _freeze(c, "2062-12-01", questioned="2062-12-01", confirm_date="1")
    assert response.status_code == 302
    e = Edition.objects.get()
    assert "after today" in " ".join(e.date_confirmed)
    assert "Date confirmed" in c.get(f"/risks/editions/{e.pk}/").content.decode()


def test_downloads_are_stored_once(client_for, risks, monkeypatch):
    c = client_for("riskmanager")
    _freeze(c)
    e = Edition.objects.get()
    first = c.get(f"/risks/editions/{e.pk}/register.pdf")
    assert first.status_code == 200 and first.content[:4] == b"%PDF"

    def no_rendering(*args, **kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr("beacon.reports.register.documents.register_pdf", no_rendering)
    monkeypatch.setattr("beacon.reports.render.html_to_pdf", no_rendering)
    second = c.get(f"/risks/editions/{e.pk}/register.pdf")
    assert second.content == first.content
    stored = EditionFile.objects.get(edition=e, format="pdf")
    assert stored.size == len(first.content) and len(stored.sha256) == 64


def test_only_risk_managers_freeze_supersede_or_withdraw(client_for, risks):
    c = client_for("riskmanager")
    _freeze(c)
    e = Edition.objects.get()
    for name in ("reader", "owner", "riskowner"):
        other = client_for(name)
        assert other.post(f"/risks/editions/{e.pk}/supersede/", {"reason": "x"}).status_code == 403
        page = other.get(f"/risks/editions/{e.pk}/").content.decode()
        assert "Withdraw this edition" not in page and "Supersede this edition" not in page
    assert Edition.objects.get().status == "current"


def test_edition_journey_in_the_browser(browser, risk_site):
    site, _ = risk_site
    checked: dict = {}
    manager = Visitor(browser, site, checked)
    manager.sign_in("riskmanager")
    manager.go("/risks/editions/")
    manager.page.fill("#date", TODAY)
    manager.click("button:has-text('Freeze the edition')")
    first = Edition.objects.get()
    assert "is frozen" in manager.page.content()
    # again for the same date: told it exists, with a link to open it and an offer to supersede it
    manager.go("/risks/editions/")
    manager.page.fill("#date", TODAY)
    manager.click("button:has-text('Freeze the edition')")
    summary = manager.page.locator(".govuk-error-summary").inner_text()
    assert "there is already an edition for Cabinet on 20/11/2026" in summary
    assert manager.page.locator(f"a:has-text('Open edition {first.pk}')").count() == 1
    manager.page.fill("#supersede-reason", "A re-rating came in after the papers were frozen.")
    manager.click("button:has-text('Supersede it')")
    new = Edition.objects.get(status="current")
    assert new.pk != first.pk and "is kept, marked superseded" in manager.page.content()
    # withdraw the old one: it stays listed, marked in words
    manager.go(f"/risks/editions/{first.pk}/")
    manager.page.fill("#withdraw-reason", "Superseded the same day; withdrawn to avoid confusion.")
    manager.click("button:has-text('Withdraw it')")
    assert re.search(r"Withdrawn", manager.page.locator("#edition-status").inner_text())
    manager.go("/risks/editions/")
    rows = manager.page.locator("table tbody tr")
    texts = [rows.nth(i).inner_text() for i in range(rows.count())]
    assert any("Withdrawn" in t for t in texts) and any("Current" in t for t in texts)
    assert len(checked) >= 5 and all(not v for v in checked.values())


for _mark in BROWSER_MARKS:  # the browser test only: the others need no browser
    test_edition_journey_in_the_browser = _mark(test_edition_journey_in_the_browser)
