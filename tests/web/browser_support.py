"""What the browser tests share: headless Chromium (Playwright driving Debian's chromium)
against the live server, a ``Visitor`` whose every page is checked with axe-core, and the
fixtures ``browser``, ``site`` and ``risk_site`` (a test module that uses them sets
``pytestmark = BROWSER_MARKS``)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from web_fixtures import NEXT, PASSWORD, make_data, make_risks, make_users
from beacon.core import clock as beacon_clock

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

BROWSER_MARKS = [
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

    def upload_bundle(self, folder: Path, files: dict[str, str], name: str = "bundle.zip") -> Path:
        """On the data page, upload a zip of ``files`` (file name -> CSV text) made in ``folder``
        and ask what it would change."""
        import zipfile

        bundle = folder / name
        with zipfile.ZipFile(bundle, "w") as archive:
            for file, text in files.items():
                archive.writestr(file, text)
        self.go("/data/")
        self.page.set_input_files("#bundle", str(bundle))
        self.click("button:has-text('Check what would change')")
        return bundle


def lead_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="lead")


@pytest.fixture
def risk_site(transactional_db, live_server, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    make_data()
    first, _ = make_risks(make_users())
    return live_server.url, first.risk_id
