"""A register edition's "Changes since <baseline>" lists only changes the register records as made
after the baseline; a change recorded only "by" a date, or in a window that opens before the
baseline, is listed apart and said to be possibly earlier. Dates as the paper prints them."""

from __future__ import annotations

import datetime as dt

from beacon.domain.risk import EventKind
from beacon.reports.register.documents import changes_by_certainty
from beacon.risk.edition_model import Change

BASELINE = dt.date(2022, 7, 1)


def change(risk: str, after: dt.date | None, by: dt.date | None) -> Change:
    return Change(risk=risk, title=None, event=EventKind("rerated"), summary="Re-rated", occurred_after=after,
                  occurred_by=by, note=None, reported_in=None)


def test_only_changes_wholly_after_the_baseline_are_changes_since_it():
    since, uncertain = changes_by_certainty([
        change("CRR0001", dt.date(2022, 7, 1), dt.date(2023, 1, 5)),   # window inside the period
        change("CRR0002", dt.date(2022, 6, 30), dt.date(2022, 11, 30)),  # "after 30 June" is from 1 July
        change("CRR0003", None, dt.date(2023, 1, 5)),                  # only "by": may be earlier
        change("CRR0057", dt.date(2022, 3, 1), dt.date(2023, 1, 5)),   # window opens before the baseline
    ], BASELINE)
    assert [e["c"].risk for e in since] == ["CRR0001", "CRR0002"]
    assert [e["c"].risk for e in uncertain] == ["CRR0003", "CRR0057"]


def test_windows_are_printed_as_the_paper_prints_dates():
    since, uncertain = changes_by_certainty([change("CRR0001", dt.date(2022, 7, 1), dt.date(2023, 1, 5)),
                                             change("CRR0003", None, dt.date(2023, 1, 5))], BASELINE)
    assert since[0]["when"] == "between 01/07/2022 and 05/01/2023"
    assert uncertain[0]["when"] == "by 05/01/2023"
