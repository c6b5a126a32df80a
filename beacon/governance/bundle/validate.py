"""Parse and check the governance files of a bundle (import-format.md, Governance, "Validation").

Nothing is written here. Errors refuse the whole bundle and go to ``errors`` as
``file:line: column: reason``; the problems the format says to warn about (governance.md §12:
warn, do not fail) become warnings, reported with the import and kept with its run. The rules
that more than one part of Beacon checks (page ranges, vote counts, recommendations, missing
numbers) are those of :mod:`beacon.domain.governance_rules`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from beacon.bundle.errors import BundleErrors
from beacon.bundle.reader import Bundle
from beacon.bundle.schema import Record, check_lengths
from beacon.domain.governance import VoteChoice
from beacon.domain.governance_rules import (
    Name,
    PageRange,
    missing_numbers,
    page_range_problems,
    recommendations_differ,
    vote_count_problems,
)

from . import specs
from .specs import BODIES, KEY_COLUMN, MEETINGS, MOTIONS, PAPERS, PEOPLE

PRESENT = ("present", "substitute")
"""The categories that put a person in PRESENT (a substitute attends as a member)."""

ATTENDING = ("present", "substitute", "also_present", "in_attendance", "virtual", "late")
"""The whole-meeting categories a speaker may be in (apologies are not attendance)."""


@dataclass
class GovernanceBundle:
    records: dict[str, list[Record]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def get(self, name: str) -> list[Record]:
        return self.records.get(name, [])


def validate(bundle: Bundle, errors: BundleErrors) -> GovernanceBundle:
    result = GovernanceBundle()
    for name, spec in specs.FILES.items():
        sheet = bundle.sheets.get(name)
        if sheet is not None:
            result.records[name] = spec.parse(sheet, errors)
    if not result.records:
        return result
    keys = {name: {r[column]: r for r in result.get(name)} for name, column in KEY_COLUMN.items()}
    # every key the bundle gives, its row valid or not (a row refused for a bad cell is reported once,
    # not again by every row that names it)
    known = {name: {(row.values.get(column) or "").strip() for row in bundle.sheets[name].rows}
             if name in bundle.sheets else set() for name, column in KEY_COLUMN.items()}
    _check_references(result, known, errors)
    _check_cycles(result, errors)
    _check_rows(result, keys, errors)
    _check_minute_references(result, _minutes_given(bundle), errors)
    _check_running_series(result, keys, errors)
    for name, table in specs.TABLES.items():
        check_lengths(result.get(name), _text_columns(table), errors)
    if not errors:
        result.warnings = warnings(result, keys)
    return result


def _text_columns(table: specs.Table) -> dict[str, tuple]:
    """Text columns stored in fields of limited length: column -> (model, field)."""
    from django.db import models as dj

    out = {}
    for column, name in {**table.key, **table.fields}.items():
        if column in table.refs:
            continue
        f = table.model._meta.get_field(name)
        if isinstance(f, dj.CharField) and (not f.choices or name == "classification"):  # choices: by their parser
            out[column] = (table.model, name)
    return out


# --- references --------------------------------------------------------------------------


def _check_references(result: GovernanceBundle, keys: dict[str, set[str]], errors: BundleErrors) -> None:
    for name, table in specs.TABLES.items():
        for r in result.get(name):
            for column, target in table.refs.items():
                value = r[column]
                for key in (value if isinstance(value, list) else [value] if value is not None else []):
                    if key not in keys[target]:
                        errors.add(f"{r.where(column)}: unknown {_noun(target)} {key!r} (not in {target})")


def _noun(target: str) -> str:
    return {BODIES: "body", PEOPLE: "person", MEETINGS: "meeting", PAPERS: "paper", MOTIONS: "motion"}[target]


_SELF = {BODIES: "parent", MEETINGS: "business_moved_to", MOTIONS: "parent"}


def _check_cycles(result: GovernanceBundle, errors: BundleErrors) -> None:
    """A body's parent, a motion's parent and where a meeting's business moved to must not lead
    back to the row itself."""
    for name, column in _SELF.items():
        rows = {r[KEY_COLUMN[name]]: r for r in result.get(name)}
        for key, r in rows.items():
            seen, at = {key}, r[column]
            while at is not None and at in rows:
                if at in seen:
                    errors.add(f"{r.where(column)}: {key} leads back to itself through {column} ({at})")
                    break
                seen.add(at)
                at = rows[at][column]


def ordered(records: list[Record], name: str) -> list[Record]:
    """``records`` with each row after the row its self-reference names (parents first)."""
    column = _SELF.get(name)
    if column is None:
        return records
    rows = {r[KEY_COLUMN[name]]: r for r in records}
    out, done = [], set()

    def visit(r: Record, depth=0):
        key = r[KEY_COLUMN[name]]
        if key in done or depth > len(rows):
            return
        target = r[column]
        if target in rows:
            visit(rows[target], depth + 1)
        done.add(key)
        out.append(r)

    for r in records:
        visit(r)
    return out


# --- rows --------------------------------------------------------------------------------


def _check_rows(result: GovernanceBundle, keys: dict, errors: BundleErrors) -> None:
    meetings, papers = keys[MEETINGS], keys[PAPERS]

    for r in result.get("role_assignments.csv"):
        if r["from"] and r["to"] and r["to"] < r["from"]:
            errors.add(f"{r.where('to')}: {r['to']} is before from {r['from']}")

    for r in result.get("agendas.csv"):
        meeting = meetings.get(r["meeting"])
        if meeting is not None and r["dispatch_date"] and r["dispatch_date"] > meeting["date"]:
            errors.add(f"{r.where('dispatch_date')}: {r['dispatch_date']} is after the meeting ({meeting['date']})")

    papers_used: dict[str, Record] = {}
    for r in result.get("agenda_items.csv"):
        first, last = r["page_from"], r["page_to"]
        if (first is None) != (last is None):
            missing = "page_to" if last is None else "page_from"
            given = "page_from" if last is None else "page_to"
            errors.add(f"{r.where(missing)}: {given} is given, so {missing} is required (both page columns or neither)")
        elif first is not None and last < first:
            errors.add(f"{r.where('page_to')}: page {last} is before page_from {first}")
        has_range = first is not None and last is not None
        if r["pages_pending"] and (first is not None or last is not None):
            errors.add(f"{r.where('pages_pending')}: the item has a page range, so its pages are not pending")
        elif r["pages_pending"] and not r["paper"]:
            errors.add(f"{r.where('pages_pending')}: pages are pending only for an item with a paper")
        elif r["paper"] and first is None and last is None and not r["pages_pending"]:
            errors.add(f"{r.where('paper')}: item {r['number']} has a paper but no page range (page_from, page_to)")
        if has_range and not r["paper"]:
            errors.add(f"{r.where('paper')}: item {r['number']} has a page range but no paper")
        paper = papers.get(r["paper"]) if r["paper"] else None
        if paper is not None:
            if paper["meeting"] != r["meeting"] or paper["item"] != r["number"]:
                errors.add(f"{r.where('paper')}: paper {r['paper']} is item {paper['item']} of {paper['meeting']}, "
                           f"not item {r['number']} of {r['meeting']}")
            if r["paper"] in papers_used:
                errors.add(f"{r.where('paper')}: paper {r['paper']} is already the paper of line "
                           f"{papers_used[r['paper']].line}")
            papers_used[r["paper"]] = r
        if r["exempt_paragraph"] is not None and r["section"] != "exempt":
            errors.add(f"{r.where('exempt_paragraph')}: only an exempt item has a Schedule 12A paragraph")

    for r in result.get("minutes.csv"):
        meeting = meetings.get(r["meeting"])
        for column in ("approved_at_meeting", "noted_at_meeting"):
            at = meetings.get(r[column]) if r[column] else None
            if meeting is not None and at is not None and at["date"] < meeting["date"]:
                verb = "approved" if column.startswith("approved") else "noted"
                errors.add(f"{r.where(column)}: the minutes of {r['meeting']} ({meeting['date']}) cannot be {verb} "
                           f"at {r[column]}, an earlier meeting ({at['date']})")

    for r in result.get("pathways.csv"):
        if r["skip_reason"] and r["status"] != "skipped":
            errors.add(f"{r.where('skip_reason')}: only a skipped step has a skip reason")

    votes = _votes_by_motion(result)
    for r in result.get(MOTIONS):
        counts = _printed_counts(r)
        if r["recorded_vote"] and all(v is None for v in counts.values()):
            errors.add(f"{r.where('for_count_printed')}: a recorded vote needs its printed counts (For, Against, Abstain)")
            continue
        for choice in VoteChoice:
            if votes[r["id"]].get(choice) and counts[choice] is None:
                errors.add(f"{r.where(f'{choice.value}_count_printed')}: {len(votes[r['id']][choice])} "
                           f"{choice.value} votes are listed but no count is printed")
        if r["parent"] and r["parent"] in keys[MOTIONS] and keys[MOTIONS][r["parent"]]["meeting"] != r["meeting"]:
            errors.add(f"{r.where('parent')}: motion {r['parent']} is of another meeting")


def _printed_counts(r: Record) -> dict[VoteChoice, int | None]:
    return {c: r[f"{c.value}_count_printed"] for c in VoteChoice}


def _votes_by_motion(result: GovernanceBundle) -> dict[str, dict[VoteChoice, list[Record]]]:
    out: dict[str, dict[VoteChoice, list[Record]]] = defaultdict(lambda: defaultdict(list))
    for v in result.get("votes.csv"):
        out[v["motion"]][VoteChoice(v["vote"])].append(v)
    return out


_MINUTE_FILES = ("resolutions.csv", MOTIONS, "elections.csv", "questions.csv", "question_sessions.csv",
                 "petitions.csv", "declarations.csv")


def _minutes_given(bundle: Bundle) -> set[tuple[str, int]]:
    """Every (meeting, minute number) of ``minute_items.csv``, its row valid or not."""
    sheet = bundle.sheets.get("minute_items.csv")
    out = set()
    for row in sheet.rows if sheet is not None else []:
        try:
            out.add(((row.values.get("meeting") or "").strip(), specs.parse_whole(row.values.get("minute_number") or "")))
        except ValueError:
            continue
    return out


def _check_minute_references(result: GovernanceBundle, minutes: set, errors: BundleErrors) -> None:
    for name in _MINUTE_FILES:
        for r in result.get(name):
            if r["minute_number"] is not None and (r["meeting"], r["minute_number"]) not in minutes:
                errors.add(f"{r.where('minute_number')}: minute {r['minute_number']} of {r['meeting']} "
                           f"is not in minute_items.csv")
    for r in result.get("attendance.csv"):
        if r["category"] == "in_attendance_for_item":
            if r["minute_number"] is None:
                errors.add(f"{r.where('minute_number')}: in attendance for an item needs the minute that records it")
            elif (r["meeting"], r["minute_number"]) not in minutes:
                errors.add(f"{r.where('minute_number')}: minute {r['minute_number']} of {r['meeting']} "
                           f"is not in minute_items.csv")


def running_series(result: GovernanceBundle, keys: dict) -> dict[str, tuple[str, int]]:
    """Meeting id -> its running series, for the meetings whose minutes are numbered in one: the
    body and the series' number. A body's series runs on "across the year" (governance.md §8.1):
    from one annual meeting (``type`` ``annual``) to the next."""
    by_body: dict[str, list[Record]] = defaultdict(list)
    for r in result.get("minutes.csv"):
        meeting = keys[MEETINGS].get(r["meeting"])
        if r["numbering"] == "running" and meeting is not None:
            by_body[meeting["body"]].append(meeting)
    out = {}
    for body, meetings in by_body.items():
        series = 0
        for meeting in sorted(meetings, key=lambda m: (m["date"], m["start_time"] or dt.time.min, m["id"])):
            if meeting["type"] == "annual":
                series += 1
            out[meeting["id"]] = (body, series)
    return out


def _check_running_series(result: GovernanceBundle, keys: dict, errors: BundleErrors) -> None:
    """A minute number is unique in its series: within the meeting, or across the meetings of a
    body whose minutes run on from meeting to meeting."""
    series = running_series(result, keys)
    first: dict[tuple, Record] = {}
    for r in result.get("minute_items.csv"):
        if r["meeting"] not in series:
            continue
        body, number = series[r["meeting"]]
        earlier = first.get((body, number, r["minute_number"]))
        if earlier is not None and earlier["meeting"] != r["meeting"]:
            errors.add(f"{r.where('minute_number')}: minute {r['minute_number']} is already minute "
                       f"{r['minute_number']} of {earlier['meeting']} (line {earlier.line}): the minutes of "
                       f"{body} are numbered in one running series")
        else:
            first.setdefault((body, number, r["minute_number"]), r)


# --- warnings (governance.md §12: warn, do not fail) ---------------------------------------


def person_label(key: str, people: dict) -> str:
    """``love-r (Mr Love)``: a person key and the name minutes give them."""
    r = people.get(key)
    if r is None:
        return key
    name = Name(title=r["title"] or "", initials=r["initials"] or "", forename=r["forename"] or "",
                surname=r["surname"] or "", known_as=r["known_as"] or "", honours=tuple(r["honours"] or ()))
    return f"{key} ({name.formal})"


def _spans(numbers) -> str:
    numbers = sorted(set(numbers))
    return f"{numbers[0]}-{numbers[-1]}" if len(numbers) > 1 else str(numbers[0])


def warnings(result: GovernanceBundle, keys: dict) -> list[str]:
    out: list[str] = []
    people = keys[PEOPLE]
    label = lambda key: person_label(key, people)  # noqa: E731

    items_by_meeting: dict[str, list[Record]] = defaultdict(list)
    for r in result.get("agenda_items.csv"):
        items_by_meeting[r["meeting"]].append(r)
    agendas = {r["meeting"] for r in result.get("agendas.csv")} | set(items_by_meeting)

    # page ranges (§5)
    for meeting, items in items_by_meeting.items():
        ranges = [PageRange(i["number"], i["page_from"], i["page_to"]) for i in items
                  if i["page_from"] is not None and i["page_to"] is not None]
        for problem in page_range_problems(ranges):
            out.append(f"{meeting}: page ranges: {problem}")
    for r in result.get("agenda_items.csv"):
        if r["section"] == "exempt" and not (r["exempt_reason"] or "").strip():
            out.append(f"{r['meeting']}: exempt item {r['number']} ({r['title']}) has no exempt_reason")

    # recommendations (§6, §7)
    for r in result.get(PAPERS):
        if recommendations_differ(r["recommendation"], r["recommendation_body"]):
            out.append(f"paper {r['id']}: header recommendation differs from the body recommendation: "
                       f"{r['recommendation']!r} vs {r['recommendation_body']!r}")

    # minutes and agenda items (§8.1)
    minutes_by_meeting: dict[str, list[Record]] = defaultdict(list)
    for r in result.get("minute_items.csv"):
        minutes_by_meeting[r["meeting"]].append(r)
    for meeting, minutes in minutes_by_meeting.items():
        numbers = [m["minute_number"] for m in minutes]
        gaps = missing_numbers(numbers)
        if gaps:
            out.append(f"{meeting}: minute numbers have gaps: {gaps} (minute numbers: {_spans(numbers)})")
        item_numbers = [m["item_number"] for m in minutes if m["item_number"] is not None]
        if meeting in agendas:
            on_agenda = {i["number"] for i in items_by_meeting.get(meeting, [])}
            for m in minutes:
                if m["item_number"] is not None and m["item_number"] not in on_agenda:
                    out.append(f"minute {meeting} {m['minute_number']}: (Item {m['item_number']}) is not on the "
                               f"meeting's agenda")
            without = sorted(on_agenda - set(item_numbers))
            if without:
                out.append(f"{meeting}: agenda item(s) {without} have no minute")
        elif item_numbers:
            without = missing_numbers(item_numbers)
            if without:
                out.append(f"{meeting}: agenda item(s) {without} have no minute "
                           f"(item numbers of the minutes: {_spans(item_numbers)})")

    # outcomes (§8.2)
    resolved = {(r["meeting"], r["minute_number"]) for r in result.get("resolutions.csv")}
    for m in result.get("minute_items.csv"):
        if m["outcome_kind"] in ("resolved", "noted") and (m["meeting"], m["minute_number"]) not in resolved:
            out.append(f"minute {m['meeting']} {m['minute_number']}: the outcome is {m['outcome_kind']} but "
                       f"resolutions.csv has no row for it")

    # attendance (§8.3)
    by_category: dict[tuple[str, str], set[str]] = defaultdict(set)
    for_item: dict[tuple[str, int], set[str]] = defaultdict(set)
    for a in result.get("attendance.csv"):
        by_category[(a["meeting"], a["category"])].add(a["person"])
        if a["category"] == "in_attendance_for_item":
            for_item[(a["meeting"], a["minute_number"])].add(a["person"])

    def present(meeting: str) -> set[str]:
        return set().union(*(by_category[(meeting, c)] for c in PRESENT))

    def attending(meeting: str) -> set[str]:
        return set().union(*(by_category[(meeting, c)] for c in ATTENDING))

    meetings_with_attendance = sorted({a["meeting"] for a in result.get("attendance.csv")})
    for meeting in meetings_with_attendance:
        here = present(meeting)
        for category, words in (("virtual", "is present virtually"), ("late", "arrived late")):
            for key in sorted(by_category[(meeting, category)] - here):
                out.append(f"{meeting}: {label(key)} {words} but is not in PRESENT")
        for key in sorted(by_category[(meeting, "apologies")] & here):
            out.append(f"{meeting}: {label(key)} is both present and an apology")

    for m in result.get("minute_items.csv"):
        allowed = attending(m["meeting"]) | for_item[(m["meeting"], m["minute_number"])]
        for key in m["speakers"] or []:
            if key not in allowed:
                out.append(f"minute {m['meeting']} {m['minute_number']}: speaker {label(key)} is not in the "
                           f"attendance of the meeting or the item")

    # motions and recorded votes (§8.6)
    votes = _votes_by_motion(result)
    for r in result.get(MOTIONS):
        here = present(r["meeting"])
        for role in ("proposer", "seconder"):
            if r[role] and r[role] not in here:
                out.append(f"motion {r['id']}: {role} {label(r[role])} is not in PRESENT")
        listed = votes.get(r["id"], {})
        for choice in VoteChoice:
            for v in listed.get(choice, []):
                if v["person"] not in here:
                    out.append(f"motion {r['id']}: voter {label(v['person'])} ({choice.value}) is not in PRESENT")
        if r["recorded_vote"] or listed:
            names = {c: [v["person"] for v in listed.get(c, [])] for c in VoteChoice}
            problems = [p for p in vote_count_problems(_printed_counts(r), names) if "no count printed" not in p]
            if problems:
                voted = {v["person"] for vs in listed.values() for v in vs}
                silent = sorted(here - voted)
                who = ", ".join(label(k) for k in silent) if silent else "nobody"
                out.append(f"motion {r['id']}: printed vote count differs from the names listed: "
                           f"{'; '.join(problems)}; present but did not vote: {who}")

    # elections (§8.8)
    for r in result.get("elections.csv"):
        here = present(r["meeting"])
        for role, words in (("person", "elected person"), ("proposer", "proposer"), ("seconder", "seconder")):
            if r[role] and r[role] not in here:
                out.append(f"election {r['meeting']} minute {r['minute_number']} ({r['office']}): {words} "
                           f"{label(r[role])} is not in PRESENT")
    return out
