"""The reference bundle (KCC Cabinet, 5 January 2023), imported through the bundle importer, read
on the public pages, in the feed, the open data and the API: nothing refuses the real records."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "data" / "kcc-cabinet-2023-01-05"


def words(path: str) -> str:
    response = Client().get(path)
    assert response.status_code == 200, path
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.mark.skipif(not REFERENCE.exists(), reason="the shared reference data is not here")
def test_the_reference_bundle_on_the_public_side(clock):
    from beacon.bundle.importer import import_bundle

    clock.set("2023-01-01")
    import_bundle(REFERENCE, user="reference-test")
    jan = words("/meetings/CABINET-2023-01-05/")
    assert "3. Minutes of the meeting held on 1 December 2022 (Pages 1 - 6)" in jan
    assert "6. Quarterly Performance Report (Quarter 2 2022/23) (Pages 7 - 64)" in jan
    assert "7. Corporate Risk Register (Pages 65 - 134)" in jan
    dec = words("/meetings/CABINET-2022-12-01/")
    assert "Mr R W Gough (Chairman)" in dec and "Mr P M Hill, OBE" in dec
    assert "3. Revenue and Capital Budget Monitoring Report (quarter 2) (Item 4) No decision recorded" in dec
    assert "8. High Needs Funding Update (Item 9)" in dec
    assert "Shown in the papers on 1 December 2022" in words("/people/prendergast-s/")
    assert "Communications, Engagement, People and Partnerships" in words("/people/prendergast-s/")
    assert "Showing 1 to 6 of 6 decisions" in words("/decisions/?body=CABINET")
    for path in ("/meetings/bodies/CABINET/calendar.ics", "/meetings/open-data/meetings.json",
                 "/meetings/open-data/agenda-items.csv", "/meetings/open-data/decisions.csv",
                 "/api/governance/meetings/CABINET-2022-12-01", "/search/?q=risk+register"):
        assert Client().get(path).status_code == 200, path
