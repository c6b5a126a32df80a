"""Import and export whole bundles through the parts that apps register.

An app registers a :class:`BundlePart` (in its ``AppConfig.ready``) saying which files it
owns and how to check, load and export them. ``import_bundle`` checks every part first and
writes nothing unless all of them pass; then it loads every part in one transaction.
"""

from __future__ import annotations

import getpass
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from beacon.core import clock

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


@dataclass
class ImportResult:
    source: str
    summary: dict[str, Counter]
    warnings: list[str]
    skipped: list[str]

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


def import_bundle(path: str | Path, *, user: str | None = None, reason: str = "", now: datetime | None = None) -> ImportResult:
    """Import a bundle all or nothing. Raises :class:`BundleErrors` listing every problem."""
    from django.db import transaction

    bundle = read_bundle(path, owns=lambda name: any(part.owns(name) for part in PARTS))
    errors = BundleErrors()
    parsed = {}
    for part in PARTS:
        parsed[part.name] = part.validate(bundle, errors)
    skipped = list(bundle.skipped)
    for name in bundle.sheets:
        if not any(part.owns(name) for part in PARTS):
            skipped.append(name)
    errors.raise_if_any()
    ctx = LoadContext(user=user or getpass.getuser(), now=now or clock.now(), source=str(path), reason=reason)
    with transaction.atomic():
        for part in PARTS:
            part.load(parsed[part.name], ctx)
        ctx.errors.raise_if_any()
        warnings = [w for part in PARTS for w in part.warnings(parsed[part.name])]
        _record_run(ctx, warnings, skipped)
    return ImportResult(str(path), ctx.summary, warnings, sorted(skipped))


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
