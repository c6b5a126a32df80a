"""Import and export whole bundles through the parts that apps register.

An app registers a :class:`BundlePart` (in its ``AppConfig.ready``) saying which files it
owns and how to check, load and export them. ``import_bundle`` checks every part first and
writes nothing unless all of them pass; then it loads every part in one transaction.

``import_bundle(..., dry_run=True)`` runs the same import (the same checks, the same row-level
errors) in a transaction that is rolled back, and returns what it would have changed: the
counts and each changed field (:class:`PlannedChange`, read from the revisions the load wrote).
``import_bundle(..., expect=fingerprint)`` imports only if the changes are still exactly those a
preview listed (:func:`changes_fingerprint`); otherwise it raises :class:`StalePreview` and
writes nothing, so data changed between a preview and its confirmation is never overwritten
unseen.
"""

from __future__ import annotations

import getpass
import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from beacon.core import audit, clock, jsonio, locks
from beacon.core.memory import fewer_collections
from beacon.core.signals import results_changed_after_commit

from .errors import BundleErrors
from .reader import Bundle, read_bundle


@dataclass
class LoadContext:
    user: str
    now: datetime
    source: str
    reason: str = ""
    errors: BundleErrors = field(default_factory=BundleErrors)
    summary: dict[str, Counter] = field(default_factory=dict)
    progress: Any = None  # see import_bundle; loaders may report within their step (advance=0)

    def count(self, file: str, what: str) -> None:
        self.summary.setdefault(file, Counter())[what] += 1


@dataclass(frozen=True)
class BundlePart:
    name: str
    owns: Callable[[str], bool]
    validate: Callable[[Bundle, BundleErrors], Any]
    load: Callable[[Any, LoadContext], None]
    export: Callable[[], dict[str, tuple[list[str], list[dict]]]]
    warnings: Callable[[Any], list[str]] = lambda parsed: []


PARTS: list[BundlePart] = []


def register(part: BundlePart) -> None:
    if all(p.name != part.name for p in PARTS):
        PARTS.append(part)


@dataclass(frozen=True)
class PlannedChange:
    """One field of one record that an import changes (or, in a dry run, would change): the file
    it comes from, the record (its kind, label and identity) and the value before and after, as
    text. ``created``: the record is new."""

    file: str
    entity: str
    key: str
    field: str
    old: str
    new: str
    content_type_id: int | None = None
    object_id: int | None = None
    created: bool = False


class StalePreview(Exception):
    """The data changed between a preview and its confirmation: the import would now change
    other things than those listed. Nothing was written."""

    def __init__(self, changes: list[PlannedChange]):
        self.changes = changes
        super().__init__("the data changed since the preview: nothing was imported")


def changes_fingerprint(changes: list[PlannedChange], summary: dict[str, Counter]) -> str:
    """A short fingerprint of what an import changes: the same bundle on the same data gives
    the same one; any change to the data it touches gives another."""
    text = jsonio.dumps({
        "changes": sorted([c.file, c.entity, c.key, c.field, c.old, c.new, c.created] for c in changes),
        "summary": {f: dict(sorted(c.items())) for f, c in sorted(summary.items())},
    })
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


@dataclass
class ImportResult:
    source: str
    summary: dict[str, Counter]
    warnings: list[str]
    skipped: list[str]
    changes: list[PlannedChange] = field(default_factory=list)
    dry_run: bool = False

    @property
    def fingerprint(self) -> str:
        return changes_fingerprint(self.changes, self.summary)

    @property
    def changed(self) -> bool:
        return any(c.get("created") or c.get("changed") for c in self.summary.values())

    def report(self) -> str:
        lines = [f"Imported {self.source}:"]
        for file in sorted(self.summary):
            c = self.summary[file]
            lines.append(
                f"  {file}: {c.get('created', 0)} created, {c.get('changed', 0)} changed, "
                f"{c.get('unchanged', 0)} unchanged"
            )
        if not self.summary:
            lines.append("  no bundle files found")
        for name in self.skipped:
            lines.append(f"  skipped {name}: not a bundle file")
        for warning in self.warnings:
            lines.append(f"  warning: {warning}")
        return "\n".join(lines)


class _RollBack(Exception):
    """Ends a dry run's transaction (rolled back) carrying its result."""

    def __init__(self, result: ImportResult):
        self.result = result


def _planned_changes(ctx: LoadContext, after_pk: int) -> list[PlannedChange]:
    """The changes the load wrote in this transaction, from the revisions it recorded."""
    from beacon.core.models import Revision

    out = []
    for r in Revision.objects.filter(pk__gt=after_pk, changed_by=ctx.user, changed_at=ctx.now,
                                     source__startswith=ctx.source).order_by("pk"):
        file = r.source[len(ctx.source):].strip().removeprefix("(").removesuffix(")")
        out.append(PlannedChange(file=file, entity=r.entity, key=r.key, field=r.field, old=r.old_value,
                                 new=r.new_value, content_type_id=r.content_type_id, object_id=r.object_id,
                                 created=False))
    return out


IMPORT_WAIT_SECONDS = 120.0
"""How long an import waits for another one to finish before it gives up (nothing written)."""

IMPORT_BUSY = ("another import is running: nothing was imported; wait for it to finish, "
               "then import again")


def import_bundle(path: str | Path, *, user: str | None = None, reason: str = "", now: datetime | None = None,
                  dry_run: bool = False, expect: str | None = None, progress=None) -> ImportResult:
    """Import a bundle all or nothing. Raises :class:`BundleErrors` listing every problem.
    ``dry_run``: check and load as usual, then roll everything back and return what would have
    changed. ``expect``: the fingerprint of a preview's changes; when the import would now change
    anything else, raise :class:`StalePreview` (nothing written). ``changes`` (each changed field)
    is listed only for these two; a plain import reports its counts. The garbage collector does
    less work meanwhile (:func:`beacon.core.memory.fewer_collections`), and on PostgreSQL the
    tables it adds many rows to have their statistics kept up (:class:`beacon.core.audit.BulkInserts`)
    and refreshed once it has committed (:func:`beacon.core.audit.refresh_statistics`).

    ``progress``: an object with ``total(n)`` and ``step(message, advance=1)`` (a background job's
    :class:`beacon.core.jobs.Progress`, or the command's progress bar). The steps are reading the
    bundle, checking each part, writing each part and recording the import; while a large file is
    written, ``step(..., advance=0)`` says how many of its rows are done."""
    with fewer_collections():
        with audit.bulk_inserts() as bulk:
            result = _import_bundle(path, user=user, reason=reason, now=now, dry_run=dry_run, expect=expect,
                                    progress=progress)
        if not result.dry_run:
            audit.refresh_statistics(bulk.inserted)
        return result


def _import_bundle(path: str | Path, *, user: str | None = None, reason: str = "", now: datetime | None = None,
                   dry_run: bool = False, expect: str | None = None, progress=None) -> ImportResult:
    """The import itself (:func:`import_bundle`)."""
    from django.db import transaction

    from beacon.core.models import Revision

    from beacon.core.progress import steps

    progress = steps(progress)
    progress.total(2 + 2 * len(PARTS))
    progress.step("Reading the bundle", advance=0)
    bundle = read_bundle(path, owns=lambda name: any(part.owns(name) for part in PARTS))
    progress.step("Waiting for any other import to finish")
    skipped = list(bundle.skipped)
    for name in bundle.sheets:
        if not any(part.owns(name) for part in PARTS):
            skipped.append(name)
    try:
        with transaction.atomic():
            # one import at a time, checked and loaded against the data as it is once the lock is
            # held: two imports at once run one after the other, the second seeing the first's work
            # (and its changes dated after the first's)
            locks.named_lock(locks.IMPORT, timeout=IMPORT_WAIT_SECONDS, busy_message=IMPORT_BUSY)
            ctx = LoadContext(user=user or getpass.getuser(), now=now or clock.now(), source=str(path),
                              reason=reason, progress=progress)
            errors = BundleErrors()
            parsed = {}
            for part in PARTS:
                progress.step(f"Checking the {part.name} files", advance=0)
                parsed[part.name] = part.validate(bundle, errors)
                progress.step(f"Checked the {part.name} files")
            errors.raise_if_any()
            last = Revision.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            for part in PARTS:
                progress.step(f"Writing the {part.name} files", advance=0)
                part.load(parsed[part.name], ctx)
                progress.step(f"Wrote the {part.name} files")
            listed = dry_run or expect is not None
            changes = _planned_changes(ctx, last) if listed else []
            if expect is not None and changes_fingerprint(changes, ctx.summary) != expect:
                raise StalePreview(changes)  # before the load's errors: a row refused now is a change too
            ctx.errors.raise_if_any()
            warnings = [w for part in PARTS for w in part.warnings(parsed[part.name])]
            result = ImportResult(str(path), ctx.summary, warnings, sorted(skipped), changes, dry_run)
            if dry_run:
                raise _RollBack(result)
            _record_run(ctx, warnings, skipped)
            results_changed_after_commit("bundle import")  # any KPI's results may have changed (None: all)
            progress.step("Recorded the import")
    except _RollBack as done:
        return done.result
    return result


def _record_run(ctx: LoadContext, warnings: list[str], skipped: list[str]) -> None:
    from beacon.core.models import ImportRun

    ImportRun.objects.create(
        source=ctx.source,
        imported_by=ctx.user,
        imported_at=ctx.now,
        summary={
            "files": {f: dict(c) for f, c in ctx.summary.items()},
            "warnings": warnings,
            "skipped": skipped,
            "reason": ctx.reason,
        },
    )


def export_bundle(path: str | Path) -> list[str]:
    """Write every part's files as a CSV folder, or as one workbook when ``path`` ends .xlsx."""
    from .writer import write_csv_folder, write_workbook

    files: dict[str, tuple[list[str], list[dict]]] = {}
    for part in PARTS:
        files.update(part.export())
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        return write_workbook(path, files)
    return write_csv_folder(path, files)
