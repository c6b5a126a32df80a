"""Parse and check the risk files of a bundle, across files and against the database.

Nothing is written here. Refusals go to ``errors`` (``file:line: column: reason``); data-quality
problems that the spec says to flag rather than refuse (risk.md §7) become warnings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from beacon.bundle.errors import BundleErrors
from beacon.bundle.reader import Bundle
from beacon.bundle.schema import Record, check_lengths
from beacon.domain.risk import Rating, target_problems

from .. import models
from . import specs


@dataclass
class RiskBundle:
    records: dict[str, list[Record]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def get(self, name: str) -> list[Record]:
        return self.records.get(name, [])


def rating_of(record: Record, prefix: str) -> Rating:
    l, i = record[f"{prefix}_likelihood"], record[f"{prefix}_impact"]
    return Rating(l.value if l else None, i.value if i else None, prefix)


def _directorate_codes(bundle: Bundle) -> set[str]:
    from beacon.core.models import Directorate

    codes = set(Directorate.objects.values_list("code", flat=True))
    sheet = bundle.sheets.get("directorates.csv")
    if sheet is not None:
        codes |= {(row.values.get("code") or "").strip() for row in sheet.rows}
    return codes


_LEVEL_IN_TEXT = re.compile(r"\brated as (High|Medium|Low)\b", re.I)


def validate(bundle: Bundle, errors: BundleErrors) -> RiskBundle:
    result = RiskBundle()
    for name, spec in specs.FILES.items():
        sheet = bundle.sheets.get(name)
        if sheet is not None:
            result.records[name] = spec.parse(sheet, errors)

    known = set(models.Risk.objects.values_list("risk_id", flat=True))
    in_file = {r["id"]: r for r in result.get("risks.csv")}
    known |= set(in_file)
    directorates = None

    for r in result.get("risks.csv"):
        if r["owner_directorates"]:
            directorates = directorates if directorates is not None else _directorate_codes(bundle)
            for code in r["owner_directorates"]:
                if code not in directorates:
                    errors.add(f"{r.where('owner_directorates')}: unknown directorate {code!r} (not in directorates.csv)")
        if r["status"] in ("merged", "closed") and not r["replaced_by"]:
            result.warnings.append(f"{r.where('replaced_by')}: {r['id']} is {r['status']} but names no replacement")
        for prefix in ("current", "target"):
            for column in (f"{prefix}_likelihood", f"{prefix}_impact"):
                reading = r[column]
                if reading is not None and reading.flag:
                    result.warnings.append(f"{r.where(column)}: {reading.flag.split(': ', 1)[1]}")
        try:
            current, target = rating_of(r, "current"), rating_of(r, "target")
        except ValueError:
            continue  # already reported by the row check
        for problem in target_problems(current, target, r["timescale_to_target"]):
            column = "timescale_to_target" if problem.startswith("timescale") else "target_likelihood"
            result.warnings.append(f"{r.where(column)}: {r['id']}: {problem.split(': ', 1)[1]}")

    for name in ("risk_ratings.csv", "controls.csv", "actions.csv"):
        for r in result.get(name):
            if r["risk"] not in known:
                errors.add(f"{r.where('risk')}: unknown risk {r['risk']!r} (not in risks.csv or the database)")

    for r in result.get("controls.csv"):
        owner = (r["owner"] or "").strip()
        if not owner:
            result.warnings.append(f"{r.where('owner')}: {r['risk']}: control has no owner")
        elif owner == r["title"].strip():
            result.warnings.append(f"{r.where('owner')}: {r['risk']}: control owner repeats its title")
    for r in result.get("actions.csv"):
        if (r["update"] or "").strip() and r["status"] in (None, "planned"):
            errors.add(f"{r.where('status')}: a progress update needs its status (complete, partially_complete, "
                       f"regular_review, not_completed or outstanding)")
        if not (r["owner"] or "").strip():
            result.warnings.append(f"{r.where('owner')}: {r['risk']}: action has no owner")

    for r in result.get("risk_candidates.csv"):
        if r["status"] == "entered" and not r["entered_as"]:
            errors.add(f"{r.where('entered_as')}: an entered candidate needs the risk id it was entered as")
        if r["entered_as"] and r["status"] != "entered":
            errors.add(f"{r.where('status')}: entered_as is given, so the status is entered")
        if r["closed_on"] and r["closed_on"] < r["raised_on"]:
            errors.add(f"{r.where('closed_on')}: {r['closed_on']} is before raised_on {r['raised_on']}")

    _check_events(result, in_file, errors)
    for name, columns in _text_limits().items():
        check_lengths(result.get(name), columns, errors)
    return result


def _text_limits() -> dict[str, dict[str, tuple]]:
    """Per file, the text columns stored in fields of limited length: column -> (model, field).
    The limits themselves are read from the models (PostgreSQL enforces them, SQLite does not)."""
    return {
        "registers.csv": {c: (models.Register, c) for c in ("code", "name", "owner_body")},
        "risks.csv": {"title": (models.Risk, "title"), "timescale_to_target": (models.Risk, "timescale_to_target"),
                      "register": (models.Register, "code")},
        "actions.csv": {"due": (models.Action, "due_text"), "status_as_printed": (models.ActionUpdate, "status_as_printed"),
                        "reported_in": (models.ActionUpdate, "reported_in")},
        "risk_events.csv": {c: (models.RiskEvent, c) for c in ("register", "reported_in")},
        "published_risks.csv": {c: (models.PublishedRisk, c) for c in (
            "title", "current_rating_as_printed", "target_rating_as_printed", "direction_as_printed", "edition_body")},
        "risk_candidates.csv": {c: (models.CandidateRisk, c) for c in ("theme", "reported_in")},
    }


def _check_events(result: RiskBundle, in_file: dict[str, Record], errors: BundleErrors) -> None:
    latest: dict[str, Record] = {}
    for r in result.get("risk_events.csv"):
        if r["event"] == "rerated" and (r["rating"] or "current") == "current":
            prior = latest.get(r["risk"])
            if prior is None or _when(r) >= _when(prior):
                latest[r["risk"]] = r
        risk = in_file.get(r["risk"])
        current = _safe_rating(risk, "current") if risk is not None else None
        if r["event"] == "new" and current is not None and current.is_tbc:
            match = _LEVEL_IN_TEXT.search(r["note"] or "")
            if match:
                result.warnings.append(
                    f"{r.where('note')}: {r['risk']}: the note says \"rated as {match.group(1)}\" but the current rating is TBC"
                )
        if r["event"] in ("rerated", "merged") and r["to_score"] is not None and r["from_score"] is not None:
            if r["direction"] == "increased" and r["to_score"] <= r["from_score"]:
                errors.add(f"{r.where('direction')}: increased, but to_score {r['to_score']} is not above from_score {r['from_score']}")
            if r["direction"] == "reduced" and r["to_score"] >= r["from_score"]:
                errors.add(f"{r.where('direction')}: reduced, but to_score {r['to_score']} is not below from_score {r['from_score']}")
    for risk_id, r in latest.items():
        risk = in_file.get(risk_id)
        current = _safe_rating(risk, "current") if risk is not None else None
        if current is not None and r["to_score"] is not None and current.score != r["to_score"]:
            result.warnings.append(
                f"{r.where('to_score')}: {risk_id}: the change note gives {r['to_score']} but risks.csv rates it "
                f"{current.display}"
            )


def _when(r: Record):
    import datetime as dt

    return r["occurred_by"] or r["occurred_after"] or dt.date.min


def _safe_rating(record: Record, prefix: str) -> Rating | None:
    try:
        return rating_of(record, prefix)
    except ValueError:
        return None
