"""Stored files, addressed by their SHA-256 (docs/deploy.md).

The documents Beacon freezes or receives (published QPR files, register edition files, agenda
packs, the papers clerks upload) are kept outside the database, in the storage backend named
``STORAGES["beacon_files"]``: a folder (``<VAR_DIR>/files``, or ``BEACON_FILES_DIR``) by default,
an S3-compatible bucket (django-storages) with ``BEACON_STORAGE_BACKEND=s3``. Every application
server and worker reads and writes the same store, so any of them can serve any file.

A file's name in the store is its SHA-256 (``ab/cd/abcd...``): putting the same bytes twice
stores them once, and a name never changes its bytes. The row that refers to a file keeps the
digest in its ``sha256`` column and reads the bytes through a ``content`` property
(:func:`stored_bytes`), so callers read and write ``row.content`` as before. The bytes are put
before the row is saved: a stored file without a row is harmless (it is never served), a row
without its file must never happen. Reading checks the bytes against their name, so a damaged
file is refused rather than served.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages

__all__ = ["BlobMissing", "put", "read", "exists", "url_or_none", "name_of", "storage", "stored_bytes",
           "AtomicFileSystemStorage", "ALIAS", "registered"]

ALIAS = "beacon_files"
_DIGEST = re.compile(r"[0-9a-f]{64}")


class BlobMissing(Exception):
    """A stored file that is not in the store (or whose bytes no longer match their SHA-256)."""

    def __init__(self, sha256: str, reason: str = "is missing from the file store"):
        self.sha256 = sha256
        super().__init__(f"the stored file {sha256[:12]}... {reason} ({describe()})")


class AtomicFileSystemStorage(FileSystemStorage):
    """A folder of stored files where a file appears whole or not at all: written to a temporary
    file beside its name and renamed into place, so a reader (another server, a worker) never sees
    half a file and a process killed mid-write leaves no truncated file under a good name. Writing
    a name that exists replaces it (by rename, atomically): under content addressing the bytes are
    the same."""

    def __init__(self, **options):
        options.setdefault("allow_overwrite", True)
        super().__init__(**options)

    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, exist_ok=True)
        fd, partial = tempfile.mkstemp(prefix=".partial-", dir=directory)
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in content.chunks():
                    out.write(chunk if isinstance(chunk, bytes) else chunk.encode())
                out.flush()
                os.fsync(out.fileno())
            os.chmod(partial, self.file_permissions_mode or 0o640)
            os.replace(partial, full_path)
        except BaseException:
            try:
                os.unlink(partial)
            except FileNotFoundError:
                pass
            raise
        return os.path.relpath(full_path, self.location).replace("\\", "/")


def storage():
    """The storage backend of stored files (``STORAGES["beacon_files"]``)."""
    return storages[ALIAS]


def describe() -> str:
    """Where the store is, in words (for messages): a folder or a bucket."""
    try:
        backend = storage()
    except Exception:  # noqa: BLE001 - a message must not fail on a misconfigured store
        return "the file store is not configured"
    if isinstance(backend, FileSystemStorage):
        return f"folder {backend.location}"
    bucket = getattr(backend, "bucket_name", None)
    return f"bucket {bucket}" if bucket else type(backend).__name__


def name_of(sha256: str) -> str:
    """A stored file's name in the store: ``ab/cd/<sha256>``."""
    if not isinstance(sha256, str) or not _DIGEST.fullmatch(sha256):
        raise ValueError(f"not a SHA-256 in hex: {sha256!r}")
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def put(content: bytes) -> str:
    """Store ``content`` under its SHA-256 and return the digest (hex). Idempotent: bytes already
    stored are not written again (a stored file of the wrong size, damaged since, is replaced)."""
    content = bytes(content)
    digest = hashlib.sha256(content).hexdigest()
    name = name_of(digest)
    backend = storage()
    try:
        stored = backend.size(name) == len(content)
    except Exception:  # noqa: BLE001 - not there: a folder says FileNotFoundError, a bucket its own error
        stored = False
    if not stored:
        saved = backend.save(name, ContentFile(content))
        if saved != name:  # a backend that renames rather than replaces: keep the content's own name only
            backend.delete(saved)
            if not backend.exists(name):
                raise OSError(f"the file store saved {digest[:12]}... as {saved!r}, not under its SHA-256")
    return digest


def read(sha256: str) -> bytes:
    """The bytes stored under ``sha256``; :class:`BlobMissing` when they are not in the store or
    no longer match it."""
    name = name_of(sha256)
    try:
        with storage().open(name, "rb") as f:
            content = f.read()
    except FileNotFoundError:
        raise BlobMissing(sha256) from None
    except Exception as exc:
        if _is_not_found(exc):  # an S3 backend's own "not found"
            raise BlobMissing(sha256) from None
        raise
    if hashlib.sha256(content).hexdigest() != sha256:
        raise BlobMissing(sha256, "is damaged: its bytes no longer match their SHA-256")
    return content


def _is_not_found(exc: Exception) -> bool:
    response = getattr(exc, "response", None)
    code = (response or {}).get("Error", {}).get("Code") if isinstance(response, dict) else None
    return code in {"404", "NoSuchKey", "NotFound"}


def exists(sha256: str) -> bool:
    """Whether bytes are stored under ``sha256``."""
    return storage().exists(name_of(sha256))


def url_or_none(sha256: str) -> str | None:
    """A URL a browser can fetch the stored file from directly, when the store gives one (an S3
    bucket: a signed link valid for ``BEACON_S3_URL_SECONDS``); None for a folder, whose files
    Beacon serves itself."""
    backend = storage()
    if isinstance(backend, FileSystemStorage):
        return None
    try:
        return backend.url(name_of(sha256))
    except NotImplementedError:
        return None


# --- the ``content`` property of models that keep a stored file ------------------------------
_REGISTERED: list[tuple[type, str, str]] = []


class _StoredBytes(property):
    """A model property reading and writing a stored file through the model's digest field.
    A ``property`` (not another descriptor) so that ``Model(content=...)`` and
    ``objects.create(content=...)`` accept it."""

    address: str

    def __set_name__(self, owner, name):
        _REGISTERED.append((owner, name, self.address))


def stored_bytes(address: str = "sha256", doc: str = "") -> property:
    """The property ``content = stored_bytes("sha256")``: reading it reads the stored file named by
    the row's ``sha256`` (once per instance); setting it stores the bytes at once (before the row
    is saved) and sets ``sha256`` to their digest."""
    cache = f"_stored_bytes_{address}"

    def get(self) -> bytes:
        digest = getattr(self, address)
        held = self.__dict__.get(cache)
        if held is not None and held[0] == digest:
            return held[1]
        if not digest:
            raise BlobMissing("0" * 64, "was never stored (the row has no SHA-256)")
        content = read(digest)
        self.__dict__[cache] = (digest, content)
        return content

    def set(self, value) -> None:
        content = bytes(value if value is not None else b"")
        digest = put(content)
        setattr(self, address, digest)
        self.__dict__[cache] = (digest, content)

    prop = _StoredBytes(get, set, None, doc or f"The stored file named by ``{address}`` (beacon.core.blobs).")
    prop.address = address
    return prop


def registered() -> list[tuple[type, str, str]]:
    """Every concrete model keeping stored files: (model, property name, digest field name)."""
    return [(model, name, address) for model, name, address in _REGISTERED
            if not model._meta.abstract and not model._meta.proxy]
