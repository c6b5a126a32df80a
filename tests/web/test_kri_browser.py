"""Key risk indicators in the browser: the risk manager links a KPI to a risk on the risk page, the
trigger rule flags the risk, the register marks it, the KPI page names the risk, and the risk's
owner marks the flag reviewed. Every page visited is checked with axe-core."""

from __future__ import annotations

from browser_support import BROWSER_MARKS, Visitor, browser, risk_site  # noqa: F401 (fixtures)

pytestmark = BROWSER_MARKS


def test_link_flag_and_review_in_the_browser(browser, risk_site):
    from beacon.reports import risk_indicators as kri
    from beacon.risk.models import RiskFlag

    site, risk_id = risk_site
    checked: dict = {}
    manager, owner = Visitor(browser, site, checked), Visitor(browser, site, checked)
    manager.sign_in("riskmanager")
    manager.go(f"/risks/{risk_id}/")
    manager.page.click("summary:has-text('Link a KPI or activity indicator')")
    manager.page.select_option("#link-kind", "kpi")
    manager.page.fill("#link-code", "A1")
    manager.page.select_option("#link-trigger", "red")
    manager.page.fill("#link-quarters", "1")
    manager.click("button:has-text('Link the indicator')")
    assert "Link an indicator: done." in manager.page.content()
    # a mistyped code is refused at its field, in words
    manager.page.click("summary:has-text('Link a KPI or activity indicator')")
    manager.page.fill("#link-code", "Z9")
    manager.click("button:has-text('Link the indicator')")
    assert "There is no KPI 'Z9'" in manager.page.locator(".govuk-error-summary").inner_text()

    kri.evaluate_triggers()  # A1 is Red in 2022/23 Q2 (75%, floor 80%)
    flag = RiskFlag.objects.get()
    manager.go("/risks/")
    assert "Flagged for review" in manager.page.content()
    manager.go("/kpis/A1/")
    assert risk_id in manager.page.locator("#risks ~ div table").first.inner_text()
    manager.go(f"/risks/{risk_id}/")
    table = manager.page.locator("#indicators ~ div table").first.inner_text()
    assert "A1" in table and "75%" in table and "Red" in table

    owner.sign_in("riskowner")
    owner.go(f"/risks/{risk_id}/")
    assert "A1 rated Red in 2022/23 Q2: 75%" in owner.page.content()
    owner.page.fill(f"#flag-{flag.pk}-note", "Calls are being answered again")
    owner.click("button:has-text('Mark reviewed')")
    assert "The flag was marked reviewed." in owner.page.content()
    flag.refresh_from_db()
    assert flag.status == "reviewed" and flag.reviewed_by == "riskowner"
    assert len(checked) >= 5
