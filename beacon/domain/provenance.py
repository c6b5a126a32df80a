"""Where a target or floor standard came from, and how the papers mark one that is not
published (import-format.md, ``targets.csv`` ``target_source`` / ``floor_source``).

A figure the council published is printed as it is. A figure that is ``derived`` (worked out
from what was published) or ``assumed`` (not published at all) is shown as such wherever it
appears: in sentences as "the assumed floor standard of 90%", in KPI panels, chart legends and
data tables as "90% (assumed)", with a footnote under the KPI and an entry in the Key for each
kind used. A mark is text, never colour. This module is the one table of those words.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["FigureSource", "figure_source", "marked", "described", "source_notes", "unpublished_kinds"]


class FigureSource(StrEnum):
    PUBLISHED = "published"
    DERIVED = "derived"
    ASSUMED = "assumed"

    @property
    def is_published(self) -> bool:
        return self is FigureSource.PUBLISHED

    @property
    def mark(self) -> str:
        """The word printed in brackets after the figure; "" for a published figure."""
        return "" if self.is_published else self.value

    @property
    def note(self) -> str:
        """What the mark means, completing "The floor standard of 90% is ..."."""
        return {
            FigureSource.PUBLISHED: "published",
            FigureSource.DERIVED: "derived from published information, not printed as a figure",
            FigureSource.ASSUMED: "assumed, not a published figure",
        }[self]

    @property
    def note_plural(self) -> str:
        """What the mark means, completing "The target ... and the floor standard ... are ..."."""
        return {
            FigureSource.PUBLISHED: "published",
            FigureSource.DERIVED: "derived from published information, not printed as figures",
            FigureSource.ASSUMED: "assumed, not published figures",
        }[self]

    @property
    def key_text(self) -> str:
        """The Key's explanation of the mark."""
        return {
            FigureSource.PUBLISHED: "",
            FigureSource.DERIVED: (
                "A target or floor standard shown as derived is not printed as a figure in the council's published "
                "papers: it is worked out from published information."
            ),
            FigureSource.ASSUMED: (
                "A target or floor standard shown as assumed has not been published by the council: it is an "
                "assumption recorded with the data so that the KPI can be rated, and ratings and severities "
                "measured against it depend on that assumption."
            ),
        }[self]


def figure_source(text: FigureSource | str | None) -> FigureSource:
    """The source of a figure from its recorded text; blank means published (the default)."""
    if not text:
        return FigureSource.PUBLISHED
    return FigureSource(text)


def marked(figure: str, source: FigureSource | str | None) -> str:
    """``figure`` with its mark: "90% (assumed)"; a published figure (or no figure) unchanged."""
    mark = figure_source(source).mark
    return f"{figure} ({mark})" if figure and mark else figure


def described(noun: str, source: FigureSource | str | None) -> str:
    """``noun`` as a sentence names it: "assumed floor standard"; a published one unchanged."""
    mark = figure_source(source).mark
    return f"{mark} {noun}" if mark else noun


def source_notes(figures: list[tuple[str, str, FigureSource | str | None]]) -> list[str]:
    """The notes for several ``(what, figure, source)``, one sentence per kind of source: "The
    target of 95% and the floor standard of 90% are assumed, not published figures."."""
    by_source: dict[FigureSource, list[str]] = {}
    for what, figure, source in figures:
        s = figure_source(source)
        if figure and not s.is_published:
            by_source.setdefault(s, []).append(f"the {what} of {figure}")
    out = []
    for s, names in by_source.items():
        if len(names) == 1:
            out.append(f"{names[0][:1].upper()}{names[0][1:]} is {s.note}.")
        else:
            listed = ", ".join(names[:-1]) + " and " + names[-1]
            out.append(f"{listed[:1].upper()}{listed[1:]} are {s.note_plural}.")
    return out


def unpublished_kinds(sources) -> list[FigureSource]:
    """The kinds of unpublished figure among ``sources`` (recorded texts), once each, in the
    Key's order: what a Key must explain."""
    used = {figure_source(s) for s in sources}
    return [s for s in FigureSource if s in used and not s.is_published]
