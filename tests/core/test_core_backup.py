"""``beacon backup`` and ``beacon restore``: a backup restored into an empty database gives the same
tables, row for row (every model's table and ``django_migrations``: users, returns, published QPR
files, register edition files, the history), and the stored files those rows name, byte for byte,
in the file store; the restore refuses what it cannot do exactly: a damaged archive (its database
or a stored file), a backup of the other kind of database, one from a newer Beacon, a database
that already holds data (unless ``--force``).

Runs on SQLite (the restore goes into a new file) and on PostgreSQL (``scripts/with-postgres``:
the restore goes into a second database created on the same server)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.db.utils import load_backend

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "web"))

from web_fixtures import NEXT, PERIOD, make_data, make_risks, make_users, submit_through_services  # noqa: E402

from beacon.cli import BEACON_COMMANDS, main  # noqa: E402

# The commands close and reopen connections and the restore writes a whole database: these tests
# run outside one transaction and flush the database afterwards.
pytestmark = pytest.mark.django_db(transaction=True)

BEACON = Path(sys.executable).with_name("beacon")


@pytest.fixture(autouse=True)
def _fixed_clock(clock, settings):
    clock.set("2026-11-20", tick=True)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def store(tmp_path, settings):
    """The file store of the database under test: a folder of this test's own."""
    folder = tmp_path / "store"
    settings.STORAGES = {**settings.STORAGES, "beacon_files": {
        "BACKEND": "beacon.core.blobs.AtomicFileSystemStorage", "OPTIONS": {"location": str(folder)}}}
    return folder


def stored_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def migrations_kept():
    """django_migrations as it was before the test (a flush leaves that table alone)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, app, name, applied FROM django_migrations")
        rows = cursor.fetchall()
    yield
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations")
        for row in rows:
            cursor.execute("INSERT INTO django_migrations (id, app, name, applied) VALUES (%s, %s, %s, %s)", row)


# --- the data ------------------------------------------------------------------------------
def make_everything() -> None:
    """Users, KPIs and values, an approved return, a published QPR (its files), risks and a frozen
    register edition (its files): everything export and import would lose."""
    from beacon.core import clock
    from beacon.domain.periods import Quarter
    from beacon.reports.formats import REGISTER
    from beacon.reports.publish import publish
    from beacon.reports.register.files import edition_file
    from beacon.returns.commands import OpenPeriod
    from beacon.returns.models import Return
    from beacon.returns.services import open_period
    from beacon.risk.editions import FreezeEdition, freeze
    from beacon.web.services.reports import draft_checks

    make_data()
    users = make_users()
    make_risks(users)
    period = open_period(OpenPeriod(Quarter.parse(NEXT), clock.today() + dt.timedelta(days=30), "lead"))
    submit_through_services(Return.objects.get(period=period, directorate__code="AA"), {"A1": "91", "A2": "8"},
                            "owner", approve_as="lead")
    quarter = Quarter.parse(PERIOD)
    publish(quarter, "lead", {c.id: "accepted for the test" for c in draft_checks(quarter) if not c.passed})
    edition = freeze(FreezeEdition("Cabinet", clock.today(), "riskmanager",
                                   confirm_date=True))
    edition_file(edition, REGISTER["html"])


def make_a_little() -> None:
    make_data()
    make_users()


# --- databases -----------------------------------------------------------------------------
def wrapper(settings_dict: dict, alias: str):
    """A Django connection to another database (the restore's target)."""
    cfg = connections.configure_settings({"default": dict(settings_dict), alias: dict(settings_dict)})[alias]
    return load_backend(cfg["ENGINE"]).DatabaseWrapper(cfg, alias)


def pg_settings(name: str) -> dict:
    cfg = dict(connection.settings_dict)
    cfg["NAME"] = name
    cfg["TEST"] = {}
    return cfg


@pytest.fixture
def empty_target(tmp_path):
    """An empty database of the kind under test, as ``(url, settings_dict)``: a new SQLite file,
    or a new database on the PostgreSQL server."""
    made = []

    def make():
        if connection.vendor == "sqlite":
            path = tmp_path / f"restored-{len(made)}.sqlite3"
            cfg = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}
            made.append(None)
            return f"sqlite:///{path}", cfg
        name = f"beacon_restore_{uuid.uuid4().hex[:12]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        cfg = pg_settings(name)
        user = cfg["USER"]
        password = f":{cfg['PASSWORD']}" if cfg["PASSWORD"] else ""
        return f"postgresql://{user}{password}@{cfg['HOST']}:{cfg['PORT']}/{name}", cfg

    yield make
    for name in made:
        if name:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def tables_of(conn) -> dict[str, list[tuple]]:
    """Every table of a database, its rows sorted (SQLite's own sequence table included)."""
    with conn.cursor() as cursor:
        names = conn.introspection.table_names(cursor)
        if conn.vendor == "sqlite":
            names.append("sqlite_sequence")
        out = {}
        for name in names:
            cursor.execute(f"SELECT * FROM {conn.ops.quote_name(name)}")
            out[name] = sorted((tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                                for row in cursor.fetchall()), key=repr)
        return out


def sequences_of(conn) -> dict[str, int | None]:
    if conn.vendor != "postgresql":
        return {}
    with conn.cursor() as cursor:
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema()")
        return dict(cursor.fetchall())


def every_model_table() -> set[str]:
    return {m._meta.db_table for m in apps.get_models(include_auto_created=True)} | {"django_migrations"}


def restore_in_a_new_process(archive: Path, url: str, *args: str, files: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "BEACON_DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "beacon.settings",
           "BEACON_FILES_DIR": str(files or archive.parent / "restored-files")}
    return subprocess.run([str(BEACON), "restore", str(archive), *args], env=env, capture_output=True, text=True,
                          timeout=300)


def read_manifest(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        return json.loads(tar.extractfile("manifest.json").read())


def rewrite(archive: Path, target: Path, manifest=None, database=None, member=None) -> Path:
    """A copy of ``archive`` with its manifest, database bytes or another member changed
    (``member=(name, change)``)."""
    with tarfile.open(archive) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    old = json.loads(members["manifest.json"])
    name = old["database"]["file"]
    if manifest is not None:
        members["manifest.json"] = json.dumps(manifest(old)).encode()
    if database is not None:
        members[name] = database(members[name])
    if member is not None:
        members[member[0]] = member[1](members[member[0]])
    with tarfile.open(target, "w:gz") as tar:
        for member, data in members.items():
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return target


# --- the round trip ------------------------------------------------------------------------
def test_backup_then_restore_into_an_empty_database_gives_identical_tables(tmp_path, empty_target, capsys, store):
    make_everything()
    from beacon.reports.models import PublishedFile
    from beacon.risk.models import EditionFile

    assert PublishedFile.objects.exists() and EditionFile.objects.exists()
    named = {f.sha256: bytes(f.content) for model in (PublishedFile, EditionFile) for f in model.objects.all()}
    from beacon.core import blobs

    blobs.put(b"a file no row names")  # left out: the backup holds what the database names
    archive = tmp_path / "beacon.tar.gz"

    call_command("backup", str(archive))
    out = capsys.readouterr().out
    assert str(archive) in out and hashlib.sha256(archive.read_bytes()).hexdigest() in out
    assert f"{len(named)} stored files" in out
    assert archive.stat().st_mode & 0o077 == 0, "a backup holds password hashes: only its owner reads it"
    manifest = read_manifest(archive)
    assert sorted(f["sha256"] for f in manifest["files"]) == sorted(named)
    with tarfile.open(archive) as tar:
        assert {m.name for m in tar.getmembers() if m.name.startswith("files/")} == {f"files/{d}" for d in named}

    url, cfg = empty_target()
    restored_store = tmp_path / "restored-files"
    done = restore_in_a_new_process(archive, url, files=restored_store)
    assert done.returncode == 0, done.stderr
    assert "Restored" in done.stdout
    assert stored_files(restored_store) == named, "every file the rows name is in the new store, byte for byte"

    before = tables_of(connection)
    target = wrapper(cfg, "restored")
    try:
        after = tables_of(target)
        after_sequences = sequences_of(target)
    finally:
        target.close()
    assert every_model_table() <= set(before)
    assert set(after) == set(before)
    for table in sorted(before):
        assert after[table] == before[table], f"{table} differs after the restore"
    assert after_sequences == sequences_of(connection)
    # the tables hold what export and import lose
    for table in ("auth_user", "returns_return", "reports_publishedfile", "risk_editionfile", "core_revision",
                  "django_session" if before.get("django_session") else "auth_user_groups"):
        assert before[table], table


def test_the_backup_says_what_it_holds(tmp_path):
    make_a_little()
    from beacon.core.backup import backup

    result = backup(tmp_path / "b.tar.gz")

    assert result.path == tmp_path / "b.tar.gz"
    assert result.size == result.path.stat().st_size
    assert result.sha256 == hashlib.sha256(result.path.read_bytes()).hexdigest()
    assert result.kind == connection.vendor
    from importlib.metadata import version

    assert result.beacon_version == version("beacon")
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        applied = {f"{app}.{name}" for app, name in cursor.fetchall()}
    assert set(result.migrations) == applied
    counts = dict(result.tables)
    from beacon.core.models import Directorate
    from django.contrib.auth import get_user_model

    assert counts["auth_user"] == get_user_model().objects.count() == 8
    assert counts["core_directorate"] == Directorate.objects.count() == 2
    assert counts["django_migrations"] == len(applied)
    manifest = read_manifest(result.path)
    assert manifest["kind"] == connection.vendor and manifest["tables"] == counts
    assert manifest["migrations"] == list(result.migrations)


def test_the_cli_lists_backup_and_restore(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "  backup" in out and "  restore" in out
    assert {"backup", "restore"} <= set(BEACON_COMMANDS)


# --- refusals ------------------------------------------------------------------------------
def test_restore_refuses_a_database_that_holds_data_unless_forced(tmp_path, empty_target):
    make_a_little()
    from beacon.core.backup import BackupError, backup, restore

    archive = backup(tmp_path / "b.tar.gz").path
    url, cfg = empty_target()
    other = wrapper(cfg, "other")
    try:
        # a database prepared by `beacon migrate`, with no data, is empty: the restore goes ahead
        env = {**os.environ, "BEACON_DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "beacon.settings"}
        subprocess.run([str(BEACON), "migrate", "-v0"], env=env, check=True, timeout=300)
        restore(archive, connection=other)
        with other.cursor() as cursor:
            cursor.execute("UPDATE core_directorate SET name = 'Changed since' WHERE code = 'AA'")
        before = tables_of(other)

        with pytest.raises(BackupError) as refused:
            restore(archive, connection=other)
        message = str(refused.value)
        assert "\n" not in message
        assert "already holds data" in message and "auth_user (8 rows)" in message and "--force" in message
        assert tables_of(other) == before

        restore(archive, connection=other, force=True)
        assert tables_of(other) == tables_of(connection)
    finally:
        other.close()


def test_restore_refuses_a_damaged_backup_and_writes_nothing(tmp_path, empty_target):
    make_a_little()
    from beacon.core.backup import BackupError, backup, restore

    archive = backup(tmp_path / "b.tar.gz").path
    damaged = rewrite(archive, tmp_path / "damaged.tar.gz",
                      database=lambda b: b[:200] + bytes([b[200] ^ 0xFF]) + b[201:])  # one byte changed
    url, cfg = empty_target()
    done = restore_in_a_new_process(damaged, url)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "checksum" in lines[0] and "damaged" in lines[0], done.stderr

    (tmp_path / "notes.txt").write_text("not a backup")
    with pytest.raises(BackupError, match="not a Beacon backup"):
        restore(tmp_path / "notes.txt", connection=wrapper(cfg, "other"))
    target = wrapper(cfg, "other")
    try:
        with target.cursor() as cursor:
            assert target.introspection.table_names(cursor) == []
    finally:
        target.close()


def test_restore_refuses_a_backup_from_a_newer_beacon(tmp_path, empty_target, migrations_kept):
    make_a_little()
    from beacon.core.backup import BackupError, backup, restore

    with connection.cursor() as cursor:  # a migration this version of Beacon does not have
        cursor.execute("INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s)",
                       ["risk", "9999_from_the_future", dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)])
    archive = backup(tmp_path / "b.tar.gz").path
    url, cfg = empty_target()
    target = wrapper(cfg, "other")
    try:
        with pytest.raises(BackupError) as refused:
            restore(archive, connection=target)
        assert "newer" in str(refused.value) and "risk.9999_from_the_future" in str(refused.value)
        with target.cursor() as cursor:
            assert target.introspection.table_names(cursor) == []
    finally:
        target.close()


def test_restore_refuses_a_backup_of_the_other_kind_of_database(tmp_path):
    make_a_little()
    from beacon.core.backup import BackupError, backup, restore

    archive = backup(tmp_path / "b.tar.gz").path
    if connection.vendor == "sqlite":  # nothing is contacted: the kinds differ
        other = wrapper({"ENGINE": "django.db.backends.postgresql", "NAME": "nowhere", "HOST": "127.0.0.1",
                         "PORT": "1"}, "other")
    else:
        other = wrapper({"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "other.sqlite3")}, "other")
    with pytest.raises(BackupError, match="cannot be restored into a (PostgreSQL|SQLite) database"):
        restore(archive, connection=other)
    assert not (tmp_path / "other.sqlite3").exists()


def test_restore_check_reads_a_backup_without_restoring(tmp_path, capsys):
    make_a_little()
    call_command("backup", str(tmp_path / "b.tar.gz"))
    capsys.readouterr()
    call_command("restore", str(tmp_path / "b.tar.gz"), "--check")
    out = capsys.readouterr().out
    assert "checksums match" in out and "auth_user" not in out and "8 users" in out
    damaged = rewrite(tmp_path / "b.tar.gz", tmp_path / "d.tar.gz",
                      manifest=lambda m: {**m, "tables": {**m["tables"], "auth_user": 9}})
    if connection.vendor != "sqlite":
        return  # a PostgreSQL dump's rows are counted when it is restored
    # the manifest no longer matches the database it describes
    with pytest.raises(CommandError, match="row counts"):
        call_command("restore", str(damaged), "--check")


def test_backup_never_overwrites_a_file(tmp_path):
    make_a_little()
    (tmp_path / "b.tar.gz").write_text("keep me")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(tmp_path / "b.tar.gz"))
    assert (tmp_path / "b.tar.gz").read_text() == "keep me"


def test_a_backup_from_an_earlier_beacon_restores_and_says_to_migrate(tmp_path, empty_target, migrations_kept):
    make_a_little()
    from beacon.core.backup import backup, restore

    with connection.cursor() as cursor:  # as if taken before the latest risk migration existed
        cursor.execute("SELECT name FROM django_migrations WHERE app = 'risk' ORDER BY name DESC")
        latest = cursor.fetchone()[0]
        cursor.execute("DELETE FROM django_migrations WHERE app = 'risk' AND name = %s", [latest])
    archive = backup(tmp_path / "b.tar.gz").path
    url, cfg = empty_target()
    target = wrapper(cfg, "other")
    try:
        result = restore(archive, connection=target)
    finally:
        target.close()
    assert result.to_migrate == (f"risk.{latest}",)
    assert not result.replaced


# --- stored files ----------------------------------------------------------------------------
def a_published_file(content: bytes = b"%PDF-1.7 the frozen QPR"):
    from beacon.reports.models import PublishedFile, PublishedReport

    at = dt.datetime(2023, 1, 5, 12, tzinfo=dt.timezone.utc)
    report = PublishedReport.objects.create(period=PERIOD, published_at=at, published_by="lead", rule_set={},
                                            model={}, data={}, data_checksum="0" * 64, checks=[])
    return PublishedFile.objects.create(report=report, format="pdf", name="qpr.pdf", size=len(content),
                                        content=content)


def test_a_backup_refuses_when_the_store_lacks_a_file_the_database_names(tmp_path, store):
    make_a_little()
    row = a_published_file()
    from beacon.core import blobs
    from beacon.core.backup import BackupError, backup

    (store / blobs.name_of(row.sha256)).unlink()
    with pytest.raises(BackupError) as refused:
        backup(tmp_path / "b.tar.gz")
    assert "lacks 1 stored file" in str(refused.value) and row.sha256[:12] in str(refused.value)
    assert not (tmp_path / "b.tar.gz").exists()


def test_restore_refuses_a_damaged_stored_file_and_writes_nothing(tmp_path, empty_target, store):
    make_a_little()
    row = a_published_file()
    from beacon.core.backup import BackupError, backup, check_backup, restore

    archive = backup(tmp_path / "b.tar.gz").path
    damaged = rewrite(archive, tmp_path / "damaged.tar.gz",
                      member=(f"files/{row.sha256}", lambda b: b[:5] + bytes([b[5] ^ 0xFF]) + b[6:]))
    with pytest.raises(BackupError, match="stored file .* does not match its checksum"):
        check_backup(damaged)
    (store / row.sha256[:2] / row.sha256[2:4] / row.sha256).unlink()  # a new store: the file must come from the archive
    url, cfg = empty_target()
    target = wrapper(cfg, "other")
    try:
        with pytest.raises(BackupError, match="damaged"):
            restore(damaged, connection=target)
        with target.cursor() as cursor:
            assert target.introspection.table_names(cursor) == []
        assert stored_files(store) == {}

        restore(archive, connection=target)  # the good archive restores, its file into the store
    finally:
        target.close()
    assert stored_files(store) == {row.sha256: b"%PDF-1.7 the frozen QPR"}
