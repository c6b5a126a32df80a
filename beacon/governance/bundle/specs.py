"""The governance files of a data bundle, column by column (import-format.md, Governance).

Every file and column of the format is here, with its type and allowed values; the cell parsers
are those of :mod:`beacon.bundle.schema`. Each file is described once as a :class:`Table`: its
columns, the model that holds its rows, the columns that name the row (its natural key), the
columns that refer to another file, and which model field each column is stored in. The
checks (:mod:`.validate`), the loader (:mod:`.load`) and the export (:mod:`.export`) all read
these tables.

Beacon's extension columns (optional; a bundle without them imports as before):

* ``bodies.csv``: ``quorum`` (a whole number), ``default_access`` (``public``, the default, or
  ``private``), ``meeting_frequency`` (as printed).
* ``meetings.csv``: ``business_moved_to``, for a cancelled meeting, the meeting that took its
  business (a key of ``meetings.csv``).
* ``agenda_items.csv``: ``exempt_paragraph`` (the paragraph of Schedule 12A to the Local
  Government Act 1972, 1 to 7) and ``public_interest_reason`` (as printed).
* ``agenda_items.csv``: ``pages_pending``: ``true`` for an item whose paper is in Beacon but whose
  pages are not known yet (Beacon computes them when it assembles the pack); such an item has a
  paper and no page range. Not stored: the export writes it for every item with a paper and no
  pages, so that an agenda Beacon is still preparing re-imports unchanged.
* ``papers.csv``: ``document``, the document Beacon renders as the paper's pages:
  ``qpr:<period>`` (``qpr:2022/23 Q2``, or ``qpr:<period>#<n>`` for an edition), ``register:<body>@<YYYY-MM-DD>``
  or ``minutes:<meeting id>``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from beacon.bundle.schema import (
    Column,
    FileSpec,
    choice,
    parse_bool,
    parse_date,
    parse_list,
    parse_non_negative_integer,
)
from beacon.domain import governance as g

from .. import models

BODIES, PEOPLE, MEETINGS, PAPERS, MOTIONS = "bodies.csv", "people.csv", "meetings.csv", "papers.csv", "motions.csv"


def _enum(enum) -> choice:
    return choice(*(m.value for m in enum))


def parse_time(text: str) -> dt.time:
    raw = text.strip()
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", raw)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour < 24 and minute < 60:
            return dt.time(hour, minute)
    raise ValueError(f"{text!r} is not a time (write it as HH:MM, 24-hour: 10:00, 16:30)")


MAX_WHOLE = 2_147_483_647
"""The largest whole number a column holds (the databases' integer fields)."""


def parse_whole(text: str) -> int:
    value = parse_non_negative_integer(text)
    if value > MAX_WHOLE:
        raise ValueError(f"{text!r} is too large")
    return value


def parse_positive(text: str) -> int:
    value = parse_whole(text)
    if value < 1:
        raise ValueError(f"{text!r} must be 1 or more")
    return value


def parse_positions(text: str) -> list[int]:
    return [parse_positive(part) for part in parse_list(text)]


def parse_classification(text: str) -> str:
    """``Classification:`` (alias ``Status:``) as printed; ``Unrestricted`` and ``Exempt`` (any case)
    are stored as the section they name."""
    raw = " ".join(text.split())
    for section in g.Section:
        if raw.lower() == section.value:
            return section.value
    return raw


def parse_exempt_paragraph(text: str) -> int:
    value = parse_positive(text)
    if value > 7:
        raise ValueError(f"{text!r} is not a paragraph of Schedule 12A (1 to 7)")
    return value


_PRINTED_IN = ("header", "body")


def parse_printed_in(text: str) -> list[str]:
    parts = parse_list(text)
    for part in parts:
        if part.lower() not in _PRINTED_IN:
            raise ValueError(f"{part!r} is not one of: header, body (write header, body or header;body)")
    return [p.lower() for p in parts]


_DOCUMENT = re.compile(r"^(?:qpr:(?P<period>[^#]+?)(?:#(?P<edition>\d+))?"
                       r"|register:(?P<body>[^@]+)@(?P<date>\d{4}-\d{2}-\d{2})"
                       r"|minutes:(?P<meeting>\S+))$")


def parse_document(text: str) -> str:
    raw = text.strip()
    match = _DOCUMENT.match(raw)
    if match and match.group("date"):
        parse_date(match.group("date"))
    if not match:
        raise ValueError(f"{text!r} is not a document Beacon renders (write qpr:<period> such as "
                         f"qpr:2022/23 Q2, register:<body>@<YYYY-MM-DD> or minutes:<meeting id>)")
    return raw


def document_meeting(ref: str | None) -> str | None:
    """The meeting a ``minutes:<meeting id>`` document names (None for other documents)."""
    match = _DOCUMENT.match(ref or "")
    return match.group("meeting") if match else None


@dataclass(frozen=True)
class Table:
    """One governance file: its spec, the model holding its rows, its natural key (columns ->
    model fields), its references (column -> the file whose key it names), and where the other
    columns are stored (column -> model field)."""

    spec: FileSpec
    model: type
    entity: str
    key: dict[str, str]
    fields: dict[str, str]
    refs: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, object] = field(default_factory=dict)  # model field -> value for an empty cell

    @property
    def name(self) -> str:
        return self.spec.name


_SOURCE = Column("source_ref")

_tables: list[Table] = []


def _table(name, columns, model, entity, key, fields, refs=None, defaults=None, row_check=None) -> Table:
    spec = FileSpec(name, [*columns, _SOURCE], key=tuple(key), row_check=row_check)
    t = Table(spec, model, entity, dict(key), {**fields, "source_ref": "source_ref"}, refs or {}, defaults or {})
    _tables.append(t)
    return t


_table(BODIES, [
    Column("code", required=True), Column("name", required=True), Column("kind", _enum(g.BodyKind), required=True),
    Column("parent"), Column("aliases", parse_list), Column("status", _enum(g.BodyStatus)),
    Column("disbanded_on", parse_date), Column("note"),
    Column("quorum", parse_positive), Column("default_access", _enum(g.Access)), Column("meeting_frequency"),
], models.Body, "body", {"code": "code"},
    {"name": "name", "kind": "kind", "parent": "parent", "aliases": "aliases", "status": "status",
     "disbanded_on": "disbanded_on", "note": "note", "quorum": "quorum", "default_access": "default_access",
     "meeting_frequency": "meeting_frequency"},
    refs={"parent": BODIES}, defaults={"status": g.BodyStatus.ACTIVE.value, "default_access": g.Access.PUBLIC.value})

_table(PEOPLE, [
    Column("id", required=True), Column("title"), Column("initials"), Column("forename"),
    Column("surname", required=True), Column("known_as"), Column("honours", parse_list),
    Column("is_member", parse_bool), Column("political_group"), Column("email"), Column("phone"), Column("note"),
], models.Person, "person", {"id": "key"},
    {c: c for c in ("title", "initials", "forename", "surname", "known_as", "honours", "is_member",
                    "political_group", "email", "phone", "note")})

_table("role_assignments.csv", [
    Column("person", required=True), Column("role", _enum(g.RoleKind), required=True), Column("portfolio_or_post"),
    Column("body"), Column("from", parse_date), Column("to", parse_date), Column("as_of", parse_date),
    Column("as_printed"), Column("aliases", parse_list), Column("note"),
], models.RoleAssignment, "role_assignment",
    {"person": "person", "role": "role", "portfolio_or_post": "portfolio_or_post", "body": "body"},
    {"from": "from_date", "to": "to_date", "as_of": "as_of", "as_printed": "as_printed", "aliases": "aliases",
     "note": "note"},
    refs={"person": PEOPLE, "body": BODIES})

_table(MEETINGS, [
    Column("id", required=True), Column("body", required=True), Column("date", parse_date, required=True),
    Column("start_time", parse_time), Column("scheduled_end", parse_time), Column("venue"),
    Column("type", _enum(g.MeetingType)), Column("type_as_printed"),
    Column("status", _enum(g.MeetingStatus), required=True), Column("presiding"), Column("note"),
    Column("business_moved_to"),
], models.Meeting, "meeting", {"id": "key"},
    {c: c for c in ("body", "date", "start_time", "scheduled_end", "venue", "type", "type_as_printed", "status",
                    "presiding", "note", "business_moved_to")},
    refs={"body": BODIES, "presiding": PEOPLE, "business_moved_to": MEETINGS})

_table("agendas.csv", [
    Column("meeting", required=True), Column("heading"), Column("dispatch_date", parse_date),
    Column("issuing_office"), Column("addressees"), Column("preamble"), Column("signatory"),
    Column("signatory_post"), Column("signatory_phone"), Column("contact_officer"), Column("contact_phone"),
    Column("contact_email"), Column("unrestricted_note"), Column("exempt_note"),
], models.Agenda, "agenda", {"meeting": "meeting"},
    {c: c for c in ("heading", "dispatch_date", "issuing_office", "addressees", "preamble", "signatory",
                    "signatory_post", "signatory_phone", "contact_officer", "contact_phone", "contact_email",
                    "unrestricted_note", "exempt_note")},
    refs={"meeting": MEETINGS, "signatory": PEOPLE, "contact_officer": PEOPLE})

_table("agenda_items.csv", [
    Column("meeting", required=True), Column("number", parse_whole, required=True), Column("title", required=True),
    Column("section", _enum(g.Section), required=True), Column("exempt_reason"),
    Column("category", _enum(g.ItemCategory), required=True), Column("is_oral", parse_bool),
    Column("page_from", parse_positive), Column("page_to", parse_positive), Column("paper"),
    Column("exempt_paragraph", parse_exempt_paragraph), Column("public_interest_reason"),
    Column("pages_pending", parse_bool),
], models.AgendaItem, "agenda_item", {"meeting": "meeting", "number": "number"},
    {c: c for c in ("title", "section", "exempt_reason", "category", "is_oral", "page_from", "page_to", "paper",
                    "exempt_paragraph", "public_interest_reason")},
    refs={"meeting": MEETINGS, "paper": PAPERS}, defaults={"is_oral": False})

_table(PAPERS, [
    Column("id", required=True), Column("meeting", required=True), Column("item", parse_whole, required=True),
    Column("kind", _enum(g.PaperKind), required=True), Column("subject", required=True),
    Column("from", parse_list), Column("from_as_printed", parse_list), Column("to_body"), Column("to_date", parse_date),
    Column("to_as_printed"), Column("decision_no"), Column("decision_no_as_printed"),
    Column("is_key_decision", parse_bool), Column("classification", parse_classification), Column("past_pathway"),
    Column("future_pathway"), Column("electoral_division"), Column("summary"), Column("recommendation"),
    Column("recommendation_body"), Column("author", parse_list), Column("relevant_director", parse_list),
    Column("contacts", parse_list), Column("contact_block_label", parse_list), Column("background_documents"),
    Column("appendices"), Column("ends_with_blank_page", parse_bool),
    Column("document", parse_document),
], models.Paper, "paper", {"id": "key"},
    {"meeting": "meeting", "item": "item", "kind": "kind", "subject": "subject", "from": "from_people",
     "from_as_printed": "from_as_printed", "to_body": "to_body", "to_date": "to_date", "to_as_printed": "to_as_printed",
     "decision_no": "decision_no", "decision_no_as_printed": "decision_no_as_printed",
     "is_key_decision": "is_key_decision", "classification": "classification", "past_pathway": "past_pathway",
     "future_pathway": "future_pathway", "electoral_division": "electoral_division", "summary": "summary",
     "recommendation": "recommendation", "recommendation_body": "recommendation_body", "author": "author",
     "relevant_director": "relevant_director", "contacts": "contacts", "contact_block_label": "contact_block_label",
     "background_documents": "background_documents", "appendices": "appendices",
     "ends_with_blank_page": "ends_with_blank_page", "document": "document_ref"},
    refs={"meeting": MEETINGS, "to_body": BODIES, "from": PEOPLE, "author": PEOPLE, "relevant_director": PEOPLE,
          "contacts": PEOPLE})

_table("recommendations.csv", [
    Column("paper", required=True), Column("label"), Column("verb", _enum(g.RecommendationVerb), required=True),
    Column("verb_as_printed"), Column("stem"), Column("text", required=True), Column("printed_in", parse_printed_in),
], models.Recommendation, "recommendation", {"paper": "paper", "label": "label"},
    {c: c for c in ("verb", "verb_as_printed", "stem", "text", "printed_in")},
    refs={"paper": PAPERS})

_table("pathways.csv", [
    Column("paper", required=True), Column("step", parse_positive, required=True), Column("body", required=True),
    Column("meeting"), Column("role", _enum(g.PathwayRole), required=True),
    Column("status", _enum(g.PathwayStatus), required=True), Column("skip_reason"),
    Column("from_header", parse_bool), Column("note"),
], models.Pathway, "pathway", {"paper": "paper", "step": "step"},
    {c: c for c in ("body", "meeting", "role", "status", "skip_reason", "from_header", "note")},
    refs={"paper": PAPERS, "body": BODIES, "meeting": MEETINGS})

_table("minutes.csv", [
    Column("meeting", required=True), Column("heading"), Column("status", _enum(g.MinutesStatus)),
    Column("numbering", _enum(g.Numbering)), Column("approved_at_meeting"), Column("approved_at_minute", parse_whole),
    Column("signed_by"), Column("noted_at_meeting"), Column("noted_at_minute", parse_whole),
    Column("printed_as_paper"), Column("note"),
], models.Minutes, "minutes", {"meeting": "meeting"},
    {c: c for c in ("heading", "status", "numbering", "approved_at_meeting", "approved_at_minute", "signed_by",
                    "noted_at_meeting", "noted_at_minute", "printed_as_paper", "note")},
    refs={"meeting": MEETINGS, "approved_at_meeting": MEETINGS, "signed_by": PEOPLE, "noted_at_meeting": MEETINGS,
          "printed_as_paper": PAPERS})

_table("minute_items.csv", [
    Column("meeting", required=True), Column("minute_number", parse_whole, required=True),
    Column("item_number", parse_whole), Column("title", required=True), Column("presiding"),
    Column("paragraphs", parse_whole, required=True), Column("unnumbered_paragraphs", parse_positions),
    Column("outcome_kind", _enum(g.OutcomeKind), required=True), Column("outcome"), Column("speakers", parse_list),
    Column("note"),
], models.MinuteItem, "minute_item", {"meeting": "meeting", "minute_number": "minute_number"},
    {c: c for c in ("item_number", "title", "presiding", "paragraphs", "unnumbered_paragraphs", "outcome_kind",
                    "outcome", "speakers", "note")},
    refs={"meeting": MEETINGS, "presiding": PEOPLE, "speakers": PEOPLE})

_table("resolutions.csv", [
    Column("meeting", required=True), Column("minute_number", parse_whole, required=True),
    Column("seq", parse_positive, required=True), Column("verb", _enum(g.ResolutionVerb), required=True),
    Column("text", required=True), Column("form", _enum(g.ResolutionForm), required=True),
    Column("source", _enum(g.ResolutionSource), required=True), Column("motion"), Column("paper"),
], models.Resolution, "resolution", {"meeting": "meeting", "minute_number": "minute_number", "seq": "seq"},
    {c: c for c in ("verb", "text", "form", "source", "motion", "paper")},
    refs={"meeting": MEETINGS, "motion": MOTIONS, "paper": PAPERS})

_table("attendance.csv", [
    Column("meeting", required=True), Column("person", required=True),
    Column("category", _enum(g.AttendanceCategory), required=True), Column("minute_number", parse_whole),
    Column("role_text"), Column("name_as_printed"), Column("position", parse_positive), Column("note"),
], models.Attendance, "attendance",
    {"meeting": "meeting", "person": "person", "category": "category", "minute_number": "minute_number"},
    {c: c for c in ("role_text", "name_as_printed", "position", "note")},
    refs={"meeting": MEETINGS, "person": PEOPLE})

_table("declarations.csv", [
    Column("meeting", required=True), Column("person", required=True), Column("minute_number", parse_whole),
    Column("item_number", parse_whole), Column("interest_type", _enum(g.InterestType)),
    Column("action", _enum(g.DeclarationAction)), Column("text"),
], models.Declaration, "declaration",
    {"meeting": "meeting", "person": "person", "minute_number": "minute_number", "item_number": "item_number"},
    {c: c for c in ("interest_type", "action", "text")},
    refs={"meeting": MEETINGS, "person": PEOPLE})

_table(MOTIONS, [
    Column("id", required=True), Column("meeting", required=True), Column("minute_number", parse_whole, required=True),
    Column("kind", _enum(g.MotionKind), required=True), Column("parent"), Column("proposer", required=True),
    Column("seconder"), Column("text", required=True), Column("recommended_by"), Column("put_text"),
    Column("outcome", _enum(g.MotionOutcome), required=True), Column("outcome_as_printed"),
    Column("recorded_vote", parse_bool), Column("for_count_printed", parse_whole),
    Column("against_count_printed", parse_whole), Column("abstain_count_printed", parse_whole),
], models.Motion, "motion", {"id": "key"},
    {c: c for c in ("meeting", "minute_number", "kind", "parent", "proposer", "seconder", "text", "recommended_by",
                    "put_text", "outcome", "outcome_as_printed", "recorded_vote", "for_count_printed",
                    "against_count_printed", "abstain_count_printed")},
    refs={"meeting": MEETINGS, "parent": MOTIONS, "proposer": PEOPLE, "seconder": PEOPLE, "recommended_by": BODIES})

_table("votes.csv", [
    Column("motion", required=True), Column("person", required=True),
    Column("vote", _enum(g.VoteChoice), required=True), Column("name_as_printed"),
    Column("position", parse_positive), Column("note"),
], models.Vote, "vote", {"motion": "motion", "person": "person"},
    {c: c for c in ("vote", "name_as_printed", "position", "note")},
    refs={"motion": MOTIONS, "person": PEOPLE})

_table("elections.csv", [
    Column("meeting", required=True), Column("minute_number", parse_whole, required=True),
    Column("office", required=True), Column("body"), Column("person", required=True), Column("person_as_printed"),
    Column("proposer"), Column("seconder"), Column("outcome", _enum(g.ElectionOutcome), required=True),
    Column("outcome_as_printed"), Column("acceptance_declared", parse_bool), Column("term_start", parse_date),
    Column("term_end", parse_date),
], models.Election, "election",
    {"meeting": "meeting", "minute_number": "minute_number", "office": "office", "person": "person"},
    {c: c for c in ("body", "person_as_printed", "proposer", "seconder", "outcome", "outcome_as_printed",
                    "acceptance_declared", "term_start", "term_end")},
    refs={"meeting": MEETINGS, "body": BODIES, "person": PEOPLE, "proposer": PEOPLE, "seconder": PEOPLE})

_table("question_sessions.csv", [
    Column("meeting", required=True), Column("minute_number", parse_whole, required=True),
    Column("rules_reference"), Column("submitted", parse_whole), Column("put", parse_whole),
    Column("asked", parse_whole), Column("replies_given", parse_bool), Column("record_note"),
], models.QuestionSession, "question_session", {"meeting": "meeting", "minute_number": "minute_number"},
    {c: c for c in ("rules_reference", "submitted", "put", "asked", "replies_given", "record_note")},
    refs={"meeting": MEETINGS})

_table("questions.csv", [
    Column("meeting", required=True), Column("minute_number", parse_whole, required=True),
    Column("seq", parse_positive, required=True), Column("asker"), Column("respondent"), Column("text"),
    Column("answer"), Column("supplementary"),
], models.Question, "question", {"meeting": "meeting", "minute_number": "minute_number", "seq": "seq"},
    {c: c for c in ("asker", "respondent", "text", "answer", "supplementary")},
    refs={"meeting": MEETINGS, "asker": PEOPLE, "respondent": PEOPLE})

_table("petitions.csv", [
    Column("meeting", required=True), Column("minute_number", parse_whole, required=True),
    Column("presented_by", required=True), Column("presented_to"), Column("subject", required=True),
    Column("referred_to_role"), Column("referred_to_person"), Column("action"), Column("scheme_version"),
], models.Petition, "petition", {"meeting": "meeting", "minute_number": "minute_number", "subject": "subject"},
    {c: c for c in ("presented_by", "presented_to", "referred_to_role", "referred_to_person", "action",
                    "scheme_version")},
    refs={"meeting": MEETINGS, "presented_by": PEOPLE, "presented_to": PEOPLE, "referred_to_person": PEOPLE})

_LOAD_ORDER = (
    BODIES, PEOPLE, "role_assignments.csv", MEETINGS, PAPERS, "agendas.csv", "agenda_items.csv",
    "recommendations.csv", "pathways.csv", "minutes.csv", "minute_items.csv", MOTIONS, "resolutions.csv",
    "attendance.csv", "declarations.csv", "votes.csv", "elections.csv", "question_sessions.csv", "questions.csv",
    "petitions.csv",
)
_by_name = {t.name: t for t in _tables}
assert set(_LOAD_ORDER) == set(_by_name)

TABLES: dict[str, Table] = {name: _by_name[name] for name in _LOAD_ORDER}
"""The governance files in load order (a file's references are loaded before it)."""

FILES = {name: t.spec for name, t in TABLES.items()}

KEY_COLUMN = {BODIES: "code", PEOPLE: "id", MEETINGS: "id", PAPERS: "id", MOTIONS: "id"}
"""The key column of each file that other files refer to."""


def owns(name: str) -> bool:
    return name in TABLES
