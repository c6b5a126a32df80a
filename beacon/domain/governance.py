"""Committee governance: the council's words for bodies, meetings, agendas, papers, minutes and
decisions (shared/spec governance.md), as enums with their labels. Pure Python.

Each enum's value is the bundle's code (import-format.md, Governance); its ``label`` is the word
a page or a paper prints. The rules that check these records live beside them in
:mod:`beacon.domain.governance_rules`.
"""

from __future__ import annotations

from enum import StrEnum


class Labelled(StrEnum):
    """A code with the words people read for it (``label``), defaulting to the code in words."""

    @property
    def label(self) -> str:
        # keyed by enum and value: members of different enums with one value ("other") are
        # equal as strings, so a plain member key would give one enum another's words
        return _LABELS.get((type(self), self.value), self.value.replace("_", " ").capitalize())

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


class BodyKind(Labelled):
    FULL_COUNCIL = "full_council"
    EXECUTIVE = "executive"
    CABINET_COMMITTEE = "cabinet_committee"
    COMMITTEE = "committee"
    SUB_COMMITTEE = "sub_committee"
    PANEL = "panel"
    JOINT_COMMITTEE = "joint_committee"
    WORKING_GROUP = "working_group"
    OFFICER_BOARD = "officer_board"


class BodyStatus(Labelled):
    ACTIVE = "active"
    DISBANDED = "disbanded"


class Access(Labelled):
    """Who may attend a body's meetings by default."""

    PUBLIC = "public"
    PRIVATE = "private"


class RoleKind(Labelled):
    LEADER = "leader"
    DEPUTY_LEADER = "deputy_leader"
    CABINET_MEMBER = "cabinet_member"
    DEPUTY_CABINET_MEMBER = "deputy_cabinet_member"
    LEAD_MEMBER = "lead_member"
    CHAIR = "chair"
    VICE_CHAIR = "vice_chair"
    PAST_CHAIR = "past_chair"
    GROUP_LEADER = "group_leader"
    CHIEF_EXECUTIVE = "chief_executive"
    CORPORATE_DIRECTOR = "corporate_director"
    DIRECTOR = "director"
    GENERAL_COUNSEL = "general_counsel"
    INDEPENDENT_PERSON = "independent_person"
    OFFICER = "officer"


class MeetingType(Labelled):
    ORDINARY = "ordinary"
    ANNUAL = "annual"
    SPECIAL = "special"
    OTHER = "other"


class MeetingStatus(Labelled):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


class Section(Labelled):
    UNRESTRICTED = "unrestricted"
    EXEMPT = "exempt"


class ItemCategory(Labelled):
    STANDING = "standing"
    MINUTES = "minutes"
    MINUTES_FOR_NOTING = "minutes_for_noting"
    ANNOUNCEMENTS = "announcements"
    QUESTIONS = "questions"
    ORAL_REPORT = "oral_report"
    REPORT = "report"
    MOTION = "motion"
    ELECTION = "election"


class PaperKind(Labelled):
    REPORT = "report"
    MINUTES = "minutes"


class PaperSource(Labelled):
    """Where a paper's pages come from: the imported record of a published pack, a document
    Beacon renders from its data, or a file a clerk uploaded."""

    IMPORTED = "imported"
    QPR = "qpr"
    REGISTER = "register"
    MINUTES = "minutes"
    UPLOAD = "upload"


class RecommendationVerb(Labelled):
    NOTE = "NOTE"
    AGREE = "AGREE"
    APPROVE = "APPROVE"
    ENDORSE = "ENDORSE"
    CONSIDER = "CONSIDER"


class PathwayRole(Labelled):
    PAST = "past"
    CURRENT = "current"
    FUTURE = "future"


class PathwayStatus(Labelled):
    DONE = "done"
    PLANNED = "planned"
    SKIPPED = "skipped"


class MinutesStatus(Labelled):
    DRAFT = "draft"
    APPROVED = "approved"


class Numbering(Labelled):
    PER_MEETING = "per_meeting"
    RUNNING = "running"


class OutcomeKind(Labelled):
    RESOLVED = "resolved"
    NOTED = "noted"
    AGREED_UNANIMOUSLY = "agreed_unanimously"
    MOTION_LOST = "motion_lost"
    STATEMENT = "statement"
    NONE = "none"


class ResolutionVerb(Labelled):
    NOTE = "note"
    APPROVE = "approve"
    AGREE = "agree"
    ENDORSE = "endorse"
    CONSIDER_AND_ENDORSE = "consider_and_endorse"
    ELECT = "elect"


class ResolutionForm(Labelled):
    RESOLVED = "resolved"
    NOTED = "noted"


class ResolutionSource(Labelled):
    REPORT = "report"
    MOTION = "motion"
    PROCEDURAL = "procedural"
    ELECTION = "election"


class AttendanceCategory(Labelled):
    PRESENT = "present"
    APOLOGIES = "apologies"
    ALSO_PRESENT = "also_present"
    IN_ATTENDANCE = "in_attendance"
    IN_ATTENDANCE_FOR_ITEM = "in_attendance_for_item"
    VIRTUAL = "virtual"
    LATE = "late"
    SUBSTITUTE = "substitute"


class InterestType(Labelled):
    DISCLOSABLE_PECUNIARY = "disclosable_pecuniary"
    OTHER_SIGNIFICANT = "other_significant"
    OTHER = "other"


class DeclarationAction(Labelled):
    WITHDREW = "withdrew"
    REMAINED = "remained"


class MotionKind(Labelled):
    RECOMMENDATION = "recommendation"
    TIME_LIMITED_DEBATE = "time_limited_debate"
    PROCEDURAL = "procedural"
    AMENDMENT = "amendment"


class MotionOutcome(Labelled):
    CARRIED = "carried"
    LOST = "lost"
    AGREED_UNANIMOUSLY = "agreed_unanimously"
    WITHDRAWN = "withdrawn"


class VoteChoice(Labelled):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"


class ElectionOutcome(Labelled):
    ELECTED = "elected"
    AGREED_UNANIMOUSLY = "agreed_unanimously"
    NOT_ELECTED = "not_elected"


class PlacementStatus(Labelled):
    """A step of the cycle (spec §11) proposed on a meeting: the clerk accepts or moves it; a
    cancelled meeting's step is skipped with its reason."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    SKIPPED = "skipped"


class PackAudience(Labelled):
    PUBLIC = "public"
    MEMBERS = "members"


_WORDS: dict[StrEnum, str] = {
    BodyKind.FULL_COUNCIL: "Full Council",
    BodyKind.CABINET_COMMITTEE: "Cabinet Committee",
    BodyKind.COMMITTEE: "Committee (regulatory or non-executive)",
    BodyKind.SUB_COMMITTEE: "Sub-committee",
    BodyKind.JOINT_COMMITTEE: "Joint committee",
    BodyKind.WORKING_GROUP: "Member working group",
    BodyKind.OFFICER_BOARD: "Officer board",
    RoleKind.CABINET_MEMBER: "Cabinet Member",
    RoleKind.DEPUTY_CABINET_MEMBER: "Deputy Cabinet Member",
    RoleKind.LEAD_MEMBER: "Lead Member",
    RoleKind.CHAIR: "Chairman",
    RoleKind.VICE_CHAIR: "Vice-Chairman",
    RoleKind.PAST_CHAIR: "Past Chairman",
    RoleKind.DEPUTY_LEADER: "Deputy Leader",
    RoleKind.GROUP_LEADER: "Group Leader",
    RoleKind.CHIEF_EXECUTIVE: "Chief Executive",
    RoleKind.CORPORATE_DIRECTOR: "Corporate Director",
    RoleKind.GENERAL_COUNSEL: "General Counsel",
    RoleKind.INDEPENDENT_PERSON: "Independent Person",
    Section.UNRESTRICTED: "UNRESTRICTED ITEMS",
    Section.EXEMPT: "EXEMPT ITEMS",
    ItemCategory.STANDING: "Standing item",
    ItemCategory.MINUTES_FOR_NOTING: "Minutes for noting",
    ItemCategory.ORAL_REPORT: "Oral report",
    RecommendationVerb.NOTE: "NOTE",
    RecommendationVerb.AGREE: "AGREE",
    RecommendationVerb.APPROVE: "APPROVE",
    RecommendationVerb.ENDORSE: "ENDORSE",
    RecommendationVerb.CONSIDER: "CONSIDER",
    OutcomeKind.RESOLVED: "Resolved",
    OutcomeKind.NOTED: "Noted",
    OutcomeKind.AGREED_UNANIMOUSLY: "Agreed unanimously",
    OutcomeKind.MOTION_LOST: "Motion lost",
    OutcomeKind.STATEMENT: "Statement",
    OutcomeKind.NONE: "No decision recorded",
    ResolutionVerb.CONSIDER_AND_ENDORSE: "Consider and endorse",
    AttendanceCategory.PRESENT: "Present",
    AttendanceCategory.APOLOGIES: "Apologies",
    AttendanceCategory.ALSO_PRESENT: "Also present",
    AttendanceCategory.IN_ATTENDANCE: "In attendance",
    AttendanceCategory.IN_ATTENDANCE_FOR_ITEM: "In attendance for an item",
    AttendanceCategory.VIRTUAL: "Present virtually",
    AttendanceCategory.LATE: "Arrived late",
    AttendanceCategory.SUBSTITUTE: "Substitute",
    InterestType.DISCLOSABLE_PECUNIARY: "Disclosable pecuniary interest",
    InterestType.OTHER_SIGNIFICANT: "Other significant interest",
    InterestType.OTHER: "Other interest",
    MotionKind.TIME_LIMITED_DEBATE: "Motion for time-limited debate",
    PackAudience.PUBLIC: "Public pack",
    PackAudience.MEMBERS: "Members' pack (includes exempt items)",
}

_LABELS: dict[tuple[type, str], str] = {(type(member), member.value): words for member, words in _WORDS.items()}
