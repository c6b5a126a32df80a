"""Governance records for the public-side tests (pages, feed, open data, API, search), made
through the ORM: Cabinet (a held meeting with its minutes and one exempt item, the meeting of
5 January 2023 with its agenda, papers and packs, a cancelled meeting whose business moved), and
County Council (motions with a recorded vote, an election, questions, a petition, a declaration;
one exempt motion). Every exempt text holds the word SECRET, so a test can look for it anywhere.
"""

from __future__ import annotations

import datetime as dt

from beacon.core import permissions as perm
from beacon.domain import governance as g
from beacon.governance import models as m

SECRET = "SECRET"
PASSWORD = "correct-horse-battery-staple"
USERS = {"clerk": perm.CLERK, "member": perm.MEMBER, "reader": perm.READER}
AT = dt.datetime(2022, 12, 22, 9, 0, tzinfo=dt.timezone.utc)


def person(key, title, initials, forename, surname, honours=(), member=True):
    return m.Person.objects.create(key=key, title=title, initials=initials, forename=forename, surname=surname,
                                   honours=list(honours), is_member=member)


def make_governance() -> dict:
    cabinet = m.Body.objects.create(code="CABINET", name="Cabinet", kind=g.BodyKind.EXECUTIVE)
    council = m.Body.objects.create(code="COUNCIL", name="County Council", kind=g.BodyKind.FULL_COUNCIL,
                                    aliases=["Full Council"])
    gac = m.Body.objects.create(code="GAC", name="Governance & Audit Committee", kind=g.BodyKind.COMMITTEE)

    gough = person("gough-r", "Mr", "R W", "Roger", "Gough")
    hill = person("hill-p", "Mr", "P M", "Peter", "Hill", honours=["OBE"])
    oakford = person("oakford-p", "Mr", "P J", "Peter", "Oakford")
    carey = person("carey-s", "Miss", "S J", "Susan", "Carey")
    hammond = person("hammond-s", "", "", "Sarah", "Hammond", member=False)
    watts = person("watts-b", "", "", "Benjamin", "Watts", member=False)
    kennedy = person("kennedy-e", "", "", "Emily", "Kennedy", member=False)
    secret_officer = person("surveyor-x", "", "", "Xavier", "Surveyor", member=False)

    m.RoleAssignment.objects.create(person=gough, role=g.RoleKind.LEADER, portfolio_or_post="Leader of the Council",
                                    as_of=dt.date(2023, 1, 5), as_printed="Leader of the Council", aliases=["The Leader"])
    m.RoleAssignment.objects.create(person=gough, role=g.RoleKind.CHAIR, portfolio_or_post="Chairman", body=cabinet,
                                    from_date=dt.date(2021, 5, 27), as_printed="Chairman", aliases=["the Chair"])
    m.RoleAssignment.objects.create(
        person=hill, role=g.RoleKind.CABINET_MEMBER, portfolio_or_post="Community and Regulatory Services",
        body=cabinet, from_date=dt.date(2021, 5, 27), to_date=dt.date(2022, 10, 31),
        as_printed="Cabinet Member for Community and Regulatory Services", aliases=["Communities"])
    m.RoleAssignment.objects.create(
        person=hill, role=g.RoleKind.LEAD_MEMBER, portfolio_or_post="PREVENT", from_date=dt.date(2022, 11, 1),
        as_printed="Lead Member for PREVENT")

    # Cabinet, 1 December 2022: held, minuted; item 10 is exempt
    dec = m.Meeting.objects.create(key="CABINET-2022-12-01", body=cabinet, date=dt.date(2022, 12, 1),
                                   start_time=dt.time(10, 0), venue="Council Chamber", status=g.MeetingStatus.HELD,
                                   presiding=gough)
    for number, title, section, category in (
            (1, "Apologies", g.Section.UNRESTRICTED, g.ItemCategory.STANDING),
            (2, "Declarations of Interest", g.Section.UNRESTRICTED, g.ItemCategory.STANDING),
            (3, "Kent and Medway Interim Integrated Care Strategy", g.Section.UNRESTRICTED, g.ItemCategory.REPORT),
            (10, "Acquisition of land at Example Road", g.Section.EXEMPT, g.ItemCategory.REPORT)):
        m.AgendaItem.objects.create(meeting=dec, number=number, title=title, section=section, category=category)
    exempt_item = dec.items.get(number=10)
    exempt_item.exempt_paragraph = 3
    exempt_item.exempt_reason = f"{SECRET}-REASON: commercial terms under negotiation"
    exempt_item.public_interest_reason = f"{SECRET}-INTEREST outweighs disclosure"
    secret_paper = m.Paper.objects.create(key="CABINET-2022-12-01-10", meeting=dec, item=10, subject=f"Land deal {SECRET}-PAPER",
                                          summary=f"{SECRET}-SUMMARY of the price", classification=g.Section.EXEMPT)
    m.Recommendation.objects.create(paper=secret_paper, verb=g.RecommendationVerb.AGREE, text=f"{SECRET}-RECOMMENDATION")
    exempt_item.paper = secret_paper
    exempt_item.save()
    m.Minutes.objects.create(meeting=dec, heading="MINUTES of a meeting of the Cabinet held in the Council Chamber on "
                                                  "Thursday, 1 December 2022.", status=g.MinutesStatus.DRAFT,
                             numbering=g.Numbering.PER_MEETING)
    m.MinuteItem.objects.create(meeting=dec, minute_number=1, item_number=1, title="Apologies",
                                outcome_kind=g.OutcomeKind.STATEMENT, outcome="There were no apologies for absence.")
    m.MinuteItem.objects.create(meeting=dec, minute_number=2, item_number=3, title="Kent and Medway Interim Integrated Care Strategy",
                                outcome_kind=g.OutcomeKind.RESOLVED, text=["Mr Oakford introduced the strategy."])
    m.MinuteItem.objects.create(meeting=dec, minute_number=3, item_number=None, title="Revenue and Capital Budget Monitoring",
                                outcome_kind=g.OutcomeKind.NONE, text=["Mr Oakford spoke."])
    m.MinuteItem.objects.create(meeting=dec, minute_number=9, item_number=10, title="Acquisition of land at Example Road",
                                outcome_kind=g.OutcomeKind.RESOLVED, text=[f"{SECRET}-MINUTE-TEXT about the price"])
    m.Resolution.objects.create(meeting=dec, minute_number=2, verb=g.ResolutionVerb.APPROVE,
                                text="RESOLVED to approve the Kent and Medway Interim Integrated Care Strategy",
                                source=g.ResolutionSource.REPORT)
    m.Resolution.objects.create(meeting=dec, minute_number=9, verb=g.ResolutionVerb.AGREE,
                                text=f"RESOLVED to buy the land ({SECRET}-RESOLUTION)", source=g.ResolutionSource.REPORT)
    for pos, p in enumerate((gough, hill, oakford), start=1):
        m.Attendance.objects.create(meeting=dec, person=p, category=g.AttendanceCategory.PRESENT, position=pos,
                                    role_text="Chairman" if p is gough else "",
                                    name_as_printed=f"{p.title} {p.initials} {p.surname}" + (", OBE" if p is hill else ""))
    m.Attendance.objects.create(meeting=dec, person=carey, category=g.AttendanceCategory.APOLOGIES,
                                name_as_printed="Miss S J Carey")
    m.Attendance.objects.create(meeting=dec, person=hammond, category=g.AttendanceCategory.IN_ATTENDANCE_FOR_ITEM,
                                minute_number=2, role_text="Corporate Director, Children's Young People and Education",
                                name_as_printed="Sarah Hammond")
    m.Attendance.objects.create(meeting=dec, person=secret_officer, category=g.AttendanceCategory.IN_ATTENDANCE_FOR_ITEM,
                                minute_number=9, role_text=f"{SECRET}-SURVEYOR", name_as_printed="Xavier Surveyor")

    # Cabinet, 5 January 2023: scheduled, with its agenda, papers and packs
    jan = m.Meeting.objects.create(key="CABINET-2023-01-05", body=cabinet, date=dt.date(2023, 1, 5),
                                   start_time=dt.time(10, 0), venue="Council Chamber", status=g.MeetingStatus.SCHEDULED)
    m.Agenda.objects.create(meeting=jan, dispatch_date=dt.date(2022, 12, 22), signatory=watts,
                            signatory_post="General Counsel", signatory_phone="03000 416814", contact_officer=kennedy,
                            contact_phone="03000 419625", contact_email="emily.kennedy@kent.gov.uk",
                            unrestricted_note="During these items the meeting is likely to be open to the public",
                            exempt_note="At the time of preparing the agenda there were no exempt items.")
    minutes_paper = m.Paper.objects.create(key="CABINET-2023-01-05-03", meeting=jan, item=3, kind=g.PaperKind.MINUTES,
                                           subject="Minutes of the meeting held on 1 December 2022")
    qpr = m.Paper.objects.create(
        key="CABINET-2023-01-05-06", meeting=jan, item=6, subject="Quarterly Performance Report, Quarter 2, 2022/23",
        from_people=["gough-r"], from_as_printed=["Roger Gough – Leader of the Council"], to_body=cabinet,
        to_date=dt.date(2023, 1, 5), to_as_printed="Cabinet – 5 January 2023", decision_no=None,
        decision_no_as_printed="n/a", classification=g.Section.UNRESTRICTED,
        summary="The purpose of the Quarterly Performance Report (QPR) is to inform Cabinet.\n\nSecond paragraph.",
        recommendation="Cabinet is asked to NOTE the Quarter 2 Performance Report.")
    m.Recommendation.objects.create(paper=qpr, verb=g.RecommendationVerb.NOTE,
                                    text="Cabinet is asked to NOTE the Quarter 2 Performance Report.")
    register = m.Paper.objects.create(
        key="CABINET-2023-01-05-07", meeting=jan, item=7, subject="Corporate Risk Register", to_body=cabinet,
        to_date=dt.date(2023, 1, 5), classification=g.Section.UNRESTRICTED, past_pathway="N/A",
        future_pathway="Governance & Audit Committee", electoral_division="ALL", author=["kennedy-e"],
        relevant_director=["watts-b"], contacts=["kennedy-e", "watts-b"], contact_block_label=["Report Author", "Relevant Director"])
    m.Recommendation.objects.create(paper=register, verb=g.RecommendationVerb.NOTE,
                                    text="Cabinet Members are asked to NOTE the report.")
    m.Pathway.objects.create(paper=register, step=1, body=cabinet, meeting=jan, role=g.PathwayRole.CURRENT,
                             status=g.PathwayStatus.PLANNED)
    m.Pathway.objects.create(paper=register, step=2, body=gac, role=g.PathwayRole.FUTURE, status=g.PathwayStatus.PLANNED)
    for number, title, category, paper, pages in (
            (1, "Apologies", g.ItemCategory.STANDING, None, None),
            (2, "Declarations of Interest", g.ItemCategory.STANDING, None, None),
            (3, "Minutes of the meeting held on 1 December 2022", g.ItemCategory.MINUTES, minutes_paper, (1, 6)),
            (6, "Quarterly Performance Report (Quarter 2 2022/23)", g.ItemCategory.REPORT, qpr, (7, 64)),
            (7, "Corporate Risk Register", g.ItemCategory.REPORT, register, (65, 134))):
        m.AgendaItem.objects.create(meeting=jan, number=number, title=title, category=category, paper=paper,
                                    page_from=pages[0] if pages else None, page_to=pages[1] if pages else None)
    for audience, text in ((g.PackAudience.PUBLIC, b"%PDF-1.7 public pack"),
                           (g.PackAudience.MEMBERS, f"%PDF-1.7 members pack {SECRET}-PACK".encode())):
        m.Pack.objects.create(meeting=jan, audience=audience, version=1, title="Cabinet, 5 January 2023",
                              pages={"3": [1, 6]}, page_count=134, pdf=text, html=f"<p>{audience} pack</p>",
                              sha256="0" * 64, dispatched_by="clerk", dispatched_at=AT)

    # a cancelled meeting whose business went elsewhere
    feb16 = m.Meeting.objects.create(key="CABINET-2023-02-16", body=cabinet, date=dt.date(2023, 2, 16),
                                     start_time=dt.time(14, 30), venue="Council Chamber")
    m.Meeting.objects.create(key="CABINET-2023-02-09", body=cabinet, date=dt.date(2023, 2, 9), start_time=dt.time(10, 0),
                             venue="Council Chamber", status=g.MeetingStatus.CANCELLED, business_moved_to=feb16,
                             note="cancelled; business taken on 16 February")

    # County Council: motions, a recorded vote, an election, questions, a petition, a declaration
    cc = m.Meeting.objects.create(key="COUNCIL-2022-12-08", body=council, date=dt.date(2022, 12, 8),
                                  start_time=dt.time(10, 0), scheduled_end=dt.time(16, 0), venue="Council Chamber, Sessions House",
                                  status=g.MeetingStatus.HELD, presiding=hill, type=g.MeetingType.ORDINARY)
    m.AgendaItem.objects.create(meeting=cc, number=5, title="Motion for time-limited debate: bus services",
                                category=g.ItemCategory.MOTION)
    m.AgendaItem.objects.create(meeting=cc, number=9, title="Staffing matter", category=g.ItemCategory.REPORT,
                                section=g.Section.EXEMPT, exempt_paragraph=1, exempt_reason=f"{SECRET}-STAFF")
    m.MinuteItem.objects.create(meeting=cc, minute_number=41, item_number=5, title="Motion for time-limited debate: bus services",
                                outcome_kind=g.OutcomeKind.RESOLVED)
    m.MinuteItem.objects.create(meeting=cc, minute_number=42, item_number=9, title="Staffing matter",
                                outcome_kind=g.OutcomeKind.MOTION_LOST, outcome=f"{SECRET}-LOST")
    motion = m.Motion.objects.create(key="COUNCIL-2022-12-08-M41", meeting=cc, minute_number=41,
                                     kind=g.MotionKind.TIME_LIMITED_DEBATE, proposer=oakford, seconder=carey,
                                     text="This Council supports rural bus services.", outcome=g.MotionOutcome.CARRIED,
                                     outcome_as_printed="Motion carried.", recorded_vote=True, for_count_printed=2,
                                     against_count_printed=1, abstain_count_printed=0)
    for pos, (p, choice) in enumerate(((oakford, g.VoteChoice.FOR), (carey, g.VoteChoice.FOR), (gough, g.VoteChoice.AGAINST)), 1):
        m.Vote.objects.create(motion=motion, person=p, vote=choice, position=pos, name_as_printed=f"{p.title} {p.surname}")
    secret_motion = m.Motion.objects.create(key="COUNCIL-2022-12-08-M42", meeting=cc, minute_number=42,
                                            kind=g.MotionKind.PROCEDURAL, proposer=gough, text=f"{SECRET}-MOTION",
                                            outcome=g.MotionOutcome.LOST, recorded_vote=True, for_count_printed=1)
    m.Vote.objects.create(motion=secret_motion, person=hill, vote=g.VoteChoice.FOR)
    m.Resolution.objects.create(meeting=cc, minute_number=41, verb=g.ResolutionVerb.AGREE,
                                text="RESOLVED that this Council supports rural bus services.",
                                source=g.ResolutionSource.MOTION, motion=motion)
    m.Election.objects.create(meeting=cc, minute_number=40, office="Vice-Chairman", body=council, person=carey,
                              proposer=gough, seconder=oakford, outcome=g.ElectionOutcome.AGREED_UNANIMOUSLY,
                              acceptance_declared=True)
    m.QuestionSession.objects.create(meeting=cc, minute_number=43, submitted=12, put=10, asked=8)
    m.Question.objects.create(meeting=cc, minute_number=43, seq=1, asker=carey, respondent=oakford,
                              text="What will the bus budget be?", answer="It will rise.")
    m.Petition.objects.create(meeting=cc, minute_number=44, presented_by=hill, subject="Save the library",
                              referred_to_role="Cabinet Member for Communities", scheme_version="2019")
    m.Declaration.objects.create(meeting=cc, person=oakford, item_number=5, interest_type=g.InterestType.OTHER,
                                 action=g.DeclarationAction.REMAINED, text="He uses the bus.")
    m.Declaration.objects.create(meeting=cc, person=gough, item_number=9, interest_type=g.InterestType.OTHER,
                                 text=f"{SECRET}-DECLARATION")
    m.Attendance.objects.create(meeting=cc, person=hill, category=g.AttendanceCategory.PRESENT, position=1)
    m.Attendance.objects.create(meeting=cc, person=oakford, category=g.AttendanceCategory.PRESENT, position=2)
    m.Attendance.objects.create(meeting=cc, person=carey, category=g.AttendanceCategory.PRESENT, position=3)
    m.Attendance.objects.create(meeting=cc, person=gough, category=g.AttendanceCategory.PRESENT, position=4)
    return {"cabinet": cabinet, "council": council, "dec": dec, "jan": jan, "cc": cc, "motion": motion}


def make_users() -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    perm.ensure_groups()
    users = {}
    for username, role in USERS.items():
        user = get_user_model().objects.create_user(username=username, password=PASSWORD)
        user.groups.add(Group.objects.get(name=role))
        users[username] = user
    return users
