"""Benchmark of the demo agenda pack: the Cabinet of 5 January 2023 (agenda, the minutes of
1 December 2022, the QPR of Quarter 2 2022/23 and the Corporate Risk Register paper).

Sets up a throw-away SQLite database and chart cache, imports the demo bundles (performance,
the risk register of January 2023, the governance bundle), publishes the QPR, freezes the
register edition, makes the two report papers' pages Beacon's own documents, then times
(median of --runs, default 3) the step "pack assembled from rendered papers"
(``beacon.reports.packs.assemble``: every paper rendered, the agenda with its computed ranges,
the pages joined into one tagged PDF, the HTML pack), with each part's share from the last run.

Run from the repository root:  python bench/pack.py [--runs 3] [--out pack.pdf]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CABINET = "CABINET-2023-01-05"
from beacon.demo import DEMO_PUBLISH_ACCEPTED as ACCEPTED  # noqa: E402


def demo_pack_database(log=print) -> None:
    """The demo's data with the pack's documents ready: the QPR published, the register frozen,
    the governance bundle imported (its papers name their documents)."""
    import datetime as dt

    from django.core.management import call_command

    from beacon.bundle.importer import import_bundle
    from beacon.demo import DEMO_BUNDLE, DEMO_PERIOD, HERE
    from beacon.domain.periods import Quarter
    from beacon.reports.publish import current_edition, publish
    from beacon.reports.report_settings import DEMO_REPORT_SETTINGS, seed_report_settings
    from beacon.risk.editions import create_edition
    from beacon.risk.editions import current_edition as current_register

    call_command("migrate", verbosity=0, skip_checks=True)
    import_bundle(DEMO_BUNDLE, user="bench")
    import_bundle(HERE / "kcc-risk-register-2023-01", user="bench")
    if current_register("Cabinet", dt.date(2023, 1, 5)) is None:
        create_edition("Cabinet", dt.date(2023, 1, 5), by="bench", baseline=dt.date(2022, 7, 1))
    seed_report_settings(DEMO_REPORT_SETTINGS)
    if current_edition(Quarter.parse(DEMO_PERIOD)) is None:
        publish(Quarter.parse(DEMO_PERIOD), "bench", ACCEPTED)
    import_bundle(HERE / "kcc-cabinet-2023-01-05", user="bench")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", help="also write the public pack PDF here")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="beacon-bench-pack-"))
    os.environ["BEACON_DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ["BEACON_VAR_DIR"] = str(work / "var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beacon.settings")
    import django

    django.setup()
    from beacon.governance.models import Meeting
    from beacon.reports import packs

    t = time.perf_counter()
    demo_pack_database()
    setup = time.perf_counter() - t
    meeting = Meeting.objects.get(key=CABINET)
    print(f"Beacon agenda pack benchmark: {CABINET}, {args.runs} runs, median")
    print(f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPU(s)")
    print(f"demo data, QPR published, register frozen (once): {setup:.1f} s")
    walls, cpus, last = [], [], None
    for _ in range(args.runs):
        t, c = time.perf_counter(), time.process_time()
        last = packs.assemble(meeting, "public")
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    ranges = ", ".join(f"item {r.item}: {r.first}-{r.last}" for r in last.ranges)
    print(f"pack assembled from rendered papers: {statistics.median(walls):.2f} s wall, "
          f"{statistics.median(cpus):.2f} s CPU; {last.page_count} pages ({last.agenda_pages} agenda), {ranges}")
    for part, seconds in last.timings.items():
        if part != "total":
            print(f"  {part}: {seconds:.2f} s")
    problems = packs.pack_problems(meeting, "public", last)
    if problems:
        print("problems: " + "; ".join(problems))
    if args.out:
        Path(args.out).write_bytes(last.pdf)
        print(f"wrote {args.out}")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
