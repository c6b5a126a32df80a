"""The reference bundle (the KCC Cabinet agenda pack of 5 January 2023, as copied into the demo):
it imports with no errors and exactly the warnings its README lists, keeps what was printed,
re-imports unchanged, records a changed value as a revision, and exports a bundle (CSV folder and
workbook) that re-imports unchanged."""

import datetime as dt

import pytest
from gov_bundle_support import REFERENCE, Copy, governance_counts

from beacon.bundle.errors import BundleErrors
from beacon.bundle.importer import export_bundle, import_bundle
from beacon.core.models import ImportRun, Revision
from beacon.governance import models

pytestmark = pytest.mark.django_db

README_WARNINGS = [
    "paper CABINET-2023-01-05-06: header recommendation differs from the body recommendation: "
    "'Cabinet is asked to NOTE the Quarter 2 Performance Report.' vs "
    "'Cabinet is asked to NOTE the Quarter 2 Performance Report'",
    "CABINET-2022-12-01: agenda item(s) [2] have no minute (item numbers of the minutes: 1-9)",
    "minute CABINET-2022-12-01 3: speaker love-r (Mr Love) is not in the attendance of the meeting or the item",
    "minute CABINET-2022-12-01 4: speaker love-r (Mr Love) is not in the attendance of the meeting or the item",
]


def test_the_readme_lists_the_warnings_this_test_expects():
    readme = (REFERENCE / "README.md").read_text(encoding="utf-8")
    validation = readme.split("## Validation", 1)[1]
    listed = [line[2:].strip() for line in validation.splitlines() if line.startswith("* ")]
    assert listed == README_WARNINGS


def test_reference_bundle_imports_with_exactly_the_readme_warnings():
    result = import_bundle(REFERENCE, user="test")
    assert sorted(result.warnings) == sorted(README_WARNINGS)
    assert result.skipped == ["README.md"]
    run = ImportRun.objects.get()
    assert sorted(run.summary["warnings"]) == sorted(README_WARNINGS)  # kept with the import run
    counts = governance_counts()
    assert (counts["Body"], counts["Person"], counts["RoleAssignment"], counts["Meeting"]) == (5, 23, 25, 3)
    assert (counts["AgendaItem"], counts["Paper"], counts["MinuteItem"], counts["Resolution"]) == (7, 3, 8, 6)
    assert (counts["Attendance"], counts["Recommendation"], counts["Pathway"], counts["Minutes"]) == (18, 2, 3, 2)


def test_printed_numbers_and_forms_are_kept():
    import_bundle(REFERENCE, user="test")
    items = {i.number: i for i in models.AgendaItem.objects.filter(meeting__key="CABINET-2023-01-05")}
    assert [(n, items[n].page_from, items[n].page_to) for n in (3, 6, 7)] == [(3, 1, 6), (6, 7, 64), (7, 65, 134)]
    assert items[6].paper.key == "CABINET-2023-01-05-06"
    minutes = models.MinuteItem.objects.filter(meeting__key="CABINET-2022-12-01")
    assert [(m.minute_number, m.item_number) for m in minutes] == [(1, 1), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9)]
    six = minutes.get(minute_number=6)
    assert six.unnumbered_paragraphs == [1, 6, 9]
    assert six.speakers == ["gough-r", "cook-k", "oakford-p", "bell-c", "chandler-s", "ghosh-a", "whittle-d"]
    qpr = models.Paper.objects.get(key="CABINET-2023-01-05-06")
    assert qpr.from_people == ["gough-r", "cockburn-d"]
    assert qpr.from_as_printed == ["Roger Gough – Leader of the Council", "David Cockburn - Chief Executive Officer"]
    assert (qpr.author, qpr.relevant_director, qpr.contacts) == (["kennard-r"], ["whittle-d"], ["kennard-r", "whittle-d"])
    assert (qpr.decision_no, qpr.decision_no_as_printed) == (None, "n/a")
    assert qpr.to_body.code == "CABINET" and qpr.to_date == dt.date(2023, 1, 5)
    assert "\n\nOf the 37 Key Performance Indicators" in qpr.summary
    register = models.Paper.objects.get(key="CABINET-2023-01-05-07")
    assert register.contact_block_label == ["Report Author", "Relevant Director"]
    assert register.ends_with_blank_page is True and register.decision_no_as_printed == "N/A"
    meeting = models.Meeting.objects.get(key="CABINET-2023-01-05")
    assert meeting.start_time == dt.time(10, 0) and meeting.type == "" and meeting.status == "scheduled"
    approved = models.Minutes.objects.get(meeting__key="CABINET-2022-09-29")
    assert (approved.approved_at_meeting.key, approved.approved_at_minute, approved.signed_by.key) == (
        "CABINET-2022-12-01", 2, "gough-r")
    assert models.Body.objects.get(code="COUNCIL").aliases == ["Full Council"]
    assert models.Body.objects.get(code="CABINET").status == "active"  # empty cell: the default


def test_the_demo_copy_names_the_documents_beacon_renders():
    import_bundle(REFERENCE, user="test")
    refs = dict(models.Paper.objects.values_list("key", "document_ref"))
    assert refs == {
        "CABINET-2023-01-05-03": "minutes:CABINET-2022-12-01",
        "CABINET-2023-01-05-06": "qpr:2022/23 Q2",
        "CABINET-2023-01-05-07": "register:Cabinet@2023-01-05",
    }
    assert "Added by Beacon" in (REFERENCE / "README.md").read_text(encoding="utf-8")


def test_reimport_changes_nothing():
    import_bundle(REFERENCE, user="test")
    before = governance_counts()
    revisions = list(Revision.objects.values_list("pk", flat=True))
    result = import_bundle(REFERENCE, user="test")
    assert not result.changed
    assert all(set(c) == {"unchanged"} for c in result.summary.values())
    assert list(Revision.objects.values_list("pk", flat=True)) == revisions
    after = governance_counts()
    assert {k: v for k, v in after.items() if k != "ImportRun"} == {k: v for k, v in before.items() if k != "ImportRun"}


def test_a_changed_value_records_a_revision(tmp_path):
    import_bundle(REFERENCE, user="first")
    copy = Copy(REFERENCE, tmp_path / "b")
    copy.edit("agenda_items.csv", {"meeting": "CABINET-2023-01-05", "number": "5"},
              title="Provisional Local Government Finance Settlement 2023/24")
    copy.edit("minute_items.csv", {"meeting": "CABINET-2022-12-01", "minute_number": "3"}, speakers="oakford-p;bell-c")
    result = import_bundle(copy.root, user="second", reason="title corrected")
    assert result.summary["agenda_items.csv"]["changed"] == 1
    item = models.AgendaItem.objects.get(meeting__key="CABINET-2023-01-05", number=5)
    assert item.title == "Provisional Local Government Finance Settlement 2023/24"
    rev = Revision.objects.get(entity="agenda_item", field="title", changed_by="second")
    assert (rev.old_value, rev.new_value, rev.reason) == (
        "Provisional Local Government Finance Settlement", item.title, "title corrected")
    assert rev.key == "CABINET-2023-01-05 5" and rev.object_id == item.pk
    speakers = Revision.objects.get(entity="minute_item", field="speakers", changed_by="second")
    assert speakers.new_value == "oakford-p;bell-c"
    # the one Mr Love warning left is minute 4's
    assert [w for w in result.warnings if "love-r" in w] == [README_WARNINGS[3]]


@pytest.mark.parametrize("target", ["csv", "xlsx"])
def test_export_reimports_unchanged(tmp_path, target):
    import_bundle(REFERENCE, user="test")
    path = tmp_path / ("out.xlsx" if target == "xlsx" else "out")
    export_bundle(path)
    revisions = Revision.objects.count()
    result = import_bundle(path, user="test")
    assert not result.changed, result.report()
    assert Revision.objects.count() == revisions
    assert sorted(result.warnings) == sorted(README_WARNINGS)
    # and into an empty database the export gives the same records
    exported = _snapshot()
    for model in reversed(list(_models_in_delete_order())):
        model.objects.all().delete()
    import_bundle(path, user="test")
    assert _snapshot() == exported


def test_export_writes_only_files_with_rows_and_again_identically(tmp_path):
    import_bundle(REFERENCE, user="test")
    first, second = tmp_path / "one", tmp_path / "two"
    export_bundle(first)
    names = sorted(p.name for p in first.iterdir() if p.name in {
        "bodies.csv", "people.csv", "role_assignments.csv", "meetings.csv", "agendas.csv", "agenda_items.csv",
        "papers.csv", "recommendations.csv", "pathways.csv", "minutes.csv", "minute_items.csv", "resolutions.csv",
        "attendance.csv", "declarations.csv", "motions.csv", "votes.csv", "elections.csv", "question_sessions.csv",
        "questions.csv", "petitions.csv"})
    assert names == sorted(p.name for p in REFERENCE.iterdir() if p.suffix == ".csv")
    import_bundle(first, user="test")
    export_bundle(second)
    for path in first.iterdir():
        assert (second / path.name).read_bytes() == path.read_bytes(), path.name


def test_an_unknown_column_is_named_and_nothing_is_written(tmp_path):
    copy = Copy(REFERENCE, tmp_path / "b")
    copy.rename_column("meetings.csv", "venue", "venu")
    with pytest.raises(BundleErrors) as caught:
        import_bundle(copy.root, user="test")
    assert any(m.startswith("meetings.csv:1: venu: unknown column") for m in caught.value.messages)
    assert not any(governance_counts().values())


def _models_in_delete_order():
    return [models.Vote, models.Resolution, models.Motion, models.Election, models.Question, models.QuestionSession,
            models.Petition, models.Declaration, models.Attendance, models.MinuteItem, models.Minutes,
            models.Pathway, models.Recommendation, models.AgendaItem, models.Agenda, models.Paper,
            models.Meeting, models.RoleAssignment, models.Person, models.Body][::-1]


def _snapshot():
    from beacon.governance.bundle.export import export_files

    return export_files()
