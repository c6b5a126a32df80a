"""The performance files of a data bundle, column by column (import-format.md, Performance).

Columns beyond the contract (allowed by it: "add optional columns and files freely"):

* ``observations.csv``: ``manual_dot``, ``manual_dot_reason`` (a recorded direction of travel
  for a KPI whose trend cannot be computed from the data held), ``manual_severity``,
  ``manual_severity_reason`` (a recorded severity for a Red KPI whose gap to the floor standard
  cannot be measured), ``illustrative`` (a value that is not a published figure: charted and
  marked, never rated).
* ``activity_observations.csv``: ``illustrative``.
* ``directorates.csv``: ``kpi_heading`` (the heading of the directorate's KPI panels in the
  report; blank: "Key Performance Indicators").
* ``targets.csv``: ``decimals`` (the display and comparison precision of the KPI in that
  financial year, when it differs from the KPI's ``decimals``).
* ``published_counts.csv`` (new file): the counts a council published for a period, per
  directorate or in total, used as the comparison counts of change clauses.
* ``commentary.csv`` (new file): authored commentary per period, directorate, sub-area or KPI.
* ``target_changes.csv`` (new file): the history of each KPI's targets and floor standards: who
  changed which value, when, why and who approved it (``docs/targets.md``).
"""

from __future__ import annotations

from beacon.bundle.errors import BundleErrors
from beacon.bundle.schema import (
    Column,
    FileSpec,
    Record,
    choice,
    parse_bool,
    parse_date,
    parse_financial_year,
    parse_integer,
    parse_list,
    parse_non_negative_integer,
    parse_number,
    parse_period_text,
)
from beacon.domain.periods import Quarter
from beacon.domain.severity import Severity
from beacon.domain.targets import TargetField

UNITS = ("percent", "count", "days", "tonnes", "rate", "seconds", "currency", "ratio", "score")
POLARITIES = ("higher", "lower", "range")
RAGS = ("GREEN", "AMBER", "RED")
DOTS = ("improving", "stable", "worsening")
SOURCES = ("published", "derived", "assumed")
SEVERITIES = tuple(s.value for s in Severity)

parse_unit = choice(*UNITS)
parse_polarity = choice(*POLARITIES)
parse_rag = choice(*RAGS)
parse_dot = choice(*DOTS)
parse_source = choice(*SOURCES)
parse_severity = choice(*SEVERITIES)


def parse_quarter(text: str) -> Quarter:
    period = parse_period_text(text)
    if not isinstance(period, Quarter):
        raise ValueError(f"{text!r} is a month; a quarter is needed here (write it like 2022/23 Q2)")
    return period


def _check_directorate(record: Record, errors: BundleErrors) -> None:
    if record["display_order"] is not None and record["display_order"] < 0:
        errors.add(f"{record.where('display_order')}: must not be negative")


def _check_decimals(record: Record, errors: BundleErrors) -> None:
    decimals = record["decimals"]
    if decimals is not None and decimals > 6:
        errors.add(f"{record.where('decimals')}: {decimals} is more than the 6 decimals a report can show")


def _check_observation(record: Record, errors: BundleErrors) -> None:
    if record["value"] is None and record["manual_rating"] is None:
        errors.add(f"{record.where('value')}: a value is required unless a manual_rating is given")
    if record["manual_rating"] is not None and not record["manual_reason"]:
        errors.add(f"{record.where('manual_reason')}: a manual_rating needs its reason")
    if record["manual_reason"] and record["manual_rating"] is None:
        errors.add(f"{record.where('manual_rating')}: manual_reason is given but no manual_rating")
    if record["manual_dot"] is not None and not record["manual_dot_reason"]:
        errors.add(f"{record.where('manual_dot_reason')}: a manual_dot needs its reason")
    if record["manual_dot_reason"] and record["manual_dot"] is None:
        errors.add(f"{record.where('manual_dot')}: manual_dot_reason is given but no manual_dot")
    if record["manual_severity"] is not None and not record["manual_severity_reason"]:
        errors.add(f"{record.where('manual_severity_reason')}: a manual_severity needs its reason")
    if record["manual_severity_reason"] and record["manual_severity"] is None:
        errors.add(f"{record.where('manual_severity')}: manual_severity_reason is given but no manual_severity")
    if record["manual_severity"] is not None and record["manual_rating"] not in (None, "RED"):
        errors.add(
            f"{record.where('manual_severity')}: a manual_severity is for a KPI rated Red, "
            f"not with manual_rating {record['manual_rating']}"
        )


def _check_published(record: Record, errors: BundleErrors) -> None:
    if record["published_rag"] is None and record["published_dot"] is None:
        errors.add(f"{record.where('published_rag')}: give a published_rag, a published_dot or both")


DIRECTORATES = FileSpec(
    "directorates.csv",
    [
        Column("code", required=True),
        Column("name", required=True),
        Column("section_title"),
        Column("cabinet_members", parse_list),
        Column("corporate_director"),
        Column("director_label"),
        Column("display_order", parse_integer),
        Column("kpi_heading"),
    ],
    key=("code",),
    row_check=_check_directorate,
)

KPIS = FileSpec(
    "kpis.csv",
    [
        Column("code", required=True),
        Column("name", required=True),
        Column("short_name"),
        Column("directorate", required=True),
        Column("sub_area"),
        Column("unit", parse_unit, required=True),
        Column("unit_label"),
        Column("polarity", parse_polarity, required=True),
        Column("decimals", parse_non_negative_integer),
        Column("frequency", choice("quarterly", "monthly", "annual")),
        Column("rolling_12_months", parse_bool),
        Column("in_arrears", parse_bool),
        Column("notes"),
        Column("first_year", parse_financial_year),
    ],
    key=("code",),
    row_check=_check_decimals,
)

TARGETS = FileSpec(
    "targets.csv",
    [
        Column("kpi", required=True),
        Column("financial_year", parse_financial_year, required=True),
        Column("target", parse_number),
        Column("floor", parse_number),
        Column("target_low", parse_number),
        Column("target_high", parse_number),
        Column("floor_low", parse_number),
        Column("floor_high", parse_number),
        Column("target_source", parse_source),
        Column("floor_source", parse_source),
        Column("effective_from", parse_quarter),
        Column("decimals", parse_non_negative_integer),
    ],
    key=("kpi", "financial_year", "effective_from"),
    row_check=_check_decimals,
)

OBSERVATIONS = FileSpec(
    "observations.csv",
    [
        Column("kpi", required=True),
        Column("period", parse_period_text, required=True),
        Column("value", parse_number),
        Column("status", choice("provisional", "final")),
        Column("note"),
        Column("manual_rating", parse_rag),
        Column("manual_reason"),
        Column("manual_dot", parse_dot),
        Column("manual_dot_reason"),
        Column("manual_severity", parse_severity),
        Column("manual_severity_reason"),
        Column("illustrative", parse_bool),
    ],
    key=("kpi", "period"),
    row_check=_check_observation,
)

ACTIVITY_INDICATORS = FileSpec(
    "activity_indicators.csv",
    [
        Column("code", required=True),
        Column("name", required=True),
        Column("directorate", required=True),
        Column("unit", parse_unit, required=True),
        Column("decimals", parse_non_negative_integer),
        Column("notes"),
    ],
    key=("code",),
)

ACTIVITY_OBSERVATIONS = FileSpec(
    "activity_observations.csv",
    [
        Column("indicator", required=True),
        Column("period", parse_period_text, required=True),
        Column("value", parse_number, required=True),
        Column("lower_threshold", parse_number),
        Column("upper_threshold", parse_number),
        Column("benchmark", parse_number),
        Column("target", parse_number),
        Column("illustrative", parse_bool),
    ],
    key=("indicator", "period"),
)

PUBLISHED = FileSpec(
    "published.csv",
    [
        Column("kpi", required=True),
        Column("period", parse_quarter, required=True),
        Column("published_rag", parse_rag),
        Column("published_dot", parse_dot),
        Column("source_note"),
    ],
    key=("kpi", "period"),
    row_check=_check_published,
)

PUBLISHED_COUNTS = FileSpec(
    "published_counts.csv",
    [
        Column("period", parse_quarter, required=True),
        Column("directorate"),
        Column("green", parse_non_negative_integer),
        Column("amber", parse_non_negative_integer),
        Column("red", parse_non_negative_integer),
        Column("improving", parse_non_negative_integer),
        Column("stable", parse_non_negative_integer),
        Column("worsening", parse_non_negative_integer),
        Column("source_note"),
    ],
    key=("period", "directorate"),
)

COMMENTARY = FileSpec(
    "commentary.csv",
    [
        Column("period", parse_quarter, required=True),
        Column("directorate"),
        Column("sub_area"),
        Column("kpi"),
        Column("topic"),
        Column("text", required=True),
        Column("author"),
        Column("display_order", parse_integer),
    ],
    key=("period", "directorate", "sub_area", "kpi", "topic"),
)

TABLES = FileSpec(
    "tables.csv",
    [
        Column("name", required=True),
        Column("title", required=True),
        Column("directorate", required=True),
        Column("period", parse_quarter, required=True),
        Column("row_columns", parse_list, required=True),
        Column("value_columns", parse_list, required=True),
        Column("footnotes"),
    ],
    key=("name",),
    description="A table name is unique: a table printed again in a later period gets its own name.",
)

def parse_instant(text: str):
    import datetime as dt

    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a date and time (write it as YYYY-MM-DDTHH:MM:SS+00:00)") from None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


TARGET_CHANGES = FileSpec(
    "target_changes.csv",
    [
        Column("kpi", required=True),
        Column("financial_year", parse_financial_year, required=True),
        Column("effective_from", parse_quarter),
        Column("field", choice(*(f.value for f in TargetField)), required=True),
        Column("old_value", parse_number),
        Column("new_value", parse_number),
        Column("reason", required=True),
        Column("changed_by", required=True),
        Column("changed_at", parse_instant, required=True),
        Column("approved_by", help="blank: not recorded"),
        Column("approved_on", parse_date),
        Column("source"),
    ],
    key=("kpi", "financial_year", "effective_from", "field", "changed_at"),
    description="Beacon's own file: each change of a target or floor standard (docs/targets.md).",
)

FILES: dict[str, FileSpec] = {
    spec.name: spec
    for spec in (
        DIRECTORATES,
        KPIS,
        TARGETS,
        OBSERVATIONS,
        ACTIVITY_INDICATORS,
        ACTIVITY_OBSERVATIONS,
        PUBLISHED,
        PUBLISHED_COUNTS,
        COMMENTARY,
        TABLES,
        TARGET_CHANGES,
    )
}


def is_table_file(name: str) -> bool:
    return name.startswith("tables/") and name.endswith(".csv")


def owns(name: str) -> bool:
    """Whether a bundle file belongs to the performance half of the contract."""
    return name in FILES or is_table_file(name)
