"""Write bundle files: a folder of CSV files, or one .xlsx workbook (a sheet per file)."""

from __future__ import annotations

import csv
from pathlib import Path

from .reader import sheet_title_for

Files = dict[str, tuple[list[str], list[dict]]]


def write_csv_folder(folder: Path, files: Files) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (columns, rows) in sorted(files.items()):
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow({c: row.get(c, "") for c in columns})
        written.append(str(target))
    return written


def write_workbook(path: Path, files: Files) -> list[str]:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, (columns, rows) in sorted(files.items()):
        title = sheet_title_for(name)
        if len(title) > 31:
            raise ValueError(f"{name}: the sheet name {title!r} is longer than the 31 characters Excel allows")
        sheet = workbook.create_sheet(title)
        sheet.append(columns)
        for row in rows:
            # every cell is written as text, so that "84.0", "0.02" and "2022/23 Q2" survive as written
            sheet.append([str(row.get(c, "")) for c in columns])
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return [str(path)]
