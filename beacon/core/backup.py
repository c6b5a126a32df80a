"""Backups of the whole database, and their restore into an empty one (``beacon backup``,
``beacon restore``; docs/backup.md).

Why not the data bundle: ``beacon export`` writes the data a council loads (KPIs, values, risks),
not the sign-ins, returns, published reports and register editions (their stored files) or the
history as it was recorded. A backup is the database itself:

* **SQLite**: SQLite's online backup (:meth:`sqlite3.Connection.backup`) copies the database page
  by page as one consistent state while the application keeps running;
* **PostgreSQL**: ``pg_dump --format=custom`` from a snapshot the row counts of the manifest are
  read in too (``pg_export_snapshot``), so the counts describe exactly the rows dumped.

The copy is packed into one ``.tar.gz`` with ``manifest.json``: the kind of database, the Beacon
version, when, the migrations applied, every table with its row count, and the copy's size and
SHA-256. A restore checks all of it before it writes anything, restores only into the same kind
of database and into one without data (unless forced), refuses a backup from a newer schema, and
afterwards counts the rows of every table against the manifest.

The stored files the database names (published QPR files, register edition files, agenda packs,
uploaded papers: kept in the file store by their SHA-256, beacon/core/blobs.py) go into the archive
too, as ``files/<sha256>``, every one the copied database names and listed in the manifest with
its size; a restore checks each against its name and puts it in the configured file store before
it restores the database, so no restored row names a file the store lacks. The files outside the
database and the store are not in a backup: the chart cache and report output folders (written
again on demand). Uploads waiting for a person to confirm them are kept in the file store with a
row (``core_keptupload``), so they are in a backup like any other stored file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.db import connection as default_connection

from beacon.core import blobs, clock, jsonio

__all__ = ["BackupError", "BackupResult", "RestoreResult", "Manifest", "backup", "restore", "read_backup",
           "check_backup", "default_path", "KINDS"]

FORMAT = "beacon-backup"
FORMAT_VERSION = 2  # 2: the stored files are in the archive (files/<sha256>); 1: they were in the database
READS_VERSIONS = (1, 2)
FILES = "files/"
MANIFEST = "manifest.json"
MAX_MANIFEST = 1024 * 1024
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
KINDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# Tables `beacon migrate` fills by itself: a database with rows only in these holds no data yet.
MIGRATE_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission", "auth_group",
                            "auth_group_permissions"})
NOT_INCLUDED = ("the chart cache and report output folders: they are not data and are written again; "
                "stored files the database does not name")
# What a person reads in a summary: table -> what its rows are called.
SUMMARY = (("auth_user", "users"), ("core_directorate", "directorates"), ("performance_kpi", "KPIs"),
           ("performance_observation", "observations"), ("returns_return", "returns"),
           ("reports_publishedreport", "published reports"), ("risk_risk", "risks"),
           ("risk_edition", "register editions"), ("core_revision", "recorded changes"))
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is one line saying why."""


@dataclass(frozen=True)
class Manifest:
    """What a backup holds (``manifest.json``)."""

    kind: str
    beacon_version: str
    created_at: dt.datetime
    server_version: str
    migrations: tuple[str, ...]
    tables: tuple[tuple[str, int], ...]
    database_file: str
    database_size: int
    database_sha256: str
    files: tuple[tuple[str, int], ...] = ()  # the stored files: (sha256, size), in archive order

    @property
    def rows(self) -> int:
        return sum(n for _, n in self.tables)

    def summary(self) -> str:
        """The main counts in words: "8 users, 2 directorates, ..., 6 stored files (2,197,391 bytes)"."""
        counts = dict(self.tables)
        held = [f"{counts[t]:,} {words}" for t, words in SUMMARY if counts.get(t)]
        if self.files:
            held.append(f"{len(self.files):,} stored file{'' if len(self.files) == 1 else 's'} "
                        f"({sum(n for _, n in self.files):,} bytes)")
        return ", ".join(held) if held else "no users, KPIs, risks or other data"

    def to_json(self) -> dict:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "kind": self.kind,
            "beacon_version": self.beacon_version,
            "created_at": self.created_at,
            "server_version": self.server_version,
            "database": {"file": self.database_file, "size": self.database_size, "sha256": self.database_sha256},
            "migrations": list(self.migrations),
            "tables": dict(self.tables),
            "files": [{"sha256": sha, "size": size} for sha, size in self.files],
            "not_included": NOT_INCLUDED,
        }

    @classmethod
    def from_json(cls, data) -> Manifest:
        try:
            if data.get("format") != FORMAT:
                raise BackupError("not a Beacon backup (its manifest is not a Beacon backup's)")
            if data.get("format_version") not in READS_VERSIONS:
                raise BackupError(f"a backup of format version {data.get('format_version')}: this version of "
                                  f"Beacon reads versions {', '.join(map(str, READS_VERSIONS))}")
            kind = data["kind"]
            if kind not in KINDS:
                raise BackupError(f"a backup of an unknown kind of database ({kind!r})")
            database = data["database"]
            name = str(database["file"])
            if name != DATABASE_FILES[kind]:
                raise BackupError(f"the manifest names the database file {name!r}: expected {DATABASE_FILES[kind]!r}")
            tables = tuple((str(t), int(n)) for t, n in data["tables"].items())
            sha = str(database["sha256"])
            if not re.fullmatch(r"[0-9a-f]{64}", sha):
                raise BackupError("the manifest's SHA-256 of the database is not a SHA-256")
            files = tuple((str(f["sha256"]), int(f["size"])) for f in data.get("files", []))
            if any(not re.fullmatch(r"[0-9a-f]{64}", f) or n < 0 for f, n in files):
                raise BackupError("the manifest lists a stored file whose name is not a SHA-256")
            return cls(kind=kind, beacon_version=str(data["beacon_version"]),
                       created_at=clock.parse_instant(data["created_at"]), server_version=str(data["server_version"]),
                       migrations=tuple(str(m) for m in data["migrations"]), tables=tables, database_file=name,
                       database_size=int(database["size"]), database_sha256=sha, files=files)
        except BackupError:
            raise
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise BackupError(f"not a Beacon backup (its manifest is incomplete: {exc})") from None


@dataclass(frozen=True)
class BackupResult:
    """A backup written: the archive (path, size, SHA-256) and what it holds."""

    path: Path
    size: int
    sha256: str
    manifest: Manifest

    @property
    def kind(self) -> str:
        return self.manifest.kind

    @property
    def beacon_version(self) -> str:
        return self.manifest.beacon_version

    @property
    def migrations(self) -> tuple[str, ...]:
        return self.manifest.migrations

    @property
    def tables(self) -> tuple[tuple[str, int], ...]:
        return self.manifest.tables


@dataclass(frozen=True)
class RestoreResult:
    """A backup restored: what it held, what it replaced, migrations this Beacon would still apply."""

    manifest: Manifest
    replaced: tuple[tuple[str, int], ...]
    to_migrate: tuple[str, ...]


# --- the database, whichever kind ---------------------------------------------------------
def kind_of(conn) -> str:
    if conn.vendor not in KINDS:
        raise BackupError(f"Beacon backs up SQLite and PostgreSQL databases, not {conn.vendor}")
    return conn.vendor


def beacon_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("beacon")
    except PackageNotFoundError:
        return "unknown"


def known_migrations() -> set[str]:
    """Every migration this version of Beacon has (its own and Django's), as ``app.name``."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = {f"{app}.{name}" for app, name in loader.disk_migrations}
    for migration in loader.disk_migrations.values():
        known |= {f"{app}.{name}" for app, name in migration.replaces or ()}
    return known


def to_migrate(applied) -> tuple[str, ...]:
    """The migrations of this version of Beacon not among ``applied`` (``app.name``); a squashed
    migration counts as applied when every migration it replaces is."""
    from django.db.migrations.loader import MigrationLoader

    applied = set(applied)
    loader = MigrationLoader(None, ignore_no_migrations=True)
    pending = []
    for app, name in sorted(loader.graph.nodes):
        migration = loader.graph.nodes[app, name]
        replaces = {f"{a}.{n}" for a, n in migration.replaces or ()}
        if f"{app}.{name}" not in applied and not (replaces and replaces <= applied):
            pending.append(f"{app}.{name}")
    return tuple(pending)


def _quote(conn, name: str) -> str:
    return conn.ops.quote_name(name)


def _table_counts(conn) -> list[tuple[str, int]]:
    with conn.cursor() as cursor:
        names = sorted(conn.introspection.table_names(cursor))
        out = []
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {_quote(conn, name)}")
            out.append((name, cursor.fetchone()[0]))
        return out


def default_path(kind: str, folder: Path | None = None) -> Path:
    """``var/backups/beacon-<kind>-<UTC time>.tar.gz`` (or that name in ``folder``)."""
    from django.conf import settings

    stamp = clock.now().astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return (folder or Path(settings.VAR_DIR) / "backups") / f"beacon-{kind}-{stamp}.tar.gz"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- PostgreSQL tools ---------------------------------------------------------------------
_LIBPQ_ENV = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY",
              "sslpassword": None, "connect_timeout": "PGCONNECT_TIMEOUT", "service": "PGSERVICE",
              "passfile": "PGPASSFILE", "options": "PGOPTIONS", "application_name": "PGAPPNAME",
              "target_session_attrs": "PGTARGETSESSIONATTRS"}


def pg_tool(name: str, conn=None) -> str:
    """The path of ``pg_dump`` or ``pg_restore``: in ``PGBIN``, else the server's major version's
    folder (``/usr/lib/postgresql/<major>/bin``), else on ``PATH``, else the newest installed."""
    candidates = []
    if os.environ.get("PGBIN"):
        candidates.append(Path(os.environ["PGBIN"]) / name)
    if conn is not None:
        try:
            conn.ensure_connection()
            candidates.append(Path(f"/usr/lib/postgresql/{conn.pg_version // 10000}/bin") / name)
        except Exception:  # noqa: BLE001 - the connection error is reported when it is used
            pass
    found = shutil.which(name)
    if found:
        candidates.append(Path(found))
    installed = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                       key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0, reverse=True)
    candidates += installed  # the newest installed version reads every older dump
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    raise BackupError(f"{name} was not found: install the PostgreSQL client programs, or set PGBIN to their folder")


def pg_env(conn) -> dict[str, str]:
    """The environment that points a PostgreSQL client program at ``conn``'s database. The
    password goes in ``PGPASSWORD``, never on a command line (which other users can read)."""
    cfg = conn.settings_dict
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                     ("NAME", "PGDATABASE")):
        if cfg.get(key):
            env[var] = str(cfg[key])
    for key, value in (cfg.get("OPTIONS") or {}).items():
        var = _LIBPQ_ENV.get(key)
        if var and value is not None:
            env[var] = str(value)
    return env


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(args, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if done.returncode != 0:
        detail = " ".join((done.stderr or done.stdout or "").split())
        raise BackupError(f"{what} failed: {detail or f'exit status {done.returncode}'}")


# --- backup -------------------------------------------------------------------------------
def _backup_sqlite(conn, target: Path) -> tuple[str, list[tuple[str, int]], list[str], list[str]]:
    if conn.in_atomic_block:
        raise BackupError("a backup is taken outside a transaction (it would copy changes not yet saved)")
    conn.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        conn.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, whatever the source's mode
        names = [n for (n,) in copy.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
            "ORDER BY name")]
        counts = [(n, copy.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0]) for n in names]
        migrations = [f"{a}.{n}" for a, n in copy.execute("SELECT app, name FROM django_migrations ORDER BY id")] \
            if "django_migrations" in names else []
        version = copy.execute("SELECT sqlite_version()").fetchone()[0]
        named = _named_files(lambda sql: copy.execute(sql).fetchall(), names)
    finally:
        copy.close()
    return version, counts, migrations, named


def _backup_postgresql(conn, target: Path) -> tuple[str, list[tuple[str, int]], list[str], list[str]]:
    pg_dump = pg_tool("pg_dump", conn)
    raw = conn.get_new_connection(conn.get_connection_params())
    try:
        raw.autocommit = True
        with raw.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, version = cursor.fetchone()
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
            names = [n for (n,) in cursor.fetchall()]
            counts = []
            for name in names:
                cursor.execute(f"SELECT COUNT(*) FROM {_quote(conn, name)}")
                counts.append((name, cursor.fetchone()[0]))
            migrations = []
            if "django_migrations" in names:
                cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
                migrations = [f"{a}.{n}" for a, n in cursor.fetchall()]

            def rows(sql):
                cursor.execute(sql)
                return cursor.fetchall()

            named = _named_files(rows, names)  # the stored files of exactly the rows dumped
            # the dump reads the same snapshot: it holds exactly the rows counted above
            _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}", "--no-password"],
                 pg_env(conn), "pg_dump")
            cursor.execute("COMMIT")
    finally:
        raw.close()
    return version, counts, migrations, named


# --- stored files (beacon/core/blobs.py) --------------------------------------------------
def _stored_file_columns() -> list[tuple[str, str]]:
    """(table, column) of every digest naming a stored file."""
    return sorted({(model._meta.db_table, model._meta.get_field(address).column)
                   for model, _name, address in blobs.registered()})


def _named_files(rows, tables) -> list[str]:
    """The SHA-256 of every stored file the copied database names (``rows(sql)`` runs a query on
    the copy), each once, sorted."""
    found: set[str] = set()
    present = set(tables)
    for table, column in _stored_file_columns():
        if table in present:
            found |= {d for (d,) in rows(f'SELECT DISTINCT "{column}" FROM "{table}"') if d}
    return sorted(found)


class _Hashing:
    """A file read through, its SHA-256 taken on the way."""

    def __init__(self, f):
        self.f, self.digest, self.size = f, hashlib.sha256(), 0

    def read(self, n=-1):
        data = self.f.read(n)
        self.digest.update(data)
        self.size += len(data)
        return data


def _file_sizes(digests: list[str]) -> tuple[tuple[str, int], ...]:
    store = blobs.storage()
    sizes, missing = [], []
    for digest in digests:
        try:
            sizes.append((digest, store.size(blobs.name_of(digest))))
        except Exception:  # noqa: BLE001 - a folder says FileNotFoundError, a bucket its own error
            if blobs.exists(digest):
                raise
            missing.append(digest)
    if missing:
        raise BackupError(f"the file store ({blobs.describe()}) lacks {len(missing)} stored "
                          f"file{'' if len(missing) == 1 else 's'} the database names "
                          f"({', '.join(d[:12] + '...' for d in missing[:3])}): the backup would be incomplete; "
                          "restore the store's files from its own backup, or run beacon migrate if the database "
                          "still holds them")
    return tuple(sizes)


def _add_stored_files(tar, manifest: Manifest, say) -> None:
    store = blobs.storage()
    if manifest.files:
        say(f"Adding {len(manifest.files):,} stored files from the file store ({blobs.describe()})")
    for digest, size in manifest.files:
        info = tarfile.TarInfo(FILES + digest)
        info.size, info.mode, info.mtime = size, 0o600, int(manifest.created_at.timestamp())
        with store.open(blobs.name_of(digest), "rb") as f:
            reader = _Hashing(f)
            try:
                tar.addfile(info, reader)
            except OSError as exc:
                raise BackupError(f"the stored file {digest[:12]}... changed size while it was read ({exc})") \
                    from None
        if reader.digest.hexdigest() != digest:
            raise BackupError(f"the stored file {digest[:12]}... in the file store is damaged: its bytes no longer "
                              "match their SHA-256; the backup was not written")


def _each_stored_file(archive: Path, tar, members: dict, manifest: Manifest, skip=lambda digest: False):
    """Every stored file of the backup as ``(sha256, bytes)``, checked against its name and the
    manifest's size (a BackupError when one is missing or damaged); ``skip(sha256)`` true: not read."""
    for digest, size in manifest.files:
        if skip(digest):
            continue
        entry = members.get(FILES + digest)
        if entry is None or not entry.isfile():
            raise BackupError(f"{archive}: the backup is damaged (it has no stored file {digest[:12]}...)")
        if entry.size != size:
            raise BackupError(f"{archive}: the backup is damaged (the stored file {digest[:12]}... is {entry.size} "
                              f"bytes; the manifest says {size})")
        try:
            with tar.extractfile(entry) as src:
                data = src.read()
        except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
            raise BackupError(f"{archive}: the backup is damaged ({' '.join(str(exc).split())})") from None
        if hashlib.sha256(data).hexdigest() != digest:
            raise BackupError(f"{archive}: the backup is damaged (the stored file {digest[:12]}... does not match "
                              "its checksum)")
        yield digest, data


def backup(path: Path | str | None = None, *, connection=None, progress=None) -> BackupResult:
    """Back up the whole database of ``connection`` (the configured one) into one archive at
    ``path`` (a folder: a dated name in it; none: ``var/backups``). An existing file is never
    overwritten. The archive is readable by its owner only: it holds password hashes."""
    conn = connection or default_connection
    kind = kind_of(conn)
    say = progress or (lambda text: None)
    path = Path(path) if path else default_path(kind)
    if path.is_dir():
        path = default_path(kind, path)
    if path.exists():
        raise BackupError(f"{path} already exists: give a new file name (a backup never overwrites a file)")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="beacon-backup-", dir=path.parent) as work:
        os.chmod(work, 0o700)
        copy = Path(work) / DATABASE_FILES[kind]
        say(f"Copying the {KINDS[kind]} database")
        version, counts, migrations, named = (_backup_sqlite if kind == "sqlite" else _backup_postgresql)(conn, copy)
        manifest = Manifest(kind=kind, beacon_version=beacon_version(), created_at=clock.now(),
                            server_version=str(version), migrations=tuple(migrations), tables=tuple(counts),
                            database_file=copy.name, database_size=copy.stat().st_size, database_sha256=_sha256(copy),
                            files=_file_sizes(named))
        say(f"Writing {path}")
        partial = Path(work) / "archive.tar.gz"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out, tarfile.open(fileobj=out, mode="w:gz") as tar:
            data = jsonio.to_bytes(manifest)
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(data), 0o600, int(manifest.created_at.timestamp())
            tar.addfile(info, io.BytesIO(data))
            info = tarfile.TarInfo(copy.name)
            info.size, info.mode, info.mtime = manifest.database_size, 0o600, int(manifest.created_at.timestamp())
            with open(copy, "rb") as f:
                tar.addfile(info, f)
            _add_stored_files(tar, manifest, say)
        try:
            os.link(partial, path)  # never replaces a file that appeared meanwhile
        except FileExistsError:
            raise BackupError(f"{path} already exists: give a new file name (a backup never overwrites a file)") \
                from None
        except OSError:
            if path.exists():
                raise BackupError(f"{path} already exists: give a new file name") from None
            shutil.move(partial, path)
    return BackupResult(path=path, size=path.stat().st_size, sha256=_sha256(path), manifest=manifest)


# --- reading a backup ---------------------------------------------------------------------
@contextlib.contextmanager
def read_backup(archive: Path | str) -> Iterator[tuple[Manifest, Path]]:
    """The manifest of ``archive`` and its database file, unpacked into a private temporary folder
    (removed afterwards) and checked against the manifest's size and SHA-256. Only the members a
    backup has are read, by name; nothing else in the archive is unpacked (its stored files are
    read by :func:`check_backup` and :func:`restore`, never written to disk by name)."""
    with _opened(archive) as (manifest, target, _tar, _members):
        yield manifest, target


@contextlib.contextmanager
def _opened(archive: Path | str):
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"{archive}: no such file")
    try:
        tar = tarfile.open(archive, "r:*")
    except (tarfile.TarError, OSError):
        raise BackupError(f"{archive}: not a Beacon backup (not a .tar.gz archive)") from None
    with tar, tempfile.TemporaryDirectory(prefix="beacon-restore-") as work:
        os.chmod(work, 0o700)
        try:
            members = {m.name: m for m in tar.getmembers()}
            entry = members.get(MANIFEST)
            if entry is None or not entry.isfile() or entry.size > MAX_MANIFEST:
                raise BackupError(f"{archive}: not a Beacon backup (it has no {MANIFEST})")
            try:
                manifest = Manifest.from_json(jsonio.loads(tar.extractfile(entry).read()))
            except ValueError as exc:
                raise BackupError(f"{archive}: not a Beacon backup ({MANIFEST} is not JSON: {exc})") from None
            entry = members.get(manifest.database_file)
            if entry is None or not entry.isfile() or PurePosixPath(entry.name).name != entry.name:
                raise BackupError(f"{archive}: the backup is damaged (it has no {manifest.database_file})")
            if entry.size != manifest.database_size:
                raise BackupError(f"{archive}: the backup is damaged ({manifest.database_file} is {entry.size} "
                                  f"bytes; the manifest says {manifest.database_size})")
            target = Path(work) / manifest.database_file
            digest = hashlib.sha256()
            with tar.extractfile(entry) as src, open(target, "wb") as out:
                for chunk in iter(lambda: src.read(_CHUNK), b""):
                    digest.update(chunk)
                    out.write(chunk)
        except (tarfile.TarError, EOFError, OSError, UnicodeDecodeError, zlib.error) as exc:
            raise BackupError(f"{archive}: the backup is damaged ({' '.join(str(exc).split())})") from None
        if digest.hexdigest() != manifest.database_sha256:
            raise BackupError(f"{archive}: the backup is damaged (the checksum of {manifest.database_file} does not "
                              f"match its manifest)")
        yield manifest, target, tar, members


def check_backup(archive: Path | str) -> Manifest:
    """Read ``archive`` through and check it without restoring: the checksums and, for SQLite, the
    database's own integrity check and every table's rows against the manifest."""
    with _opened(archive) as (manifest, database, tar, members):
        if manifest.kind == "sqlite":
            _check_sqlite_copy(manifest, database)
        else:
            _run([pg_tool("pg_restore"), "--list", str(database)], dict(os.environ), "pg_restore --list")
        for _ in _each_stored_file(Path(archive), tar, members, manifest):
            pass
        return manifest


def _check_sqlite_copy(manifest: Manifest, database: Path) -> None:
    copy = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise BackupError(f"the backup's database fails SQLite's integrity check: {'; '.join(problems[:3])}")
        names = {n for (n,) in copy.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")}
        counts = {n: copy.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        copy.close()
    _compare_counts(manifest, counts, "the backup's database")


def _compare_counts(manifest: Manifest, counts: dict[str, int], where: str) -> None:
    expected = dict(manifest.tables)
    differ = sorted(t for t in set(expected) | set(counts) if expected.get(t) != counts.get(t))
    if differ:
        shown = ", ".join(f"{t} ({counts.get(t, 'missing')} rows, manifest {expected.get(t, 'none')})"
                          for t in differ[:5])
        raise BackupError(f"the row counts of {where} do not match the manifest: {shown}"
                          + (f" and {len(differ) - 5} more" if len(differ) > 5 else ""))


# --- restore ------------------------------------------------------------------------------
def _data_in(conn) -> list[tuple[str, int]]:
    """Tables of ``conn`` holding rows other than those ``beacon migrate`` writes."""
    if conn.vendor == "sqlite" and not _sqlite_file_exists(conn):
        return []
    return [(t, n) for t, n in _table_counts(conn) if n and t not in MIGRATE_TABLES]


def _sqlite_file_exists(conn) -> bool:
    name = str(conn.settings_dict["NAME"] or "")
    return bool(name) and (conn.is_in_memory_db() or Path(name).exists())


def restore(archive: Path | str, *, connection=None, force: bool = False, progress=None) -> RestoreResult:
    """Restore ``archive`` into the database of ``connection`` (the configured one). Refused, with
    nothing written: a damaged archive, a backup of the other kind of database, one whose schema is
    newer than this Beacon's, and a database already holding data unless ``force`` (then all of
    it is replaced). Afterwards every table's rows are counted against the manifest."""
    conn = connection or default_connection
    kind = kind_of(conn)
    say = progress or (lambda text: None)
    with _opened(archive) as (manifest, database, tar, members):
        say(f"Read {archive}: a {KINDS[manifest.kind]} backup of {manifest.created_at:%d/%m/%Y %H:%M} UTC "
            f"(Beacon {manifest.beacon_version}); checksums match")
        if manifest.kind != kind:
            raise BackupError(f"a {KINDS[manifest.kind]} backup cannot be restored into a {KINDS[kind]} database: "
                              f"restore it into a {KINDS[manifest.kind]} database (BEACON_DATABASE_URL names the "
                              f"database)")
        newer = [m for m in manifest.migrations if m not in known_migrations()]
        if newer:
            raise BackupError(f"the backup is from a newer version of Beacon ({manifest.beacon_version}; migrations "
                              f"{', '.join(newer[:5])}{' ...' if len(newer) > 5 else ''} are unknown here): install "
                              f"that version or later to restore it")
        if kind == "sqlite":
            _check_sqlite_copy(manifest, database)
        if conn.in_atomic_block:
            raise BackupError("a restore runs outside a transaction")
        held = _data_in(conn)
        if held and not force:
            shown = ", ".join(f"{t} ({n} {'row' if n == 1 else 'rows'})" for t, n in held[:6])
            more = f" and {len(held) - 6} more tables" if len(held) > 6 else ""
            raise BackupError(f"the database already holds data: {shown}{more}. Restoring would replace all of it; "
                              f"run again with --force to replace it")
        if manifest.files:  # first, so that no restored row names a file the store lacks
            say(f"Putting {len(manifest.files):,} stored files in the file store ({blobs.describe()})")
            for digest, data in _each_stored_file(Path(archive), tar, members, manifest, skip=blobs.exists):
                if blobs.put(data) != digest:
                    raise BackupError(f"the file store did not keep {digest[:12]}... under its SHA-256")
        say(f"Restoring {manifest.rows:,} rows in {len(manifest.tables)} tables")
        if kind == "sqlite":
            _restore_sqlite(conn, database)
        else:
            _restore_postgresql(conn, database, manifest)
    conn.close()
    counts = dict(_table_counts(conn))
    if kind == "sqlite":
        counts = {t: n for t, n in counts.items() if not t.startswith("sqlite_")}
    _compare_counts(manifest, counts, "the restored database")
    conn.close()
    return RestoreResult(manifest=manifest, replaced=tuple(held), to_migrate=to_migrate(manifest.migrations))


def _restore_sqlite(conn, database: Path) -> None:
    conn.ensure_connection()
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        source.backup(conn.connection)  # replaces the whole database, online, in one step
    except sqlite3.Error as exc:
        raise BackupError(f"the restore failed: {exc}") from None
    finally:
        source.close()


def _restore_postgresql(conn, database: Path, manifest: Manifest) -> None:
    pg_restore = pg_tool("pg_restore", conn)
    backed_up = {t for t, _ in manifest.tables}
    with conn.cursor() as cursor:
        extra = [t for t in conn.introspection.table_names(cursor) if t not in backed_up]
    conn.close()
    # --clean drops the tables the backup has (in one transaction with the restore); tables it
    # does not have (from a newer schema) are dropped first, or they would be left behind.
    if extra:
        raw = conn.get_new_connection(conn.get_connection_params())
        try:
            raw.autocommit = True
            with raw.cursor() as cursor:
                cursor.execute("BEGIN")
                for table in extra:
                    cursor.execute(f"DROP TABLE IF EXISTS {_quote(conn, table)} CASCADE")
                cursor.execute("COMMIT")
        finally:
            raw.close()
    _run([pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", "--clean",
          "--if-exists", "--no-password", f"--dbname={conn.settings_dict['NAME']}", str(database)],
         pg_env(conn), "pg_restore")
