"""Two tabs on the same return, in headless Chromium: the older tab's save of another field is
merged (nothing lost), and a change to a field the other tab changed is refused with the field
named, what it was, what it is now and what was typed. axe-core checks every page."""

from __future__ import annotations

from browser_support import BROWSER_MARKS, Visitor, browser, site  # noqa: F401 (fixtures)
from web_fixtures import NEXT, NEXT_SLUG

pytestmark = BROWSER_MARKS


def test_two_tabs_on_one_return_merge_or_are_refused(browser, site):
    from beacon.returns.models import Return

    checked: dict = {}
    first, second = Visitor(browser, site, checked), Visitor(browser, site, checked)
    url = f"/returns/{NEXT_SLUG}/AA/"
    for tab in (first, second):
        tab.sign_in("owner")
        tab.go(url)

    # the first tab saves a value and the directorate commentary
    first.page.fill("#kpi-A1-value", "91")
    first.page.fill("#commentary", "A good quarter.")
    first.click("button[value='save']")
    assert "Your draft was saved." in first.page.content()

    # the second, older tab saves another field: merged, nothing of the first save lost
    second.page.fill("#kpi-A2-value", "12")
    second.click("button[value='save']")
    assert "Your draft was saved." in second.page.content()
    ret = Return.objects.get(period__period=NEXT, directorate__code="AA")
    assert ret.commentary == "A good quarter." and ret.lines.get(kpi__code="A1").value == 91
    assert ret.lines.get(kpi__code="A2").value == 12
    assert second.page.input_value("#kpi-A1-value") == "91"

    # the first tab, now older, changes the field the second changed: refused, the field named
    first.page.fill("#kpi-A2-value", "15")
    first.click("button[value='save']")
    summary = first.page.locator(".govuk-error-summary").inner_text()
    assert "changed since you opened it: nothing was saved" in summary
    assert "A2 value was blank when you opened the form and is now 12; you entered 15" in summary
    assert first.page.input_value("#kpi-A2-value") == "15"
    assert ret.lines.get(kpi__code="A2").value == 12
    first.page.click(".govuk-error-summary a[href='#kpi-A2-value']")
    assert first.page.evaluate("document.activeElement.id") == "kpi-A2-value"
    assert checked and not any(checked.values())
