"""A date as a person types it, or as a browser's date picker sends it."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from beacon.domain.periods import typed_date


@pytest.mark.parametrize("text", ["2022-11-15", "15/11/2022", "15-11-2022", " 15.11.2022 ", "15 November 2022",
                                  "15 Nov 2022", "15 nov. 2022"])
def test_the_ways_a_date_is_written(text):
    assert typed_date(text) == dt.date(2022, 11, 15)


@pytest.mark.parametrize("text", ["sometime soon", "31/11/2022", "11/2022", "2022-13-01", "15 Novembre 2022", ""])
def test_what_is_not_a_date_says_how_to_write_one(text):
    with pytest.raises(ValueError, match="is not a date \\(write it like 15/11/2022 or 15 November 2022\\)"):
        typed_date(text)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_every_date_reads_back_in_each_way_it_is_written(day):
    for text in (day.isoformat(), f"{day.day}/{day.month}/{day.year}", f"{day.day} {day:%B} {day.year}"):
        assert typed_date(text) == day
