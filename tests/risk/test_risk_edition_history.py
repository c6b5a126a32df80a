"""Editions show the register as it stood on their date (every field, not only the ratings), from
the audit log; printed summaries belong to their edition; one history per control and action; the
register's name and body are data."""

import csv
import datetime as dt
import io
import shutil

import pytest
from django.core.management import call_command

from beacon.bundle.importer import export_bundle, import_bundle
from beacon.demo import HERE
from beacon.core.models import Revision
from beacon.reports.register import build_register_model
from beacon.risk import lifecycle, models
from beacon.risk.editions import EditionError, build_edition

pytestmark = pytest.mark.django_db
JAN = HERE / "kcc-risk-register-2023-01"
CYPE = HERE / "kcc-risk-register-2023-03-cype"
JANUARY = dt.date(2023, 1, 5)
MARCH = dt.date(2023, 3, 8)


def _january():
    return build_register_model(build_edition("Cabinet", JANUARY, baseline=dt.date(2022, 7, 1)))


def _rows(model):
    """The risks of a register model or of an edition's content, by id."""
    return {r.id: r for r in getattr(model, "content", model).risks}


def test_the_january_edition_is_unchanged_by_the_march_import():
    import_bundle(JAN, user="test")
    alone = _january()
    import_bundle(CYPE, user="test")
    after = _january()
    assert after == alone  # the whole model: titles, owners, texts, timescales, controls, actions, flags, notes
    # and the March content is there for March: the same risk, two dates
    r56 = models.Risk.objects.get(risk_id="CRR0056")
    march = _rows(build_register_model(build_edition("CYPE Cabinet Committee", MARCH)))
    assert march["CRR0056"].title == r56.title == "SEND Delivery Improvement and High Needs Funding shortfall"
    assert _rows(after)["CRR0056"].title == "SEND Delivery and High Needs Funding"
    assert _rows(after)["CRR0057"].timescale_to_target == "TBC" and march["CRR0057"].timescale_to_target == "1-3 years"
    placement = "Revitalise current process for managing frequent placement moves"
    due = {dates: next(a.due for a in rows["CRR0001"].actions if a.title.startswith(placement))
           for dates, rows in (("january", _rows(after)), ("march", march))}
    assert due == {"january": "February 2023", "march": "April 2023"}


def test_an_older_bundle_imported_later_is_read_by_its_date():
    import_bundle(JAN, user="test")
    alone = _january()
    for model in (models.RiskEvent, models.PublishedRisk, models.Risk, models.IssuedId, models.Register):
        model.objects.all().delete()
    Revision.objects.all().delete()
    import_bundle(CYPE, user="test")
    import_bundle(JAN, user="test")  # January's changes take effect on 30 November 2022, before March's
    assert _january() == alone
    march = _rows(build_register_model(build_edition("CYPE Cabinet Committee", MARCH)))
    assert march["CRR0056"].title == "SEND Delivery Improvement and High Needs Funding shortfall"
    assert march["CRR0057"].timescale_to_target == "1-3 years"


def test_an_edition_before_the_history_starts_is_refused():
    import_bundle(JAN, user="test")  # dated 30 November 2022 (rated_on)
    with pytest.raises(EditionError, match=r"history does not reach back to 01/10/2022: CRR0001 \(from 30/11/2022\)"):
        build_edition("Cabinet", dt.date(2022, 10, 1), baseline=dt.date(2022, 7, 1))
    assert build_edition("Cabinet", dt.date(2022, 11, 30), baseline=dt.date(2022, 7, 1)).risks


def test_an_undated_import_is_on_record_from_the_day_of_the_import(tmp_path, clock):
    clock.set("2024-06-01")
    bundle = tmp_path / "b"
    shutil.copytree(JAN, bundle)
    with (bundle / "risks.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with (bundle / "risks.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, [c for c in rows[0] if c != "rated_on"])
        writer.writeheader()
        writer.writerows({k: v for k, v in r.items() if k != "rated_on"} for r in rows)
    import_bundle(bundle, user="test")
    with pytest.raises(EditionError, match="does not reach back to 05/01/2023"):
        build_edition("Cabinet", JANUARY, baseline=dt.date(2022, 7, 1))
    assert len(build_edition("Cabinet", dt.date(2024, 6, 1)).risks) == 18


def test_lifecycle_changes_take_effect_on_their_date():
    import_bundle(JAN, user="test")
    before = _january()
    r2 = models.Risk.objects.get(risk_id="CRR0002")
    day = dt.date(2023, 2, 1)
    lifecycle.revise(r2, by="rm", on=day, cause="A new cause.", note="revised")
    lifecycle.add_control(r2, "Weekly adult safeguarding huddle", "Director", by="rm", on=day)
    lifecycle.retire_control(r2.controls.filter(removed_at__isnull=True).first(), by="rm", on=day, note="gone")
    action = r2.actions.first()
    lifecycle.revise_action_date(action, "November 2031", by="rm", on=day)
    lifecycle.record_update(action, "complete", "Done.", by="ro", on=day)
    lifecycle.delegate(models.Risk.objects.get(risk_id="CRR0057"), "CYPE directorate register", by="rm",
                       on=dt.date(2023, 2, 10))
    assert _january() == before  # nothing dated after 5 January shows in its edition
    feb = _rows(build_edition("Cabinet", dt.date(2023, 2, 5), baseline=dt.date(2022, 7, 1)))
    assert feb["CRR0002"].cause == "A new cause."
    titles = [c.title for c in feb["CRR0002"].controls]
    assert titles[-1] == "Weekly adult safeguarding huddle"
    assert len(titles) == len(_rows(before)["CRR0002"].controls)  # one added, one retired
    changed = next(a for a in feb["CRR0002"].actions if a.title == action.title)
    assert (changed.due, changed.status) == ("November 2031", "complete")
    assert "CRR0057" in feb
    assert "CRR0057" not in _rows(build_edition("Cabinet", dt.date(2023, 2, 15), baseline=dt.date(2022, 7, 1)))


def _check(body, date, baseline=None):
    out = io.StringIO()
    args = ["--body", body, "--date", date, "--draft", "--check"] + (["--baseline", baseline] if baseline else [])
    call_command("register", *args, stdout=out)
    return out.getvalue().splitlines()


def test_printed_summaries_belong_to_their_edition():
    import_bundle(JAN, user="test")
    alone = _check("Cabinet", "2023-01-05", "2022-07")
    import_bundle(CYPE, user="test")
    after = _check("Cabinet", "2023-01-05", "2022-07")
    assert set(after) <= set(alone) and after == alone
    assert models.PublishedRisk.objects.filter(edition_body="Cabinet", edition_date=JANUARY).count() == 17
    assert models.PublishedRisk.objects.filter(edition_body="CYPE Cabinet Committee", edition_date=MARCH).count() == 3
    # the March edition is checked against its own three rows
    march = _check("CYPE Cabinet Committee", "2023-03-08")
    assert "    CRR0001: direction printed '↔'; computed 'Reduced ↓'" in march
    assert not any("CRR0002" in line for line in march)


def test_an_unscoped_printed_summary_still_imports(tmp_path):
    bundle = tmp_path / "old"
    shutil.copytree(CYPE, bundle)
    text = (bundle / "published_risks.csv").read_text(encoding="utf-8").splitlines()
    (bundle / "published_risks.csv").write_text(
        "\n".join(line.rsplit(",", 2)[0] for line in text) + "\n", encoding="utf-8")
    import_bundle(bundle, user="test")
    assert list(models.PublishedRisk.objects.values_list("edition_body", "edition_date").order_by().distinct()) == [("", None)]
    # an edition with no rows of its own is checked against them, for its own risks
    assert "    CRR0001: direction printed '↔'; computed 'Reduced ↓'" in _check("CYPE Cabinet Committee", "2023-03-08")
    # a later unscoped row replaces the earlier one of its id, as before
    import_bundle(bundle, user="test")
    assert models.PublishedRisk.objects.count() == 3


def _write(folder, name, header, rows):
    folder.mkdir(exist_ok=True)
    with (folder / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _risk_manager():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from beacon.core import permissions as perm

    perm.ensure_groups()
    user = get_user_model().objects.create_user(username="rm", password="x")
    user.groups.add(Group.objects.get(name=perm.RISK_MANAGER))
    return user


def test_one_history_per_action_across_import_lifecycle_and_web(tmp_path):
    from beacon.risk import services
    from beacon.risk.commands import RecordActionUpdate, ReviseActionDate

    title = "Review the placement sufficiency strategy with the providers' forum and report to the board in spring"
    assert len(title) > 60  # the web cut keys at 60 characters, the import at 57 and "..."
    for folder, owner in (("v1", "Head of Commissioning"), ("v2", "Director of Commissioning")):
        _write(tmp_path / folder, "risks.csv", ["id", "title", "owner"], [["CRR0001", "Placements", "A. Director"]])
        _write(tmp_path / folder, "actions.csv", ["risk", "title", "owner", "due"], [["CRR0001", title, owner, "March 2024"]])
        import_bundle(tmp_path / folder, user="import")
    risk = models.Risk.objects.get(risk_id="CRR0001")
    action = risk.actions.get()
    user = _risk_manager()
    services.handle(RecordActionUpdate(risk.risk_id, user.username, action_id=action.pk, status="partially_complete",
                                       text="Draft strategy shared."))
    services.handle(ReviseActionDate(risk.risk_id, user.username, action_id=action.pk, due="June 2024",
                                     note="Forum moved"))
    keys = set(Revision.objects.filter(entity="action").values_list("key", flat=True))
    assert len(keys) == 1, keys  # one action, one history
    history = [(r.field, r.old_value, r.new_value) for r in Revision.objects.filter(entity="action").order_by("pk")]
    assert ("owner", "Head of Commissioning", "Director of Commissioning") in history
    assert ("status", "planned", "partially_complete") in history
    assert ("due_text", "March 2024", "June 2024") in history


def test_the_register_name_and_body_are_data(tmp_path):
    import_bundle(JAN, user="test")
    assert build_edition("Cabinet", JANUARY, baseline=dt.date(2022, 7, 1)).title == "KCC Corporate Risk Register"
    bundle = tmp_path / "other"
    bundle.mkdir()
    (bundle / "registers.csv").write_text(
        "code,name,owner_body\ncorporate,Wessex Council Strategic Risk Register,Executive\n", encoding="utf-8")
    import_bundle(bundle, user="test")
    edition = build_edition("Executive", JANUARY, baseline=dt.date(2022, 7, 1))  # the body that receives it
    assert edition.title == "Wessex Council Strategic Risk Register" and edition.directorate is None
    from beacon.risk import services

    assert services.register_body() == "Executive"
    export_bundle(tmp_path / "out")
    assert "Wessex Council Strategic Risk Register,Executive" in (tmp_path / "out" / "registers.csv").read_text(encoding="utf-8")
    assert not import_bundle(tmp_path / "out", user="test").changed


def test_no_register_overview_text_speaks_of_the_software():
    from beacon.reports.register import build_risk_overview

    import_bundle(JAN, user="test")
    for data_to, compare_to in ((dt.date(2022, 11, 30), dt.date(2022, 6, 30)), (dt.date(2022, 9, 30), None)):
        overview = build_risk_overview("2022/23 Q2", data_to=data_to, compare_to=compare_to)
        texts = list(overview.paragraphs) + [p for s in overview.subsections for p in s.paragraphs]
        texts += [cell for t in overview.tables + tuple(t for s in overview.subsections for t in s.tables)
                  for row in (t.header, *t.rows) for cell in row]
        assert texts and not [t for t in texts if "Beacon" in t]


def test_the_qpr_overview_names_risks_as_they_stood_at_its_data_date():
    from beacon.reports.register import build_risk_overview

    import_bundle(JAN, user="test")
    import_bundle(CYPE, user="test")  # CRR0056 renamed on 8 March 2023
    overview = build_risk_overview("2022/23 Q2", data_to=dt.date(2022, 11, 30), compare_to=dt.date(2022, 6, 30))
    headings = [u.title for u in overview.updates] + [e.heading for g in overview.key_changes for e in g.entries]
    assert "CRR0056: SEND Delivery and High Needs Funding" in headings
    assert not [h for h in headings if "shortfall" in h]
