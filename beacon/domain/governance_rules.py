"""The rules of committee governance that more than one part checks (governance.md §§5-12):
page ranges, printed vote counts, decision numbers, the printed forms of a person's name, minute
and item numbering. Pure Python: the importer, the pack, the minutes and the pages all call these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .governance import VoteChoice
from .periods import date_words  # noqa: F401  (the one date style, re-exported for governance)

# --- Page ranges (§5) ------------------------------------------------------------------------


@dataclass(frozen=True)
class PageRange:
    """The pages of one agenda item's paper in a pack."""

    item: int
    first: int
    last: int

    @property
    def pages(self) -> int:
        return self.last - self.first + 1

    @property
    def printed(self) -> str:
        """As an agenda cites it: "(Pages 1 - 6)"; one page: "(Page 7)"."""
        return f"(Page {self.first})" if self.first == self.last else f"(Pages {self.first} - {self.last})"


def page_range_problems(ranges: Sequence[PageRange]) -> list[str]:
    """What is wrong with a pack's page ranges, in item order (§5, §12): they start at 1, each
    starts after the last ends (no gap, no overlap), and none ends before it starts. Empty when
    they are right."""
    problems = []
    expected = 1
    for r in sorted(ranges, key=lambda r: (r.item)):
        if r.last < r.first:
            problems.append(f"item {r.item}: pages {r.first} - {r.last} end before they start")
            continue
        if r.first != expected:
            if expected == 1:
                problems.append(f"item {r.item}: the first paper starts on page {r.first}, not page 1")
            elif r.first > expected:
                problems.append(f"item {r.item}: pages {expected} - {r.first - 1} are in no item's range (a gap)")
            else:
                problems.append(f"item {r.item}: pages {r.first} - {min(r.last, expected - 1)} are also in an earlier item's range (an overlap)")
        expected = max(expected, r.last + 1)
    return problems


# --- Recorded votes (§8.6) -------------------------------------------------------------------


def vote_count_problems(printed: Mapping[VoteChoice, int | None], names: Mapping[VoteChoice, Sequence[str]]) -> list[str]:
    """Each printed count ("For (n)") must equal the number of names listed under it. A missing
    printed count is a problem too (a recorded vote prints its counts)."""
    problems = []
    for choice in VoteChoice:
        listed = len(names.get(choice, ()))
        count = printed.get(choice)
        if count is None:
            if listed:
                problems.append(f"{choice.label}: {listed} named but no count printed")
            continue
        if count != listed:
            problems.append(f"{choice.label}: the printed count is {count} but {listed} "
                            f"{'name is' if listed == 1 else 'names are'} listed")
    return problems


# --- Decision numbers (§6) -------------------------------------------------------------------

NOT_APPLICABLE = frozenset({"n/a", "na", "n.a.", "none", "-", "–", "—", ""})


def normalise_decision_no(printed: str | None) -> str | None:
    """The decision number a header prints, normalised: "n/a", "N/A" and blanks are no number."""
    text = " ".join((printed or "").split())
    return None if text.lower() in NOT_APPLICABLE else text


# --- Recommendations (§6, §7) ----------------------------------------------------------------


def recommendations_differ(header: str | None, body: str | None) -> bool:
    """Whether a paper's header recommendation and its final section's differ (both printed)."""
    if not (header or "").strip() or not (body or "").strip():
        return False
    return " ".join(header.split()) != " ".join(body.split())


# --- Numbering (§8.1) ------------------------------------------------------------------------


def missing_numbers(numbers: Iterable[int]) -> list[int]:
    """The numbers missing between the smallest and the largest (gaps are legal, but shown)."""
    present = sorted(set(numbers))
    if not present:
        return []
    return [n for n in range(present[0], present[-1] + 1) if n not in set(present)]


def next_minute_number(numbers_in_series: Iterable[int]) -> int:
    """The next minute number of a series (per meeting, or running across meetings)."""
    return max(numbers_in_series, default=0) + 1


# --- Names (§2) ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Name:
    title: str = ""
    initials: str = ""
    forename: str = ""
    surname: str = ""
    known_as: str = ""
    honours: tuple[str, ...] = ()

    @property
    def attendance(self) -> str:
        """The attendance-list form: "Mr R W Gough", "Mr P M Hill, OBE" (honours after a comma)."""
        core = " ".join(p for p in (self.title, self.initials, self.surname) if p)
        if not self.initials and not self.title:
            core = " ".join(p for p in (self.forename, self.surname) if p)
        return core + "".join(f", {h}" for h in self.honours)

    @property
    def full(self) -> str:
        """The header and signatory form: "Roger Gough", "Benjamin Watts" (the forename printed,
        else the name they are known by: "Mike Hill")."""
        return " ".join(p for p in (self.forename or self.known_as or self.initials, self.surname) if p)

    @property
    def formal(self) -> str:
        """"Mr Gough": how minutes name a member who speaks."""
        return " ".join(p for p in (self.title, self.surname) if p) if self.title else self.full


# --- Dates (§6: one style; date_words is beacon.domain.periods') -----------------------------


def long_date(day: dt.date) -> str:
    """With the weekday, as agendas and minutes head a meeting: "Thursday, 5 January 2023"."""
    return f"{day:%A}, {date_words(day)}"
