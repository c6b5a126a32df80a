"""A synthetic County Council bundle (invented names, written to the format): an annual meeting
with elections, a running minute series across two meetings, motions with an amendment and a
motion for time-limited debate with recorded votes, questions, a petition, declarations, every
kind of attendance, subsidiary minutes for noting and a cancelled meeting whose pathway step is
skipped. It imports with the warnings its README lists and round-trips; Beacon's extension
columns are read and written."""

import datetime as dt

import pytest
from gov_bundle_support import COUNTY, Copy, governance_counts

from beacon.bundle.errors import BundleErrors
from beacon.bundle.importer import export_bundle, import_bundle
from beacon.core.models import Revision
from beacon.governance import models
from beacon.governance.bundle.export import export_files

pytestmark = pytest.mark.django_db

C, A, P = "COUNCIL-2024-07-18", "COUNCIL-2024-05-16", "PENSION-2024-06-20"


def _readme_warnings() -> list[str]:
    text = (COUNTY / "README.md").read_text(encoding="utf-8").split("## Validation", 1)[1]
    bullets = text.split("\n* ")[1:]
    # a bullet runs over lines; its parenthesised remark after the warning is the README's own
    out = []
    for bullet in bullets:
        joined = " ".join(bullet.split())
        out.append(joined.rsplit(" (", 1)[0])
    return out


def test_county_bundle_imports_with_the_warnings_its_readme_lists():
    result = import_bundle(COUNTY, user="test")
    assert sorted(result.warnings) == sorted(_readme_warnings())
    assert len(result.warnings) == 2


def test_the_annual_meeting_and_its_elections():
    import_bundle(COUNTY, user="test")
    annual = models.Meeting.objects.get(key=A)
    assert (annual.type, annual.type_as_printed, annual.presiding.key) == ("annual", "Annual Meeting", "ashdown-m")
    chairman = models.Election.objects.get(meeting=annual, minute_number=1)
    assert (chairman.office, chairman.person.key, chairman.proposer.key, chairman.seconder.key) == (
        "Chairman of the County Council", "brook-j", "dunn-a", "ellis-p")
    assert (chairman.outcome, chairman.outcome_as_printed, chairman.acceptance_declared) == (
        "agreed_unanimously", "Agreed unanimously.", True)
    assert chairman.term_start == dt.date(2024, 5, 16)
    assert models.MinuteItem.objects.get(meeting=annual, minute_number=2).presiding.key == "brook-j"
    assert models.Resolution.objects.get(meeting=annual, minute_number=2).verb == "elect"


def test_running_minute_numbers_are_kept_as_printed():
    import_bundle(COUNTY, user="test")
    numbers = lambda key: list(models.MinuteItem.objects.filter(meeting__key=key).values_list(  # noqa: E731
        "minute_number", "item_number"))
    assert numbers(A) == [(n, n) for n in range(1, 7)]
    assert numbers(C) == [(n, n - 6) for n in range(7, 17)]
    assert models.Minutes.objects.get(meeting__key=C).numbering == "running"
    approved = models.Minutes.objects.get(meeting__key=A)
    assert (approved.approved_at_meeting.key, approved.approved_at_minute, approved.printed_as_paper.key) == (
        C, 9, f"{C}-03")


def test_motions_amendment_and_recorded_votes():
    import_bundle(COUNTY, user="test")
    motion = models.Motion.objects.get(key=f"{C}-M13")
    amendment = models.Motion.objects.get(key=f"{C}-M13-A1")
    assert amendment.parent == motion and amendment.kind == "amendment" and amendment.outcome == "lost"
    assert (motion.for_count_printed, motion.against_count_printed, motion.abstain_count_printed) == (8, 2, 1)
    assert motion.recommended_by.code == "GAC"
    assert [v.person.key for v in motion.votes.filter(vote="for")] == [
        "ashdown-m", "carter-t", "dunn-a", "fox-r", "grey-h", "irwin-k", "jones-d"]
    tld = models.Motion.objects.get(key=f"{C}-M14")
    assert (tld.kind, tld.outcome_as_printed, tld.votes.count()) == ("time_limited_debate", "Motion lost.", 10)
    assert models.MinuteItem.objects.get(meeting__key=C, minute_number=14).outcome_kind == "motion_lost"
    assert models.Resolution.objects.get(meeting__key=C, minute_number=13).motion == motion


def test_questions_petitions_declarations_and_attendance():
    import_bundle(COUNTY, user="test")
    session = models.QuestionSession.objects.get(meeting__key=C)
    assert (session.submitted, session.put, session.asked, session.replies_given) == (12, 10, 2, True)
    assert [(q.seq, q.asker.key, q.respondent.key) for q in models.Question.objects.all()] == [
        (1, "hale-s", "dunn-a"), (2, "moss-c", "dunn-a")]
    petition = models.Petition.objects.get()
    assert (petition.presented_by.key, petition.presented_to.key, petition.referred_to_person.key) == (
        "moss-c", "brook-j", "grey-h")
    declaration = models.Declaration.objects.get()
    assert (declaration.person.key, declaration.item_number, declaration.interest_type, declaration.action) == (
        "fox-r", 7, "other_significant", "remained")
    categories = set(models.Attendance.objects.values_list("category", flat=True))
    assert categories == {"present", "apologies", "in_attendance", "in_attendance_for_item", "virtual", "late",
                          "substitute"}


def test_minutes_for_noting_and_the_skipped_step_of_a_cancelled_meeting():
    import_bundle(COUNTY, user="test")
    panel = models.Minutes.objects.get(meeting__key=P)
    assert (panel.noted_at_meeting.key, panel.noted_at_minute, panel.numbering) == (C, 15, "per_meeting")
    assert models.Body.objects.get(code="PENSION").parent.code == "COUNCIL"
    cancelled = models.Meeting.objects.get(key="GAC-2024-06-05")
    assert cancelled.status == "cancelled"
    step = models.Pathway.objects.get(paper__key=f"{C}-07", step=1)
    assert (step.meeting, step.status, step.role) == (cancelled, "skipped", "past")
    assert step.skip_reason.startswith("The meeting of 5 June 2024 was cancelled")
    paper = models.Paper.objects.get(key=f"{C}-07")
    assert (paper.decision_no, paper.decision_no_as_printed, paper.classification) == (None, "N/A", "unrestricted")


def test_reimport_changes_nothing():
    import_bundle(COUNTY, user="test")
    revisions = Revision.objects.count()
    result = import_bundle(COUNTY, user="test")
    assert not result.changed
    assert Revision.objects.count() == revisions


@pytest.mark.parametrize("target", ["csv", "xlsx"])
def test_round_trip(tmp_path, target):
    import_bundle(COUNTY, user="test")
    before = export_files()
    path = tmp_path / ("county.xlsx" if target == "xlsx" else "county")
    export_bundle(path)
    result = import_bundle(path, user="test")
    assert not result.changed, result.report()
    assert sorted(result.warnings) == sorted(_readme_warnings())
    assert export_files() == before
    assert set(before) == {p.name for p in COUNTY.iterdir() if p.suffix == ".csv"}


def test_extension_columns_are_read_and_written(tmp_path):
    copy = Copy(COUNTY, tmp_path / "b")
    copy.edit("bodies.csv", {"code": "COUNCIL"}, quorum="21", default_access="public", meeting_frequency="six times a year")
    copy.edit("bodies.csv", {"code": "PENSION"}, default_access="private")
    copy.edit("meetings.csv", {"id": "GAC-2024-06-05"}, business_moved_to="GAC-2024-07-24")
    copy.edit("agenda_items.csv", {"meeting": C, "number": "10"}, exempt_paragraph="3",
              public_interest_reason="The public interest in withholding the information outweighs disclosing it.")
    copy.edit("papers.csv", {"id": f"{C}-03"}, document=f"minutes:{A}")
    copy.edit("papers.csv", {"id": f"{C}-07"}, decision_no_as_printed="24/00077")
    import_bundle(copy.root, user="test")
    council = models.Body.objects.get(code="COUNCIL")
    assert (council.quorum, council.default_access, council.meeting_frequency) == (21, "public", "six times a year")
    assert models.Body.objects.get(code="PENSION").default_access == "private"
    assert models.Body.objects.get(code="GAC").default_access == "public"  # the default
    assert models.Meeting.objects.get(key="GAC-2024-06-05").business_moved_to.key == "GAC-2024-07-24"
    item = models.AgendaItem.objects.get(meeting__key=C, number=10)
    assert item.exempt_paragraph == 3 and item.public_interest_reason.startswith("The public interest")
    assert models.Paper.objects.get(key=f"{C}-03").document_ref == f"minutes:{A}"
    assert models.Paper.objects.get(key=f"{C}-07").decision_no == "24/00077"  # normalised from the printed form
    out = tmp_path / "out"
    export_bundle(out)
    result = import_bundle(out, user="test")
    assert not result.changed
    exported = (out / "meetings.csv").read_text(encoding="utf-8")
    assert "GAC-2024-07-24,2024-06-05" not in exported and ",GAC-2024-07-24," in exported


@pytest.mark.parametrize("file,match,column,value,reason", [
    ("meetings.csv", {"id": "GAC-2024-06-05"}, "business_moved_to", "GAC-2024-07-25", "unknown meeting"),
    ("agenda_items.csv", {"meeting": C, "number": "10"}, "exempt_paragraph", "9", "Schedule 12A"),
    ("agenda_items.csv", {"meeting": C, "number": "7"}, "exempt_paragraph", "3", "only an exempt item"),
    ("papers.csv", {"id": f"{C}-07"}, "document", "treasury-review.pdf", "not a document Beacon renders"),
    ("papers.csv", {"id": f"{C}-07"}, "document", "register:Cabinet@2024-13-01", "is not a date"),
    ("bodies.csv", {"code": "COUNCIL"}, "default_access", "members", "is not one of"),
])
def test_extension_columns_are_checked(tmp_path, file, match, column, value, reason):
    copy = Copy(COUNTY, tmp_path / "b")
    copy.edit(file, match, **{column: value})
    with pytest.raises(BundleErrors) as caught:
        import_bundle(copy.root, user="test")
    assert any(f": {column}: " in m and reason in m for m in caught.value.messages), caught.value.messages
    assert not any(governance_counts().values())


def test_a_cycle_of_parents_is_refused(tmp_path):
    copy = Copy(COUNTY, tmp_path / "b")
    copy.edit("bodies.csv", {"code": "COUNCIL"}, parent="PENSION")
    with pytest.raises(BundleErrors) as caught:
        import_bundle(copy.root, user="test")
    assert any("bodies.csv:" in m and "parent" in m and "leads back to itself" in m for m in caught.value.messages)


def test_an_agenda_whose_pages_are_not_assembled_yet_round_trips(tmp_path):
    """A paper Beacon placed on an agenda has no pages until the pack is assembled: the export
    says so (``pages_pending``) and re-imports unchanged; a bundle that says neither is refused."""
    import_bundle(COUNTY, user="test")
    models.AgendaItem.objects.filter(meeting__key=C, number=7).update(page_from=None, page_to=None)
    out = tmp_path / "out"
    export_bundle(out)
    copy = Copy(out, tmp_path / "copy")
    _, rows = copy.read("agenda_items.csv")
    assert [(r["number"], r["pages_pending"]) for r in rows if r["meeting"] == C and r["paper"]] == [
        ("3", ""), ("7", "true"), ("9", "")]
    assert not import_bundle(out, user="test").changed
    copy.edit("agenda_items.csv", {"meeting": C, "number": "7"}, pages_pending="")
    with pytest.raises(BundleErrors) as caught:
        import_bundle(copy.root, user="test")
    assert any("has a paper but no page range" in m for m in caught.value.messages)
    copy.edit("agenda_items.csv", {"meeting": C, "number": "7"}, pages_pending="true", page_from="9", page_to="20")
    with pytest.raises(BundleErrors) as caught:
        import_bundle(copy.root, user="test")
    assert any(": pages_pending: the item has a page range" in m for m in caught.value.messages)
