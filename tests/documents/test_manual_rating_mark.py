"""A RAG rating recorded by hand is marked "(manual)" in its tile, like a manual direction of
travel after its arrow (issue 8 leftover): in the Executive Summary row, on the KPI's panel, and
explained by a row of the Key. The demo's GL1 is rated Red by hand (no value was published);
CS1 is rated from its value."""

from __future__ import annotations

import re

import pytest

from beacon.reports.render import parse_html

pytestmark = pytest.mark.django_db


def _tile_text(fragment: str) -> str:
    tile = re.search(r'<span class="tile tile-[A-Za-z]+".*?</span></span>|<span class="tile tile-[A-Za-z]+".*?</span>',
                     fragment, flags=re.S).group(0)
    return re.sub(r"\s+", " ", parse_html(tile).text()).strip()


def test_a_manual_rating_is_marked_in_its_tiles_and_the_key(demo_documents):
    html = demo_documents["html"].read_text(encoding="utf-8")
    row = re.search(r'<tr data-kpi="GL1">.*?</tr>', html, flags=re.S).group(0)
    assert _tile_text(row) == "■ RED (manual)"
    panel = re.search(r'<section class="panel" aria-labelledby="kpi-GL1">.*?</p>', html, flags=re.S).group(0)
    assert _tile_text(panel) == "■ RED (manual)"
    computed = re.search(r'<tr data-kpi="CS1">.*?</tr>', html, flags=re.S).group(0)
    assert "(manual)" not in _tile_text(computed)
    key = html.split('id="key-ratings"', 1)[1].split("</table>", 1)[0]
    assert "RAG rating recorded manually; the reason is given in the notes to the KPI" in key
    # the Word file is made from the same HTML
    from docx import Document

    word = Document(str(demo_documents["docx"]))
    cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
    assert any("RED (manual)" in c for c in cells)
