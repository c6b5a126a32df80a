"""The risk files of a data bundle, column by column (import-format.md, Risk; risk.md §9).

Columns beyond the contract (the contract allows optional columns and files):

* ``risks.csv``: ``rated_on``, the date the row speaks for: its current and target ratings took
  effect then, and so did the changes the import makes to its content and to the controls and
  actions listed for it (default: the day of the import). Editions read the register as it stood
  on their date from these dates.
* ``risk_ratings.csv``: ``kind`` (``current``, the default, or ``target``) and ``reason``, so that
  the whole rating history, targets included, can be exported and re-imported.
* ``actions.csv``: ``status_as_printed``, ``reported_in`` and ``updated_on`` for the progress
  update; ``updated_on`` is the date the update speaks for (default: the day of the import).
* ``risk_events.csv`` and ``published_risks.csv`` are the two extension files of risk.md §9.
  ``published_risks.csv`` may name the edition its rows were printed in (``edition_body``,
  ``edition_date``, both or neither), so that each edition keeps its own printed summary.
* ``registers.csv`` (Beacon's own extension): the registers, with the council's words for them
  (``code``, ``name``: the title printed on the register's editions, ``owner_body``: the body that
  receives it, ``other_bodies``: the other bodies that receive it whole, separated by ``;``).
* ``risk_candidates.csv`` (Beacon's own extension): candidate risks, themes with no id yet
  (``theme``, ``raised_on``, ``note``, ``status`` open/entered/dropped, ``entered_as``,
  ``closed_on``, ``reported_in``).
"""

from __future__ import annotations

from beacon.bundle.errors import BundleErrors
from beacon.bundle.schema import Column, FileSpec, Record, choice, parse_date, parse_list
from beacon.domain.risk import RiskRuleError, check_risk_id, check_scale_value, check_score, parse_due, parse_scale

from ..models import ACTION_STATUSES, EVENTS, STATUSES


def _rule(fn):
    def parse(text: str):
        try:
            return fn(text)
        except RiskRuleError as exc:
            # the schema adds "file:line: column:", so drop the field name the rule put first
            message = str(exc)
            raise ValueError(message.split(": ", 1)[1] if ": " in message else message) from None

    return parse


parse_id = _rule(check_risk_id)


def _ids(text: str) -> list[str]:
    return [check_risk_id(part) for part in parse_list(text)]


parse_ids = _rule(_ids)


def _scale(kind: str):
    return _rule(lambda text: parse_scale(text, kind))


def _whole_scale(text: str) -> int:
    raw = text.strip()
    try:
        return check_scale_value(int(raw), "value")
    except ValueError:
        raise RiskRuleError(f"value: {text!r} is not a whole number from 1 to 5") from None


parse_scale_number = _rule(_whole_scale)


def _score(text: str) -> int:
    raw = text.strip()
    if not raw.lstrip("-").isdigit():
        raise RiskRuleError(f"score: {text!r} is not a whole number")
    return check_score(int(raw), "score")


parse_score = _rule(_score)
parse_due_cell = _rule(parse_due)


def _value(reading):
    return None if reading is None else reading.value


def _check_risk(record: Record, errors: BundleErrors) -> None:
    for prefix in ("current", "target"):
        l_col, i_col = f"{prefix}_likelihood", f"{prefix}_impact"
        if (_value(record[l_col]) is None) != (_value(record[i_col]) is None):
            missing = i_col if _value(record[i_col]) is None else l_col
            errors.add(f"{record.where(missing)}: the {prefix} rating needs both likelihood and impact, or neither for TBC")


def _check_rating(record: Record, errors: BundleErrors) -> None:
    # the contract requires both; Beacon also reads a TBC row (both empty), which its export writes
    if (record["likelihood"] is None) != (record["impact"] is None):
        missing = "impact" if record["impact"] is None else "likelihood"
        errors.add(f"{record.where(missing)}: a value is required (give both likelihood and impact)")


def _check_printed(record: Record, errors: BundleErrors) -> None:
    if (record["edition_body"] is None) != (record["edition_date"] is None):
        missing = "edition_date" if record["edition_date"] is None else "edition_body"
        errors.add(f"{record.where(missing)}: give the edition's body and date together, or neither")


def _check_register(record: Record, errors: BundleErrors) -> None:
    if record["code"] == "corporate" and not (record["owner_body"] or "").strip():
        errors.add(f"{record.where('owner_body')}: the corporate register needs the body that receives it, e.g. Cabinet")


def _check_event(record: Record, errors: BundleErrors) -> None:
    after, by = record["occurred_after"], record["occurred_by"]
    if after and by and after > by:
        errors.add(f"{record.where('occurred_after')}: {after} is after occurred_by {by}")
    if record["event"] in ("delegated", "de_escalated") and not record["register"]:
        errors.add(f"{record.where('register')}: a {record['event']} event needs the register it moved to")


RISKS = FileSpec(
    "risks.csv",
    [
        Column("id", parse_id, required=True),
        Column("title", required=True),
        Column("register"),
        Column("owner", parse_list, required=True),
        Column("owner_directorates", parse_list),
        Column("cabinet_members", parse_list),
        Column("cause"),
        Column("event"),
        Column("consequence"),
        Column("current_likelihood", _scale("current likelihood")),
        Column("current_impact", _scale("current impact")),
        Column("target_likelihood", _scale("target likelihood")),
        Column("target_impact", _scale("target impact")),
        Column("timescale_to_target"),
        Column("status", choice(*STATUSES)),
        Column("replaced_by", parse_ids),
        Column("review_note"),
        Column("rated_on", parse_date),
    ],
    key=("id",),
    row_check=_check_risk,
)

RISK_RATINGS = FileSpec(
    "risk_ratings.csv",
    [
        Column("risk", parse_id, required=True),
        Column("date", parse_date, required=True),
        Column("likelihood", parse_scale_number),
        Column("impact", parse_scale_number),
        Column("kind", choice("current", "target")),
        Column("reason"),
    ],
    key=("risk", "kind", "date"),
    row_check=_check_rating,
)

CONTROLS = FileSpec(
    "controls.csv",
    [
        Column("risk", parse_id, required=True),
        Column("title", required=True),
        Column("owner"),
    ],
    key=("risk", "title"),
)

ACTIONS = FileSpec(
    "actions.csv",
    [
        Column("risk", parse_id, required=True),
        Column("title", required=True),
        Column("owner"),
        Column("due", parse_due_cell),
        Column("status", choice(*ACTION_STATUSES)),
        Column("update"),
        Column("status_as_printed"),
        Column("reported_in"),
        Column("updated_on", parse_date),
    ],
    key=("risk", "title"),
    description="(risk, title) is unique: the same action twice with two dates is refused; a date change is a revision.",
)

RISK_EVENTS = FileSpec(
    "risk_events.csv",
    [
        Column("risk", parse_id, required=True),
        Column("event", choice(*EVENTS), required=True),
        Column("occurred_after", parse_date),
        Column("occurred_by", parse_date),
        Column("rating", choice("current", "target")),
        Column("direction", choice("increased", "reduced", "unchanged")),
        Column("from_score", parse_score),
        Column("to_score", parse_score),
        Column("related", parse_ids),
        Column("register"),
        Column("reported_in"),
        Column("note"),
    ],
    key=("risk", "event", "rating", "occurred_by"),
    row_check=_check_event,
)

PUBLISHED_RISKS = FileSpec(
    "published_risks.csv",
    [
        Column("id", parse_id, required=True),
        Column("title"),
        Column("current_rating_as_printed"),
        Column("target_rating_as_printed"),
        Column("direction_as_printed"),
        Column("edition_body"),
        Column("edition_date", parse_date),
    ],
    key=("id", "edition_body", "edition_date"),
    row_check=_check_printed,
    description="The summary as printed, for checking; edition_body and edition_date name the edition it was printed in.",
)

REGISTERS = FileSpec(
    "registers.csv",
    [
        Column("code", required=True),
        Column("name", required=True),
        Column("owner_body"),
        Column("other_bodies", parse_list),
    ],
    key=("code",),
    row_check=_check_register,
    description="Registers: code (corporate, or a directorate or service register), the name printed on its "
                "editions, the body that receives it, and the other bodies that receive it whole.",
)

RISK_CANDIDATES = FileSpec(
    "risk_candidates.csv",
    [
        Column("theme", required=True),
        Column("raised_on", parse_date, required=True),
        Column("note"),
        Column("status", choice("open", "entered", "dropped")),
        Column("entered_as", parse_id),
        Column("closed_on", parse_date),
        Column("reported_in"),
    ],
    key=("theme",),
    description="Candidate risks: themes being considered for the register, with no id yet.",
)

FILES: dict[str, FileSpec] = {
    s.name: s for s in (REGISTERS, RISKS, RISK_RATINGS, CONTROLS, ACTIONS, RISK_EVENTS, PUBLISHED_RISKS, RISK_CANDIDATES)
}


def owns(name: str) -> bool:
    return name in FILES
