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

Where the upload waits: in the shared file store (:mod:`beacon.core.blobs`), named by a
:class:`beacon.core.models.KeptUpload` row, so a preview made on one application server can be
confirmed on another and imported by a worker. An upload larger than ``BEACON_IMPORT_INLINE_BYTES``
is previewed and imported by background jobs (:mod:`beacon.web.jobs`): the preview job stores
the preview as a JSON document (:func:`keep_preview`), which the preview page reads.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
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

__all__ = ["StoredUpload", "ChangeLine", "Preview", "PreviewResult", "StalePreview", "BundleErrors", "store_upload",
           "stored_upload", "preview_upload", "apply_upload", "discard_upload", "keep_preview", "kept_preview",
           "forget_preview", "run_result", "inline_bytes"]


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
def inline_bytes() -> int:
    """The largest upload previewed and imported within the web request
    (``BEACON_IMPORT_INLINE_BYTES``); a larger one goes through background jobs."""
    from django.conf import settings

    return int(getattr(settings, "BEACON_IMPORT_INLINE_BYTES", 256 * 1024))


@dataclass(frozen=True)
class StoredUpload:
    """An uploaded bundle kept until it is confirmed: ``token`` is the SHA-256 of its content,
    which names its bytes in the shared file store (:class:`beacon.core.models.KeptUpload`)."""

    token: str
    name: str
    size: int = 0
    uploaded_by: str = ""

    @property
    def large(self) -> bool:
        """Previewed and imported by background jobs rather than within the web request."""
        return self.size > inline_bytes()


_TOKEN = re.compile(r"^[0-9a-f]{64}$")


def _kept(row) -> StoredUpload:
    return StoredUpload(row.token, row.name, row.size, row.uploaded_by)


def store_upload(name: str, chunks, by: str = "") -> StoredUpload:
    """Keep an uploaded bundle in the shared file store under the SHA-256 of its content (the same
    file uploaded twice is kept once), with a row naming it, so that any application server or
    worker finds it. Raises :class:`BundleErrors` for a file that is not a bundle."""
    from beacon.core import blobs
    from beacon.core.models import KeptUpload

    safe = _safe_name(name)
    if Path(safe).suffix.lower() not in (".zip", ".xlsx"):
        raise BundleErrors([f"{safe}: upload a .zip of CSV files or an .xlsx workbook"])
    _forget_old_uploads()
    content = b"".join(chunks)
    token = blobs.put(content)  # the bytes before the row: a row never names bytes the store lacks
    KeptUpload.objects.update_or_create(token=token, defaults={
        "name": safe[:200], "size": len(content), "uploaded_by": by, "uploaded_at": clock.now(), "preview_sha": ""})
    return StoredUpload(token, safe[:200], len(content), by)


def stored_upload(token: str) -> StoredUpload | None:
    """The kept upload of a preview, or None (an unknown token, or confirmed or forgotten since)."""
    from beacon.core.models import KeptUpload

    if not _TOKEN.match(token or ""):
        return None
    row = KeptUpload.objects.filter(token=token, uploaded_at__gte=clock.now() - KEEP_UPLOADS).first()
    return _kept(row) if row is not None else None


def discard_upload(token: str) -> None:
    """Forget a kept upload (its row; the file store keeps bytes it was given, named by no row)."""
    from beacon.core.models import KeptUpload

    if _TOKEN.match(token or ""):
        KeptUpload.objects.filter(token=token).delete()


def _forget_old_uploads() -> None:
    """Uploads never confirmed are forgotten after a day."""
    from beacon.core.models import KeptUpload

    KeptUpload.objects.filter(uploaded_at__lt=clock.now() - KEEP_UPLOADS).delete()


@contextmanager
def _bundle_path(upload: StoredUpload) -> Iterator[Path]:
    """The path to import: the kept bytes written to a temporary folder of this process (the
    workbook, or the zip unpacked), removed afterwards."""
    from beacon.core import blobs

    try:
        content = blobs.read(upload.token)
    except blobs.BlobMissing:
        raise BundleErrors([f"{upload.name}: the uploaded file is no longer kept: upload it again"]) from None
    with tempfile.TemporaryDirectory(prefix="beacon-upload-") as tmp:
        file = Path(tmp) / upload.name
        file.write_bytes(content)
        if file.suffix.lower() != ".zip":
            yield file
            return
        folder = Path(tmp) / "unpacked" / file.stem
        folder.mkdir(parents=True)
        yield _extract(file, folder)


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
class PreviewResult:
    """What the preview page reads of a dry run's :class:`ImportResult` (or of an import run),
    kept when a background job worked the preview out: the counts per file, the warnings, the
    files skipped and the fingerprint of the changes."""

    summary: dict[str, dict[str, int]]
    warnings: list[str]
    skipped: list[str]
    fingerprint: str = ""

    @property
    def changed(self) -> bool:
        return any(c.get("created") or c.get("changed") for c in self.summary.values())


@dataclass(frozen=True)
class Preview:
    upload: StoredUpload
    result: ImportResult | PreviewResult
    lines: tuple[ChangeLine, ...]
    reason: str = ""
    """The reason typed with the upload (a preview worked out by a job keeps it for the form)."""

    def to_json(self) -> dict[str, Any]:
        """The preview as a JSON document (stored by the preview job, read by the preview page)."""
        return {"token": self.upload.token, "name": self.upload.name, "fingerprint": self.fingerprint,
                "summary": {f: {k: int(v) for k, v in dict(c).items()} for f, c in self.result.summary.items()},
                "warnings": list(self.result.warnings), "skipped": list(self.result.skipped), "reason": self.reason,
                "lines": [{"file": line.file, "sentence": line.sentence, "reverts_until": line.reverts_until,
                           "final": line.final} for line in self.lines]}

    @classmethod
    def from_json(cls, upload: StoredUpload, doc: dict[str, Any]) -> Preview:
        result = PreviewResult(summary=doc["summary"], warnings=doc["warnings"], skipped=doc["skipped"],
                               fingerprint=doc["fingerprint"])
        lines = tuple(ChangeLine(file=line["file"], sentence=line["sentence"], final=bool(line["final"]),
                                 reverts_until=datetime.fromisoformat(line["reverts_until"])
                                 if line["reverts_until"] else None) for line in doc["lines"])
        return cls(upload, result, lines, doc.get("reason", ""))

    @property
    def counts(self) -> tuple[int, int]:
        """How many records it would create and change."""
        created = sum(int(c.get("created", 0)) for c in self.result.summary.values())
        changed = sum(int(c.get("changed", 0)) for c in self.result.summary.values())
        return created, changed

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


def preview_upload(upload: StoredUpload, user: str, progress=None) -> Preview:
    """What importing the kept upload would change, nothing written. Raises
    :class:`BundleErrors` (every row-level problem) when it cannot be imported. ``progress``: a
    background job's :class:`~beacon.core.jobs.Progress` (see :func:`import_bundle`)."""
    with _bundle_path(upload) as path:
        result = import_bundle(path, user=user, reason=PREVIEW_REASON, dry_run=True, progress=progress)
    if progress is not None:
        progress.step(f"Listing the {len(result.changes):,} changes", advance=0)
    # read after the rollback: the history and the records as they are now
    lines = tuple(ChangeLine(file=c.file, sentence=_sentence(c), reverts_until=_reverts_until(c), final=_is_final(c))
                  for c in result.changes)
    return Preview(upload, result, lines)


def keep_preview(preview: Preview, reason: str = "") -> None:
    """Store a preview worked out by a background job (a JSON document in the shared file store,
    named on the kept upload's row), for the preview page of any server to read."""
    from dataclasses import replace

    from beacon.core import blobs, jsonio
    from beacon.core.models import KeptUpload

    sha = blobs.put(jsonio.to_bytes(replace(preview, reason=reason).to_json(), indent=None))
    KeptUpload.objects.filter(token=preview.upload.token).update(preview_sha=sha)


def kept_preview(upload: StoredUpload) -> Preview | None:
    """The preview a background job stored for ``upload``, or None (not worked out yet, or no
    longer true: :func:`forget_preview`)."""
    from beacon.core import blobs, jsonio
    from beacon.core.models import KeptUpload

    sha = KeptUpload.objects.filter(token=upload.token).values_list("preview_sha", flat=True).first()
    if not sha:
        return None
    try:
        return Preview.from_json(upload, jsonio.loads(blobs.read(sha)))
    except blobs.BlobMissing:
        return None


def forget_preview(token: str) -> None:
    """The stored preview no longer holds (the data changed since): the next look works it out again."""
    from beacon.core.models import KeptUpload

    KeptUpload.objects.filter(token=token).update(preview_sha="")


def apply_upload(upload: StoredUpload, user: str, reason: str, expect: str, progress=None) -> ImportResult:
    """Import the kept upload if it still changes exactly what the preview (``expect``, its
    fingerprint) listed; raises :class:`StalePreview` (nothing written) otherwise, and
    :class:`BundleErrors` on any problem. The kept upload is forgotten in the import's own
    transaction: imported and forgotten together, or neither."""
    from django.db import transaction

    with _bundle_path(upload) as path, transaction.atomic():
        result = import_bundle(path, user=user, reason=reason, expect=expect, progress=progress)
        discard_upload(upload.token)
    return result


def run_result(run) -> PreviewResult:
    """What an import run (:class:`beacon.core.models.ImportRun`) did, as the data page shows it."""
    summary = run.summary or {}
    return PreviewResult(summary=summary.get("files", {}), warnings=summary.get("warnings", []),
                         skipped=summary.get("skipped", []))
