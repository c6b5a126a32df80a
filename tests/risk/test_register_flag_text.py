"""Data-quality flags quote a long title shortened at a word boundary, never mid-word."""

from beacon.risk.checks import _short


def test_a_long_title_is_cut_between_words():
    title = "Work with partners to triangulate the evidence on demand for placements across the county"
    short = _short(title)
    assert short.endswith(" …") and len(short) <= 50
    assert title.startswith(short[:-2]) and title[len(short) - 2] == " "


def test_a_short_title_is_quoted_whole():
    assert _short("Review the safeguarding training") == "Review the safeguarding training"
