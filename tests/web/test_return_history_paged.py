"""A return page shows its latest history events and links to the whole history, which lists
every event in order: a large return's every save lists each changed field, so the page would
otherwise grow with every draft saved."""

from __future__ import annotations

import re

import pytest

from beacon.web.views.returns import HISTORY_SHOWN

from web_fixtures import NEXT_SLUG

pytestmark = pytest.mark.django_db
URL = f"/returns/{NEXT_SLUG}/AA/"


def _history(body: str) -> str:
    return body.split('id="history"', 1)[1].split("</ol>", 1)[0]


def _save(owner, value: int) -> None:
    assert owner.post(URL, {"action": "save", "kpi-A1-value": str(value), "commentary": "Steady."}).status_code == 302


def test_a_short_history_is_shown_whole_without_a_link(client_for, open_period):
    owner = client_for("owner")
    _save(owner, 50)
    history = _history(owner.get(URL).content.decode())
    assert "Opened by lead" in history and "Saved by owner" in history
    assert "history=all" not in history


def test_a_long_history_shows_the_latest_events_and_links_to_them_all(client_for, open_period):
    owner = client_for("owner")
    saves = HISTORY_SHOWN + 3
    for i in range(saves):
        _save(owner, 50 + i)
    history = _history(owner.get(URL).content.decode())
    total = saves + 1  # and the opening
    assert f"The latest {HISTORY_SHOWN} of {total} events." in history
    shown = re.findall(r"A1 value: (\d+) → (\d+)", history)
    # the latest saves, oldest first
    assert [int(new) for _, new in shown] == list(range(50 + saves - HISTORY_SHOWN, 50 + saves))
    assert "Opened by" not in history
    link = re.search(r'href="(\?history=all#history)"', history).group(1)
    whole = _history(owner.get(URL + link.split("#")[0]).content.decode())
    assert "history=all" not in whole and "Opened by" in whole
    assert [int(new) for new in re.findall(r"A1 value: (?:\d+|\(blank\)) → (\d+)", whole)][-saves:] == \
        list(range(50, 50 + saves))
