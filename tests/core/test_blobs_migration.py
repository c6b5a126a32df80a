"""The migrations that move document bytes out of the database (reports 0005, governance 0004,
risk 0010): every published file, paper file, pack and register edition file written at the old
state is found, byte-identical and under the same SHA-256, in the file store afterwards; a row
whose bytes do not match its recorded SHA-256 stops the migration; and the way back puts the
bytes in the columns again.

Runs on SQLite and (``make test-postgres``) on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from beacon.core import blobs
from beacon.core.blob_migration import StoredFileMismatch

BEFORE = [("reports", "0004_published_report_editions"), ("governance", "0003_pack_items_paper_contact_details"),
          ("risk", "0009_edition_status_and_files")]
AFTER = [("reports", "0005_published_files_in_store"), ("governance", "0004_files_in_store"),
         ("risk", "0010_edition_files_in_store")]
AT = dt.datetime(2023, 1, 5, 12, tzinfo=dt.timezone.utc)


@pytest.fixture
def store(tmp_path, settings):
    folder = tmp_path / "store"
    settings.STORAGES = {**settings.STORAGES, "beacon_files": {
        "BACKEND": "beacon.core.blobs.AtomicFileSystemStorage", "OPTIONS": {"location": str(folder)}}}
    return folder


@pytest.fixture
def at_the_old_state():
    """The three apps migrated back to before the move; the latest state again afterwards."""
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    _migrate(BEFORE)
    yield _state()
    _migrate(latest)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _state():
    executor = MigrationExecutor(connection)
    return executor.loader.project_state(list(executor.loader.applied_migrations)).apps


def _columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}


def _old_rows(old, *, wrong: bool = False) -> dict[str, bytes]:
    """One row of each kind, with its bytes in the database (two sharing the same bytes)."""
    get = old.get_model
    files = {"pdf": b"%PDF-1.7 the published QPR", "html": b"<html>the QPR</html>",
             "paper": b"%PDF-1.7 a paper", "register": b"<html>the register</html>"}
    report = get("reports", "PublishedReport").objects.create(
        period="2022/23 Q2", published_at=AT, published_by="lead", rule_set={}, model={}, data={},
        data_checksum="0" * 64, checks=[])
    for fmt in ("pdf", "html"):
        content = files[fmt]
        recorded = hashlib.sha256(b"something else" if wrong and fmt == "html" else content).hexdigest()
        get("reports", "PublishedFile").objects.create(report_id=report.pk, format=fmt, name=f"qpr.{fmt}",
                                                       sha256=recorded, size=len(content), content=content)
    body = get("governance", "Body").objects.create(code="CAB", name="Cabinet", kind="executive")
    meeting = get("governance", "Meeting").objects.create(key="CAB-2023-01-05", body_id=body.pk, date=AT.date())
    paper = get("governance", "Paper").objects.create(key="P1", meeting_id=meeting.pk, item=1, subject="A paper")
    get("governance", "PaperFile").objects.create(
        paper_id=paper.pk, name="p.pdf", content_type="application/pdf", sha256=_sha(files["paper"]),
        size=len(files["paper"]), page_count=1, content=files["paper"], uploaded_by="clerk", uploaded_at=AT)
    get("governance", "Pack").objects.create(  # the same bytes as the paper: stored once
        meeting_id=meeting.pk, title="Cabinet", page_count=1, pdf=files["paper"], html="<p>pack</p>",
        sha256=_sha(files["paper"]), dispatched_by="clerk", dispatched_at=AT)
    edition = get("risk", "Edition").objects.create(body="Cabinet", date=AT.date(), baseline_date=AT.date(),
                                                    created_by="riskmanager", created_at=AT)
    get("risk", "EditionFile").objects.create(edition_id=edition.pk, format="html", name="register.html",
                                              sha256=_sha(files["register"]), size=len(files["register"]),
                                              content=files["register"], rendered_at=AT)
    return files


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@pytest.mark.django_db(transaction=True)
def test_document_bytes_move_to_the_store_unchanged_and_back(store, at_the_old_state):
    files = _old_rows(at_the_old_state)

    _migrate(AFTER)
    assert "content" not in _columns("reports_publishedfile") and "pdf" not in _columns("governance_pack")
    assert sorted(p.name for p in store.rglob("*") if p.is_file()) == sorted(_sha(c) for c in files.values())

    from beacon.governance.models import Pack, PaperFile
    from beacon.reports.models import PublishedFile
    from beacon.risk.models import EditionFile

    assert {f.format: bytes(f.content) for f in PublishedFile.objects.all()} == {"pdf": files["pdf"],
                                                                                 "html": files["html"]}
    assert [bytes(p.content) for p in PaperFile.objects.all()] == [files["paper"]]
    assert [bytes(p.pdf) for p in Pack.objects.all()] == [files["paper"]]
    assert [bytes(e.content) for e in EditionFile.objects.all()] == [files["register"]]
    for model in (PublishedFile, PaperFile, Pack, EditionFile):  # the recorded SHA-256 is the name, unchanged
        for row in model.objects.all():
            assert blobs.exists(row.sha256)

    _migrate(BEFORE)
    old = _state()
    assert {f.format: bytes(f.content) for f in old.get_model("reports", "PublishedFile").objects.all()} == {
        "pdf": files["pdf"], "html": files["html"]}
    assert bytes(old.get_model("governance", "Pack").objects.get().pdf) == files["paper"]
    assert bytes(old.get_model("risk", "EditionFile").objects.get().content) == files["register"]


@pytest.mark.django_db(transaction=True)
def test_bytes_that_do_not_match_their_sha256_stop_the_migration(store, at_the_old_state):
    files = _old_rows(at_the_old_state, wrong=True)

    with pytest.raises(StoredFileMismatch, match="does not match its recorded SHA-256"):
        _migrate([("reports", "0005_published_files_in_store")])
    assert "content" in _columns("reports_publishedfile"), "nothing was dropped"
    rows = _state().get_model("reports", "PublishedFile").objects
    assert bytes(rows.get(format="html").content) == files["html"]
    rows.filter(format="html").update(sha256=_sha(files["html"]))  # put right: the migration goes through
    _migrate([("reports", "0005_published_files_in_store")])
    assert "content" not in _columns("reports_publishedfile")
