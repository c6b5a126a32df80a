"""The web page version of a dispatched pack (walk defect 10) in headless Chromium: at 320 px it
reflows (no sideways scrolling: the contacts table and the wide register tables stack or wrap),
and axe finds no empty table header (the register's table of risks)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # the shared browser support

from browser_support import AXE, AXE_RUN, BROWSER_MARKS, browser  # noqa: E402,F401 (fixtures)
from gov_pack_support import demo_pack_data  # noqa: E402
from beacon.governance import models as gm  # noqa: E402

from beacon.reports import packs  # noqa: E402

pytestmark = [*BROWSER_MARKS, pytest.mark.django_db(transaction=True)]

WIDEST = """() => { const cw = document.documentElement.clientWidth; const r = [];
  for (const e of document.querySelectorAll('body *')) { const b = e.getBoundingClientRect();
    if (b.right > cw + 1 && b.width > 0) r.push(e.tagName + '.' + e.className + ' ' + Math.round(b.right)); }
  return [document.documentElement.scrollWidth, cw, r.slice(0, 6)]; }"""


def test_the_pack_web_page_reflows_at_320px_and_has_no_empty_headers(browser):
    demo_pack_data()  # the reference meeting: the QPR and the register with their contacts
    html = packs.assemble(gm.Meeting.objects.get(key="CABINET-2023-01-05"), "public").html
    assert "pack-contacts" in html and "Corporate Risk Register" in html
    page = browser.new_page(viewport={"width": 320, "height": 700})
    page.set_content(html)
    scroll, client, wide = page.evaluate(WIDEST)
    assert scroll <= client, f"the pack page is {scroll}px wide at 320px: {wide}"
    page.set_viewport_size({"width": 1280, "height": 900})
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;void 0")
    violations = page.evaluate(AXE_RUN)
    assert not [v for v in violations if v["id"] in ("empty-table-header", "td-has-header", "th-has-data-cells")], violations
    page.close()


def test_no_content_outside_a_landmark_on_the_public_pages(browser, live_server, clock):
    """Walk defect 11: axe's "region" rule (all content in landmarks) on the governance pages
    with a back link."""
    from gov_public_fixtures import make_governance

    clock.set("2023-01-01", tick=True)
    make_governance()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for path in ("/meetings/bodies/CABINET/", "/meetings/CABINET-2023-01-05/", "/people/gough-r/", "/decisions/",
                 "/meetings/open-data/"):
        page.goto(live_server.url + path)
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;void 0")
        violations = page.evaluate(AXE_RUN)
        assert not [v for v in violations if v["id"] == "region"], (path, violations)
    page.close()
