"""What councillors and the public read about meetings (issue 12, item 6): typed read models
(frozen dataclasses) built from the governance records, for the meeting pages, the iCalendar
feed, the open data and the API.

Every function takes ``exempt``: whether the reader may see exempt items
(:data:`beacon.core.permissions.VIEW_EXEMPT`; :func:`may_view_exempt`). Without it an exempt
item keeps its number and title and the label of its Schedule 12A paragraph, and loses
everything else: its paper, the clerk's reason texts, its minute's text, resolutions, motions,
votes, elections, questions, petitions, declarations and the attendance for it; the members'
pack is not listed. Dates are given in words ("5 January 2023").
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Q

from beacon.core.words import all_words
from beacon.core import permissions as perm
from beacon.domain import governance as g
from beacon.domain.governance_public import (contact_rows, decision_number_text, exemption_label, pack_name,
                                             pathway_step_words, time_words)
from beacon.domain.governance_rules import Name, date_words, long_date

from . import models as m

DECISIONS_PAGE_SIZE = 25
_LONDON = ZoneInfo("Europe/London")


class NotFound(LookupError):
    """No such body, meeting or person (or not one this reader may see)."""


def may_view_exempt(user) -> bool:
    return perm.can(user, perm.VIEW_EXEMPT)


# --- people ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonRef:
    key: str
    name: str  # "Mr R W Gough" (attendance form) or "Roger Gough"
    full_name: str  # "Roger Gough"


def _name(p: m.Person) -> Name:
    return Name(p.title, p.initials, p.forename, p.surname, p.known_as, tuple(p.honours or ()))


def person_ref(p: m.Person | None) -> PersonRef | None:
    if p is None:
        return None
    n = _name(p)
    return PersonRef(p.key, n.attendance or n.full, n.full or n.attendance)


# --- bodies and calendars ----------------------------------------------------------------------


@dataclass(frozen=True)
class BodyRow:
    code: str
    name: str
    kind: str  # label: "Cabinet Committee"
    parent: str  # the parent body's name, "" when none
    status: str  # "Active" / "Disbanded"
    meetings: int
    next_meeting: str  # "5 January 2023", "" when none is scheduled


@dataclass(frozen=True)
class MeetingSummary:
    key: str
    body_code: str
    body_name: str
    date: dt.date
    date_text: str  # "Thursday, 5 January 2023"
    time_text: str  # "10am", ""
    venue: str
    status: str  # scheduled / held / cancelled
    status_label: str  # "Scheduled", "Held", "Cancelled"
    moved_to: MeetingSummary | None = None  # a cancelled meeting's business went to this meeting
    type_label: str = ""

    @property
    def title(self) -> str:
        return f"{self.body_name}, {self.date_text}"


@dataclass(frozen=True)
class CalendarMonth:
    label: str  # "January 2023"
    meetings: tuple[MeetingSummary, ...]


@dataclass(frozen=True)
class BodyCalendar:
    body: BodyRow
    upcoming: tuple[CalendarMonth, ...]  # soonest first
    past: tuple[CalendarMonth, ...]  # latest first
    today: dt.date


def _summary(meeting: m.Meeting, with_moved: bool = True) -> MeetingSummary:
    moved = None
    if with_moved and meeting.status == g.MeetingStatus.CANCELLED and meeting.business_moved_to_id:
        moved = _summary(meeting.business_moved_to, with_moved=False)
    status = g.MeetingStatus(meeting.status)
    mtype = g.MeetingType(meeting.type).label if meeting.type else ""
    return MeetingSummary(
        key=meeting.key, body_code=meeting.body.code, body_name=meeting.body.name, date=meeting.date,
        date_text=long_date(meeting.date), time_text=time_words(meeting.start_time), venue=meeting.venue,
        status=status.value, status_label=status.label, moved_to=moved,
        type_label=meeting.type_as_printed or (mtype if meeting.type not in ("", g.MeetingType.ORDINARY) else ""))


def _meetings_qs():
    return m.Meeting.objects.select_related("body", "business_moved_to__body")


def bodies(today: dt.date) -> tuple[BodyRow, ...]:
    """Every body, by name, with its number of meetings and the next one scheduled."""
    rows = []
    for body in m.Body.objects.select_related("parent").order_by("name"):
        rows.append(_body_row(body, today))
    return tuple(rows)


def _body_row(body: m.Body, today: dt.date) -> BodyRow:
    meetings = body.meetings.all()
    nxt = meetings.filter(date__gte=today, status=g.MeetingStatus.SCHEDULED).order_by("date", "start_time").first()
    return BodyRow(body.code, body.name, g.BodyKind(body.kind).label, body.parent.name if body.parent_id else "",
                   g.BodyStatus(body.status).label, meetings.count(), date_words(nxt.date) if nxt else "")


def _months(meetings: list[MeetingSummary]) -> tuple[CalendarMonth, ...]:
    out: list[CalendarMonth] = []
    for s in meetings:
        label = f"{s.date:%B %Y}"
        if out and out[-1].label == label:
            out[-1] = CalendarMonth(label, out[-1].meetings + (s,))
        else:
            out.append(CalendarMonth(label, (s,)))
    return tuple(out)


def body_calendar(code: str, today: dt.date) -> BodyCalendar:
    """A body's meetings by month: those from ``today`` on (soonest first), then the past ones
    (latest first)."""
    body = m.Body.objects.select_related("parent").filter(code=code).first()
    if body is None:
        raise NotFound(f"no body {code}")
    meetings = [_summary(x) for x in _meetings_qs().filter(body=body).order_by("date", "start_time", "key")]
    upcoming = [s for s in meetings if s.date >= today]
    past = sorted((s for s in meetings if s.date < today), key=lambda s: s.date, reverse=True)
    return BodyCalendar(_body_row(body, today), _months(upcoming), _months(past), today)


def body_meetings(code: str) -> tuple[m.Body, tuple[MeetingSummary, ...]]:
    """A body and all its meetings in date order (the iCalendar feed)."""
    body = m.Body.objects.filter(code=code).first()
    if body is None:
        raise NotFound(f"no body {code}")
    return body, tuple(_summary(x) for x in _meetings_qs().filter(body=body).order_by("date", "start_time", "key"))


def meeting_summaries(body: str = "", date_from: dt.date | None = None, date_to: dt.date | None = None) -> tuple[MeetingSummary, ...]:
    qs = _meetings_qs().order_by("date", "start_time", "key")
    if body:
        qs = qs.filter(body__code=body)
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    return tuple(_summary(x) for x in qs)


# --- one meeting -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecommendationView:
    label: str
    verb: str  # "NOTE"
    text: str
    stem: str


@dataclass(frozen=True)
class PathwayStepView:
    step: int
    body: str
    meeting_key: str
    meeting_date: str
    role: str  # "Past", "Current", "Future"
    status: str  # "Done", "Planned", "Skipped"
    skip_reason: str
    words: str = ""  # the step in words: "to be considered after this meeting"


@dataclass(frozen=True)
class PaperView:
    key: str
    kind: str  # "Report" / "Minutes"
    subject: str
    from_lines: tuple[str, ...]
    to: str  # "Cabinet – 5 January 2023"
    decision_no: str  # "" when none
    key_decision: str  # "Yes", "No", "" (not printed)
    classification: str
    past_pathway: str
    future_pathway: str
    electoral_division: str
    summary: tuple[str, ...]  # paragraphs
    recommendations: tuple[RecommendationView, ...]
    recommendation_text: str  # as the header prints it when there are no recommendation rows
    pathway: tuple[PathwayStepView, ...]
    authors: tuple[PersonRef, ...]
    background_documents: str
    appendices: str
    relevant_directors: tuple[PersonRef, ...] = ()
    contacts_label: str = ""  # the closing block's heading as printed: "Contact details", "Report Author"
    contacts: tuple[PersonRef, ...] = ()
    decision_no_text: str = "N/A"  # as the cover header prints it: never "None"
    contact_rows: tuple[ContactRow, ...] = ()  # the closing block: each heading with its contacts


@dataclass(frozen=True)
class ContactRow:
    label: str  # "Report Author", "Contact details"
    people: tuple[PersonRef, ...]


@dataclass(frozen=True)
class AgendaItemView:
    number: int
    title: str
    section: str  # unrestricted / exempt
    exempt: bool
    exempt_label: str  # the Schedule 12A label (everyone)
    exempt_reason: str  # the clerk's reason: "" unless the reader may see exempt items
    public_interest_reason: str
    category: str  # label
    is_oral: bool
    pages: str  # "(Pages 1 - 6)", ""
    paper: PaperView | None
    withheld: bool  # exempt and hidden from this reader
    pack_version: int | None = None  # the latest dispatched pack this reader may read that holds this item's pages
    pack_audience: str = ""  # its audience (public / members): the web page version is pack_file(.., "html")#item-N


@dataclass(frozen=True)
class AgendaView:
    dispatch_date: str
    addressees: str
    preamble: str
    signatory: PersonRef | None
    signatory_post: str
    signatory_phone: str
    contact: PersonRef | None
    contact_phone: str
    contact_email: str
    unrestricted_note: str
    exempt_note: str


@dataclass(frozen=True)
class PackLink:
    version: int
    audience: str  # public / members
    label: str  # "Public pack", "Members' pack (includes exempt items)"
    page_count: int
    dispatched: str  # "22 December 2022": when Beacon produced and dispatched this pack
    supplement: bool
    name: str = ""  # "Public pack", "Supplement 1 to the public pack"


@dataclass(frozen=True)
class ResolutionView:
    meeting_key: str
    minute_number: int
    seq: int
    verb: str  # label: "Note"
    text: str
    form: str
    source: str


@dataclass(frozen=True)
class AttendeeView:
    person: PersonRef
    name_as_printed: str
    role_text: str


@dataclass(frozen=True)
class AttendanceGroup:
    category: str  # code
    label: str  # "Present"
    people: tuple[AttendeeView, ...]


@dataclass(frozen=True)
class MinuteView:
    number: int
    item_number: int | None
    title: str
    exempt: bool
    exempt_label: str
    withheld: bool
    paragraphs: tuple[str, ...]
    outcome_kind: str
    outcome: str  # the outcome text, or "No decision recorded"
    resolutions: tuple[ResolutionView, ...]
    in_attendance: tuple[AttendeeView, ...]
    presiding: PersonRef | None


@dataclass(frozen=True)
class MinutesView:
    heading: str
    status: str  # "Draft", "Approved", ""
    approved_at: MeetingSummary | None
    approved_at_minute: int | None
    signed_by: PersonRef | None
    attendance: tuple[AttendanceGroup, ...]
    minutes: tuple[MinuteView, ...]


@dataclass(frozen=True)
class DeclarationView:
    person: PersonRef
    item_number: int | None
    minute_number: int | None
    interest: str
    action: str
    text: str


@dataclass(frozen=True)
class VoteListView:
    choice: str  # for / against / abstain
    label: str  # "For"
    count: int  # names listed
    printed_count: int | None
    names: tuple[PersonRef, ...]


@dataclass(frozen=True)
class MotionView:
    key: str
    minute_number: int
    kind: str
    proposer: PersonRef
    seconder: PersonRef | None
    text: str
    outcome: str  # label
    outcome_as_printed: str
    recorded_vote: bool
    votes: tuple[VoteListView, ...]
    amendment_of: str  # the parent motion's key
    outcome_code: str = ""  # carried / lost / agreed_unanimously / withdrawn


@dataclass(frozen=True)
class ElectionView:
    minute_number: int
    office: str
    person: PersonRef
    proposer: PersonRef | None
    seconder: PersonRef | None
    outcome: str
    acceptance_declared: bool | None


@dataclass(frozen=True)
class QuestionView:
    minute_number: int
    seq: int
    asker: PersonRef | None
    respondent: PersonRef | None
    text: str
    answer: str
    supplementary: str


@dataclass(frozen=True)
class QuestionSessionView:
    minute_number: int
    submitted: int | None
    put: int | None
    asked: int | None
    record_note: str


@dataclass(frozen=True)
class PetitionView:
    minute_number: int
    presented_by: PersonRef
    subject: str
    referred_to: str
    scheme_version: str


@dataclass(frozen=True)
class MeetingView:
    summary: MeetingSummary
    presiding: PersonRef | None
    agenda: AgendaView | None
    items: tuple[AgendaItemView, ...]
    packs: tuple[PackLink, ...]
    minutes: MinutesView | None
    decisions: tuple[ResolutionView, ...]
    declarations: tuple[DeclarationView, ...]
    motions: tuple[MotionView, ...]
    elections: tuple[ElectionView, ...]
    question_sessions: tuple[QuestionSessionView, ...]
    questions: tuple[QuestionView, ...]
    petitions: tuple[PetitionView, ...]
    moved_from: tuple[MeetingSummary, ...]  # cancelled meetings whose business came here
    exempt_shown: bool  # the reader sees exempt items
    withheld_items: int  # exempt items this reader does not see the content of

    @property
    def unrestricted_items(self) -> tuple[AgendaItemView, ...]:
        return tuple(i for i in self.items if not i.exempt)

    @property
    def exempt_items(self) -> tuple[AgendaItemView, ...]:
        return tuple(i for i in self.items if i.exempt)


def _paragraphs(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in (text or "").split("\n\n") if p.strip())


def _people_by_key(keys) -> dict[str, m.Person]:
    keys = {k for k in keys if k}
    return {p.key: p for p in m.Person.objects.filter(key__in=keys)} if keys else {}


def _paper_view(paper: m.Paper) -> PaperView:
    people = _people_by_key(list(paper.from_people or []) + list(paper.author or [])
                            + list(paper.relevant_director or []) + list(paper.contacts or []))
    to = paper.to_as_printed
    if paper.to_body_id and paper.to_date:
        to = f"{paper.to_body.name} – {date_words(paper.to_date)}"
    key_decision = "" if paper.is_key_decision is None else ("Yes" if paper.is_key_decision else "No")
    steps = tuple(PathwayStepView(
        s.step, s.body.name, s.meeting.key if s.meeting_id else "", date_words(s.meeting.date) if s.meeting_id else "",
        g.PathwayRole(s.role).label, g.PathwayStatus(s.status).label, s.skip_reason,
        pathway_step_words(s.role, s.status, s.skip_reason))
        for s in paper.pathway.select_related("body", "meeting"))
    contacts = tuple(person_ref(people[k]) for k in paper.contacts or [] if k in people)
    return PaperView(
        key=paper.key, kind=g.PaperKind(paper.kind).label, subject=paper.subject,
        from_lines=tuple(paper.from_as_printed or [person_ref(people[k]).full_name for k in paper.from_people or [] if k in people]),
        to=to, decision_no=paper.decision_no or "", key_decision=key_decision,
        classification=g.Section(paper.classification).value.capitalize() if paper.classification else "",
        past_pathway=paper.past_pathway, future_pathway=paper.future_pathway,
        electoral_division=paper.electoral_division, summary=_paragraphs(paper.summary),
        recommendations=tuple(RecommendationView(r.label, g.RecommendationVerb(r.verb).label, r.text, r.stem)
                              for r in paper.recommendations.all()),
        recommendation_text=paper.recommendation, pathway=steps,
        authors=tuple(person_ref(people[k]) for k in paper.author or [] if k in people),
        background_documents=paper.background_documents, appendices=paper.appendices,
        relevant_directors=tuple(person_ref(people[k]) for k in paper.relevant_director or [] if k in people),
        contacts_label=" / ".join(paper.contact_block_label or []),
        contacts=contacts, decision_no_text=decision_number_text(paper.decision_no, paper.decision_no_as_printed),
        contact_rows=tuple(ContactRow(label, tuple(contacts[i] for i in positions))
                           for label, positions in contact_rows(paper.contact_block_label or [], len(contacts))))


def _exempt_numbers(meeting: m.Meeting) -> set[int]:
    """The numbers of a meeting's exempt items: in the EXEMPT section, or with an exempt paper."""
    return set(meeting.items.filter(Q(section=g.Section.EXEMPT) | Q(paper__classification=g.Section.EXEMPT))
               .values_list("number", flat=True))


def _exempt_minutes(meeting: m.Meeting, exempt_items: set[int]) -> set[int]:
    return set(meeting.minute_items.filter(item_number__in=exempt_items).values_list("minute_number", flat=True))


def _resolution(r: m.Resolution) -> ResolutionView:
    return ResolutionView(r.meeting.key, r.minute_number, r.seq,
                          g.ResolutionVerb(r.verb).label, r.text, g.ResolutionForm(r.form).label,
                          g.ResolutionSource(r.source).label)


def _attendee(a: m.Attendance) -> AttendeeView:
    return AttendeeView(person_ref(a.person), a.name_as_printed or person_ref(a.person).name, a.role_text)


def _pack_links(meeting: m.Meeting, exempt: bool) -> tuple[PackLink, ...]:
    packs = meeting.packs.only("version", "audience", "page_count", "dispatched_at", "meeting_id")
    out = []
    for p in sorted(packs, key=lambda p: (p.version, p.audience != g.PackAudience.PUBLIC)):
        if p.audience == g.PackAudience.MEMBERS and not exempt:
            continue
        audience = g.PackAudience(p.audience)
        out.append(PackLink(p.version, audience.value, audience.label, p.page_count,
                            date_words(p.dispatched_at.astimezone(_LONDON).date()), p.version > 1,
                            pack_name(audience.label, p.version)))
    return tuple(out)


def _item_packs(meeting: m.Meeting, exempt: bool) -> dict[tuple[int, str], int]:
    """(item number, audience) -> the latest version of the dispatched packs this reader may read
    that hold that item's pages."""
    out: dict[tuple[int, str], int] = {}
    for p in meeting.packs.only("version", "audience", "pages", "meeting_id").order_by("version"):
        if p.audience == g.PackAudience.MEMBERS and not exempt:
            continue
        for number in (p.pages or {}):
            if str(number).isdigit():
                out[(int(number), p.audience)] = p.version
    return out


def _pack_for(in_pack: dict[tuple[int, str], int], number: int, is_exempt: bool) -> dict:
    """Where an item's pages are in the packs: the public pack for an open item (else the
    members' pack), the members' pack for an exempt one."""
    audiences = (g.PackAudience.MEMBERS,) if is_exempt else (g.PackAudience.PUBLIC, g.PackAudience.MEMBERS)
    for audience in audiences:
        version = in_pack.get((number, audience.value))
        if version is not None:
            return {"pack_version": version, "pack_audience": audience.value}
    return {}


def meeting_view(key: str, exempt: bool) -> MeetingView:
    meeting = _meetings_qs().select_related("presiding").filter(key=key).first()
    if meeting is None:
        raise NotFound(f"no meeting {key}")
    exempt_items = _exempt_numbers(meeting)
    exempt_minutes = _exempt_minutes(meeting, exempt_items)
    hidden_minutes = set() if exempt else exempt_minutes

    agenda = None
    a = m.Agenda.objects.select_related("signatory", "contact_officer").filter(meeting=meeting).first()
    if a is not None:
        agenda = AgendaView(
            date_words(a.dispatch_date) if a.dispatch_date else "", a.addressees, a.preamble,
            person_ref(a.signatory), a.signatory_post, a.signatory_phone, person_ref(a.contact_officer),
            a.contact_phone, a.contact_email,
            a.unrestricted_note or "During these items the meeting is likely to be open to the public",
            a.exempt_note)

    in_pack = _item_packs(meeting, exempt)
    items = []
    withheld = 0
    for it in meeting.items.select_related("paper__to_body").order_by("number"):
        is_exempt = it.section == g.Section.EXEMPT or (
            it.paper_id is not None and it.paper.classification == g.Section.EXEMPT)
        hide = is_exempt and not exempt
        withheld += hide
        pages = ""
        if it.page_from and it.page_to:
            pages = f"(Page {it.page_from})" if it.page_from == it.page_to else f"(Pages {it.page_from} - {it.page_to})"
        items.append(AgendaItemView(
            number=it.number, title=it.title, section=it.section, exempt=is_exempt,
            exempt_label=exemption_label(it.exempt_paragraph) if is_exempt else "",
            exempt_reason="" if hide else it.exempt_reason,
            public_interest_reason="" if hide else it.public_interest_reason,
            category=g.ItemCategory(it.category).label, is_oral=it.is_oral, pages=pages,
            paper=None if (hide or it.paper_id is None) else _paper_view(it.paper), withheld=hide,
            **({} if hide else _pack_for(in_pack, it.number, is_exempt))))

    resolutions = [r for r in meeting.resolutions.select_related("meeting").order_by("minute_number", "seq")
                   if r.minute_number not in hidden_minutes]
    by_minute: dict[int, list[ResolutionView]] = defaultdict(list)
    for r in resolutions:
        by_minute[r.minute_number].append(_resolution(r))

    minutes_view = None
    mins = m.Minutes.objects.select_related("approved_at_meeting__body", "signed_by").filter(meeting=meeting).first()
    attendance = list(meeting.attendance.select_related("person"))
    if mins is not None or meeting.minute_items.exists() or attendance:
        groups = []
        for cat in g.AttendanceCategory:
            if cat == g.AttendanceCategory.IN_ATTENDANCE_FOR_ITEM:
                continue
            rows = [a for a in attendance if a.category == cat]
            if rows or cat in (g.AttendanceCategory.PRESENT, g.AttendanceCategory.APOLOGIES):
                groups.append(AttendanceGroup(cat.value, cat.label, tuple(_attendee(a) for a in rows)))
        for_item: dict[int, list[AttendeeView]] = defaultdict(list)
        for a in attendance:
            if a.category == g.AttendanceCategory.IN_ATTENDANCE_FOR_ITEM and a.minute_number is not None:
                for_item[a.minute_number].append(_attendee(a))
        minute_views = []
        for mi in meeting.minute_items.select_related("presiding").order_by("minute_number"):
            is_exempt = mi.minute_number in exempt_minutes
            hide = is_exempt and not exempt
            item = next((i for i in items if i.number == mi.item_number), None)
            outcome = mi.outcome or ("" if mi.outcome_kind != g.OutcomeKind.NONE else g.OutcomeKind.NONE.label)
            if not outcome and not by_minute.get(mi.minute_number) and mi.outcome_kind in (g.OutcomeKind.NONE, ""):
                outcome = g.OutcomeKind.NONE.label
            minute_views.append(MinuteView(
                number=mi.minute_number, item_number=mi.item_number, title=mi.title, exempt=is_exempt,
                exempt_label=item.exempt_label if (is_exempt and item) else "", withheld=hide,
                paragraphs=() if hide else tuple(str(t) for t in (mi.text or [])),
                outcome_kind=mi.outcome_kind, outcome="" if hide else outcome,
                resolutions=() if hide else tuple(by_minute.get(mi.minute_number, ())),
                in_attendance=() if hide else tuple(for_item.get(mi.minute_number, ())),
                presiding=person_ref(mi.presiding)))
        minutes_view = MinutesView(
            heading=mins.heading if mins else "",
            status=g.MinutesStatus(mins.status).label if mins and mins.status else "",
            approved_at=_summary(mins.approved_at_meeting, with_moved=False) if mins and mins.approved_at_meeting_id else None,
            approved_at_minute=mins.approved_at_minute if mins else None,
            signed_by=person_ref(mins.signed_by) if mins else None,
            attendance=tuple(groups), minutes=tuple(minute_views))

    def visible(minute_number) -> bool:
        return minute_number not in hidden_minutes

    declarations = tuple(
        DeclarationView(person_ref(d.person), d.item_number, d.minute_number,
                        g.InterestType(d.interest_type).label if d.interest_type else "",
                        g.DeclarationAction(d.action).label if d.action else "", d.text)
        for d in meeting.declarations.select_related("person").order_by("item_number", "minute_number", "pk")
        if visible(d.minute_number) and (exempt or d.item_number not in exempt_items))
    motions = tuple(_motion_view(mo) for mo in meeting.motions.select_related("proposer", "seconder", "parent")
                    .prefetch_related("votes__person") if visible(mo.minute_number))
    elections = tuple(
        ElectionView(e.minute_number, e.office, person_ref(e.person), person_ref(e.proposer), person_ref(e.seconder),
                     g.ElectionOutcome(e.outcome).label, e.acceptance_declared)
        for e in meeting.elections.select_related("person", "proposer", "seconder") if visible(e.minute_number))
    sessions = tuple(QuestionSessionView(s.minute_number, s.submitted, s.put, s.asked, s.record_note)
                     for s in meeting.question_sessions.order_by("minute_number") if visible(s.minute_number))
    questions = tuple(
        QuestionView(q.minute_number, q.seq, person_ref(q.asker), person_ref(q.respondent), q.text, q.answer, q.supplementary)
        for q in meeting.questions.select_related("asker", "respondent") if visible(q.minute_number))
    petitions = tuple(
        PetitionView(p.minute_number, person_ref(p.presented_by), p.subject,
                     p.referred_to_role or (person_ref(p.referred_to_person).full_name if p.referred_to_person_id else ""),
                     p.scheme_version)
        for p in meeting.petitions.select_related("presented_by", "referred_to_person").order_by("minute_number", "pk")
        if visible(p.minute_number))
    moved_from = tuple(_summary(x, with_moved=False) for x in
                       _meetings_qs().filter(business_moved_to=meeting).order_by("date"))
    return MeetingView(
        summary=_summary(meeting), presiding=person_ref(meeting.presiding), agenda=agenda, items=tuple(items),
        packs=_pack_links(meeting, exempt), minutes=minutes_view,
        decisions=tuple(_resolution(r) for r in resolutions), declarations=declarations, motions=motions,
        elections=elections, question_sessions=sessions, questions=questions, petitions=petitions,
        moved_from=moved_from, exempt_shown=exempt, withheld_items=withheld)


def _motion_view(mo: m.Motion) -> MotionView:
    printed = {g.VoteChoice.FOR: mo.for_count_printed, g.VoteChoice.AGAINST: mo.against_count_printed,
               g.VoteChoice.ABSTAIN: mo.abstain_count_printed}
    votes = []
    all_votes = list(mo.votes.all())
    if mo.recorded_vote or all_votes:
        for choice in g.VoteChoice:
            names = tuple(person_ref(v.person) for v in sorted(
                (v for v in all_votes if v.vote == choice), key=lambda v: (v.position or 0, v.pk)))
            votes.append(VoteListView(choice.value, choice.label, len(names), printed[choice], names))
    return MotionView(mo.key, mo.minute_number, g.MotionKind(mo.kind).label, person_ref(mo.proposer),
                      person_ref(mo.seconder), mo.text, g.MotionOutcome(mo.outcome).label, mo.outcome_as_printed,
                      bool(mo.recorded_vote or all_votes), tuple(votes), mo.parent.key if mo.parent_id else "",
                      mo.outcome)


def motions_with_votes(exempt: bool, body: str = "") -> tuple[tuple[MeetingSummary, MotionView], ...]:
    """Every motion put to a recorded vote (open data, the API), in meeting order."""
    qs = (m.Motion.objects.select_related("meeting__body", "meeting__business_moved_to__body", "proposer", "seconder", "parent")
          .prefetch_related("votes__person").order_by("meeting__date", "meeting__key", "minute_number", "key"))
    if body:
        qs = qs.filter(meeting__body__code=body)
    hidden = set() if exempt else _hidden_minutes()
    out = []
    for mo in qs:
        if (mo.meeting_id, mo.minute_number) in hidden:
            continue
        view = _motion_view(mo)
        if view.recorded_vote:
            out.append((_summary(mo.meeting), view))
    return tuple(out)


def _hidden_minutes() -> set[tuple[int, int]]:
    """(meeting id, minute number) of every minute of an exempt item."""
    exempt_items = set(m.AgendaItem.objects.filter(section=g.Section.EXEMPT).values_list("meeting_id", "number"))
    exempt_items |= set(m.AgendaItem.objects.filter(paper__classification=g.Section.EXEMPT).values_list("meeting_id", "number"))
    if not exempt_items:
        return set()
    out = set()
    for meeting_id, minute, item in m.MinuteItem.objects.filter(item_number__isnull=False).values_list(
            "meeting_id", "minute_number", "item_number"):
        if (meeting_id, item) in exempt_items:
            out.add((meeting_id, minute))
    return out


def agenda_items(exempt: bool, body: str = "") -> tuple[tuple[MeetingSummary, AgendaItemView], ...]:
    """Every agenda item with its meeting (open data, the API)."""
    meetings = _meetings_qs().order_by("date", "start_time", "key")
    if body:
        meetings = meetings.filter(body__code=body)
    out = []
    for meeting in meetings.prefetch_related("items"):
        for item in meeting_view(meeting.key, exempt).items:
            out.append((_summary(meeting), item))
    return tuple(out)


# --- packs -------------------------------------------------------------------------------------


def pack(key: str, version: int, audience: str, exempt: bool) -> m.Pack:
    """One dispatched pack: a members' pack only for a reader who may see exempt items."""
    if audience not in {a.value for a in g.PackAudience}:
        raise NotFound("no such audience")
    if audience == g.PackAudience.MEMBERS and not exempt:
        raise NotFound("no such pack")
    found = m.Pack.objects.filter(meeting__key=key, version=version, audience=audience).first()
    if found is None:
        raise NotFound("no such pack")
    return found


# --- decisions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionQuery:
    text: str = ""
    body: str = ""  # a body code
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    verb: str = ""  # a ResolutionVerb code
    page: int = 1
    page_size: int = DECISIONS_PAGE_SIZE


@dataclass(frozen=True)
class DecisionRow:
    meeting: MeetingSummary
    minute_number: int
    item_number: int | None
    minute_title: str
    seq: int
    verb: str  # code
    verb_label: str
    text: str
    source: str

    @property
    def identifier(self) -> str:
        return f"{self.meeting.key}/{self.minute_number}" + (f".{self.seq}" if self.seq != 1 else "")


@dataclass(frozen=True)
class DecisionPage:
    query: DecisionQuery
    rows: tuple[DecisionRow, ...]
    total: int
    page: int
    pages: int

    @property
    def first(self) -> int:
        return 0 if not self.total else (self.page - 1) * self.query.page_size + 1

    @property
    def last(self) -> int:
        return min(self.total, self.page * self.query.page_size)


def decisions(query: DecisionQuery, exempt: bool) -> DecisionPage:
    """The resolutions of every meeting, latest first, filtered by words (in the decision or its
    minute's title: every word must match), body, date range and verb; one page of them."""
    qs = m.Resolution.objects.select_related("meeting__body", "meeting__business_moved_to__body").order_by(
        "-meeting__date", "meeting__key", "minute_number", "seq")
    if query.body:
        qs = qs.filter(meeting__body__code=query.body)
    if query.date_from:
        qs = qs.filter(meeting__date__gte=query.date_from)
    if query.date_to:
        qs = qs.filter(meeting__date__lte=query.date_to)
    if query.verb:
        qs = qs.filter(verb=query.verb)
    titles = {(mi.meeting_id, mi.minute_number): mi for mi in m.MinuteItem.objects.filter(
        meeting_id__in=qs.values("meeting_id"))}
    hidden = set() if exempt else _hidden_minutes()
    words = [w.casefold() for w in query.text.split()][:10]
    rows = []
    for r in qs:
        if (r.meeting_id, r.minute_number) in hidden:
            continue
        mi = titles.get((r.meeting_id, r.minute_number))
        title = mi.title if mi else ""
        haystack = f"{r.text} {title}".casefold()
        if not all(w in haystack for w in words):
            continue
        rows.append(DecisionRow(_summary(r.meeting), r.minute_number, mi.item_number if mi else None, title, r.seq,
                                r.verb, g.ResolutionVerb(r.verb).label, r.text, g.ResolutionSource(r.source).label))
    size = max(1, query.page_size)
    pages = max(1, -(-len(rows) // size))
    page = min(max(1, query.page), pages)
    return DecisionPage(query, tuple(rows[(page - 1) * size: page * size]), len(rows), page, pages)


# --- people ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleView:
    role: str  # label: "Cabinet Member"
    title: str  # the portfolio or post: "Finance, Corporate and Traded Services"
    body: str
    period: str  # "from 1 May 2021 to 4 May 2025", "shown on 1 December 2022"
    as_printed: str
    aliases: tuple[str, ...]
    current: bool | None  # None: the papers give no dates


@dataclass(frozen=True)
class AttendedItem:
    meeting: MeetingSummary
    minute_number: int
    title: str
    role_text: str


@dataclass(frozen=True)
class AttendanceLine:
    meeting: MeetingSummary
    category: str  # label: "Present", "Apologies"
    role_text: str


@dataclass(frozen=True)
class PersonView:
    key: str
    name: str  # "Mr R W Gough"
    full_name: str  # "Roger Gough"
    is_member: bool | None
    political_group: str
    roles: tuple[RoleView, ...]
    attendance: tuple[AttendanceLine, ...]  # latest first
    present: int
    apologies: int
    items_attended: tuple[AttendedItem, ...]
    votes: tuple[tuple[MeetingSummary, str, str], ...]  # (meeting, motion text, "For")


PRESENT_CATEGORIES = frozenset({g.AttendanceCategory.PRESENT, g.AttendanceCategory.ALSO_PRESENT,
                                g.AttendanceCategory.IN_ATTENDANCE, g.AttendanceCategory.VIRTUAL,
                                g.AttendanceCategory.LATE, g.AttendanceCategory.SUBSTITUTE})


def _role_period(r: m.RoleAssignment, today: dt.date) -> tuple[str, bool | None]:
    if r.from_date or r.to_date:
        parts = []
        if r.from_date:
            parts.append(f"from {date_words(r.from_date)}")
        if r.to_date:
            parts.append(f"to {date_words(r.to_date)}")
        current = (r.from_date is None or r.from_date <= today) and (r.to_date is None or r.to_date >= today)
        return " ".join(parts), current
    if r.as_of:
        return f"shown in the papers on {date_words(r.as_of)}", None
    return "", None


def person_view(key: str, exempt: bool, today: dt.date) -> PersonView:
    person = m.Person.objects.filter(key=key).first()
    if person is None:
        raise NotFound(f"no person {key}")
    ref = person_ref(person)
    roles = []
    for r in sorted(person.roles.select_related("body"),
                    key=lambda r: (r.from_date or r.as_of or dt.date.min, r.role, r.portfolio_or_post), reverse=True):
        period, current = _role_period(r, today)
        roles.append(RoleView(g.RoleKind(r.role).label, r.portfolio_or_post, r.body.name if r.body_id else "",
                              period, r.as_printed, tuple(r.aliases or ()), current))
    hidden = set() if exempt else _hidden_minutes()
    lines = []
    items = []
    present = apologies = 0
    seen_present: set[int] = set()
    rows = person.attendance.select_related("meeting__body", "meeting__business_moved_to__body").order_by(
        "-meeting__date", "meeting__key", "minute_number")
    titles = {(mi.meeting_id, mi.minute_number): mi.title for mi in m.MinuteItem.objects.filter(
        meeting_id__in=rows.values("meeting_id"))}
    for a in rows:
        summary = _summary(a.meeting)
        if a.category == g.AttendanceCategory.IN_ATTENDANCE_FOR_ITEM:
            if a.minute_number is None or (a.meeting_id, a.minute_number) in hidden:
                continue
            items.append(AttendedItem(summary, a.minute_number, titles.get((a.meeting_id, a.minute_number), ""), a.role_text))
            continue
        lines.append(AttendanceLine(summary, g.AttendanceCategory(a.category).label, a.role_text))
        if a.category in PRESENT_CATEGORIES and a.meeting_id not in seen_present:
            seen_present.add(a.meeting_id)
            present += 1
        elif a.category == g.AttendanceCategory.APOLOGIES:
            apologies += 1
    votes = []
    for v in person.votes.select_related("motion__meeting__body", "motion__meeting__business_moved_to__body").order_by(
            "-motion__meeting__date", "motion__minute_number"):
        if (v.motion.meeting_id, v.motion.minute_number) in hidden:
            continue
        votes.append((_summary(v.motion.meeting), v.motion.text, g.VoteChoice(v.vote).label))
    return PersonView(person.key, ref.name, ref.full_name, person.is_member, person.political_group, tuple(roles),
                      tuple(lines), present, apologies, tuple(items), tuple(votes))


# --- search (the search page's governance kinds) ------------------------------------------------


@dataclass(frozen=True)
class Found:
    kind: str  # meeting / paper / decision
    key: str  # the meeting key the result is shown on
    code: str
    title: str
    note: str = ""
    anchor: str = ""  # where on the meeting page: "item-7", "minute-12" ("" for the meeting itself)



def find_meetings(words: list[str], limit: int) -> list[Found]:
    """Meetings whose body, venue, key or date in words match every word."""
    out = []
    for meeting in _meetings_qs().order_by("-date", "key"):
        s = _summary(meeting)
        hay = " ".join((s.key, s.body_name, meeting.body.code, s.venue, s.date_text, s.status_label)).casefold()
        if all(w.casefold() in hay for w in words):
            out.append(Found("meeting", s.key, s.key, s.title, s.status_label))
            if len(out) > limit:
                break
    return out


def find_papers(words: list[str], exempt: bool, limit: int) -> list[Found]:
    """Papers whose subject, summary or key match every word; an exempt item's paper only for a
    reader who may see exempt items."""
    qs = m.Paper.objects.select_related("meeting__body").filter(all_words(words, "subject", "summary", "key")).order_by(
        "-meeting__date", "item")
    if not exempt:
        exempt_item = m.AgendaItem.objects.filter(meeting=OuterRef("meeting"), number=OuterRef("item"),
                                                  section=g.Section.EXEMPT)
        qs = (qs.exclude(classification=g.Section.EXEMPT).exclude(agenda_item__section=g.Section.EXEMPT)
              .exclude(Exists(exempt_item)))
    out = []
    for p in qs.distinct()[: limit + 1]:
        out.append(Found("paper", p.meeting.key, p.key, p.subject,
                         f"item {p.item}, {p.meeting.body.name}, {date_words(p.meeting.date)}",
                         anchor=f"item-{p.item}" if p.item is not None else ""))
    return out


def find_decisions(words: list[str], exempt: bool, limit: int) -> list[Found]:
    page = decisions(DecisionQuery(text=" ".join(words), page_size=limit + 1), exempt)
    return [Found("decision", r.meeting.key, r.identifier, r.text,
                  f"minute {r.minute_number}, {r.meeting.body_name}, {date_words(r.meeting.date)}",
                  anchor=f"minute-{r.minute_number}") for r in page.rows]

