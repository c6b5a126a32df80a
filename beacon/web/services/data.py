"""Bundles through the browser: an uploaded zip of CSV files or .xlsx workbook is first previewed,
then imported on confirmation. The bundle code does the checking and loading; the exports (zip or
workbook) are the formats of :data:`beacon.reports.formats.BUNDLE`.

Why a preview: uploading an older workbook silently put older values back over newer ones. Now
an upload is kept server-side (under the SHA-256 of its content: the token of the preview) and
imported as a dry run (:func:`beacon.bundle.importer.import_bundle` with ``dry_run``: the same
checks and row-level errors, in a transaction that is rolled back). The preview lists, per file,
what would be created, changed (old and new, in words) and left alone, and flags each value that
would go back to a value it held before and each change to final data (which needs a reason).
Confirming imports the kept file only if the changes are still those listed (the preview's
fingerprint); otherwise nothing is written and the new preview is shown.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath

from beacon.bundle.errors import BundleErrors
from beacon.bundle.importer import ImportResult, PlannedChange, StalePreview, import_bundle
from beacon.bundle.reader import check_zip
from beacon.core import clock

MAX_FILES = 500
MAX_UNPACKED = 100 * 1024 * 1024
KEEP_UPLOADS = timedelta(days=1)
PREVIEW_REASON = "(preview: rolled back)"
"""The reason a dry run runs with, so that changes to final data are listed rather than refused;
the preview's transaction is rolled back, so it is never recorded."""

__all__ = ["StoredUpload", "ChangeLine", "Preview", "StalePreview", "BundleErrors", "store_upload", "stored_upload",
           "preview_upload", "apply_upload", "discard_upload"]


def _safe_name(name: str) -> str:
    base = PurePosixPath(name.replace("\\", "/")).name
    return "".join(c for c in base if c.isalnum() or c in "-_.") or "upload"


def _extract(zip_path: Path, target: Path) -> Path:
    # sizes, CRCs, encryption and members stored twice, each refused naming the member (issue 11)
    check_zip(zip_path, max_inflated=MAX_UNPACKED, max_members=MAX_FILES)
    try:
        archive = zipfile.ZipFile(zip_path)
    except zipfile.BadZipFile:
        raise BundleErrors([f"{zip_path.name}: not a zip file"]) from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > MAX_FILES:
            raise BundleErrors([f"{zip_path.name}: more than {MAX_FILES} files"])
        if sum(m.file_size for m in members) > MAX_UNPACKED:
            raise BundleErrors([f"{zip_path.name}: more than {MAX_UNPACKED // (1024 * 1024)} MB unpacked"])
        for m in members:
            parts = PurePosixPath(m.filename.replace("\\", "/")).parts
            if not parts or m.filename.startswith("/") or ".." in parts or parts[0].startswith("__MACOSX"):
                continue
            dest = target.joinpath(*parts)
            dest.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(m) as src, open(dest, "wb") as out:
                out.write(src.read())
    # a zip of one folder: the bundle is that folder
    entries = [p for p in target.iterdir()]
    if len(entries) == 1 and entries[0].is_dir() and not any(p.suffix == ".csv" for p in target.iterdir()):
        return entries[0]
    return target


# --- the kept upload --------------------------------------------------------------------------
def upload_dir() -> Path:
    """Where uploads wait for confirmation (``BEACON_UPLOAD_DIR``, else ``var/uploads``)."""
    from django.conf import settings

    return Path(getattr(settings, "BEACON_UPLOAD_DIR", None) or Path(settings.VAR_DIR) / "uploads")


@dataclass(frozen=True)
class StoredUpload:
    """An uploaded bundle kept until it is confirmed: ``token`` is the SHA-256 of its content."""

    token: str
    name: str
    path: Path


_TOKEN = re.compile(r"^[0-9a-f]{64}$")


def store_upload(name: str, chunks) -> StoredUpload:
    """Keep an uploaded bundle under the SHA-256 of its content (the same file uploaded twice is
    kept once). Raises :class:`BundleErrors` for a file that is not a bundle."""
    safe = _safe_name(name)
    if Path(safe).suffix.lower() not in (".zip", ".xlsx"):
        raise BundleErrors([f"{safe}: upload a .zip of CSV files or an .xlsx workbook"])
    _forget_old_uploads()
    root = upload_dir()
    root.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with tempfile.NamedTemporaryFile(dir=root, delete=False, prefix=".incoming-") as out:
        for chunk in chunks:
            digest.update(chunk)
            out.write(chunk)
    token = digest.hexdigest()
    folder = root / token
    folder.mkdir(exist_ok=True)
    path = folder / safe
    Path(out.name).replace(path)
    return StoredUpload(token, safe, path)


def stored_upload(token: str) -> StoredUpload | None:
    """The kept upload of a preview, or None (an unknown token, or confirmed or forgotten since)."""
    if not _TOKEN.match(token or ""):
        return None
    folder = upload_dir() / token
    files = sorted(p for p in folder.glob("*") if p.is_file()) if folder.is_dir() else []
    if not files:
        return None
    return StoredUpload(token, files[0].name, files[0])


def discard_upload(token: str) -> None:
    if _TOKEN.match(token or ""):
        shutil.rmtree(upload_dir() / token, ignore_errors=True)


def _forget_old_uploads() -> None:
    """Uploads never confirmed are forgotten after a day."""
    root = upload_dir()
    if not root.is_dir():
        return
    cutoff = clock.now().timestamp() - KEEP_UPLOADS.total_seconds()
    for folder in root.iterdir():
        if folder.is_dir() and _TOKEN.match(folder.name) and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _bundle_path(upload: StoredUpload) -> Iterator[Path]:
    """The path to import: the workbook, or the zip unpacked in a temporary folder."""
    if upload.path.suffix.lower() != ".zip":
        yield upload.path
        return
    with tempfile.TemporaryDirectory(prefix="beacon-upload-") as tmp:
        folder = Path(tmp) / upload.path.stem
        folder.mkdir()
        yield _extract(upload.path, folder)


# --- the preview ----------------------------------------------------------------------------
@dataclass(frozen=True)
class ChangeLine:
    """One changed field of the preview, in words, with what a person must look at: a value that
    goes back to one it held before (``reverts_to_earlier``: until when), a change to final data."""

    file: str
    sentence: str
    reverts_until: datetime | None = None
    final: bool = False

    @property
    def reverts(self) -> bool:
        return self.reverts_until is not None


@dataclass(frozen=True)
class Preview:
    upload: StoredUpload
    result: ImportResult
    lines: tuple[ChangeLine, ...]

    @property
    def fingerprint(self) -> str:
        return self.result.fingerprint

    @property
    def reverting(self) -> list[ChangeLine]:
        return [line for line in self.lines if line.reverts]

    @property
    def final(self) -> list[ChangeLine]:
        return [line for line in self.lines if line.final]

    @property
    def needs_reason(self) -> bool:
        return bool(self.final)

    def lines_of(self, file: str) -> list[ChangeLine]:
        return [line for line in self.lines if line.file == file]

    @property
    def files(self) -> list[dict]:
        """Per file: its counts and its change lines, in file order."""
        return [{"file": f, "created": c.get("created", 0), "changed": c.get("changed", 0),
                 "unchanged": c.get("unchanged", 0), "lines": self.lines_of(f)}
                for f, c in sorted(self.result.summary.items())]


def _words(field: str) -> str:
    return field.replace("_", " ")


def _sentence(c: PlannedChange) -> str:
    what = f"{c.key} {_words(c.field)}"
    if not c.old:
        return f"{what} set to {c.new}"
    if not c.new:
        return f"{what} removed (was {c.old})"
    return f"{what} changed from {c.old} to {c.new}"


def _reverts_until(c: PlannedChange) -> datetime | None:
    """When the record's field last held the value it would now get (the time it was changed
    from it), or None if it never did: the sign of an older file uploaded over newer data."""
    from beacon.core.models import Revision

    if c.object_id is None or not c.old:
        return None
    earlier = (Revision.objects.filter(content_type_id=c.content_type_id, object_id=c.object_id, field=c.field,
                                       old_value=c.new).order_by("-changed_at", "-pk").first())
    return earlier.changed_at if earlier is not None else None


def _is_final(c: PlannedChange) -> bool:
    """Whether the record is final data now (an observation of status ``final``)."""
    from django.contrib.contenttypes.models import ContentType

    if c.object_id is None or c.content_type_id is None:
        return False
    model = ContentType.objects.get_for_id(c.content_type_id).model_class()
    if model is None or not any(f.name == "status" for f in model._meta.get_fields()):
        return False
    return model.objects.filter(pk=c.object_id, status="final").exists()


def preview_upload(upload: StoredUpload, user: str) -> Preview:
    """What importing the kept upload would change, nothing written. Raises
    :class:`BundleErrors` (every row-level problem) when it cannot be imported."""
    with _bundle_path(upload) as path:
        result = import_bundle(path, user=user, reason=PREVIEW_REASON, dry_run=True)
    # read after the rollback: the history and the records as they are now
    lines = tuple(ChangeLine(file=c.file, sentence=_sentence(c), reverts_until=_reverts_until(c), final=_is_final(c))
                  for c in result.changes)
    return Preview(upload, result, lines)


def apply_upload(upload: StoredUpload, user: str, reason: str, expect: str) -> ImportResult:
    """Import the kept upload if it still changes exactly what the preview (``expect``, its
    fingerprint) listed; raises :class:`StalePreview` (nothing written) otherwise, and
    :class:`BundleErrors` on any problem. The kept file is forgotten once imported."""
    with _bundle_path(upload) as path:
        result = import_bundle(path, user=user, reason=reason, expect=expect)
    discard_upload(upload.token)
    return result
