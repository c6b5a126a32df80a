"""A bundle larger than ``BEACON_IMPORT_INLINE_BYTES`` is previewed and imported by background
jobs (issue 13): the upload answers with the preview job's page, the preview page reads the
preview the job stored, confirming starts the import job (one per upload), and the kept upload
lives in the shared file store with a row, never in a server's own folder.

Every test here sets the limit to 0, so any upload goes through the jobs; the last one checks
that a small upload is still previewed in the request."""

import hashlib
import io
import re
import zipfile
from decimal import Decimal

import pytest

from beacon.core import audit, blobs, clock, jobs
from beacon.core.models import ImportRun, Job, KeptUpload, Revision
from beacon.performance import models as pm

CHANGES = "kpi,period,value\nA1,2022/23 Q3,93\nA1,2022/23 Q2,76\n"


@pytest.fixture(autouse=True)
def _through_jobs(settings, tmp_path):
    settings.BEACON_IMPORT_INLINE_BYTES = 0
    settings.VAR_DIR = tmp_path / "var"  # a server's own folder: nothing may be written under it
    return settings.VAR_DIR


def _zip(text: str = CHANGES) -> tuple[io.BytesIO, str]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("observations.csv", text)
    token = hashlib.sha256(buffer.getvalue()).hexdigest()
    buffer.seek(0)
    buffer.name = "bundle.zip"
    return buffer, token


def _job_of(response) -> str:
    assert response.status_code == 303, response.content.decode()[:2000]
    found = re.fullmatch(r"/jobs/([0-9a-f-]{36})/", response["Location"])
    assert found, response["Location"]
    return found.group(1)


def _a1(period: str = "2022/23 Q2"):
    return pm.Observation.objects.filter(kpi__code="A1", period=period).first()


def _previewed(lead, text: str = CHANGES, reason: str = "corrected") -> tuple[str, str]:
    """Upload, run the preview job; the upload's token and the preview job's id."""
    bundle, token = _zip(text)
    job_id = _job_of(lead.post("/data/", {"bundle": bundle, "reason": reason}))
    assert jobs.get(job_id).kind == "preview-bundle"
    assert jobs.run_queued() == 1
    return token, job_id


def _confirm_fields(page) -> dict:
    return {"previewed": page.context["confirm"]["previewed"].value()}


def test_a_large_upload_is_previewed_then_imported_by_jobs(client_for, _through_jobs):
    lead = client_for("lead")
    revisions, runs = Revision.objects.count(), ImportRun.objects.count()
    bundle, token = _zip()
    job_id = _job_of(lead.post("/data/", {"bundle": bundle, "reason": "corrected"}))
    waiting = lead.get(f"/jobs/{job_id}/")
    assert waiting.status_code == 200 and "Waiting to start" in waiting.content.decode()
    # kept in the shared store with its row (any server or worker finds it), not in a folder
    kept = KeptUpload.objects.get(token=token)
    assert (kept.name, kept.uploaded_by) == ("bundle.zip", "lead") and blobs.exists(token)
    assert kept.content[:2] == b"PK"

    assert jobs.run_queued() == 1
    done = jobs.get(job_id)
    assert done.status.value == "done", done.error
    assert done.result.url == f"/data/upload/{token}/"
    assert "2 changes" in done.result.message

    # the preview page shows what the job found (stored in the file store), with the confirm form
    page = lead.get(f"/data/upload/{token}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "A1 2022/23 Q2 value changed from 75 to 76" in body and "A1 2022/23 Q3 value set to 93" in body
    assert "Import these changes" in body
    assert _a1().value == 75 and _a1("2022/23 Q3") is None
    assert (Revision.objects.count(), ImportRun.objects.count()) == (revisions, runs)
    assert not Job.objects.filter(kind="import-bundle").exists()  # opening the page starts nothing

    # confirming starts the import job; a second press goes to the same job
    fields = {**_confirm_fields(page), "reason": "the service re-sent its figures"}
    import_id = _job_of(lead.post(f"/data/upload/{token}/", fields))
    assert _job_of(lead.post(f"/data/upload/{token}/", fields)) == import_id
    assert jobs.get(import_id).kind == "import-bundle"
    assert _a1().value == 75  # not yet: the worker imports

    assert jobs.run_queued() == 1
    imported = jobs.get(import_id)
    assert imported.status.value == "done", imported.error
    assert _a1().value == 76 and _a1("2022/23 Q3").value == 93
    changed = Revision.objects.get(key="A1 2022/23 Q2", field="value", old_value="75", new_value="76")
    assert changed.reason == "the service re-sent its figures" and changed.changed_by == "lead"
    run = ImportRun.objects.get()  # noqa: the one import
    assert ImportRun.objects.count() == runs + 1
    assert imported.result.url == f"/data/?run={run.pk}"
    assert not KeptUpload.objects.filter(token=token).exists()  # forgotten once imported
    shown = lead.get(imported.result.url).content.decode()
    assert "Imported" in shown and "observations.csv" in shown
    # a second confirmation finds nothing to import
    assert lead.post(f"/data/upload/{token}/", fields).status_code == 404
    assert not (_through_jobs / "uploads").exists()


def test_a_stale_preview_fails_the_import_job_and_writes_nothing(client_for):
    lead = client_for("lead")
    token, _ = _previewed(lead)
    page = lead.get(f"/data/upload/{token}/")
    # someone changes the value meanwhile
    audit.save_with_history(pm.Observation, {"kpi__code": "A1", "period": "2022/23 Q2"}, {"value": Decimal("80")},
                            entity="observation", key="A1 2022/23 Q2",
                            change=audit.Change(by="owner", at=clock.now(), reason="return approved", source="web"))
    revisions, runs = Revision.objects.count(), ImportRun.objects.count()
    import_id = _job_of(lead.post(f"/data/upload/{token}/", {**_confirm_fields(page), "reason": "corrected"}))
    jobs.run_queued()
    failed = jobs.get(import_id)
    assert failed.status.value == "failed"
    assert failed.error.splitlines()[0] == "The data changed since the preview: nothing was imported."
    assert _a1().value == 80 and _a1("2022/23 Q3") is None
    assert (Revision.objects.count(), ImportRun.objects.count()) == (revisions, runs)
    assert KeptUpload.objects.filter(token=token).exists()  # kept: the person looks again
    shown = lead.get(f"/jobs/{import_id}/").content.decode()
    assert "The data changed since the preview: nothing was imported." in shown
    assert f'href="/data/upload/{token}/"' in shown
    # the way back prepares a new preview (the old one no longer holds), which lists the change now
    again = _job_of(lead.get(f"/data/upload/{token}/"))
    assert jobs.get(again).kind == "preview-bundle"
    jobs.run_queued()
    assert "A1 2022/23 Q2 value changed from 80 to 76" in lead.get(f"/data/upload/{token}/").content.decode()


def test_row_level_problems_fail_the_preview_job_listing_them(client_for):
    lead = client_for("lead")
    before = pm.Observation.objects.count()
    token, job_id = _previewed(lead, "kpi,period,value\nA1,2022/23 Q3,ninety\nA1,2022/23 Q9,5\n")
    failed = jobs.get(job_id)
    assert failed.status.value == "failed"
    lines = failed.error.splitlines()
    assert lines[0] == "The bundle was not imported: 2 problems; nothing was written."
    assert any(line.startswith("observations.csv:2: value: 'ninety' is not a number") for line in lines[1:])
    assert any(line.startswith("observations.csv:3: period:") for line in lines[1:])
    shown = lead.get(f"/jobs/{job_id}/").content.decode()
    assert "observations.csv:2: value: &#x27;ninety&#x27; is not a number" in shown
    assert pm.Observation.objects.count() == before
    assert not KeptUpload.objects.filter(token=token).exists()


def test_a_preview_made_by_one_server_is_confirmed_on_another(client_for, _through_jobs, tmp_path, monkeypatch):
    """Server A previews; server B (another client, and no folder shared with A: every temporary
    file of A removed) shows the preview and confirms; a worker imports."""
    lead_a = client_for("lead")
    token, _ = _previewed(lead_a)
    import tempfile

    server_b_tmp = tmp_path / "server-b-tmp"
    server_b_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(server_b_tmp))
    lead_b = client_for("lead")
    page = lead_b.get(f"/data/upload/{token}/")
    assert "A1 2022/23 Q2 value changed from 75 to 76" in page.content.decode()
    import_id = _job_of(lead_b.post(f"/data/upload/{token}/", {**_confirm_fields(page), "reason": "corrected"}))
    jobs.run_queued()
    assert jobs.get(import_id).status.value == "done"
    assert _a1().value == 76
    assert not (_through_jobs / "uploads").exists()
    assert list(server_b_tmp.iterdir()) == []  # the materialised bundle is gone once imported


def test_only_importers_start_or_see_import_jobs(client_for):
    lead = client_for("lead")
    token, job_id = _previewed(lead)
    reader = client_for("reader")
    assert reader.get(f"/jobs/{job_id}/").status_code == 403
    assert reader.get(f"/data/upload/{token}/").status_code == 403
    bundle, _ = _zip()
    assert reader.post("/data/", {"bundle": bundle}).status_code == 403
    assert Job.objects.count() == 1


def test_a_small_upload_is_still_previewed_in_the_request(client_for, settings):
    settings.BEACON_IMPORT_INLINE_BYTES = 1024 * 1024
    bundle, token = _zip()
    preview = client_for("lead").post("/data/", {"bundle": bundle})
    assert preview.status_code == 200
    assert "A1 2022/23 Q2 value changed from 75 to 76" in preview.content.decode()
    assert not Job.objects.exists()
    assert KeptUpload.objects.filter(token=token).exists()


def test_an_import_job_run_again_after_its_worker_stopped_imports_once(client_for):
    """The worker stopped after the import committed, before the job was marked done: the job is
    queued again, and its second run reports the import instead of refusing or importing twice."""
    import datetime as dt

    lead = client_for("lead")
    token, _ = _previewed(lead)
    page = lead.get(f"/data/upload/{token}/")
    import_id = _job_of(lead.post(f"/data/upload/{token}/", {**_confirm_fields(page), "reason": "corrected"}))
    jobs.run_queued()
    runs = ImportRun.objects.count()
    # as if the worker had been killed just before it could record the job's end
    Job.objects.filter(pk=import_id).update(status="running", result_message="", result_url="", worker="",
                                            heartbeat_at=clock.now() - dt.timedelta(hours=1))
    assert jobs.recover_stalled() == [import_id]
    jobs.run_queued()
    again = jobs.get(import_id)
    assert again.status.value == "done", again.error
    assert again.result.url == f"/data/?run={ImportRun.objects.order_by('-pk').first().pk}"
    assert ImportRun.objects.count() == runs and _a1().value == 76


def test_an_upload_not_confirmed_is_forgotten_after_a_day(client_for):
    import datetime as dt

    lead = client_for("lead")
    token, _ = _previewed(lead)
    KeptUpload.objects.filter(token=token).update(uploaded_at=clock.now() - dt.timedelta(days=1, minutes=1))
    assert lead.get(f"/data/upload/{token}/").status_code == 404
    other, other_token = _zip("kpi,period,value\nA1,2022/23 Q2,77\n")
    _job_of(lead.post("/data/", {"bundle": other}))  # the next upload forgets the old row
    assert list(KeptUpload.objects.values_list("token", flat=True)) == [other_token]
