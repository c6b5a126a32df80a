"""The content of a register edition as typed, frozen values (risk spec §2.2, §6.1), and its
frozen snapshot.

:func:`beacon.risk.editions.build_edition` computes a :class:`RegisterEdition`;
:func:`beacon.risk.editions.create_edition` stores it as a snapshot (JSON, with a schema
version) and :func:`beacon.risk.editions.read_edition` reads a stored edition back, through
:func:`from_snapshot`, the one reader. The register model of the documents and of
``beacon register --format json`` (:mod:`beacon.reports.register.model`) is built from it.

What is decided when the edition is made is stored: the risks as they stood (texts, owners,
ratings, direction of travel and its reason, controls, actions, flags, footnote markers), the
change notes, the candidate risks, the printed notes. What follows from those by a rule is
computed when read (scores and levels, "at target", cross-references, counts, heat maps, the
headings), so it cannot disagree with them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property

from beacon.domain.risk import (
    BAND_LINE,
    ActionStatus,
    Direction,
    DirectionResult,
    EventKind,
    HeatMap,
    Impact,
    Level,
    Likelihood,
    Owners,
    Rating,
    RiskStatus,
    at_target,
    counts_by_level,
    heat_map,
)

# "beacon.edition/1": the snapshot's shape (risk dicts, ISO dates); snapshots stored before the
# version was written have the same shape and no "schema"
SNAPSHOT_SCHEMA = "beacon.edition/1"
SNAPSHOT_SCHEMAS = (SNAPSHOT_SCHEMA,)
CROSS_REFERENCE = re.compile(r"\bCRR\d{4}\b")


class SnapshotError(ValueError):
    """A stored snapshot this version cannot read."""


@dataclass(frozen=True)
class EditionControl:
    """A control in place, as printed."""

    title: str
    owner: str


@dataclass(frozen=True)
class EditionAction:
    """A mitigating action as it stood: ``due`` verbatim, ``due_date`` the parsed month (first of
    the month) or None, ``due_kind`` completion or review."""

    title: str
    owner: str
    due: str
    due_date: dt.date | None
    due_kind: str
    status: ActionStatus


@dataclass(frozen=True)
class EditionRisk:
    """One risk of an edition, every field as it stood on the edition date."""

    id: str
    title: str
    status: RiskStatus
    register: str  # the register's code: "corporate"
    owners: Owners  # "On behalf of CMT:" is ``on_behalf_of``, not part of a name
    owner_directorates: tuple[str, ...]
    cabinet_members: Owners
    cause: str
    event: str
    consequence: str
    current: Rating
    target: Rating
    timescale_to_target: str
    direction: DirectionResult  # since the edition's baseline; its flags are in ``flags``
    review_note: str | None
    controls: tuple[EditionControl, ...]
    actions: tuple[EditionAction, ...]
    flags: tuple[str, ...]  # this risk's data-quality flags (risk spec §7)
    footnote_marker: str | None = None  # "**" for the first risk with a review note, and so on

    @property
    def at_target(self) -> bool | None:
        """Target equals current; None when either is TBC."""
        return at_target(self.current, self.target)

    @property
    def cross_references(self) -> list[str]:
        """The other risk ids named in the cause, event or consequence."""
        texts = " ".join([self.cause, self.event, self.consequence])
        return sorted(set(CROSS_REFERENCE.findall(texts)) - {self.id})


@dataclass(frozen=True)
class Change:
    """A change note: one lifecycle event after the baseline and by the edition date. ``title`` is
    the risk's title on the edition date; None for an id on no register (CRR0051)."""

    risk: str
    title: str | None
    event: EventKind
    summary: str  # "Re-rated from 20 to 25 (current increased)"
    occurred_after: dt.date | None
    occurred_by: dt.date | None
    note: str | None
    reported_in: str | None


@dataclass(frozen=True)
class Candidate:
    """A candidate risk (a theme with no id yet) open on the edition date."""

    theme: str
    note: str | None
    raised_on: dt.date


@dataclass(frozen=True)
class RiskFootnote:
    """A review note printed as a footnote, with the marker on its risk's row."""

    marker: str
    risk: str
    text: str


@dataclass(frozen=True)
class ScaleLabels:
    """The printed scale labels, 1 to 5: ``Likely (4)``."""

    likelihood: tuple[str, ...] = tuple(v.printed for v in Likelihood)
    impact: tuple[str, ...] = tuple(v.printed for v in Impact)


@dataclass(frozen=True)
class Footnotes:
    id: str  # the "*" footnote
    ratings: str  # the NB legend
    scales: ScaleLabels
    risks: tuple[RiskFootnote, ...]


@dataclass(frozen=True)
class HeatMaps:
    current: HeatMap
    target: HeatMap


@dataclass(frozen=True)
class RegisterEdition:
    """The Corporate Risk Register as presented to ``body`` on ``date``."""

    title: str  # the corporate register's name (registers.csv)
    body: str
    date: dt.date
    directorate: str | None  # a Cabinet Committee's directorate code; None for a whole-council body
    baseline_date: dt.date
    baseline_basis: str  # why this baseline: "given", the previous edition, or the default rule
    risks: tuple[EditionRisk, ...]  # ascending id
    changes: tuple[Change, ...]
    candidates: tuple[Candidate, ...]
    id_footnote: str
    ratings_note: str
    # flags about the register as a whole on the date (ids whose membership is not known), after
    # the risks' own flags in ``flags``
    register_flags: tuple[str, ...] = field(default=())

    @property
    def date_printed(self) -> str:
        return f"{self.date:%d/%m/%Y}"

    @property
    def heading(self) -> str:
        return f"For Presentation to {self.body} on {self.date_printed}"

    @property
    def direction_heading(self) -> str:
        return f"Direction of Travel since {self.baseline_month}"

    @property
    def baseline_month(self) -> str:
        return f"{self.baseline_date:%B %Y}"

    @property
    def band_line(self) -> str:
        return BAND_LINE

    @property
    def levels(self) -> tuple[Level, ...]:
        return tuple(Level)

    @cached_property
    def counts_by_level(self) -> dict[str, int]:
        """Current ratings by level, and "Not yet rated" (TBC)."""
        return counts_by_level(r.current for r in self.risks)

    @cached_property
    def target_counts_by_level(self) -> dict[str, int]:
        return counts_by_level(r.target for r in self.risks)

    @cached_property
    def heat_map(self) -> HeatMaps:
        return HeatMaps(heat_map((r.id, r.current) for r in self.risks), heat_map((r.id, r.target) for r in self.risks))

    @property
    def footnotes(self) -> Footnotes:
        return Footnotes(self.id_footnote, self.ratings_note, ScaleLabels(), tuple(
            RiskFootnote(r.footnote_marker, r.id, r.review_note) for r in self.risks if r.footnote_marker
        ))

    @property
    def flags(self) -> list[str]:
        """Every data-quality flag of the edition: its risks' (in order), then the register's."""
        return [f for r in self.risks for f in r.flags] + list(self.register_flags)


# --- the snapshot: JSON at the edge ---------------------------------------------------------------
def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def rating_json(r: Rating) -> dict:
    """A rating as the snapshot and the register model write it."""
    return {**r.as_dict(), "likelihood_label": r.likelihood_label, "impact_label": r.impact_label}


def owners_json(o: Owners) -> dict:
    return {"names": list(o.names), "on_behalf_of": o.on_behalf_of or None}


def direction_json(d: DirectionResult) -> dict:
    return {"value": d.value, "text": d.text, "symbol": d.symbol, "printed": d.printed, "reason": d.reason}


def action_json(a: EditionAction) -> dict:
    return {"title": a.title, "owner": a.owner, "due": a.due, "due_date": _iso(a.due_date), "due_kind": a.due_kind,
            "status": a.status.value}


def change_json(c: Change) -> dict:
    return {"risk": c.risk, "title": c.title, "event": c.event.value, "summary": c.summary,
            "occurred_after": _iso(c.occurred_after), "occurred_by": _iso(c.occurred_by), "note": c.note,
            "reported_in": c.reported_in}


def candidate_json(c: Candidate) -> dict:
    return {"theme": c.theme, "note": c.note, "raised_on": c.raised_on.isoformat()}


def heat_map_json(m: HeatMap) -> dict:
    return {
        "rows": [
            {"likelihood": row.likelihood, "label": row.label, "cells": [
                {"likelihood": c.likelihood, "impact": c.impact, "score": c.score, "level": c.level.value,
                 "risks": list(c.risks)}
                for c in row.cells
            ]}
            for row in m.rows
        ],
        "impacts": [{"impact": i.impact, "label": i.label} for i in m.impacts],
        "not_rated": list(m.not_rated),
    }


def footnotes_json(f: Footnotes) -> dict:
    return {
        "id": f.id,
        "ratings": f.ratings,
        "scales": {"likelihood": list(f.scales.likelihood), "impact": list(f.scales.impact)},
        "risks": [{"marker": n.marker, "risk": n.risk, "text": n.text} for n in f.risks],
    }


def _risk_snapshot(r: EditionRisk) -> dict:
    return {
        "id": r.id,
        "title": r.title,
        "status": r.status.value,
        "register": r.register,
        "owners": owners_json(r.owners),
        "owner_directorates": list(r.owner_directorates),
        "cabinet_members": owners_json(r.cabinet_members),
        "cause": r.cause,
        "event": r.event,
        "consequence": r.consequence,
        "current": rating_json(r.current),
        "target": rating_json(r.target),
        "timescale_to_target": r.timescale_to_target,
        "at_target": r.at_target,
        "direction": direction_json(r.direction),
        "review_note": r.review_note,
        "cross_references": r.cross_references,
        "controls": [{"title": c.title, "owner": c.owner} for c in r.controls],
        "actions": [action_json(a) for a in r.actions],
        "flags": list(r.flags),
        "footnote_marker": r.footnote_marker,
    }


def to_snapshot(e: RegisterEdition) -> dict:
    """The edition as stored (``Edition.snapshot``): schema :data:`SNAPSHOT_SCHEMA`. The derived
    values (headings, counts, heat maps) are written too, for readers of the stored JSON; they
    are computed again when read back."""
    return {
        "schema": SNAPSHOT_SCHEMA,
        "title": e.title,
        "body": e.body,
        "date": e.date.isoformat(),
        "date_printed": e.date_printed,
        "heading": e.heading,
        "directorate": e.directorate,
        "baseline_date": e.baseline_date.isoformat(),
        "baseline_basis": e.baseline_basis,
        "direction_heading": e.direction_heading,
        "band_line": e.band_line,
        "risks": [_risk_snapshot(r) for r in e.risks],
        "counts_by_level": e.counts_by_level,
        "target_counts_by_level": e.target_counts_by_level,
        "heat_map": {"current": heat_map_json(e.heat_map.current), "target": heat_map_json(e.heat_map.target)},
        "changes": [change_json(c) for c in e.changes],
        "candidates": [candidate_json(c) for c in e.candidates],
        "footnotes": footnotes_json(e.footnotes),
        "register_flags": list(e.register_flags),
        "flags": e.flags,
    }


def _owners(d: dict) -> Owners:
    return Owners(tuple(d["names"]), d.get("on_behalf_of") or "")


def _rating(d: dict, kind: str) -> Rating:
    return Rating(d["likelihood"], d["impact"], kind)


def _risk(d: dict) -> EditionRisk:
    return EditionRisk(
        id=d["id"],
        title=d["title"],
        status=RiskStatus(d["status"]),
        register=d["register"],
        owners=_owners(d["owners"]),
        owner_directorates=tuple(d["owner_directorates"]),
        cabinet_members=_owners(d["cabinet_members"]),
        cause=d["cause"],
        event=d["event"],
        consequence=d["consequence"],
        current=_rating(d["current"], "current"),
        target=_rating(d["target"], "target"),
        timescale_to_target=d["timescale_to_target"],
        direction=DirectionResult(Direction(d["direction"]["value"]), d["direction"]["reason"]),
        review_note=d["review_note"],
        controls=tuple(EditionControl(c["title"], c["owner"]) for c in d["controls"]),
        actions=tuple(
            EditionAction(a["title"], a["owner"], a["due"], _date(a["due_date"]), a["due_kind"], ActionStatus(a["status"]))
            for a in d["actions"]
        ),
        flags=tuple(d["flags"]),
        footnote_marker=d.get("footnote_marker"),
    )


def from_snapshot(data: dict) -> RegisterEdition:
    """A stored snapshot read back (the one reader): schema :data:`SNAPSHOT_SCHEMA`, or a snapshot
    stored before the schema was written (the same shape). Another schema is refused."""
    schema = data.get("schema", SNAPSHOT_SCHEMA)
    if schema not in SNAPSHOT_SCHEMAS:
        raise SnapshotError(f"edition snapshot schema {schema!r} is not one this version reads ({', '.join(SNAPSHOT_SCHEMAS)})")
    return RegisterEdition(
        title=data["title"],
        body=data["body"],
        date=dt.date.fromisoformat(data["date"]),
        directorate=data["directorate"],
        baseline_date=dt.date.fromisoformat(data["baseline_date"]),
        baseline_basis=data["baseline_basis"],
        risks=tuple(_risk(r) for r in data["risks"]),
        changes=tuple(
            Change(c["risk"], c["title"], EventKind(c["event"]), c["summary"], _date(c["occurred_after"]),
                   _date(c["occurred_by"]), c["note"], c["reported_in"])
            for c in data.get("changes", [])
        ),
        candidates=tuple(Candidate(c["theme"], c["note"], dt.date.fromisoformat(c["raised_on"]))
                         for c in data.get("candidates", [])),
        id_footnote=data["footnotes"]["id"],
        ratings_note=data["footnotes"]["ratings"],
        register_flags=tuple(data.get("register_flags", [])),
    )
