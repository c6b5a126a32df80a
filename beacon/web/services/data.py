"""Bundles through the browser: import an uploaded zip of CSV files or .xlsx workbook. The
bundle code does the checking and loading; the exports (zip or workbook) are the formats of
:data:`beacon.reports.formats.BUNDLE`."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from beacon.bundle.errors import BundleErrors
from beacon.bundle.importer import ImportResult, import_bundle

MAX_FILES = 500
MAX_UNPACKED = 100 * 1024 * 1024


def _safe_name(name: str) -> str:
    base = PurePosixPath(name.replace("\\", "/")).name
    return "".join(c for c in base if c.isalnum() or c in "-_.") or "upload"


def _extract(zip_path: Path, target: Path) -> Path:
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


def import_upload(name: str, chunks, user: str, reason: str = "") -> ImportResult:
    """Import an uploaded bundle. Raises :class:`BundleErrors` (nothing written) on any problem."""
    safe = _safe_name(name)
    suffix = Path(safe).suffix.lower()
    if suffix not in (".zip", ".xlsx"):
        raise BundleErrors([f"{safe}: upload a .zip of CSV files or an .xlsx workbook"])
    with tempfile.TemporaryDirectory(prefix="beacon-upload-") as tmp:
        upload = Path(tmp) / safe
        with open(upload, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
        if suffix == ".zip":
            folder = Path(tmp) / Path(safe).stem
            folder.mkdir()
            path = _extract(upload, folder)
        else:
            path = upload
        return import_bundle(path, user=user, reason=reason)
