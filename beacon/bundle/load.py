"""Writing checked bundle records with their history: what every part's loader shares.

Every record is matched on its natural key and written through
:func:`beacon.core.audit.save_with_history`, as every other write is: a new record is created;
a changed field is updated and the change recorded as a :class:`~beacon.core.models.Revision`
(old, new, who, when, why, which file), keyed by the record's identity; an unchanged record is
left alone, so importing the same bundle twice changes nothing. Columns a file does not have are
left as they are.
"""

from __future__ import annotations

from typing import Any

from beacon.core import audit

from .importer import LoadContext
from .schema import Number, Record


def raw(value: Any) -> Any:
    """A parsed cell's value (a :class:`Number`'s decimal), as a model field takes it."""
    return value.value if isinstance(value, Number) else value


def value_text(value: Any) -> str:
    """A stored or parsed value as text, the same way for revisions and for export."""
    return audit.value_text(raw(value))


def same(old: Any, new: Any) -> bool:
    """Whether a stored value and a parsed one are the same."""
    return audit.same_value(old, raw(new))


def change(ctx: LoadContext, file: str) -> audit.Change:
    """What the revisions of one bundle file record: who imports, when, why, and from where."""
    return audit.Change(by=ctx.user, at=ctx.now, reason=ctx.reason, source=f"{ctx.source} ({file})")


_PRESENT: dict[tuple, list[tuple[str, str]]] = {}
_LAST: dict[int, tuple] = {}


def present(record: Record, mapping: dict[str, str]) -> dict:
    """Model field -> parsed value, for the columns the file has. ``mapping``: column -> field."""
    # the rows of one file share their columns and a loader its mapping: the same two objects
    # (held here, so their ids cannot be reused) give the same pairs without building a key
    last = _LAST.get(id(mapping))
    if last is not None and last[0] is mapping and last[1] is record.present:
        pairs = last[2]
    else:
        key = (record.present, tuple(mapping.items()))
        pairs = _PRESENT.get(key)
        if pairs is None:
            if len(_PRESENT) > 1000:
                _PRESENT.clear()
            pairs = _PRESENT[key] = [(col, fld) for col, fld in mapping.items() if col in record.present]
        if len(_LAST) > 100:
            _LAST.clear()
        _LAST[id(mapping)] = (mapping, record.present, pairs)
    data = record.data
    return {fld: data.get(col) for col, fld in pairs}


def record_revision(ctx: LoadContext, obj, entity: str, key: str, name: str, old: Any, new: Any, file: str) -> None:
    """One changed field of ``obj``, recorded as coming from ``file`` of the bundle."""
    audit.record_revision(change(ctx, file), obj, entity, key, name, raw(old), raw(new))


def upsert(
    ctx: LoadContext,
    record: Record,
    model,
    lookup: dict,
    values: dict,
    entity: str,
    key: str,
    *,
    defaults: dict | None = None,
    track_creation: tuple[str, ...] = (),
):
    """Create or update one row through :func:`beacon.core.audit.save_with_history` (the
    history rule), counting what happened against the record's file. ``values`` maps model
    fields to new values for the columns the file holds (callers pass only those). Returns the
    instance."""
    obj, outcome = audit.save_with_history(
        model, lookup, {k: raw(v) for k, v in values.items()}, entity=entity, key=key,
        change=change(ctx, record.file), defaults=defaults, track_creation=track_creation,
    )
    ctx.count(record.file, outcome)
    return obj


def upsert_many(ctx: LoadContext, model, rows: list[tuple[Record, dict, dict, str, str, dict | None, tuple[str, ...]]],
                *, scope: dict | None = None, read: tuple[str, ...] = (), refuse=None) -> list:
    """:func:`upsert` for many records of one model at once (the bulk path: a few statements per
    call, not several per row), with the same outcome row by row. ``rows``: ``(record, lookup,
    values, entity, key, defaults, track_creation)``; ``scope``: a filter holding every stored row
    the lookups can find. ``refuse(record, stored, changed)``: see
    :func:`beacon.core.audit.save_many_with_history` (a refused row is not counted; the caller
    reports it). Returns the rows' primary keys, in the order of ``rows``."""
    changes: dict[str, audit.Change] = {}  # one per file: its revisions share who, when, why
    planned = [
        audit.Planned(lookup=lookup, values={k: v.value if v.__class__ is Number else v for k, v in values.items()},
                      entity=entity, key=key, defaults=defaults, track_creation=track,
                      change=changes.get(record.file) or changes.setdefault(record.file, change(ctx, record.file)))
        for record, lookup, values, entity, key, defaults, track in rows
    ]
    check = None
    if refuse is not None:
        records = {id(item): row[0] for item, row in zip(planned, rows)}

        def check(item, stored, changed):
            return refuse(records[id(item)], stored, changed)

    audit.save_many_with_history(model, planned, scope=scope, read=read, refuse=check)
    for (record, *_), item in zip(rows, planned):
        if item.outcome != "refused":
            ctx.count(record.file, item.outcome)
    return [item.pk for item in planned]
