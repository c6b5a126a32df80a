"""The register as it stood on a date: every field of a risk, its controls and its actions, read
back from the audit log (risk spec §2.2: an edition shows the register as presented on its date).

The audit log is :class:`beacon.core.models.Revision` (old and new value of each changed
field, keyed by the record's identity) with the date each change took effect
(:func:`beacon.risk.history.effective_date`). Ratings come from the rating history
(:class:`RiskRating`, dated).

* A field's value on a day is the new value of its last revision that took effect by that day
  (revisions ordered by the date they took effect, then by the order they were recorded, so a
  back-dated import slots in by its date); before its first revision, that revision's old value
  (its new value when that revision is the record's creation); with no revision at all, the value
  held now.
* Creating a record records each value it is created with (from nothing), so a record created by
  a later-dated import and changed by an earlier-dated one reads right on both dates; a control
  or action is listed from its creation until a revision of ``removed_at`` says otherwise.
* A risk, control or action is on record from the earliest date any of its revisions took effect,
  when its creation is recorded (a ``title`` from nothing; an import dated before a record's start
  records it so again, from its date). A record without one (made before the audit log recorded
  creations) is taken to have been on record from the start.
* A risk whose record starts after the day raises :class:`NotOnRecord`: what it held then is not
  known, and nothing is guessed.
* **The rating in force on a day** (:func:`rating_on`, the one definition: editions, the QPR
  overview and the pages all read it): the latest :class:`RiskRating` dated by then (of two on
  one date, the one recorded last); none (not held) when the rating history holds none dated by
  then. A risk whose rating is not held on the day raises :class:`NotOnRecord` from
  :func:`risk_on`, like a record that starts later.
* **On the corporate register on a day** (:func:`register_on`, the one definition): the
  membership events place an id on (new, escalated, re-escalated, the rated event of a merger)
  or off (closed, withdrawn, delegated, de-escalated, merged into another); an id with no entry
  event was on from before the data begins; an event dated only to a window that spans the day
  makes membership not known. A risk whose record is held on the day must also be active on the
  corporate register then (its status and register as they stood).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from beacon.core.audit import value_text
from beacon.core.models import Revision
from beacon.domain.periods import date_words
from beacon.domain.risk import Rating

from . import models
from .history import HISTORY_ENTITIES, TRACKED, effective_date


class NotOnRecord(Exception):
    """A risk whose record, or whose rating history, starts after the day asked for.
    ``recorded_from`` is None when no rating is recorded at all."""

    def __init__(self, risk: models.Risk, day: dt.date, recorded_from: dt.date | None):
        if recorded_from is None:
            super().__init__(f"{risk.risk_id} has no rating recorded in its history")
        else:
            super().__init__(f"{risk.risk_id} is on record from {recorded_from:%d/%m/%Y}, after {day:%d/%m/%Y}")
        self.risk, self.day, self.recorded_from = risk, day, recorded_from


@dataclass
class ItemState:
    """A control or an action as it stood (actions also have due and status)."""

    pk: int
    title: str
    owner: str
    order: int
    due_text: str = ""
    due_date: dt.date | None = None
    due_kind: str = "completion"
    status: str = "planned"


@dataclass
class RiskState:
    """A risk as it stood on ``day`` (``None``: as held now). Same field names as :class:`Risk`."""

    risk: models.Risk
    day: dt.date | None
    risk_id: str
    title: str
    status: str
    register: str
    owners: list[str]
    owners_on_behalf_of: str
    owner_directorates: list[str]
    cabinet_members: list[str]
    cabinet_on_behalf_of: str
    cause: str
    event: str
    consequence: str
    timescale_to_target: str
    review_note: str
    scope_note: str
    replaced_by: list[str]
    current: Rating
    target: Rating
    controls: list[ItemState] = field(default_factory=list)
    actions: list[ItemState] = field(default_factory=list)


@dataclass(frozen=True)
class _Change:
    effective: dt.date
    pk: int
    old: str
    new: str
    creation: bool = False  # a value the record was created with (its old value is not a value)


class History:
    """The audit log of risks, controls and actions, loaded once and grouped by record and field."""

    def __init__(self, revisions):
        self._by: dict[tuple[str, str, str], list[_Change]] = defaultdict(list)
        self._start: dict[tuple[str, str], dt.date] = {}
        revisions = list(revisions)
        # a record's creation: its title from nothing, and the values written with it (same instant)
        created: dict[tuple[str, str], dt.datetime] = {}
        for r in sorted(revisions, key=lambda r: r.pk):
            if r.field == "title" and r.old_value == "":
                created.setdefault((r.entity, r.key), r.changed_at)
        for r in revisions:
            record = (r.entity, r.key)
            change = _Change(effective_date(r), r.pk, r.old_value, r.new_value,
                             creation=r.old_value == "" and created.get(record) == r.changed_at)
            self._by[(r.entity, r.key, r.field)].append(change)
            self._start[record] = min(self._start.get(record, change.effective), change.effective)
            if r.field == "title" and r.old_value == "" and r.entity != "risk":
                # a control or action is listed from its creation (or from an earlier-dated import's listing)
                self._by[(r.entity, r.key, "removed_at")].append(_Change(change.effective, r.pk, "", ""))
        self._start = {record: day for record, day in self._start.items() if record in created}
        for changes in self._by.values():
            changes.sort(key=lambda c: (c.effective, c.pk))

    @classmethod
    def load(cls, risk: models.Risk | None = None) -> "History":
        revisions = Revision.objects.filter(entity__in=HISTORY_ENTITIES).select_related("risk_effect")
        if risk is not None:
            revisions = revisions.filter(Q(key=risk.risk_id) | Q(key__startswith=f"{risk.risk_id} #"))
        return cls(revisions)

    def changes(self, entity: str, key: str, name: str) -> list[_Change]:
        return self._by.get((entity, key, name), [])

    def text_on(self, entity: str, key: str, name: str, day: dt.date) -> str | None:
        """The field's value on ``day`` as recorded text; None when it never changed. Before its
        first change, that change's old value; when that is the record's creation (a later-dated
        import that created what an earlier-dated one then found unchanged), the value created."""
        changes = self.changes(entity, key, name)
        if not changes:
            return None
        applied = [c for c in changes if c.effective <= day]
        if applied:
            return applied[-1].new
        return changes[0].new if changes[0].creation else changes[0].old

    def created_on(self, entity: str, key: str) -> dt.date | None:
        """The date the record is on record from; None when its creation is not recorded."""
        return self._start.get((entity, key))


def _text(text: str) -> str:
    return text


def _list(text: str) -> list[str]:
    return [part for part in text.split(";") if part] if text else []


def _int(text: str) -> int:
    return int(text) if text else 0


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text[:10]) if text else None


def _register_code(text: str) -> str:
    # lifecycle operations and creations record the register's code, the bundle loader's changes its name
    found = models.Register.objects.filter(Q(code=text) | Q(name=text)).values_list("code", flat=True).first()
    return found or text


PARSE = {"owners": _list, "owner_directorates": _list, "cabinet_members": _list, "replaced_by": _list,
         "order": _int, "due_date": _date, "register": _register_code}


def _fields_on(entity: str, item, day: dt.date, history: History, names=None) -> dict:
    """The tracked fields (or ``names``) of a risk, control or action as they stood on ``day``."""
    key = item.risk_id if entity == "risk" else item.history_key
    out = {}
    for name in names or TRACKED[entity]:
        current = item.register.code if name == "register" else getattr(item, name)
        text = history.text_on(entity, key, name, day)
        out[name] = current if text is None or text == value_text(current) else PARSE.get(name, _text)(text)
    return out


def rating_on(risk: models.Risk, kind: str, day: dt.date) -> Rating | None:
    """The rating in force on ``day`` (``kind`` current or target): the latest of the risk's rating
    history dated by then, of two on one date the one recorded last; None when none is dated by
    then (not held). Reads ``risk.ratings.all()``, so a prefetch serves it."""
    held = [r for r in risk.ratings.all() if r.kind == kind and r.effective_date <= day]
    return max(held, key=lambda r: (r.effective_date, r.pk)).rating if held else None


def rating_held_from(risk: models.Risk, *kinds: str) -> dt.date | None:
    """The first date from which the risk's rating (of every kind named) is held; None when a kind
    has no rating recorded."""
    starts = []
    for kind in kinds or ("current", "target"):
        dates = [r.effective_date for r in risk.ratings.all() if r.kind == kind]
        if not dates:
            return None
        starts.append(min(dates))
    return max(starts)


def live_state(risk: models.Risk) -> RiskState:
    """The risk as held now (the live register)."""
    return RiskState(
        risk=risk, day=None, risk_id=risk.risk_id, current=risk.current, target=risk.target,
        controls=[ItemState(c.pk, c.title, c.owner, c.order) for c in risk.controls.filter(removed_at__isnull=True)],
        actions=[ItemState(a.pk, a.title, a.owner, a.order, a.due_text, a.due_date, a.due_kind, a.status)
                 for a in risk.actions.filter(removed_at__isnull=True)],
        **{name: risk.register.code if name == "register" else getattr(risk, name) for name in TRACKED["risk"]},
    )


def risk_on(risk: models.Risk, day: dt.date, history: History | None = None) -> RiskState:
    """The risk, its controls and its actions as they stood on ``day``, with the ratings in force
    then (:func:`rating_on`). Raises :class:`NotOnRecord` when its record, or its rating history,
    starts after ``day``."""
    history = history or History.load(risk)
    start = history.created_on("risk", risk.risk_id)
    if start is not None and start > day:
        raise NotOnRecord(risk, day, start)
    current, target = rating_on(risk, "current", day), rating_on(risk, "target", day)
    if current is None or target is None:
        raise NotOnRecord(risk, day, rating_held_from(risk))
    return RiskState(
        risk=risk, day=day, risk_id=risk.risk_id, current=current, target=target,
        controls=_items_on("control", risk.controls.all(), day, history),
        actions=_items_on("action", risk.actions.all(), day, history),
        **_fields_on("risk", risk, day, history),
    )


def _items_on(entity: str, items, day: dt.date, history: History) -> list[ItemState]:
    out = []
    for item in items:
        key = item.history_key
        created = history.created_on(entity, key)
        if created is not None and created > day:
            continue
        removed = history.text_on(entity, key, "removed_at", day)
        if removed or (removed is None and item.removed_at is not None):
            continue
        out.append(ItemState(pk=item.pk, **_fields_on(entity, item, day, history)))
    return sorted(out, key=lambda i: (i.order, i.pk))


def titles_on(day: dt.date, history: History | None = None) -> dict[str, str]:
    """Every risk's title as it stood on ``day`` (a risk on record only later: its first title)."""
    history = history or History.load()
    out = {}
    for risk_id, title in models.Risk.objects.values_list("risk_id", "title"):
        start = history.created_on("risk", risk_id)
        text = history.text_on("risk", risk_id, "title", max(day, start) if start else day)
        out[risk_id] = title if text is None else text
    return out


# --- on the corporate register on a date --------------------------------------------------------
ENTERING = ("new", "escalated", "re_escalated")
LEAVING = ("closed", "withdrawn", "delegated", "de_escalated")


long_date = date_words  # "5 January 2023": the one date style (beacon.domain.periods)


def _membership(event: models.RiskEvent) -> str | None:
    """"on" for an event that puts its id on the corporate register, "off" for one that takes it
    off, None for any other event."""
    if event.event in ENTERING or (event.event == "merged" and event.rating):
        return "on"  # a merger's rated event is the new id formed by it
    if event.event in LEAVING or event.event == "merged":
        return "off"
    return None


def _window(event: models.RiskEvent) -> str:
    after, by = event.occurred_after, event.occurred_by
    if after and by:
        return f"between {long_date(after)} and {long_date(by)}"
    if by:
        return f"by {long_date(by)}, no earlier date held"
    if after:
        return f"after {long_date(after)}"
    return "on a date not held"


def _placed_on(events: list[models.RiskEvent], day: dt.date) -> tuple[str, str]:
    """("on" | "off" | "not_known", reason) for one id on ``day``, from its membership events
    (dated windows ``occurred_after … occurred_by``, both ends inclusive). With no entry event the
    id is taken to have been on the register from before the data begins."""
    state = "off" if events and _membership(events[0]) == "on" else "on"
    for e in events:
        placed = _membership(e)
        if e.occurred_by is not None and e.occurred_by <= day:
            state = placed
        elif e.occurred_after is not None and e.occurred_after > day:
            break
        else:
            verb = "joined" if placed == "on" else "left"
            return "not_known", f"{verb} the register {_window(e)}"
    return state, ""


@dataclass(frozen=True)
class OnRegister:
    """One id on the corporate register on a day: its :class:`Risk` (None for an id known only
    from events, such as a risk that left before its data was recorded) and the current rating in
    force then (None: not held)."""

    risk_id: str
    risk: models.Risk | None
    rating: Rating | None


@dataclass(frozen=True)
class Membership:
    """The corporate register on ``day``, as far as the history tells: the ids on it, and those
    whose joining or leaving is dated only to a window that spans the day (``(id, reason)``),
    which are reported, never guessed."""

    day: dt.date
    on: tuple[OnRegister, ...]
    not_known: tuple[tuple[str, str], ...]

    @property
    def ids(self) -> list[str]:
        return [o.risk_id for o in self.on]


def register_on(day: dt.date, history: History | None = None) -> Membership:
    """The corporate register on ``day`` (the one definition, module docstring): ids in order."""
    events: dict[str, list[models.RiskEvent]] = {}
    key = lambda e: (e.occurred_by or e.occurred_after or dt.date.max, e.pk)  # noqa: E731
    for e in sorted(models.RiskEvent.objects.all(), key=key):
        if _membership(e) is not None:
            events.setdefault(e.risk_code, []).append(e)
    risks = {r.risk_id: r for r in models.Risk.objects.select_related("register").prefetch_related("ratings")}
    history = history or History.load()
    on, not_known = [], []
    for code in sorted(set(risks) | set(events)):
        risk = risks.get(code)
        if risk is not None and code not in events and risk.register.code != "corporate":
            continue  # never on the corporate register, as far as the history tells
        state, reason = _placed_on(events.get(code, []), day)
        if state == "not_known":
            not_known.append((code, reason))
        elif state == "on" and (risk is None or _active_on_corporate(risk, day, history)):
            on.append(OnRegister(code, risk, rating_on(risk, "current", day) if risk is not None else None))
    return Membership(day, tuple(on), tuple(not_known))


def _active_on_corporate(risk: models.Risk, day: dt.date, history: History) -> bool:
    """Whether the risk, as it stood on ``day``, was active on the corporate register; True when its
    record starts later (the events alone decide then)."""
    start = history.created_on("risk", risk.risk_id)
    if start is not None and start > day:
        return True
    fields = _fields_on("risk", risk, day, history, ("status", "register"))
    return fields["status"] == "active" and fields["register"] == "corporate"
