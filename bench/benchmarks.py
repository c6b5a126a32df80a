"""Benchmark of benchmarking data: importing other councils' values and querying one KPI's standing.

    .venv/bin/python bench/benchmarks.py [--areas 317] [--measures 500] [--years 10] [--database sqlite|postgresql]

It writes a synthetic bundle (from a fixed seed): ``--areas`` areas (all English councils are
about 317) with GSS-shaped codes, ``--measures`` national measures, one value per area, measure and
financial year for ``--years`` years (317 x 500 x 10 = 1,585,000 rows of ``comparator_values.csv``),
two comparison groups (every area; 16 "nearest neighbours") and one KPI mapped to a measure in each
group. Then, in a child process each (``python -m django import``), it imports the bundle twice
(first: everything created; again: nothing changed) and reports wall time, CPU time and peak
memory; and it times the query for one KPI's standing (``beacon.performance.benchmarking.standing``)
in each group, the median of 20 runs after a warm-up. (Django's system checks are skipped: they are
not what is measured.)

``--database sqlite`` (default) uses a throwaway SQLite file; ``--database postgresql`` the server
in ``BEACON_DATABASE_URL`` (run it under ``scripts/with-postgres``), flushed first.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = 20231203
NEIGHBOURS = 16


def write_bundle(folder: Path, areas: int, measures: int, years: int, seed: int = SEED) -> int:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    codes = ["E10000016"] + [f"E{6000000 + i:08d}" for i in range(1, areas)]
    first_year = 2022 - years + 1
    fys = [f"{y}/{(y + 1) % 100:02d}" for y in range(first_year, 2023)]
    with open(folder / "directorates.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["code", "name"], ["D1", "Directorate"]])
    with open(folder / "kpis.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["code", "name", "directorate", "unit", "polarity", "decimals"],
                                 ["K1", "Benchmarked KPI (all areas)", "D1", "percent", "higher", "1"],
                                 ["K2", "Benchmarked KPI (neighbours)", "D1", "percent", "higher", "1"]])
    with open(folder / "observations.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["kpi", "period", "value"], ["K1", "2022/23 Q2", "61.5"], ["K2", "2022/23 Q2", "48.2"]])
    with open(folder / "benchmark_measures.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["measure", "title", "unit", "polarity", "source"])
        for m in range(1, measures + 1):
            w.writerow([f"M{m:04d}", f"Synthetic measure {m}", "percent", rng.choice(["higher", "lower"]), "Synthetic"])
    n = 0
    with open(folder / "comparator_values.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["measure", "area_code", "area_name", "period", "value", "illustrative"])
        for m in range(1, measures + 1):
            centre = rng.uniform(20, 80)
            for i, code in enumerate(codes):
                name = "Kent" if i == 0 else f"Synthetic council {i}"
                for fy in fys:
                    w.writerow([f"M{m:04d}", code, name, fy, round(min(max(rng.gauss(centre, 8), 0), 100), 1), "true"])
                    n += 1
    with open(folder / "comparison_groups.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["group", "name", "source", "area_code"])
        w.writerows(["all", "All areas", "Synthetic", c] for c in codes)
        w.writerows(["near", "Nearest neighbours", "Synthetic", c] for c in codes[:NEIGHBOURS + 1])
    with open(folder / "kpi_benchmarks.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["kpi", "measure", "area_code", "group"], ["K1", "M0001", codes[0], "all"],
                                 ["K2", f"M{measures:04d}", codes[0], "near"]])
    return n


def _run(cmd: list[str], env: dict) -> tuple[float, float, int, str, float]:
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return wall, usage.ru_maxrss / 1024, code, text, usage.ru_utime + usage.ru_stime


QUERY = """
import statistics, time
from beacon.domain.periods import Quarter
from beacon.performance.benchmarking import standing
q = Quarter.parse("2022/23 Q2")
for code, value in (("K1", 61.5), ("K2", 48.2)):
    s = standing(code, q, value)
    times = []
    for _ in range(20):
        t = time.perf_counter(); s = standing(code, q, value); times.append(time.perf_counter() - t)
    print(f"QUERY {code} {s.group} {s.standing.of} {s.period} {statistics.median(times) * 1000:.1f}")
"""


def bench(database: str, work: Path, areas: int, measures: int, years: int) -> tuple[list, list]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "beacon.settings", "BEACON_VAR_DIR": str(work / "var")}
    if database == "sqlite":
        db = work / "bench.sqlite3"
        db.unlink(missing_ok=True)
        env["BEACON_DATABASE_URL"] = f"sqlite:///{db}"
    elif not env.get("BEACON_DATABASE_URL", "").startswith("postgresql://"):
        raise SystemExit("--database postgresql needs BEACON_DATABASE_URL (run under scripts/with-postgres)")
    bundle = work / "bundle"
    if not bundle.exists():
        write_bundle(bundle, areas, measures, years)
    rows_in_file = sum(1 for _ in open(bundle / "comparator_values.csv", encoding="utf-8")) - 1
    for args in (["migrate", "--noinput", "-v", "0", "--skip-checks"], ["flush", "--noinput", "-v", "0"]):
        if args[0] == "flush" and database != "postgresql":
            continue
        wall, rss, code, out, cpu = _run([sys.executable, "-m", "django", *args], env)
        if code:
            raise SystemExit(out[-3000:])
    imports = []
    for label in ("first import (all created)", "same bundle again (unchanged)"):
        wall, rss, code, out, cpu = _run([sys.executable, "-m", "django", "import", str(bundle), "--user", "bench", "--skip-checks"], env)
        if code:
            raise SystemExit(f"import failed ({label}):\n{out[-3000:]}")
        imports.append((database, rows_in_file, label, wall, cpu, rss))
        print(f"  {database} {rows_in_file:,} {label}: {wall:.1f} s wall, {cpu:.1f} s CPU, {rss:.0f} MB", flush=True)
    wall, rss, code, out, cpu = _run([sys.executable, "-m", "django", "shell", "-c", QUERY], env)
    if code:
        raise SystemExit(f"query failed:\n{out[-3000:]}")
    queries = []
    for line in out.splitlines():
        if line.startswith("QUERY "):
            _, kpi, group, of, period, ms = line.split(" ", 5)
            queries.append((database, rows_in_file, kpi, group, int(of), period, float(ms)))
            print(f"  {database} standing of {kpi} in {group} ({of} areas, {period}): {ms} ms", flush=True)
    return imports, queries


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", type=int, default=317)
    parser.add_argument("--measures", type=int, default=500)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), action="append")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="beacon-bench-benchmarks-"))
    print(f"benchmarking data benchmark: python {platform.python_version()}, {os.cpu_count()} CPU(s); "
          f"{args.areas} areas x {args.measures} measures x {args.years} years; {work}", flush=True)
    imports, queries = [], []
    try:
        for database in args.database or ["sqlite"]:
            i, q = bench(database, work, args.areas, args.measures, args.years)
            imports += i
            queries += q
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print("| database | comparator values | import | wall time | CPU time | peak memory |")
    print("| --- | ---: | --- | ---: | ---: | ---: |")
    for database, n, label, wall, cpu, rss in imports:
        print(f"| {database} | {n:,} | {label} | {wall:.1f} s | {cpu:.1f} s | {rss:.0f} MB |")
    print()
    print("| database | comparator values | KPI's standing in | areas ranked | comparator period | query (median of 20) |")
    print("| --- | ---: | --- | ---: | --- | ---: |")
    for database, n, kpi, group, of, period, ms in queries:
        print(f"| {database} | {n:,} | {group} | {of} | {period} | {ms:.1f} ms |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
