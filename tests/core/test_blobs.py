"""Stored files (beacon/core/blobs.py): content-addressed, written whole or not at all, checked
when read, and the ``content`` property of the models that keep them: the bytes go to the store
before the row is saved, the row keeps only their SHA-256."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from beacon.core import blobs

AT = dt.datetime(2023, 1, 5, 12, tzinfo=dt.timezone.utc)


@pytest.fixture
def store(tmp_path, settings):
    """A file store of this test's own (a folder under tmp_path)."""
    folder = tmp_path / "store"
    settings.STORAGES = {**settings.STORAGES, "beacon_files": {
        "BACKEND": "beacon.core.blobs.AtomicFileSystemStorage", "OPTIONS": {"location": str(folder)}}}
    return folder


def files_in(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


# --- the store -----------------------------------------------------------------------------------
def test_put_stores_bytes_under_their_sha256_once(store):
    content = b"%PDF-1.7 a published report"
    digest = hashlib.sha256(content).hexdigest()

    assert blobs.put(content) == digest
    assert files_in(store) == [f"{digest[:2]}/{digest[2:4]}/{digest}"]
    assert (store / blobs.name_of(digest)).read_bytes() == content
    assert blobs.read(digest) == content and blobs.exists(digest)

    assert blobs.put(bytearray(content)) == digest  # the same bytes again: the same name, nothing added
    assert files_in(store) == [blobs.name_of(digest)]
    (store / blobs.name_of(digest)).write_bytes(content[:5])  # damaged since (cut short): stored again whole
    assert blobs.put(content) == digest and blobs.read(digest) == content
    other = blobs.put(b"")
    assert other == hashlib.sha256(b"").hexdigest() and blobs.read(other) == b""


def test_a_missing_or_damaged_file_is_refused_not_served(store):
    digest = blobs.put(b"the frozen bytes")
    absent = hashlib.sha256(b"never stored").hexdigest()

    with pytest.raises(blobs.BlobMissing) as missing:
        blobs.read(absent)
    assert "missing from the file store" in str(missing.value) and str(store) in str(missing.value)
    assert not blobs.exists(absent)

    (store / blobs.name_of(digest)).write_bytes(b"the frozen bytEs")
    with pytest.raises(blobs.BlobMissing, match="damaged"):
        blobs.read(digest)


def test_names_are_sha256_only(store):
    for bad in ("../../etc/passwd", "ABC", "a" * 63, "g" * 64, None):
        with pytest.raises(ValueError):
            blobs.name_of(bad)


def test_a_write_that_fails_midway_leaves_nothing_under_the_name(store):
    class Failing(ContentFile):
        def chunks(self, chunk_size=None):
            yield b"half of "
            raise OSError("disk full")

    backend = blobs.storage()
    assert isinstance(backend, blobs.AtomicFileSystemStorage)
    name = blobs.name_of("ab" * 32)
    with pytest.raises(OSError, match="disk full"):
        backend.save(name, Failing(b"x"))
    assert files_in(store) == [] and not backend.exists(name)


def test_writing_a_name_again_replaces_it_whole(store):
    backend = blobs.storage()
    name = blobs.name_of("cd" * 32)
    assert backend.save(name, ContentFile(b"one")) == name
    assert backend.save(name, ContentFile(b"two")) == name  # never "name_x7Yz": a name is its content
    assert (store / name).read_bytes() == b"two" and files_in(store) == [name]


def test_a_folder_gives_no_url_beacon_serves_its_files(store):
    assert blobs.url_or_none(blobs.put(b"x")) is None


def test_the_default_store_is_a_folder_under_var(settings):
    config = settings.STORAGES["beacon_files"]
    assert config["BACKEND"] == "beacon.core.blobs.AtomicFileSystemStorage"
    assert config["OPTIONS"]["location"] == str(settings.BEACON_FILES_DIR)
    assert isinstance(blobs.storage(), FileSystemStorage)


def _settings_in_a_new_process(module: str, env: dict) -> subprocess.CompletedProcess:
    code = (f"import json, importlib; settings = importlib.import_module({module!r}); "
            "print(json.dumps({'files': settings.STORAGES['beacon_files'], 'cache': settings.CACHES['default'], "
            "'local': settings.CACHES['local']['BACKEND'], 'counters': settings.CACHES['counters'], 'sessions': getattr(settings, 'SESSION_ENGINE', 'django.contrib.sessions.backends.db')}, default=str))")
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("BEACON_S3", "BEACON_STORAGE", "BEACON_CACHE"))}
    return subprocess.run([sys.executable, "-c", code], env={**keep, "DJANGO_SETTINGS_MODULE": module, **env},
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("module", ["beacon.settings", "beacon.settings_production"])
def test_s3_is_chosen_by_the_environment(module, tmp_path):
    import json

    env = {"BEACON_VAR_DIR": str(tmp_path), "BEACON_STORAGE_BACKEND": "s3", "BEACON_S3_BUCKET": "council-files",
           "BEACON_S3_ENDPOINT_URL": "http://127.0.0.1:9000", "BEACON_S3_ACCESS_KEY_ID": "beacon",
           "BEACON_S3_SECRET_ACCESS_KEY": "secret", "BEACON_S3_ADDRESSING_STYLE": "path", "BEACON_S3_PREFIX": "/prod/"}
    done = _settings_in_a_new_process(module, env)
    assert done.returncode == 0, done.stderr
    files = json.loads(done.stdout)["files"]
    assert files["BACKEND"] == "storages.backends.s3.S3Storage"
    options = files["OPTIONS"]
    assert (options["bucket_name"], options["endpoint_url"], options["access_key"], options["secret_key"],
            options["addressing_style"], options["location"]) == (
        "council-files", "http://127.0.0.1:9000", "beacon", "secret", "path", "prod")
    assert options["default_acl"] is None and options["querystring_auth"] is True and options["file_overwrite"]

    from storages.backends.s3 import S3Storage

    backend = S3Storage(**options)  # django-storages takes these options as they are (nothing is contacted)
    assert backend.bucket_name == "council-files" and backend.endpoint_url == "http://127.0.0.1:9000"

    done = _settings_in_a_new_process(module, {"BEACON_VAR_DIR": str(tmp_path), "BEACON_STORAGE_BACKEND": "s3"})
    assert done.returncode != 0 and "BEACON_S3_BUCKET" in done.stderr
    done = _settings_in_a_new_process(module, {"BEACON_VAR_DIR": str(tmp_path), "BEACON_STORAGE_BACKEND": "ftp"})
    assert done.returncode != 0 and "filesystem or s3" in done.stderr


def test_production_shares_cache_and_sessions_through_the_database(tmp_path):
    import json

    done = _settings_in_a_new_process("beacon.settings_production", {"BEACON_VAR_DIR": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    settings = json.loads(done.stdout)
    assert settings["cache"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert settings["cache"]["LOCATION"] == "beacon_cache"
    assert settings["counters"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert settings["counters"]["LOCATION"] == "beacon_counters"  # its own table: page culling never reaches it
    assert settings["local"] == "django.core.cache.backends.locmem.LocMemCache"  # each process's own
    assert settings["sessions"] == "django.contrib.sessions.backends.db"
    assert settings["files"]["OPTIONS"]["location"] == str(tmp_path / "files")

    done = _settings_in_a_new_process("beacon.settings_production",
                                      {"BEACON_VAR_DIR": str(tmp_path), "BEACON_CACHE_URL": "redis://cache:6379/1"})
    assert done.returncode == 0, done.stderr
    cache = json.loads(done.stdout)["cache"]
    assert (cache["BACKEND"], cache["LOCATION"]) == ("django.core.cache.backends.redis.RedisCache",
                                                     "redis://cache:6379/1")
    counters = json.loads(done.stdout)["counters"]
    assert (counters["LOCATION"], counters["KEY_PREFIX"]) == ("redis://cache:6379/1", "beacon-counters")
    done = _settings_in_a_new_process("beacon.settings_production",
                                      {"BEACON_VAR_DIR": str(tmp_path), "BEACON_CACHE_URL": "memcached://x"})
    assert done.returncode != 0 and "BEACON_CACHE_URL" in done.stderr


# --- the models ----------------------------------------------------------------------------------
def test_every_model_with_a_document_keeps_it_in_the_store():
    from django.apps import apps
    from django.db import models

    held = {(m._meta.label, name, address) for m, name, address in blobs.registered()}
    assert held == {("reports.PublishedFile", "content", "sha256"), ("governance.PaperFile", "content", "sha256"),
                    ("governance.Pack", "pdf", "sha256"), ("risk.EditionFile", "content", "sha256"),
                    # bundles uploaded on the data page, waiting for confirmation, and a large one's preview
                    ("core.KeptUpload", "content", "token"), ("core.KeptUpload", "preview_content", "preview_sha")}
    in_database = [f"{m._meta.label}.{f.name}" for m in apps.get_models() for f in m._meta.get_fields()
                   if isinstance(f, models.BinaryField)]
    assert in_database == [], "document bytes belong in the file store, not a BinaryField"


@pytest.mark.django_db
def test_content_goes_to_the_store_before_the_row_is_saved(store):
    from beacon.reports.models import PublishedFile, PublishedReport

    report = PublishedReport.objects.create(period="2022/23 Q2", published_at=AT, published_by="lead", rule_set={},
                                            model={}, data={}, data_checksum="0" * 64, checks=[])
    content = b"%PDF-1.7 frozen"
    digest = hashlib.sha256(content).hexdigest()

    unsaved = PublishedFile(report=report, format="pdf", name="qpr.pdf", size=len(content), content=content)
    assert unsaved.pk is None and unsaved.sha256 == digest
    assert files_in(store) == [blobs.name_of(digest)], "the bytes are stored before the row exists"

    row = PublishedFile.objects.create(report=report, format="html", name="qpr.html", sha256=digest,
                                       size=len(content), content=content)
    fresh = PublishedFile.objects.get(pk=row.pk)
    assert fresh.sha256 == digest and bytes(fresh.content) == content
    assert PublishedFile.objects.only("pk", "sha256").get(pk=row.pk).content == content
    assert files_in(store) == [blobs.name_of(digest)]

    (store / blobs.name_of(digest)).unlink()
    with pytest.raises(blobs.BlobMissing):
        PublishedFile.objects.get(pk=row.pk).content


@pytest.mark.django_db
def test_a_pack_keeps_its_pdf_attribute(store):
    from beacon.governance.models import Body, Meeting, Pack

    body = Body.objects.create(code="CAB", name="Cabinet", kind="executive")
    meeting = Meeting.objects.create(key="CAB-2023-01-05", body=body, date=AT.date())
    pdf = b"%PDF-1.7 pack"
    pack = Pack.objects.create(meeting=meeting, title="Cabinet", page_count=1, pdf=pdf, html="<p>pack</p>",
                               sha256=hashlib.sha256(pdf).hexdigest(), dispatched_by="clerk", dispatched_at=AT)
    again = Pack.objects.get(pk=pack.pk)
    assert bytes(again.pdf) == pdf and again.sha256 == hashlib.sha256(pdf).hexdigest()
    assert (store / blobs.name_of(again.sha256)).read_bytes() == pdf
