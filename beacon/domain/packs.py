"""The agenda pack's page rules (governance.md §5, §12): pure Python.

* The agenda is not numbered; numbering starts at 1 with the first paper and runs on through
  every paper.
* Each paper starts on an odd page: a paper with an odd number of pages is followed by one page
  reading "This page is intentionally left blank", which belongs to its range (the January 2023
  ranges 1 - 6, 7 - 64 and 65 - 134 all have even lengths). The agenda is padded the same way, so
  that page 1 is a right-hand page when the pack is printed on both sides.
* The agenda's "(Pages a - b)" are the ranges of the assembled pack (:func:`lay_out`), never typed.
* A supplement after dispatch keeps the pages already published: its papers are numbered on from
  the last page published (:func:`next_first_page`).
* Document references name the documents Beacon renders as papers (:func:`parse_document_ref`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .governance_rules import PageRange, date_words

FILLER_TEXT = "This page is intentionally left blank"
"""What a padding page reads."""

EXEMPT_MARK = "EXEMPT: NOT FOR PUBLICATION"
"""The running header of every page of a members' pack (it holds exempt papers)."""

UNRESTRICTED_NOTE = "During these items the meeting is likely to be open to the public"
EXEMPT_NOTE = ("At the time of preparing the agenda there were no exempt items. During any such items which may "
               "arise the meeting is likely NOT to be open to the public")
EXEMPT_NOTE_WITH_ITEMS = "During these items the meeting is likely NOT to be open to the public"
"""The standard texts under the agenda's two headings (§4.3) when the agenda record holds none."""


def padding_after(pages: int) -> int:
    """How many padding pages follow a part of ``pages`` pages so that the next part starts on an
    odd page: 1 when ``pages`` is odd, else 0."""
    if pages < 1:
        raise ValueError(f"a paper has at least one page, not {pages}")
    return pages % 2


@dataclass(frozen=True)
class PaperPages:
    """One paper to place: its agenda item and how many pages it has (before padding)."""

    item: int
    pages: int


@dataclass(frozen=True)
class Layout:
    """Where each paper falls in the pack: its range (padding included), which papers are
    followed by a padding page, and the first page after the last."""

    ranges: tuple[PageRange, ...]
    padded: tuple[int, ...]  # item numbers whose last page is the padding page
    next_page: int

    @property
    def last_page(self) -> int:
        return self.next_page - 1

    def range_of(self, item: int) -> PageRange | None:
        return next((r for r in self.ranges if r.item == item), None)

    def filler_pages(self) -> tuple[int, ...]:
        """The page numbers of the padding pages."""
        return tuple(r.last for r in self.ranges if r.item in self.padded)


def lay_out(papers: Sequence[PaperPages], first_page: int = 1) -> Layout:
    """Number ``papers`` in the order given from ``first_page`` (odd: a paper starts on a
    right-hand page), each starting on an odd page, padded when its page count is odd."""
    if first_page < 1 or first_page % 2 == 0:
        raise ValueError(f"papers start on odd pages: {first_page} is not odd")
    page = first_page
    ranges, padded = [], []
    for paper in papers:
        pad = padding_after(paper.pages)
        last = page + paper.pages + pad - 1
        ranges.append(PageRange(paper.item, page, last))
        if pad:
            padded.append(paper.item)
        page = last + 1
    return Layout(tuple(ranges), tuple(padded), page)


def next_first_page(last_published: int) -> int:
    """The first page of a supplement's papers: on from the last page already published, on an
    odd page (a dispatched pack always ends on an even page, so this is the next page)."""
    if last_published < 0:
        raise ValueError("no pack has a negative number of pages")
    following = last_published + 1
    return following if following % 2 else following + 1


def supplement_problems(published: Sequence[PageRange], added: Sequence[PageRange]) -> list[str]:
    """A supplement keeps every published range and numbers its papers on from the last page
    published: what is wrong with ``added`` (empty when right)."""
    problems = []
    published_items = {r.item: r for r in published}
    last = max((r.last for r in published), default=0)
    for r in added:
        if r.item in published_items:
            was = published_items[r.item]
            problems.append(f"item {r.item}: its paper was published as pages {was.first} - {was.last}; "
                            "a supplement cannot renumber it")
    for r in sorted(added, key=lambda r: r.first):
        if r.first <= last:
            problems.append(f"item {r.item}: page {r.first} is already published; the supplement's papers "
                            f"start after page {last}")
        last = max(last, r.last)
    return problems


def pages_printed(r: PageRange | None) -> str:
    """As an agenda prints an item's pages ("(Pages 1 - 6)"), or nothing for an item without a
    paper."""
    return r.printed if r is not None else ""


def time_words(t: dt.time) -> str:
    """A meeting's time as agendas print it: "10.00 am", "4.30 pm", "12.00 noon"."""
    if t.hour == 12 and t.minute == 0:
        return "12.00 noon"
    hour = t.hour % 12 or 12
    return f"{hour}.{t.minute:02d} {'am' if t.hour < 12 else 'pm'}"


def joined(names: Sequence[str]) -> str:
    """Names as minutes list them: separated by commas, the last by "and"."""
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


# --- document references ---------------------------------------------------------------------------
@dataclass(frozen=True)
class DocumentRef:
    """A parsed document reference (the pinned contract): ``qpr:<period label>[#<edition>]``,
    ``register:<body>@<YYYY-MM-DD>`` or ``minutes:<meeting key>``."""

    kind: str  # qpr | register | minutes
    period: str = ""
    edition: int | None = None
    body: str = ""
    date: dt.date | None = None
    meeting: str = ""


class DocumentRefError(ValueError):
    pass


_QPR = re.compile(r"^qpr:(?P<period>[^#]+?)(?:#(?P<edition>\d+))?$")
_REGISTER = re.compile(r"^register:(?P<body>.+)@(?P<date>\d{4}-\d{2}-\d{2})$")
_MINUTES = re.compile(r"^minutes:(?P<meeting>\S+)$")


def parse_document_ref(ref: str) -> DocumentRef:
    text = (ref or "").strip()
    if m := _QPR.match(text):
        edition = int(m["edition"]) if m["edition"] else None
        if edition is not None and edition < 1:
            raise DocumentRefError(f"{ref!r}: an edition number counts from 1")
        return DocumentRef("qpr", period=m["period"].strip(), edition=edition)
    if m := _REGISTER.match(text):
        try:
            day = dt.date.fromisoformat(m["date"])
        except ValueError:
            raise DocumentRefError(f"{ref!r}: {m['date']} is not a date") from None
        return DocumentRef("register", body=" ".join(m["body"].split()), date=day)
    if m := _MINUTES.match(text):
        return DocumentRef("minutes", meeting=m["meeting"])
    raise DocumentRefError(
        f"{ref!r} is not a document reference: write qpr:<period>[#<edition>], register:<body>@<YYYY-MM-DD> "
        "or minutes:<meeting>")


def register_label(body: str, day: dt.date) -> str:
    return f"Corporate Risk Register, {body}, {date_words(day)}"
