"""The JSON model of a register edition (docs/register-model.md)."""

from __future__ import annotations

import datetime as dt

from beacon.domain.risk import IMPACT, LIKELIHOOD, Level
from beacon.risk.editions import build_edition, create_edition
from beacon.risk.models import Edition

SCHEMA = "beacon.register/1"


def edition_for(body: str, date: dt.date, *, baseline: dt.date | None = None, draft: bool = False,
                by: str = "beacon") -> tuple[dict, Edition | None]:
    """The edition's content: frozen (created on first use, then read back unchanged) or, with
    ``draft``, computed now and not stored."""
    if draft:
        return build_edition(body, date, baseline), None
    edition = create_edition(body, date, by=by, baseline=baseline)
    return edition.snapshot, edition


def _rating(r: dict) -> dict:
    return {k: r[k] for k in ("likelihood", "impact", "score", "level", "display", "likelihood_label", "impact_label")}


def build_register_model(content: dict, edition: Edition | None = None) -> dict:
    risks = []
    for r in content["risks"]:
        risks.append({
            "id": r["id"],
            "title": r["title"],
            "status": r["status"],
            "register": r["register"],
            "owners": r["owners"],
            "owner_directorates": r["owner_directorates"],
            "cabinet_members": r["cabinet_members"],
            "current": _rating(r["current"]),
            "target": _rating(r["target"]),
            "timescale_to_target": r["timescale_to_target"],
            "at_target": r["at_target"],
            "direction": r["direction"],
            "footnote_marker": r.get("footnote_marker"),
            "review_note": r["review_note"],
            "cross_references": r["cross_references"],
            "cause": r["cause"],
            "event": r["event"],
            "consequence": r["consequence"],
            "controls": r["controls"],
            "actions": r["actions"],
            "flags": r["flags"],
        })
    return {
        "schema": SCHEMA,
        "title": content["title"],
        "body": content["body"],
        "date": content["date"],
        "heading": content["heading"],
        "directorate": content["directorate"],
        "baseline": {
            "date": content["baseline_date"],
            "basis": content["baseline_basis"],
            "heading": content["direction_heading"],
            "month": dt.date.fromisoformat(content["baseline_date"]).strftime("%B %Y"),
        },
        "edition": {
            "frozen": edition is not None,
            "created_by": edition.created_by if edition else None,
            "created_at": edition.created_at.isoformat() if edition else None,
        },
        "band_line": content["band_line"],
        "bands": [{"level": level.value, "from": level.bounds[0], "to": level.bounds[1]} for level in Level],
        "scales": {
            "likelihood": [{"value": n, "label": LIKELIHOOD[n]} for n in range(1, 6)],
            "impact": [{"value": n, "label": IMPACT[n]} for n in range(1, 6)],
        },
        "counts_by_level": content["counts_by_level"],
        "target_counts_by_level": content["target_counts_by_level"],
        "risks": risks,
        "heat_map": content["heat_map"],
        "changes": content.get("changes", []),
        "candidates": content.get("candidates", []),
        "footnotes": content["footnotes"],
        "flags": content["flags"],
    }
