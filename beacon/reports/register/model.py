"""The register model of an edition: its content (:class:`beacon.risk.edition_model.RegisterEdition`),
whether and when it was frozen, and the covering report when one is asked for. The HTML, PDF
and Word documents render from it (:mod:`.documents`); :func:`register_json` writes it as
JSON (docs/register-model.md, schema ``beacon.register/1``), the only place its JSON shape is
written; :meth:`RegisterModel.to_json` is what the JSON serializer (``beacon.core.jsonio``) calls.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from beacon.domain.risk import Impact, Level, Likelihood
from beacon.risk.edition_model import (
    RegisterEdition,
    action_json,
    candidate_json,
    change_json,
    direction_json,
    footnotes_json,
    heat_map_json,
    owners_json,
    rating_json,
)
from beacon.risk.editions import (
    EditionError,
    FreezeEdition,
    build_edition,
    current_edition,
    freeze,
    notice,
    read_edition,
)
from beacon.risk.models import Edition

from .cover import Cover

SCHEMA = "beacon.register/1"


@dataclass(frozen=True)
class RegisterModel:
    """An edition as the documents and ``--format json`` present it."""

    content: RegisterEdition
    frozen: bool = False  # False: a draft, computed now and not stored
    created_by: str | None = None
    created_at: dt.datetime | None = None
    cover: Cover | None = None  # the covering report for the annual refresh (``--cover``)
    number: int | None = None  # the stored edition's number (None for a draft)
    status: str = "current"  # current, superseded or withdrawn (beacon.domain.edition_rules)
    notice: str | None = None  # what a superseded or withdrawn edition says at its top

    def to_json(self) -> dict:
        return register_json(self)


def edition_for(body: str, date: dt.date, *, baseline: dt.date | None = None, draft: bool = False,
                by: str = "beacon", confirm_date: bool = False) -> tuple[RegisterEdition, Edition | None]:
    """The edition's content and the stored edition: the current
    edition for (body, date) read back unchanged (a different ``baseline`` is refused), or frozen
    now (:func:`beacon.risk.editions.freeze`, which questions an unlikely date unless
    ``confirm_date``), or, with ``draft``, computed now and not stored."""
    if draft:
        return build_edition(body, date, baseline), None
    edition = current_edition(body, date)
    if edition is not None:
        if baseline is not None and baseline != edition.baseline_date:
            raise EditionError(f"the {edition.body} edition of {date:%d/%m/%Y} is frozen with baseline "
                               f"{edition.baseline_date.isoformat()}: to freeze it again with another baseline, "
                               f"supersede it (--supersede --reason)")
        return read_edition(edition), edition
    edition = freeze(FreezeEdition(body, date, by, baseline, confirm_date))
    return read_edition(edition), edition


def build_register_model(content: RegisterEdition, edition: Edition | None = None,
                         cover: Cover | None = None) -> RegisterModel:
    """The model of ``content``; ``edition`` is the stored edition it was read from (None for a draft)."""
    if edition is None:
        return RegisterModel(content, cover=cover)
    return RegisterModel(content, True, edition.created_by, edition.created_at, cover, edition.pk, edition.status,
                         notice(edition))


def _risk_json(r) -> dict:
    return {
        "id": r.id,
        "title": r.title,
        "status": r.status.value,
        "register": r.register,
        "owners": owners_json(r.owners),
        "owner_directorates": list(r.owner_directorates),
        "cabinet_members": owners_json(r.cabinet_members),
        "current": rating_json(r.current),
        "target": rating_json(r.target),
        "timescale_to_target": r.timescale_to_target,
        "at_target": r.at_target,
        "direction": direction_json(r.direction),
        "footnote_marker": r.footnote_marker,
        "review_note": r.review_note,
        "cross_references": r.cross_references,
        "cause": r.cause,
        "event": r.event,
        "consequence": r.consequence,
        "controls": [{"title": c.title, "owner": c.owner} for c in r.controls],
        "actions": [action_json(a) for a in r.actions],
        "flags": list(r.flags),
    }


def register_json(model: RegisterModel) -> dict:
    """The model as JSON values, in the documented order (docs/register-model.md)."""
    c = model.content
    out = {
        "schema": SCHEMA,
        "title": c.title,
        "body": c.body,
        "date": c.date.isoformat(),
        "heading": c.heading,
        "directorate": c.directorate,
        "baseline": {
            "date": c.baseline_date.isoformat(),
            "basis": c.baseline_basis,
            "heading": c.direction_heading,
            "month": c.baseline_month,
        },
        "edition": {
            "frozen": model.frozen,
            "created_by": model.created_by,
            "created_at": model.created_at.isoformat() if model.created_at else None,
            "number": model.number,
            "status": model.status,
            "notice": model.notice,
        },
        "band_line": c.band_line,
        "bands": [{"level": level.value, "from": level.bounds[0], "to": level.bounds[1]} for level in Level],
        "scales": {
            "likelihood": [{"value": v.value, "label": v.label} for v in Likelihood],
            "impact": [{"value": v.value, "label": v.label} for v in Impact],
        },
        "counts_by_level": c.counts_by_level,
        "target_counts_by_level": c.target_counts_by_level,
        "risks": [_risk_json(r) for r in c.risks],
        "heat_map": {"current": heat_map_json(c.heat_map.current), "target": heat_map_json(c.heat_map.target)},
        "changes": [change_json(x) for x in c.changes],
        "candidates": [candidate_json(x) for x in c.candidates],
        "footnotes": footnotes_json(c.footnotes),
        "flags": c.flags,
    }
    if model.cover is not None:
        out["cover"] = model.cover.to_json()
    return out
