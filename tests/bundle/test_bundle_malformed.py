"""Bundles that must not get past the importer (issue 11): a corpus of malformed bundles, each
refused with a row-level message (``file:line: column: reason``, or for a damaged zip the member
it names), and every table of the database unchanged, compared row by row before and after.

The corpus is generated in ``tmp_path`` from a small valid bundle loaded first, so that every
case has data it could damage. Run on SQLite and on PostgreSQL (``scripts/with-postgres``): the
refusals are the same on both.
"""

from __future__ import annotations

import io
import os
import struct
import sys
import warnings
import zipfile
from pathlib import Path

import pytest

from beacon.bundle import reader
from beacon.bundle.errors import MAX_LISTED, BundleErrors
from beacon.bundle.importer import import_bundle

BASE = {
    "directorates.csv": "code,name\nDX,Example Directorate\n",
    "kpis.csv": "code,name,directorate,unit,polarity\nK1,People helped,DX,count,higher\nK2,Share on time,DX,percent,higher\n",
    "observations.csv": "kpi,period,value,note\nK1,2022/23 Q1,5,first note\nK2,2022/23 Q1,80,kept note\n",
    "risks.csv": "id,title,owner\nCRR0001,Keeping children safe,Director of Children's Services\n",
    "actions.csv": "risk,title,owner,due\nCRR0001,Review the plan,Head of Service,March 2023\n",
}


def write_folder(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return folder


def dump_tables() -> dict[str, list[str]]:
    """Every row of every table of the database, as text: equal dumps mean nothing was written."""
    from django.db import connection

    out = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            out[table] = sorted(repr(row) for row in cursor.fetchall())
    return out


@pytest.fixture
def base(db, tmp_path, clock):
    clock.set("2023-01-05")
    import_bundle(write_folder(tmp_path / "base", BASE), user="base-load")
    return tmp_path


def refused(path: Path) -> BundleErrors:
    """Import ``path``; it must be refused with nothing written to any table."""
    before = dump_tables()
    with pytest.raises(BundleErrors) as caught:
        import_bundle(path, user="malformed")
    assert dump_tables() == before, "a refused bundle changed the database"
    return caught.value


def assert_message(errors: BundleErrors, prefix: str, reason: str) -> None:
    hits = [m for m in errors.messages if m.startswith(prefix)]
    assert hits, f"no message starting {prefix!r} in {errors.messages}"
    assert any(reason in m for m in hits), f"{reason!r} not in {hits}"


# --- CSV folders ----------------------------------------------------------------------------------
def test_an_unterminated_quote_on_the_last_row_is_refused(base):
    folder = write_folder(base / "b", {"observations.csv": (
        "kpi,period,value,note\nK1,2022/23 Q2,6,fine\nK2,2022/23 Q2,81,\"never closed\n")})
    assert_message(refused(folder), "observations.csv:3: note:", "never closed")


def test_a_negative_count_is_refused_by_the_returns_rule(base):
    folder = write_folder(base / "b", {"observations.csv": "kpi,period,value,note\nK1,2022/23 Q2,-5,\n"})
    assert_message(refused(folder), "observations.csv:2: value:", "must not be negative")


def test_a_nul_byte_is_refused(base):
    folder = write_folder(base / "b", {"observations.csv": "kpi,period,value,note\nK1,2022/23 Q1,5,a\x00b\n"})
    assert_message(refused(folder), "observations.csv:2: note:", "NUL")


@pytest.mark.parametrize("file, text, column, limit", [
    ("risks.csv", "id,title,owner\nCRR0001,{long},Someone\n", "title", 500),
    ("actions.csv", "risk,title,owner,due\nCRR0001,Review the plan,Someone,{long}\n", "due", 200),
    ("risk_events.csv", "risk,event,occurred_by,reported_in\nCRR0001,new,2023-01-01,{long}\n", "reported_in", 500),
])
def test_risk_text_over_its_column_length_is_refused(base, file, text, column, limit):
    folder = write_folder(base / "b", {file: text.format(long="x" * (limit + 1))})
    assert_message(refused(folder), f"{file}:2: {column}:", f"at most {limit} are allowed")


def test_bundle_files_two_folders_down_are_refused_not_ignored(base):
    folder = write_folder(base / "b", {"export/observations.csv": "kpi,period,value\nK1,2022/23 Q2,7\n",
                                       "export/tables/x.csv": "a\n1\n"})
    errors = refused(folder)
    assert_message(errors, "export/observations.csv:1: (file):", "is not read")
    assert_message(errors, "export/tables/x.csv:1: (file):", "is not read")


@pytest.mark.django_db(transaction=True)
def test_beacon_import_of_files_two_folders_down_exits_non_zero(tmp_path, capsys):
    from beacon.cli import main

    folder = write_folder(tmp_path / "b", {"export/directorates.csv": BASE["directorates.csv"]})
    assert main(["import", str(folder), "--user", "tester"]) != 0
    assert "export/directorates.csv:1: (file):" in capsys.readouterr().err


def test_a_link_out_of_the_bundle_folder_is_not_followed(base):
    outside = write_folder(base / "elsewhere", {"observations.csv": "kpi,period,value\nK1,2022/23 Q1,99\n"})
    folder = write_folder(base / "b", {})
    os.symlink(outside / "observations.csv", folder / "observations.csv")
    assert_message(refused(folder), "observations.csv:1: (file):", "outside the bundle folder")


def test_a_tables_folder_linked_from_elsewhere_is_not_followed(base):
    outside = write_folder(base / "elsewhere", {"x.csv": "a\n1\n"})
    folder = write_folder(base / "b", {})
    os.symlink(outside, folder / "tables")
    assert_message(refused(folder), "tables/:1: (file):", "outside the bundle folder")


# --- many errors: capped and linear --------------------------------------------------------------
def test_many_bad_rows_are_counted_and_the_first_listed(base):
    rows = "".join(f"K1,2022/23 Q1,bad{n}\n" for n in range(2_000))
    errors = refused(write_folder(base / "b", {"observations.csv": "kpi,period,value\n" + rows}))
    assert errors.count >= 2_000
    assert len(errors.messages) == MAX_LISTED + 1
    assert errors.messages[0].startswith("observations.csv:2: value: 'bad0'")
    assert errors.messages[-1].startswith(f"and {errors.count - MAX_LISTED:,} more problems")
    assert len(errors.report()) < 200 * (MAX_LISTED + 2)


def _joins_while(action) -> int:
    """How many times ``str.join`` runs during ``action()``: each is one build of a joined text."""
    calls = 0

    def profile(frame, event, arg):
        nonlocal calls
        if event == "c_call" and getattr(arg, "__name__", "") == "join":
            calls += 1

    sys.setprofile(profile)
    try:
        action()
    finally:
        sys.setprofile(None)
    return calls


def test_adding_errors_never_rebuilds_the_message():
    errors = BundleErrors()
    joins = _joins_while(lambda: [errors.add(f"observations.csv:{n}: value: bad") for n in range(5_000)])
    assert joins == 0  # built once, when it is read, not on every add (that was quadratic)
    assert errors.count == 5_000 and len(errors.kept) == MAX_LISTED
    assert str(errors).count("\n") == MAX_LISTED  # the listed ones and the "and 4,900 more" line
    assert "and 4,900 more problems" in str(errors)


# --- workbooks and zips ----------------------------------------------------------------------------
def _workbook_bytes(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "observations"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


VALID_ROWS = [["kpi", "period", "value", "note"], ["K1", "2022/23 Q2", "7", "MARKER-TEXT"]]
SHEET = "xl/worksheets/sheet1.xml"


def _repack(data: bytes, *, stored: bool = True, extra: list[tuple[str, bytes]] = ()) -> bytes:
    """The same zip written again, its members stored (not deflated) so that a test can damage one
    byte of a member where it can find it; ``extra`` members are added at the end."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Duplicate name": the point of the test
            for name, content in extra:
                target.writestr(name, content)
    return out.getvalue()


def _patch_member(data: bytes, member: str, *, local: tuple[int, str, int] | None = None,
                  central: tuple[int, str, int] | None = None) -> bytes:
    """Overwrite one field (offset, struct format, value) of a member's local and/or central header."""
    data = bytearray(data)
    name = member.encode()
    for signature, patch in ((b"PK\x03\x04", local), (b"PK\x01\x02", central)):
        if patch is None:
            continue
        name_at = 30 if signature == b"PK\x03\x04" else 46
        start = 0
        while (start := data.find(signature, start)) != -1:
            if data[start + name_at:start + name_at + len(name)] == name:
                offset, fmt, value = patch
                struct.pack_into(fmt, data, start + offset, value)
            start += 4
    return bytes(data)


def _flag_encrypted(data: bytes, member: str) -> bytes:
    """Set the "encrypted" bit (bit 0 of the general purpose flags) of one member."""
    return _patch_member(data, member, local=(6, "<H", 1), central=(8, "<H", 1))


def _bad_crc(data: bytes) -> bytes:
    assert data.count(b"MARKER-TEXT") == 1
    return data.replace(b"MARKER-TEXT", b"MARKER-TEXU")


def _under_declared(data: bytes, member: str) -> bytes:
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    size = info.file_size // 2
    return _patch_member(data, member, local=(22, "<I", size), central=(24, "<I", size))


def _over_declared_total(data: bytes, member: str) -> bytes:
    size = reader.MAX_INFLATED + 1
    return _patch_member(data, member, local=(22, "<I", size), central=(24, "<I", size))


ZIP_DEFECTS = {
    "bad CRC": (lambda d: _bad_crc(_repack(d)), SHEET, "damaged"),
    "encrypted member": (lambda d: _flag_encrypted(_repack(d), SHEET), SHEET, "encrypted"),
    "under-declared size": (lambda d: _under_declared(_repack(d, stored=False), SHEET), SHEET, "damaged"),
    "member stored twice": (lambda d: _repack(d, extra=[(SHEET, b"<worksheet/>")]), SHEET, "stored twice"),
    "declared sizes too large": (lambda d: _over_declared_total(_repack(d, stored=False), SHEET), "(file)",
                                 "would unpack to"),
    "zip bomb member": (lambda d: _repack(d, stored=False, extra=[("xl/media/zeros.bin", bytes(3 * 1024 * 1024))]),
                        "xl/media/zeros.bin", "zip bomb"),
}


@pytest.mark.parametrize("defect", list(ZIP_DEFECTS))
def test_a_damaged_workbook_is_refused_naming_the_member(base, defect):
    damage, member, reason = ZIP_DEFECTS[defect]
    path = base / "book.xlsx"
    path.write_bytes(damage(_workbook_bytes(VALID_ROWS)))
    assert_message(refused(path), f"book.xlsx: {member}:", reason)


def test_the_undamaged_workbook_imports(base):
    """The corpus's control: the same workbook, repacked but not damaged, imports."""
    path = base / "book.xlsx"
    path.write_bytes(_repack(_workbook_bytes(VALID_ROWS)))
    assert import_bundle(path, user="control").summary["observations.csv"]["created"] == 1


def test_a_formula_with_no_saved_value_is_refused_not_read_as_blank(base):
    path = base / "book.xlsx"
    path.write_bytes(_workbook_bytes([["kpi", "period", "value", "note"], ["K2", "2022/23 Q1", "80", "=A2&B2"]]))
    assert_message(refused(path), "observations.csv:2: note:", "a formula with no saved value")


def test_declared_sizes_are_checked_before_the_workbook_is_opened(base, monkeypatch):
    """The sizes are refused from the zip's directory: openpyxl never sees the workbook."""
    import openpyxl

    opened = []
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: opened.append(a) or pytest.fail("opened"))
    path = base / "book.xlsx"
    path.write_bytes(_over_declared_total(_repack(_workbook_bytes(VALID_ROWS), stored=False), SHEET))
    assert_message(refused(path), "book.xlsx: (file):", "would unpack to")
    assert opened == []
