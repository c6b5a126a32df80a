"""Helpers for the governance bundle tests: editable copies of the fixture bundles, and what the
database holds."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from beacon.demo import HERE

REFERENCE = HERE / "kcc-cabinet-2023-01-05"
BUNDLES = Path(__file__).resolve().parent / "bundles"
COUNTY = BUNDLES / "county-council-2024"


class Copy:
    """A bundle copied into a temporary folder, edited file by file (rows as dicts)."""

    def __init__(self, source: Path, target: Path):
        shutil.copytree(source, target)
        self.root = target

    def read(self, name: str) -> tuple[list[str], list[dict]]:
        with (self.root / name).open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            return list(reader.fieldnames or []), list(reader)

    def write(self, name: str, columns: list[str], rows: list[dict]) -> None:
        out = io.StringIO()
        writer = csv.DictWriter(out, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        (self.root / name).write_text(out.getvalue(), encoding="utf-8", newline="")

    def edit(self, name: str, match: dict, **changes) -> int:
        """Set cells of the one row whose cells equal ``match``; returns its position (0-based)."""
        columns, rows = self.read(name)
        hits = [i for i, r in enumerate(rows) if all(r[k] == v for k, v in match.items())]
        assert len(hits) == 1, f"{name}: {len(hits)} rows match {match}"
        for column, value in changes.items():
            if column not in columns:
                columns.append(column)
            rows[hits[0]][column] = value
        self.write(name, columns, rows)
        return hits[0]

    def add(self, name: str, /, **values) -> None:
        columns, rows = self.read(name) if (self.root / name).exists() else (list(values), [])
        for column in values:
            if column not in columns:
                columns.append(column)
        rows.append(values)
        self.write(name, columns, rows)

    def delete(self, name: str, match: dict) -> None:
        columns, rows = self.read(name)
        self.write(name, columns, [r for r in rows if not all(r[k] == v for k, v in match.items())])

    def rename_column(self, name: str, old: str, new: str) -> None:
        columns, rows = self.read(name)
        columns[columns.index(old)] = new
        self.write(name, columns, [{(new if k == old else k): v for k, v in r.items()} for r in rows])


def governance_counts() -> dict[str, int]:
    """Rows per governance model, with the audit log and the import runs."""
    from django.apps import apps

    from beacon.core.models import ImportRun, Revision

    counts = {m.__name__: m.objects.count() for m in apps.get_app_config("governance").get_models()}
    counts["Revision"] = Revision.objects.count()
    counts["ImportRun"] = ImportRun.objects.count()
    return counts


def nothing_written() -> bool:
    return not any(governance_counts().values())
