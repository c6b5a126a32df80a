"""The data page's bundle upload previews before it changes anything: an older workbook uploaded
over newer data lists the values it would put back (and the changes to final data, which need a
reason), writes nothing, and is imported only on confirmation, refused when the data changed
since the preview."""

import io
import zipfile
from decimal import Decimal

import pytest

from beacon.bundle.importer import import_bundle
from beacon.core import audit, clock
from beacon.core.models import ImportRun, KeptUpload, Revision
from beacon.performance import models as pm
from beacon.reports.formats import BUNDLE


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    """Where an upload waiting for confirmation was kept before it went to the shared file store
    (a folder of the server's own): it must stay unused."""
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR / "uploads"


def _newer(value: str, status: str = "final", by: str = "owner") -> None:
    """A1 2022/23 Q2 changed through the history rule, as an approved return does."""
    audit.save_with_history(pm.Observation, {"kpi__code": "A1", "period": "2022/23 Q2"},
                            {"value": Decimal(value), "status": status}, entity="observation", key="A1 2022/23 Q2",
                            change=audit.Change(by=by, at=clock.now(), reason="return approved", source="web return"))


def _older_workbook() -> io.BytesIO:
    """The whole database as a workbook, exported now (before the newer values arrive)."""
    upload = io.BytesIO(BUNDLE["xlsx"].render(None))
    upload.name = "older.xlsx"
    return upload


def _a1():
    return pm.Observation.objects.get(kpi__code="A1", period="2022/23 Q2")


def _confirm(client, preview, **fields):
    token = preview.context["preview"].upload.token
    data = {"previewed": preview.context["confirm"]["previewed"].value(), **fields}
    return client.post(f"/data/upload/{token}/", data)


def test_an_older_workbook_is_previewed_with_its_reverting_values_and_applied_only_on_confirmation(client_for, _uploads):
    lead = client_for("lead")
    older = _older_workbook()  # A1 2022/23 Q2 is 75, provisional
    _newer("80")
    revisions, runs = Revision.objects.count(), ImportRun.objects.count()

    preview = lead.post("/data/", {"bundle": older})
    assert preview.status_code == 200
    body = preview.content.decode()
    # the values that would go back, in words, and the change to final data
    assert "1 value would go back to an earlier value" not in body  # value and status both go back
    assert "2 values would go back to an earlier value" in body
    assert "A1 2022/23 Q2 value changed from 80 to 75: back to the value it had until" in body
    assert "A1 2022/23 Q2 status changed from final to provisional" in body
    assert "to final data: give the reason below" in body
    assert "Reason for changing final data" in body
    # per file: the counts
    files = {f["file"]: f for f in preview.context["preview"].files}
    assert files["observations.csv"]["changed"] == 1 and files["kpis.csv"]["changed"] == 0
    assert files["kpis.csv"]["unchanged"] == 3
    # nothing written; the file is kept for the confirmation
    assert _a1().value == 80 and _a1().status == "final"
    assert (Revision.objects.count(), ImportRun.objects.count()) == (revisions, runs)
    token = preview.context["preview"].upload.token
    assert KeptUpload.objects.filter(token=token, name="older.xlsx").exists()  # in the shared file store
    assert not _uploads.exists()  # no server's own folder

    # a confirmation without the reason is refused: final data changes
    refused = _confirm(lead, preview)
    assert refused.status_code == 400 and "Reason: give the reason for changing final data" in refused.content.decode()
    assert _a1().value == 80

    done = _confirm(lead, preview, reason="the service re-sent its figures")
    assert done.status_code == 200, done.content.decode()[:3000]
    assert "The data changed" in done.content.decode()
    assert _a1().value == 75 and _a1().status == "provisional"
    reverted = Revision.objects.get(key="A1 2022/23 Q2", field="value", old_value="80", new_value="75")
    assert reverted.reason == "the service re-sent its figures" and reverted.changed_by == "lead"
    assert ImportRun.objects.count() == runs + 1
    assert not KeptUpload.objects.filter(token=token).exists()  # forgotten once imported
    assert _confirm(lead, preview, reason="again").status_code == 404


def test_a_stale_preview_is_refused_and_nothing_is_written(client_for):
    lead = client_for("lead")
    older = _older_workbook()
    _newer("80", status="provisional")
    preview = lead.post("/data/", {"bundle": older})
    assert "A1 2022/23 Q2 value changed from 80 to 75" in preview.content.decode()
    assert "Reason for changing final data" not in preview.content.decode()
    _newer("82", status="provisional", by="owner_b")  # someone changes the value meanwhile
    revisions = Revision.objects.count()

    refused = _confirm(lead, preview)
    assert refused.status_code == 409
    body = refused.content.decode()
    assert "The data changed since the preview: nothing was imported" in body
    assert "A1 2022/23 Q2 value changed from 82 to 75" in body  # the new preview
    assert _a1().value == 82 and Revision.objects.count() == revisions

    done = _confirm(lead, refused)  # confirming the new preview imports
    assert done.status_code == 200 and _a1().value == 75


def test_a_new_value_is_not_a_reverting_one(client_for):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("observations.csv", "kpi,period,value\nA1,2022/23 Q2,77\nA1,2022/23 Q3,93\n")
    buffer.seek(0)
    buffer.name = "bundle.zip"
    preview = client_for("lead").post("/data/", {"bundle": buffer})
    body = preview.content.decode()
    assert "A1 2022/23 Q2 value changed from 75 to 77" in body and "A1 2022/23 Q3 value set to 93" in body
    assert "back to an earlier value" not in body and not preview.context["preview"].reverting
    files = {f["file"]: f for f in preview.context["preview"].files}
    assert (files["observations.csv"]["created"], files["observations.csv"]["changed"]) == (1, 1)
    assert not pm.Observation.objects.filter(period="2022/23 Q3").exists()


def test_only_importers_confirm_and_unknown_uploads_are_not_found(client_for):
    lead = client_for("lead")
    older = _older_workbook()
    _newer("80", status="provisional")
    preview = lead.post("/data/", {"bundle": older})
    token = preview.context["preview"].upload.token
    assert client_for("reader").post(f"/data/upload/{token}/", {}).status_code == 403
    assert lead.post("/data/upload/not-a-token/", {}).status_code == 404
    assert lead.post("/data/upload/" + "0" * 64 + "/", {}).status_code == 404
    # a forged or missing preview seal is refused, nothing written
    response = lead.post(f"/data/upload/{token}/", {"previewed": "forged"})
    assert response.status_code == 400 and _a1().value == 80
    assert "the preview could not be read: upload the bundle again" in response.content.decode()
    # the confirmation page can be opened again (no JavaScript: a plain GET shows the preview)
    again = lead.get(f"/data/upload/{token}/")
    assert again.status_code == 200 and "A1 2022/23 Q2 value changed from 80 to 75" in again.content.decode()


def test_the_bundle_dry_run_rolls_back_and_lists_the_changes(data, tmp_path):
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / "observations.csv").write_text("kpi,period,value\nA1,2022/23 Q2,76\nB1,2022/23 Q2,96.5\n")
    revisions, runs = Revision.objects.count(), ImportRun.objects.count()
    result = import_bundle(folder, user="lead", dry_run=True)
    assert result.dry_run and result.changed
    assert [(c.file, c.key, c.field, c.old, c.new) for c in result.changes] == [
        ("observations.csv", "A1 2022/23 Q2", "value", "75", "76")]
    assert dict(result.summary["observations.csv"]) == {"changed": 1, "unchanged": 1}
    assert _a1().value == 75 and (Revision.objects.count(), ImportRun.objects.count()) == (revisions, runs)
    # the same import with the preview's fingerprint goes through; with another, nothing is written
    from beacon.bundle.importer import StalePreview

    with pytest.raises(StalePreview):
        import_bundle(folder, user="lead", expect="0" * 24)
    assert _a1().value == 75
    import_bundle(folder, user="lead", expect=result.fingerprint)
    assert _a1().value == 76
