"""End to end in headless Chromium (Playwright driving Debian's chromium) against the live
server: a data owner submits a return, the lead returns it, the owner fixes it, the lead
approves it. axe-core checks every page the journey visits for serious or critical
accessibility violations."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from web_fixtures import NEXT, NEXT_SLUG, PASSWORD, SLUG, make_data, make_risks, make_users
from beacon.core import clock as beacon_clock

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"), reason="Debian's chromium is not installed at /usr/bin/chromium"),
    pytest.mark.skipif(not AXE.exists() and not os.environ.get("CI"), reason="axe-core is not installed (run npm ci)"),
]

AXE_RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                 nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


@pytest.fixture
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the test thread checks the database while Playwright runs
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()
        from django.db import connections

        connections.close_all()  # the connection the test opened while Playwright's loop ran
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def site(transactional_db, live_server, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    make_data()
    users = make_users()
    from beacon.domain.periods import Quarter
    from beacon.returns.commands import OpenPeriod
    from beacon.returns.services import open_period

    open_period(OpenPeriod(Quarter.parse(NEXT), beacon_clock.today() + dt.timedelta(days=14), users["lead"].username))
    return live_server.url


class Visitor:
    """One person's browser session; every page it lands on is checked with axe."""

    def __init__(self, browser, base: str, checked: dict):
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.page.set_default_timeout(60000)  # generous: two shared cores, and publishing renders a PDF
        self.console_errors: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        self.base = base
        self.checked = checked

    def axe(self):
        # the page's own scripts ran under the Content-Security-Policy, and nothing was blocked
        if "/reports/" not in self.page.url or "/build/" in self.page.url:
            self.page.wait_for_function("() => document.body.dataset.govukFrontendInitialised === 'true'")
        blocked = [e for e in self.console_errors if "Content Security Policy" in e]
        assert not blocked, f"{self.page.url}: {blocked}"
        # evaluated through the DevTools protocol, which the page's policy does not govern
        # (an injected <script> tag would be refused: the policy forbids inline scripts)
        violations = self._run_axe()
        serious = [v for v in violations if v["impact"] in ("serious", "critical")]
        self.checked[self.page.url] = serious
        assert not serious, f"{self.page.url}: {serious}"

    def _run_axe(self):
        # a late navigation (htmx's history push, a form submit) can replace the page while axe
        # runs: wait for the page to settle and run it once more
        for attempt in (1, 2):
            try:
                self.page.wait_for_load_state("load")
                self.page.evaluate(AXE.read_text(encoding="utf-8") + "\n;void 0")
                return self.page.evaluate(AXE_RUN)
            except Exception as exc:  # playwright's Error: "Execution context was destroyed"
                if attempt == 2 or "context was destroyed" not in str(exc):
                    raise
                self.page.wait_for_load_state("networkidle")

    def go(self, path: str):
        self.page.goto(self.base + path)
        self.axe()

    def sign_in(self, username: str):
        self.go("/sign-in/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("button:has-text('Sign in')")
        self.page.wait_for_url(self.base + "/")
        self.axe()

    def click(self, selector: str, timeout: float = 60000):
        with self.page.expect_navigation(timeout=timeout):
            self.page.click(selector)
        self.axe()


def lead_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="lead")


def test_return_journey_in_the_browser(browser, site):
    from beacon.performance.models import Observation
    from beacon.returns.models import Return

    checked: dict = {}
    owner = Visitor(browser, site, checked)
    lead = Visitor(browser, site, checked)
    return_url = f"/returns/{NEXT_SLUG}/AA/"

    # the data owner opens their return from the returns page
    owner.sign_in("owner")
    owner.click("a:has-text('Returns')")
    owner.click("a:has-text('Alpha Services')")
    assert "Last value: 75%" in owner.page.content()
    # a mistake: the error summary names the field and the reason
    owner.page.fill("#kpi-A1-value", "ninety")
    owner.page.fill("#kpi-A2-value", "12")
    owner.click("button[value='save']")
    summary = owner.page.locator(".govuk-error-summary").inner_text()
    assert "A1 value: 'ninety' is not a number" in summary
    owner.page.fill("#kpi-A1-value", "91")
    owner.page.fill("#kpi-A1-commentary", "Staffing improved.")
    owner.page.fill("#indicator-AI1-value", "1300")
    owner.click("button[value='submit']")
    assert "The return was submitted for review." in owner.page.content()
    assert Return.objects.get(period__period=NEXT, directorate__code="AA").status == "submitted"

    # the lead sees it on the board and sends it back with a comment
    lead.sign_in("lead")
    lead.click("a:has-text('Returns')")
    lead.go(f"/returns/{NEXT_SLUG}/")
    lead.click("a:has-text('Alpha Services')")
    lead.page.fill("#comment", "A2 looks too high: please check.")
    lead.click("button[value='send_back']")
    assert "was sent back" in lead.page.content()

    # the owner sees the comment, fixes the value and resubmits
    owner.go(return_url)
    assert "A2 looks too high: please check." in owner.page.content()
    owner.page.fill("#kpi-A2-value", "8")
    owner.click("button[value='submit']")
    assert Return.objects.get(period__period=NEXT, directorate__code="AA").status == "submitted"

    # the lead approves: the values become provisional data, shown on the dashboards
    lead.go(return_url)
    lead.click("button[value='approve']")
    assert "was approved" in lead.page.content()
    assert Observation.objects.get(kpi__code="A2", period=NEXT).value == 8
    lead.go(f"/performance/{NEXT_SLUG}/")
    lead.page.select_option("#filter-rag", "GREEN")
    lead.page.wait_for_load_state("networkidle")  # htmx's own request on change, before the form submit
    lead.click("button:has-text('Filter')")
    lead.click("a:has-text('% of calls answered')")
    assert "Staffing improved." in lead.page.content()
    assert "91" in lead.page.content()
    lead.go(f"/performance/{NEXT_SLUG}/directorates/AA/")
    lead.go("/activity/AI1/")
    lead.go(f"/performance/{SLUG}/")
    lead.go("/data/")

    # the other directorate's return, through the services, so every KPI of the quarter is rated
    from web_fixtures import submit_through_services

    bb = Return.objects.get(period__period=NEXT, directorate__code="BB")
    submit_through_services(bb, {"B1": "97.2"}, lead_user().username, approve_as=lead_user().username)

    # the lead publishes the QPR for the quarter; the public page shows it without signing in
    lead.go("/reports/")
    lead.click(f"a:has-text('Build the QPR for Quarter 3, 2022/23')")
    for field in lead.page.locator("input[name^='allow-']").all():
        field.fill("Accepted for the end-to-end test")
    lead.click("button:has-text('Publish the QPR')", timeout=180000)
    assert "is published" in lead.page.content()
    public = Visitor(browser, site, checked)
    public.go("/")
    public.click("a:has-text('Reports')")
    public.click("a:has-text('Quarter 3, 2022/23')")
    assert "Open data (JSON)" in public.page.content()
    public.go("/reports/compare/")
    public.page.goto(site + f"/reports/{NEXT_SLUG}/qpr.json")
    assert '"label": "2022/23 Q3"' in public.page.content()

    # every page visited was checked and none had a serious or critical violation
    assert len(checked) >= 15
    assert all(not v for v in checked.values())


@pytest.fixture
def risk_site(transactional_db, live_server, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    make_data()
    first, _ = make_risks(make_users())
    return live_server.url, first.risk_id


def test_risk_owner_rerates_and_the_register_shows_the_direction(browser, risk_site):
    site, risk_id = risk_site
    checked: dict = {}
    owner = Visitor(browser, site, checked)
    owner.sign_in("riskowner")
    owner.click("a:has-text('Risks')")
    row = owner.page.locator("table").first.locator("tr", has=owner.page.locator(f"a:text-is('{risk_id}')"))
    assert "No change" in row.inner_text()
    owner.click(f"table >> nth=0 >> a:text-is('{risk_id}')")
    owner.page.select_option("#current_likelihood", "2")
    owner.page.select_option("#current_impact", "5")
    owner.click("button:has-text('Re-rate')")
    summary = owner.page.locator(".govuk-error-summary").inner_text()
    assert "Reason: say why the rating changed" in summary
    owner.page.select_option("#current_likelihood", "2")
    owner.page.select_option("#current_impact", "5")
    owner.page.fill("#note", "Training completed across the service.")
    owner.click("button:has-text('Re-rate')")
    assert "was re-rated" in owner.page.content()
    owner.click("a:has-text('The register')")
    row = owner.page.locator("table").first.locator("tr", has=owner.page.locator(f"a:text-is('{risk_id}')"))
    assert "Reduced" in row.inner_text() and "Medium (10)" in row.inner_text()
    owner.go("/risks/editions/")

    # the risk manager's pages carry every lifecycle form; they are checked too
    manager = Visitor(browser, site, checked)
    manager.sign_in("riskmanager")
    manager.go("/risks/")
    manager.go(f"/risks/{risk_id}/")
    manager.page.click("summary:has-text('Withdraw the risk')")
    manager.click("button:has-text('Withdraw the risk')")
    assert "Reason: say why the risk is withdrawn" in manager.page.locator(".govuk-error-summary").inner_text()
    manager.go("/risks/editions/")
    assert len(checked) >= 5 and all(not v for v in checked.values())
