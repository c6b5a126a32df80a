"""The one clock: Beacon's code reads the date only through beacon.core.clock, and the clock can
be set by a test, by BEACON_CLOCK, or left to the system."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from beacon.core import clock

ROOT = Path(__file__).resolve().parents[2] / "beacon"

# Every way Python and Django offer to read the wall clock directly.
DIRECT = re.compile(
    r"\bdate\.today\(|\bdatetime\.(?:now|today|utcnow)\(|\btimezone\.(?:now|localdate|localtime)\b"
    r"|\bauto_now(?:_add)?\s*=|\btime\.time\(|\{%\s*now\b"
)


def test_no_code_reads_the_wall_clock_directly():
    offenders = []
    for path in sorted(ROOT.rglob("*")):
        if path.suffix not in {".py", ".html", ".txt"} or "migrations" in path.parts:
            continue
        if path == ROOT / "core" / "clock.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if DIRECT.search(line):
                offenders.append(f"{path.relative_to(ROOT.parent)}:{number}: {line.strip()}")
    assert not offenders, "read the date through beacon.core.clock:\n" + "\n".join(offenders)


def test_the_pattern_catches_each_direct_read():
    for line in ["x = dt.date.today()", "now = timezone.now()", "datetime.now(tz)", "t = time.time()",
                 "created = models.DateTimeField(auto_now_add=True)", "{% now 'Y' %}", "timezone.localdate()"]:
        assert DIRECT.search(line), line
    assert not DIRECT.search("clock.today()") and not DIRECT.search("default=clock.now")


def test_clock_fixture_fixes_today_and_now(clock):
    clock.set("2023-01-05")
    assert clock.today() == dt.date(2023, 1, 5)
    assert clock.now() == dt.datetime(2023, 1, 5, 12, 0, tzinfo=dt.timezone.utc)  # noon UK time, GMT in January


def test_today_is_the_uk_date_not_utcs(clock):
    clock.set("2023-06-30T23:30:00+00:00")  # 00:30 on 1 July in British Summer Time
    assert clock.today() == dt.date(2023, 7, 1)


def test_a_ticking_clock_starts_at_the_date_and_runs_on(clock):
    clock.set("2030-02-01", tick=True)
    first = clock.now()
    assert first.date() == dt.date(2030, 2, 1)
    assert clock.now() >= first


def test_frozen_restores_what_was_there():
    clock.set_clock("2024-04-01")
    with clock.frozen("2020-01-01"):
        assert clock.today() == dt.date(2020, 1, 1)
    assert clock.today() == dt.date(2024, 4, 1)
    clock.reset()


def test_beacon_clock_environment_variable(monkeypatch):
    monkeypatch.setenv("BEACON_CLOCK", "2031-03-31")
    assert clock.today() == dt.date(2031, 3, 31)
    monkeypatch.setenv("BEACON_CLOCK", "2031-03-31T08:15:00+01:00")
    assert clock.now() == dt.datetime(2031, 3, 31, 7, 15, tzinfo=dt.timezone.utc)
    monkeypatch.setenv("BEACON_CLOCK", "next Tuesday")
    with pytest.raises(ValueError, match="BEACON_CLOCK: 'next Tuesday' is not a date"):
        clock.now()


def test_the_system_clock_is_used_otherwise(monkeypatch):
    monkeypatch.delenv("BEACON_CLOCK", raising=False)
    before = dt.datetime.now(dt.timezone.utc)
    assert before - dt.timedelta(seconds=1) <= clock.now() <= dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=1)


def test_a_run_with_the_clock_moved_ahead_really_moves_it(request, _clock_moved_ahead):
    """Under ``--clock-years-ahead N`` the process's own clock (not just Beacon's) is N years on."""
    years = request.config.getoption("--clock-years-ahead")
    if not years:
        assert _clock_moved_ahead is None
        return
    assert abs(dt.datetime.now(dt.timezone.utc) - _clock_moved_ahead) < dt.timedelta(hours=1)
    assert abs(clock.now() - _clock_moved_ahead) < dt.timedelta(hours=1)
    assert dt.date.today().year == _clock_moved_ahead.year
