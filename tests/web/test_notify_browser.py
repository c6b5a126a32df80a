"""The notifications pages in headless Chromium: the data owner follows the header's
"Notifications (n unread)" link, marks one and then all as read (plain forms), and changes their
settings; every page passes axe, and reflows at 320 px (the table scrolls in its own box)."""

from __future__ import annotations

import datetime as dt

from browser_support import BROWSER_MARKS, Visitor, browser, site  # noqa: F401 (fixtures)

pytestmark = BROWSER_MARKS


def _fits(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_data_owner_reads_their_notifications_in_the_browser(browser, site):
    from beacon.core import clock
    from beacon.core import notifications as n
    from beacon.core.models import Notification, NotificationPreference

    n.run_reminders(clock.today() + dt.timedelta(days=8))  # the site's return is due in 14 days: 6 to go
    owner_id = Notification.objects.get(kind="return_due", user__username="owner").user_id
    n.notify([n.Notice(owner_id, "test:extra", "risk_flagged", "A second notification", "Its body", "/risks/")])

    owner = Visitor(browser, site, {})
    owner.page.set_viewport_size({"width": 1280, "height": 900})
    owner.sign_in("owner")
    owner.click("header a:has-text('Notifications (2 unread)')")
    assert owner.page.locator("h1").inner_text() == "Notifications"
    assert owner.page.locator("table caption").inner_text() == "Your notifications, newest first"
    assert owner.page.locator("tbody tr").count() == 2
    assert owner.page.locator("tbody strong.govuk-tag:has-text('Unread')").count() == 2
    _fits(owner.page, 320)
    owner.page.set_viewport_size({"width": 1280, "height": 900})

    owner.click("tbody tr:has-text('A second notification') button:has-text('Mark as read')")
    assert "The notification was marked as read." in owner.page.locator(".govuk-notification-banner").inner_text()
    assert owner.page.locator("header a:has-text('Notifications (1 unread)')").count() == 1
    owner.click("button:has-text('Mark all as read')")
    assert owner.page.locator("header a.beacon-account__notifications").inner_text() == "Notifications"
    assert Notification.objects.filter(user_id=owner_id, read_at__isnull=True).count() == 0

    owner.click("tbody a:has-text('Return due')")
    assert owner.page.url.endswith("/returns/2022-23-Q3/AA/")
    owner.go("/notifications/")
    owner.click("a:has-text('Change how you hear of them')")
    assert owner.page.locator("h1").inner_text() == "Notification settings"
    owner.page.check("input[value='immediate']")
    owner.page.check("input[value='paper_due']")
    owner.click("button:has-text('Save settings')")
    assert "Your notification settings were saved." in owner.page.locator(".govuk-notification-banner").inner_text()
    pref = NotificationPreference.objects.get(user_id=owner_id)
    assert pref.delivery == "immediate" and pref.muted_kinds == ["paper_due"]
    _fits(owner.page, 320)
