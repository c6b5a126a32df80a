"""Register editions' life (issue 10): never a silent duplicate; superseded (with a reason, the old
kept) and withdrawn (never deleted); dates the data does not support questioned; documents
rendered once and stored."""

import datetime as dt
import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from beacon.core.audit import history_of
from beacon.domain.edition_rules import EditionStatus, date_questions
from beacon.domain.risk import Rating
from beacon.reports.formats import REGISTER
from beacon.risk import editions as ed
from beacon.risk import lifecycle
from beacon.risk.models import Edition, EditionFile

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)
RATED = dt.date(2026, 5, 1)
MEETING = dt.date(2026, 11, 12)


@pytest.fixture
def register(clock):
    """One corporate risk, entered (and rated) in May 2026; today is 20/11/2026."""
    clock.set(TODAY.isoformat())
    return lifecycle.add_risk("Cyber attack", ["B. Officer, Director of Technology"], by="setup", on=RATED,
                              current=Rating(3, 4), target=Rating(2, 4))


def _freeze(date=MEETING, confirm=False, body="Cabinet"):
    return ed.freeze(ed.FreezeEdition(body, date, "rm", confirm_date=confirm))


def test_freezing_an_edition_that_exists_is_refused_naming_it(register):
    first = _freeze()
    with pytest.raises(ed.EditionExists) as refused:
        _freeze()
    assert refused.value.existing == first
    assert "there is already an edition for Cabinet on 12/11/2026" in str(refused.value)
    assert "supersede it" in str(refused.value)
    # the lower-level function used by the demo refuses too: nothing is returned silently
    with pytest.raises(ed.EditionExists):
        ed.create_edition("Cabinet", MEETING, by="rm")
    assert Edition.objects.count() == 1


def test_supersede_freezes_again_and_keeps_the_old_one_marked(register, clock):
    old = _freeze()
    lifecycle.rerate(register, Rating(4, 4), by="rm", on=dt.date(2026, 11, 1), note="worse")
    with pytest.raises(ed.EditionError) as no_reason:
        ed.supersede(ed.SupersedeEdition(old.pk, "  ", "rm"))
    assert no_reason.value.field == "reason" and Edition.objects.count() == 1

    clock.set("2026-11-21")
    new = ed.supersede(ed.SupersedeEdition(old.pk, "the November re-rating was missed", "lead"))
    old.refresh_from_db()
    assert (old.status, old.superseded_by, old.status_by, old.status_reason) == (
        "superseded", new, "lead", "the November re-rating was missed")
    assert new.status == "current" and ed.current_edition("Cabinet", MEETING) == new
    assert new.baseline_date == old.baseline_date
    # both are kept: the old snapshot unchanged, the new one from today's data
    assert ed.read_edition(old).risks[0].current.score == 12
    assert ed.read_edition(new).risks[0].current.score == 16
    assert {r.field for r in history_of(old)} >= {"status", "status_reason", "superseded_by"}
    assert ed.notice(old).startswith("Superseded on 21/11/2026 by lead, replaced by the edition frozen on 21/11/2026")
    # only the current edition can be superseded
    with pytest.raises(ed.EditionError, match="already superseded"):
        ed.supersede(ed.SupersedeEdition(old.pk, "again", "lead"))


def test_withdraw_marks_an_edition_and_never_deletes_it(register):
    mistake = _freeze(dt.date(2026, 11, 2))
    with pytest.raises(ed.EditionError) as no_reason:
        ed.withdraw(ed.WithdrawEdition(mistake.pk, "", "rm"))
    assert no_reason.value.field == "reason"
    done = ed.withdraw(ed.WithdrawEdition(mistake.pk, "wrong meeting date", "rm"))
    assert done.pk == mistake.pk and done.status == EditionStatus.WITHDRAWN.value
    assert Edition.objects.filter(pk=mistake.pk).exists()
    assert "Withdrawn" in ed.notice(done) and "wrong meeting date" in ed.notice(done)
    with pytest.raises(ed.EditionError, match="already withdrawn"):
        ed.withdraw(ed.WithdrawEdition(mistake.pk, "again", "rm"))
    with pytest.raises(ed.EditionError, match="withdrawn"):
        ed.supersede(ed.SupersedeEdition(mistake.pk, "x", "rm"))
    # a withdrawn edition is no baseline, and its date is free for a new edition
    assert ed.previous_edition("Cabinet", MEETING) is None
    again = _freeze(dt.date(2026, 11, 2))
    assert again.pk != mistake.pk and ed.current_edition("Cabinet", dt.date(2026, 11, 2)) == again


@pytest.mark.parametrize("date, words", [
    (dt.date(2026, 4, 1), "there is no register data before 01/05/2026"),
    (dt.date(2062, 11, 12), "12/11/2062 is after today (20/11/2026)"),
])
def test_a_date_outside_the_data_asks_for_confirmation(register, date, words):
    with pytest.raises(ed.DateNeedsConfirmation) as asked:
        _freeze(date)
    assert words in str(asked.value) and Edition.objects.count() == 0
    edition = _freeze(date, confirm=True)
    assert words in " ".join(edition.date_confirmed)
    assert _freeze(dt.date(2026, 11, 3)).date_confirmed == []  # a date within the data: no question


def test_date_questions_rule():
    data = [dt.date(2020, 1, 1), dt.date(2026, 11, 1)]
    assert date_questions(dt.date(2026, 11, 5), TODAY, data) == []
    assert date_questions(dt.date(2023, 6, 1), TODAY, data) == [
        "the nearest register data to 01/06/2023 is from 01/01/2020, more than a year away"]
    assert date_questions(dt.date(2026, 1, 1), TODAY, []) == [
        "there is no register data yet, so an edition of 01/01/2026 would be empty"]


def test_edition_documents_are_rendered_once_and_stored(register, monkeypatch):
    from beacon.reports.register import documents
    from beacon.reports.register.files import edition_file

    edition = _freeze()
    first = {fmt.name: bytes(edition_file(edition, fmt).content) for fmt in REGISTER}

    def no_rendering(*args, **kwargs):
        raise AssertionError("rendered again")

    for name in ("register_html", "register_pdf", "register_docx"):
        monkeypatch.setattr(documents, name, no_rendering)
    monkeypatch.setattr("beacon.core.jsonio.to_bytes", no_rendering)
    for fmt in REGISTER:
        stored = edition_file(edition, fmt)
        assert bytes(stored.content) == first[fmt.name]
        assert stored.sha256 == hashlib.sha256(first[fmt.name]).hexdigest() and stored.size == len(first[fmt.name])
    assert EditionFile.objects.filter(edition=edition).count() == len(REGISTER.names)


def test_a_withdrawn_editions_documents_say_so(register):
    from beacon.reports.register.files import edition_file

    edition = _freeze()
    html = REGISTER["html"]
    before = edition_file(edition, html)
    ed.withdraw(ed.WithdrawEdition(edition.pk, "frozen for the wrong body", "rm"))
    edition.refresh_from_db()
    after = edition_file(edition, html)
    text = bytes(after.content).decode()
    assert after.pk != before.pk and after.name == "register-2026-11-12-withdrawn.html"
    assert "Withdrawn edition" in text and "frozen for the wrong body" in text
    assert "Withdrawn" not in bytes(before.content).decode()  # the earlier file is kept as it was
    assert edition_file(edition, html).pk == after.pk


def _cli(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("register", "--body", "Cabinet", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_register_command_says_an_edition_exists_and_supersedes_or_withdraws(register, tmp_path):
    target = str(tmp_path / "r.json")
    with pytest.raises(CommandError, match="after today"):
        _cli("--date", "2026-12-01", "--out", target)
    _cli("--date", "2026-12-01", "--confirm-date", "--out", target)
    first = Edition.objects.get()
    _, err = _cli("--date", "2026-12-01", "--out", target)
    assert f"(edition {first.pk}) was frozen on 20/11/2026" in err and "--supersede" in err
    assert Edition.objects.count() == 1
    with pytest.raises(CommandError, match="reason"):
        _cli("--date", "2026-12-01", "--supersede", "--out", target)
    _cli("--date", "2026-12-01", "--supersede", "--reason", "late re-rating", "--out", target)
    new = Edition.objects.get(status="current")
    assert Edition.objects.get(pk=first.pk).superseded_by == new
    out, _ = _cli("--date", "2026-12-01", "--withdraw", "--edition", str(first.pk), "--reason", "duplicate")
    assert f"Withdrew edition {first.pk}" in out
    assert Edition.objects.get(pk=first.pk).status == "withdrawn" and Edition.objects.count() == 2
