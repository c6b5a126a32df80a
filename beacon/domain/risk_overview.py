"""The QPR section "Corporate Risk Register – Overview" (risk spec §6.3) as typed, frozen
values. ``beacon.reports.register.overview.build_risk_overview`` computes a
:class:`RiskOverview`; the QPR templates render its ``title``, ``paragraphs``, ``tables`` and
``subsections``; :meth:`RiskOverview.to_json` writes it in the QPR model's JSON (its shape:
``docs/register-model.md``) and :meth:`RiskOverview.from_dict` reads that JSON back (a published
QPR snapshot).

Pure: no Django.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .risk import EventKind

__all__ = [
    "OverviewTable",
    "Subsection",
    "NotKnown",
    "RegisterAt",
    "KeyChange",
    "KeyChangeGroup",
    "ActionsRow",
    "ActionsCount",
    "ActionsSummary",
    "UpdateItem",
    "RiskUpdates",
    "RiskOverview",
]


@dataclass(frozen=True)
class OverviewTable:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def to_json(self) -> dict:
        return {"title": self.title, "header": list(self.header), "rows": [list(r) for r in self.rows]}

    @classmethod
    def from_dict(cls, d: dict) -> OverviewTable:
        return cls(d["title"], tuple(d["header"]), tuple(tuple(r) for r in d["rows"]))


@dataclass(frozen=True)
class Subsection:
    title: str
    paragraphs: tuple[str, ...]
    tables: tuple[OverviewTable, ...] = ()

    def to_json(self) -> dict:
        return {"title": self.title, "paragraphs": list(self.paragraphs), "tables": [t.to_json() for t in self.tables]}

    @classmethod
    def from_dict(cls, d: dict) -> Subsection:
        return cls(d["title"], tuple(d["paragraphs"]), tuple(OverviewTable.from_dict(t) for t in d["tables"]))


@dataclass(frozen=True)
class NotKnown:
    """An id whose joining or leaving the register is dated only to a window spanning the date."""

    risk: str
    reason: str


@dataclass(frozen=True)
class RegisterAt:
    """The corporate register at one date: counts by level of the current ratings in force then
    (with "Not yet rated" and "Rating not held"), and the ids behind them."""

    date: dt.date
    counts: dict[str, int]
    total: int  # the number on the register: the sum of ``counts``
    on_register: tuple[str, ...]
    not_yet_rated: tuple[str, ...]
    rating_not_held: tuple[str, ...]
    membership_not_known: tuple[NotKnown, ...]

    def to_json(self) -> dict:
        return {
            "date": self.date.isoformat(),
            "counts": dict(self.counts),
            "total": self.total,
            "on_register": list(self.on_register),
            "not_yet_rated": list(self.not_yet_rated),
            "rating_not_held": list(self.rating_not_held),
            "membership_not_known": [{"risk": x.risk, "reason": x.reason} for x in self.membership_not_known],
        }

    @classmethod
    def from_dict(cls, d: dict) -> RegisterAt:
        return cls(dt.date.fromisoformat(d["date"]), dict(d["counts"]), d["total"], tuple(d["on_register"]),
                   tuple(d["not_yet_rated"]), tuple(d["rating_not_held"]),
                   tuple(NotKnown(x["risk"], x["reason"]) for x in d["membership_not_known"]))


@dataclass(frozen=True)
class KeyChange:
    risk: str
    event: EventKind
    heading: str  # "CRR0056 - SEND Delivery and High Needs Funding"
    text: str  # the change note ("" when none)


@dataclass(frozen=True)
class KeyChangeGroup:
    key: str  # reduced, increased, new, de_escalated, other
    title: str  # "RISK LEVEL REDUCED"
    entries: tuple[KeyChange, ...]

    def to_json(self) -> dict:
        return {"key": self.key, "title": self.title, "entries": [
            {"risk": e.risk, "event": e.event.value, "heading": e.heading, "text": e.text} for e in self.entries]}

    @classmethod
    def from_dict(cls, d: dict) -> KeyChangeGroup:
        return cls(d["key"], d["title"], tuple(KeyChange(e["risk"], EventKind(e["event"]), e["heading"], e["text"])
                                               for e in d["entries"]))


@dataclass(frozen=True)
class ActionsRow:
    label: str
    due: str  # by_cut_off or later_or_none
    counts: dict[str, int]  # by ActionBucket value
    total: int


@dataclass(frozen=True)
class ActionsCount:
    counts: dict[str, int]
    total: int


@dataclass(frozen=True)
class ActionsSummary:
    """The mitigating-actions summary: the spec's row (``counts``, ``total``: due or review date
    held by the cut-off, update dated in the period) and the actions updated in the period whose
    date held is later or not given."""

    cut_off: dt.date
    updated_from: dt.date
    updated_to: dt.date
    counts: dict[str, int]
    total: int
    rows: tuple[ActionsRow, ...]
    later_or_no_due_date: ActionsCount

    def to_json(self) -> dict:
        return {
            "cut_off": self.cut_off.isoformat(),
            "updated_from": self.updated_from.isoformat(),
            "updated_to": self.updated_to.isoformat(),
            "counts": dict(self.counts),
            "total": self.total,
            "rows": [{"label": r.label, "due": r.due, "counts": dict(r.counts), "total": r.total} for r in self.rows],
            "later_or_no_due_date": {"counts": dict(self.later_or_no_due_date.counts),
                                     "total": self.later_or_no_due_date.total},
        }

    @classmethod
    def from_dict(cls, d: dict) -> ActionsSummary:
        later = d["later_or_no_due_date"]
        return cls(dt.date.fromisoformat(d["cut_off"]), dt.date.fromisoformat(d["updated_from"]),
                   dt.date.fromisoformat(d["updated_to"]), dict(d["counts"]), d["total"],
                   tuple(ActionsRow(r["label"], r["due"], dict(r["counts"]), r["total"]) for r in d["rows"]),
                   ActionsCount(dict(later["counts"]), later["total"]))


@dataclass(frozen=True)
class UpdateItem:
    status: str  # the status as printed (ActionStatus.heading, or the paper's own words)
    short_name: str | None
    text: str
    updated_on: dt.date
    due: str
    due_by_cut_off: bool


@dataclass(frozen=True)
class RiskUpdates:
    """The progress updates of one risk's actions in the period."""

    risk: str
    title: str  # "CRR0001: <title at the data date>"
    items: tuple[UpdateItem, ...]

    def to_json(self) -> dict:
        return {"risk": self.risk, "title": self.title, "items": [
            {"status": i.status, "short_name": i.short_name, "text": i.text, "updated_on": i.updated_on.isoformat(),
             "due": i.due, "due_by_cut_off": i.due_by_cut_off} for i in self.items]}

    @classmethod
    def from_dict(cls, d: dict) -> RiskUpdates:
        return cls(d["risk"], d["title"], tuple(
            UpdateItem(i["status"], i["short_name"], i["text"], dt.date.fromisoformat(i["updated_on"]), i["due"],
                       i["due_by_cut_off"]) for i in d["items"]))


@dataclass(frozen=True)
class RiskOverview:
    """The section as rendered (``title``, ``paragraphs``, ``tables``, ``subsections``) and the
    same content as data, at the data date (``data_to``) and the comparison date (``compare_to``)."""

    title: str
    paragraphs: tuple[str, ...]
    tables: tuple[OverviewTable, ...]
    subsections: tuple[Subsection, ...]
    data_to: dt.date
    compare_to: dt.date
    at_compare_to: RegisterAt
    at_data_to: RegisterAt
    key_changes: tuple[KeyChangeGroup, ...]
    actions: ActionsSummary
    updates: tuple[RiskUpdates, ...]

    @property
    def counts(self) -> dict[str, dict[str, int]]:
        return {"compare_to": self.at_compare_to.counts, "data_to": self.at_data_to.counts}

    @property
    def register(self) -> dict[str, RegisterAt]:
        return {"compare_to": self.at_compare_to, "data_to": self.at_data_to}

    def to_json(self) -> dict:
        return {
            "title": self.title,
            "paragraphs": list(self.paragraphs),
            "tables": [t.to_json() for t in self.tables],
            "subsections": [s.to_json() for s in self.subsections],
            "data_to": self.data_to.isoformat(),
            "compare_to": self.compare_to.isoformat(),
            "counts": {"compare_to": dict(self.at_compare_to.counts), "data_to": dict(self.at_data_to.counts)},
            "register": {"compare_to": self.at_compare_to.to_json(), "data_to": self.at_data_to.to_json()},
            "key_changes": [g.to_json() for g in self.key_changes],
            "actions": self.actions.to_json(),
            "updates": [u.to_json() for u in self.updates],
        }

    @classmethod
    def from_dict(cls, d: dict) -> RiskOverview:
        """The section again from :meth:`to_json` output (a published QPR snapshot)."""
        return cls(
            title=d["title"],
            paragraphs=tuple(d["paragraphs"]),
            tables=tuple(OverviewTable.from_dict(t) for t in d["tables"]),
            subsections=tuple(Subsection.from_dict(s) for s in d["subsections"]),
            data_to=dt.date.fromisoformat(d["data_to"]),
            compare_to=dt.date.fromisoformat(d["compare_to"]),
            at_compare_to=RegisterAt.from_dict(d["register"]["compare_to"]),
            at_data_to=RegisterAt.from_dict(d["register"]["data_to"]),
            key_changes=tuple(KeyChangeGroup.from_dict(g) for g in d["key_changes"]),
            actions=ActionsSummary.from_dict(d["actions"]),
            updates=tuple(RiskUpdates.from_dict(u) for u in d["updates"]),
        )

    from_json = from_dict
