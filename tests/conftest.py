"""Shared fixtures: the demo bundle, editable copies of it, and row counts of the database.

Keep this small and generic; fixtures used by one folder belong in that folder's tests.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path

import pytest

from beacon.core import clock as beacon_clock
from beacon.demo import DEMO_BUNDLE, DEMO_PERIOD

# Under CI the property tests draw the same examples every run (derandomize), so a run cannot
# fail by chance on a busy machine; on a developer's machine they explore afresh each time.
if os.environ.get("CI"):
    from hypothesis import settings as hypothesis_settings

    hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
    hypothesis_settings.load_profile("ci")


# --- the clock -------------------------------------------------------------------------------
# Beacon reads one clock (beacon.core.clock). A test that depends on the date sets it with the
# ``clock`` fixture. ``--clock-years-ahead N`` runs the whole suite with the process's real clock
# (time.time, datetime.now, date.today: everything, through time-machine) moved N years ahead,
# so a test that quietly depends on today's date fails now rather than in N years. ``make test``
# runs the suite once that way.
def pytest_addoption(parser):
    parser.addoption(
        "--clock-years-ahead", type=int, default=0, metavar="N",
        help="run with the system clock moved N years ahead (tests must not depend on today's date)",
    )


def _years_ahead(moment, years: int):
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


@pytest.fixture(scope="session", autouse=True)
def _clock_moved_ahead(request):
    years = request.config.getoption("--clock-years-ahead")
    if not years:
        yield None
        return
    import datetime as dt

    import time_machine

    target = _years_ahead(dt.datetime.now(dt.timezone.utc), years)
    with time_machine.travel(target, tick=True):
        yield target


class TestClock:
    """What the ``clock`` fixture hands a test: ``clock.set("2023-01-05")`` fixes Beacon's clock
    (a date means noon UK time that day; an ISO date-time is taken as given)."""

    def set(self, at, tick: bool = False) -> None:
        beacon_clock.set_clock(at, tick=tick)

    def today(self):
        return beacon_clock.today()

    def now(self):
        return beacon_clock.now()


@pytest.fixture
def clock():
    """Beacon's clock for one test; reset afterwards."""
    try:
        yield TestClock()
    finally:
        beacon_clock.reset()


@pytest.fixture(scope="session", autouse=True)
def _file_store(tmp_path_factory):
    """Stored files (beacon.core.blobs) go to a folder of the test session, never the checkout's var/."""
    from django.conf import settings
    from django.test import override_settings

    if settings.BEACON_STORAGE_BACKEND != "filesystem" and settings.BEACON_STORAGE_BACKEND not in ("file", "files"):
        yield None
        return
    location = tmp_path_factory.mktemp("files")
    store = {**settings.STORAGES["beacon_files"], "OPTIONS": {"location": str(location)}}
    with override_settings(STORAGES={**settings.STORAGES, "beacon_files": store}, BEACON_FILES_DIR=location):
        yield location


@pytest.fixture(autouse=True)
def _clock_reset():
    """No test leaks a fixed clock into the next."""
    yield
    beacon_clock.reset()


class BundleCopy:
    """A copy of a bundle folder whose files a test edits one cell, row or column at a time.

    Every edit returns the 1-based line number it touched, counted from the file text itself
    (so tests can predict the ``file:line:`` of an error without asking the code under test).
    """

    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, name: str) -> Path:
        return self.root / name

    def text(self, name: str) -> str:
        return self.path(name).read_text(encoding="utf-8")

    def write(self, name: str, text: str) -> None:
        self.path(name).parent.mkdir(parents=True, exist_ok=True)
        self.path(name).write_text(text, encoding="utf-8", newline="")

    def lines(self, name: str) -> list[str]:
        return self.text(name).split("\n")

    def header(self, name: str) -> list[str]:
        return next(csv.reader([self.lines(name)[0]]))

    def line_of(self, name: str, prefix: str) -> int:
        """The line number of the one line that starts with ``prefix``."""
        hits = [i for i, line in enumerate(self.lines(name), start=1) if line.startswith(prefix)]
        assert len(hits) == 1, f"{name}: {len(hits)} lines start with {prefix!r}"
        return hits[0]

    def _replace_line(self, name: str, number: int, cells: list[str]) -> None:
        lines = self.lines(name)
        lines[number - 1] = _csv_line(cells)
        self.write(name, "\n".join(lines))

    def row(self, name: str, prefix: str) -> dict[str, str]:
        line = self.lines(name)[self.line_of(name, prefix) - 1]
        return dict(zip(self.header(name), next(csv.reader([line]))))

    def set_cell(self, name: str, prefix: str, column: str, value: str) -> int:
        """Set one cell of the (single-line) row starting with ``prefix``; returns its line."""
        number = self.line_of(name, prefix)
        header = self.header(name)
        cells = next(csv.reader([self.lines(name)[number - 1]]))
        cells += [""] * (len(header) - len(cells))
        cells[header.index(column)] = value
        self._replace_line(name, number, cells)
        return number

    def append_row(self, name: str, values: dict[str, str]) -> int:
        """Add a row at the end of the file; returns its line."""
        header = self.header(name)
        unknown = set(values) - set(header)
        assert not unknown, f"{name} has no columns {unknown}"
        lines = self.lines(name)
        while lines and lines[-1] == "":
            lines.pop()
        lines.append(_csv_line([values.get(c, "") for c in header]))
        self.write(name, "\n".join(lines) + "\n")
        return len(lines)

    def append_line(self, name: str, line: str) -> int:
        lines = self.lines(name)
        while lines and lines[-1] == "":
            lines.pop()
        lines.append(line)
        self.write(name, "\n".join(lines) + "\n")
        return len(lines)

    def rename_column(self, name: str, old: str, new: str) -> None:
        header = self.header(name)
        header[header.index(old)] = new
        self._replace_line(name, 1, header)

    def drop_column(self, name: str, column: str) -> None:
        rows = list(csv.reader(io.StringIO(self.text(name), newline="")))
        index = rows[0].index(column)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        for row in rows:
            writer.writerow(row[:index] + row[index + 1 :])
        self.write(name, out.getvalue())


def _csv_line(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue()


@pytest.fixture
def demo_dir() -> Path:
    """The demo bundle shipped with Beacon (read only)."""
    return DEMO_BUNDLE


@pytest.fixture
def demo_period() -> str:
    return DEMO_PERIOD


@pytest.fixture
def make_bundle(tmp_path):
    """``make_bundle()`` copies the demo bundle into tmp_path and returns a :class:`BundleCopy`;
    ``make_bundle(empty=True)`` gives an empty folder to write a synthetic bundle into."""
    made = []

    def make(empty: bool = False, name: str | None = None) -> BundleCopy:
        target = tmp_path / (name or f"bundle{len(made) + 1}")
        if empty:
            target.mkdir(parents=True)
        else:
            shutil.copytree(DEMO_BUNDLE, target)
        made.append(target)
        return BundleCopy(target)

    return make


@pytest.fixture
def demo_imported(db):
    """The demo bundle imported into the test database (by user ``demo-test``)."""
    from beacon.bundle.importer import import_bundle

    return import_bundle(DEMO_BUNDLE, user="demo-test")


# the core models that hold performance data and its history (beside beacon.performance's own)
CORE_DATA_MODELS = ("Directorate", "SubArea", "Revision", "ImportRun")


def performance_models() -> list:
    """The models of beacon.performance and the shared ones it fills (directorates, sub-areas,
    the audit log, import runs)."""
    from django.apps import apps

    return [apps.get_model("core", name) for name in CORE_DATA_MODELS] + list(
        apps.get_app_config("performance").get_models())


def performance_row_counts() -> dict[str, int]:
    """Rows per performance model (Revision and ImportRun included)."""
    return {model.__name__: model.objects.count() for model in performance_models()}


@pytest.fixture
def row_counts():
    """A function returning the number of rows of every performance model."""
    return performance_row_counts


def canonical_dump(history: bool = True) -> dict[str, list[str]]:
    """Every performance model as sorted JSON rows keyed by natural keys, never by pk.

    Foreign keys are replaced by the referenced row's own canonical form; decimals are
    normalised (``97`` and ``97.0000000000`` are the same number). With ``history=False``
    import runs and the when/where of revisions are left out, so two databases loaded from
    equivalent bundles at different times compare equal.
    """
    import json
    from decimal import Decimal

    from django.contrib.contenttypes.models import ContentType
    from django.db import models as dj

    skip = {"ImportRun"} if not history else set()
    skip_fields = {"Revision": {"changed_at", "source"}} if not history else {}
    app_models = performance_models()
    rows = {m: {o.pk: o for o in m.objects.all()} for m in app_models}  # one query per model
    memo: dict = {}

    def plain(model, pk) -> dict:
        if (model, pk) in memo:
            return memo[(model, pk)]
        obj = rows[model][pk]
        out = {}
        for f in model._meta.concrete_fields:
            if f.primary_key or f.name in skip_fields.get(model.__name__, ()):
                continue
            value = getattr(obj, f.attname)
            if f.related_model is ContentType:  # a revision's record: by its own canonical form
                record = None if value is None else ContentType.objects.get_for_id(value).model_class()
                out[f.name] = None if record is None else record._meta.label
                out["object_id"] = plain(record, obj.object_id) if obj.object_id in rows.get(record, ()) else (
                    obj.object_id is not None)
                continue
            if f.name == "object_id" and model.__name__ == "Revision":
                continue
            if isinstance(f, dj.ForeignKey):
                out[f.name] = None if value is None else plain(f.related_model, value)
                continue
            if isinstance(value, Decimal):
                value = format(value.normalize(), "f")
            elif hasattr(value, "isoformat"):
                value = value.isoformat()
            out[f.name] = value
        memo[(model, pk)] = out
        return out

    return {
        m.__name__: sorted(json.dumps(plain(m, pk), sort_keys=True, ensure_ascii=False) for pk in rows[m])
        for m in app_models
        if m.__name__ not in skip
    }


@pytest.fixture
def db_dump():
    """A function returning :func:`canonical_dump` of the database."""
    return canonical_dump
