"""The documents of a frozen register edition, stored once (like a published QPR's files,
:mod:`beacon.reports.publish`): each format is rendered on its first download, stored with its
SHA-256 and size (``beacon.risk.models.EditionFile``), and every later download gives the same
bytes without rendering again.

A superseded or withdrawn edition's documents say so at the top (:func:`beacon.risk.editions.notice`),
so after the change each format is rendered once more, for that status, and stored too; the
documents as they were before are kept.
"""

from __future__ import annotations

import hashlib

from django.db import IntegrityError, transaction

from beacon.core import clock
from beacon.risk.editions import read_edition
from beacon.risk.models import Edition, EditionFile

from ..formats import OutputFormat
from .model import build_register_model


def file_stem(edition: Edition) -> str:
    """The file name without its extension: the date, and the status when it is not current."""
    stem = f"register-{edition.date:%Y-%m-%d}"
    return stem if edition.status == "current" else f"{stem}-{edition.status}"


def edition_file(edition: Edition, fmt: OutputFormat) -> EditionFile:
    """The stored document of ``edition`` in ``fmt`` for its status: read back when stored,
    otherwise rendered from the edition's snapshot now and stored."""
    stored = EditionFile.objects.filter(edition=edition, format=fmt.name, status=edition.status).first()
    if stored is not None:
        return stored
    content = fmt.render(build_register_model(read_edition(edition), edition))
    try:
        with transaction.atomic():
            return EditionFile.objects.create(
                edition=edition, format=fmt.name, status=edition.status, name=fmt.filename(file_stem(edition)),
                sha256=hashlib.sha256(content).hexdigest(), size=len(content), content=content,
                rendered_at=clock.now(),
            )
    except IntegrityError:  # stored by another download a moment ago: that one is the file
        return EditionFile.objects.get(edition=edition, format=fmt.name, status=edition.status)
