"""Issue 10 in the browser: two pages of one risk open at once (one edits the cause, the other
the consequence: both kept; then a conflicting edit: refused, with what changed listed), then a
mitigating action added and retired. Every page visited is checked with axe-core."""

from __future__ import annotations

from browser_support import BROWSER_MARKS, Visitor, browser, risk_site  # noqa: F401 (fixtures)

pytestmark = BROWSER_MARKS

EDIT = "summary:has-text(\"Change this risk's details\")"


def _open_edit(visitor: Visitor, risk_id: str) -> None:
    visitor.go(f"/risks/{risk_id}/")
    visitor.page.click(EDIT)


def test_stale_risk_form_merges_then_refuses_and_an_action_is_added_and_retired(browser, risk_site):
    from beacon.risk.models import Action, Risk

    site, risk_id = risk_site
    checked: dict = {}
    owner, manager, late = Visitor(browser, site, checked), Visitor(browser, site, checked), Visitor(browser, site, checked)
    owner.sign_in("riskowner")
    manager.sign_in("riskmanager")
    late.sign_in("riskmanager")
    for v in (owner, manager, late):  # three pages of the same risk, opened before anyone saves
        _open_edit(v, risk_id)

    owner.page.fill("#revise_risk-cause", "More children referred.")
    owner.click("button:has-text('Save the changes')")
    assert f"{risk_id} was changed." in owner.page.content()
    manager.page.fill("#revise_risk-consequence", "Harm to a child; a serious case review.")
    manager.click("button:has-text('Save the changes')")
    assert f"{risk_id} was changed." in manager.page.content()
    risk = Risk.objects.get(risk_id=risk_id)
    assert (risk.cause, risk.consequence) == ("More children referred.", "Harm to a child; a serious case review.")

    # the third page still shows the cause as it was: its change to the cause is refused
    late.page.fill("#revise_risk-cause", "Fewer social workers.")
    late.click("button:has-text('Save the changes')")
    assert late.page.title().startswith("Error: ")
    summary = late.page.locator(".govuk-error-summary").inner_text()
    assert "changed since you opened it: nothing was saved" in summary
    assert "is now More children referred.; you entered Fewer social workers." in summary
    changes = late.page.locator("table.beacon-stale").inner_text()
    assert "Source / cause of risk" in changes and "More children referred." in changes
    # the link in the summary takes the keyboard to the field, inside the form
    late.page.click(".govuk-error-summary a[href='#revise_risk-cause']")
    assert late.page.evaluate("document.activeElement.id") == "revise_risk-cause"
    # the consequence the manager saved is now on the refused form, not overwritten
    assert late.page.input_value("#revise_risk-consequence") == "Harm to a child; a serious case review."
    risk.refresh_from_db()
    assert risk.cause == "More children referred."

    # the risk owner adds a mitigating action, then retires it: it stays in the history
    owner.go(f"/risks/{risk_id}/")
    owner.page.click("summary:has-text('Add a mitigating action')")
    owner.page.fill("#add_action-title", "Recruit ten social workers")
    owner.page.fill("#add_action-due", "sometime soon")
    owner.click("button:has-text('Add the action')")
    assert "is not a date" in owner.page.locator(".govuk-error-summary").inner_text()
    owner.page.fill("#add_action-due", "June 2027")
    owner.click("button:has-text('Add the action')")
    assert "The action was added." in owner.page.content()
    action = Action.objects.get(title="Recruit ten social workers")
    card = owner.page.locator(f"#action-{action.pk}")
    card.locator("summary:has-text('Retire this action')").click()
    owner.page.fill(f"#action-{action.pk}-retire_action-note", "Recruitment moved to the workforce plan.")
    owner.click(f"#action-{action.pk} button:has-text('Retire this action')")
    assert "The action was retired." in owner.page.content()
    assert "kept in its history" in owner.page.locator(f"#action-{action.pk}").inner_text()
    action.refresh_from_db()
    assert action.removed_at is not None
    assert checked and all(not v for v in checked.values())
