"""A value's revisions as the KPI and activity-indicator pages show them
(``beacon_history.revision_details``): how many changes, and each one's time (local), field,
old and new value, who, why and the source file by name only, every part escaped."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from beacon.web.templatetags.beacon_history import revision_details

AT = dt.datetime(2026, 6, 1, 12, 30, tzinfo=dt.timezone.utc)  # 13:30 in London (summer time)


def _revision(**kw):
    fields = dict(changed_at=AT, field="value", old_value="", new_value="", changed_by="lead", reason="", source="")
    return SimpleNamespace(**(fields | kw))


def test_no_revisions_say_none():
    assert str(revision_details([])) == '<span class="govuk-body-s">none</span>\n'


def test_one_revision_is_one_change_in_a_details_element():
    out = str(revision_details([_revision(new_value="5 <b>", changed_by="a&b")]))
    assert '<span class="govuk-details__summary-text">1 change</span>' in out
    assert "<li>1 Jun 2026 13:30: value to 5 &lt;b&gt; by a&amp;b</li>" in out
    assert out.startswith('\n<details class="govuk-details">') and out.endswith("</details>\n\n")


def test_each_revision_says_from_what_why_and_where():
    out = str(revision_details([
        _revision(field="note", old_value="x", new_value="", reason="typo's", source="/srv/up/bundle (observations.csv)"),
        _revision(),
    ]))
    assert '<span class="govuk-details__summary-text">2 changes</span>' in out
    assert ("<li>1 Jun 2026 13:30: note from x to (blank) by lead – typo&#x27;s "
            '<span class="govuk-body-s">(bundle (observations.csv))</span></li>') in out
    assert "/srv/up" not in out
    assert out.count("<li>") == 2
