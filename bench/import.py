"""Benchmark of ``beacon import`` (the product's own command) on synthetic bundles.

    .venv/bin/python bench/import.py [--size 40000] [--size 1000000] [--database sqlite|postgresql]

For each ``--size`` (observations) it writes a synthetic bundle (percent KPIs x 40 quarters, one
target row per KPI and financial year, values between 0 and 100, from a fixed seed), prepares an
empty database, and runs ``python -m django import BUNDLE`` in a subprocess three times:

* first import (everything created, a revision per created value);
* the same bundle again (nothing changed);
* a bundle with every tenth value changed (a revision per changed value).

Each run's wall time and the peak resident memory of the import process (``os.wait4``'s
``ru_maxrss`` of that child alone) are printed as a table.

``--database sqlite`` (default) uses a throwaway SQLite file. ``--database postgresql`` uses the
server in ``BEACON_DATABASE_URL`` (run it under ``scripts/with-postgres``); every table is emptied
(``flush``) before each size.
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
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SEED = 20231203
QUARTERS = 40
DIRECTORATES = 20


def _quarters(n: int) -> list[str]:
    from beacon.domain.periods import Quarter

    return [q.label for q in Quarter(2022, 2).last(n)]


def write_bundle(folder: Path, observations: int, *, change_every: int = 0, seed: int = SEED) -> int:
    """Write a bundle of ``observations`` observations (KPIs x 40 quarters); every
    ``change_every``-th value differs from the base bundle's. Returns the number written."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    quarters = _quarters(QUARTERS)
    years = sorted({q.split(" ")[0] for q in quarters})
    kpis = max(observations // QUARTERS, 1)
    with open(folder / "directorates.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["code", "name", "display_order"])
        w.writerows([f"D{d:02d}", f"Directorate {d}", d] for d in range(1, DIRECTORATES + 1))
    written = 0
    with open(folder / "kpis.csv", "w", newline="", encoding="utf-8") as fk, \
            open(folder / "targets.csv", "w", newline="", encoding="utf-8") as ft, \
            open(folder / "observations.csv", "w", newline="", encoding="utf-8") as fo:
        wk, wt, wo = csv.writer(fk), csv.writer(ft), csv.writer(fo)
        wk.writerow(["code", "name", "directorate", "unit", "polarity", "decimals"])
        wt.writerow(["kpi", "financial_year", "target", "floor"])
        wo.writerow(["kpi", "period", "value"])
        n = 0
        for k in range(1, kpis + 1):
            code = f"K{k:06d}"
            higher = rng.random() < 0.6
            wk.writerow([code, f"Synthetic KPI {k}", f"D{(k - 1) % DIRECTORATES + 1:02d}", "percent",
                         "higher" if higher else "lower", rng.randint(0, 1)])
            centre = rng.uniform(30, 70)
            gap = rng.uniform(2, 10)
            for year in years:
                wt.writerow([code, year, round(centre + gap if higher else centre - gap, 1), round(centre, 1)])
            for q in quarters:
                if written >= observations:
                    break
                value = min(max(centre + rng.gauss(0, 1) * gap, 0.0), 100.0)  # a percentage: 0 to 100
                n += 1
                if change_every and n % change_every == 0:
                    value = 100.0 - value if abs(value - 50.0) > 0.01 else 12.5
                wo.writerow([code, q, round(value, 2)])
                written += 1
    return written


def _run(cmd: list[str], env: dict) -> tuple[float, float, int, str, float]:
    """Run ``cmd``; its wall time, peak RSS in MB (this child alone), exit code, output and CPU
    time (user + system: less sensitive than wall time to other work on the machine)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    rss_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    return wall, rss_mb, proc.returncode, text, usage.ru_utime + usage.ru_stime


def _django(args: list[str], env: dict) -> None:
    wall, rss, code, out, cpu = _run([sys.executable, "-m", "django", *args], env)
    if code != 0:
        raise SystemExit(f"django {' '.join(args)} failed:\n{out[-3000:]}")


def bench(size: int, database: str, work: Path) -> list[tuple]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "beacon.settings", "BEACON_VAR_DIR": str(work / "var")}
    # as installed: Python's compiled modules kept (a machine may set PYTHONDONTWRITEBYTECODE,
    # which makes every run compile Beacon's 250 modules again, about 0.7 s of each import)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    _run([sys.executable, "-m", "compileall", "-q", str(ROOT / "beacon")], env)
    if database == "sqlite":
        db = work / f"bench-{size}.sqlite3"
        db.unlink(missing_ok=True)
        env["BEACON_DATABASE_URL"] = f"sqlite:///{db}"
    elif not env.get("BEACON_DATABASE_URL", "").startswith("postgresql://"):
        raise SystemExit("--database postgresql needs BEACON_DATABASE_URL (run under scripts/with-postgres)")
    base, changed = work / f"bundle-{size}", work / f"bundle-{size}-changed"
    shutil.rmtree(base, ignore_errors=True)
    shutil.rmtree(changed, ignore_errors=True)
    n = write_bundle(base, size)
    write_bundle(changed, size, change_every=10)
    _django(["migrate", "--noinput", "-v", "0"], env)
    if database == "postgresql":
        _django(["flush", "--noinput", "-v", "0"], env)
    rows = []
    for label, bundle in (("first import (all created)", base), ("same bundle again (unchanged)", base),
                          ("every tenth value changed", changed)):
        wall, rss, code, out, cpu = _run([sys.executable, "-m", "django", "import", str(bundle), "--user", "bench"],
                                         env)
        if code != 0:
            raise SystemExit(f"import failed ({label}):\n{out[-3000:]}")
        rows.append((database, n, label, wall, cpu, rss))
        print(f"  {database} {n:,} {label}: {wall:.1f} s wall, {cpu:.1f} s CPU, {rss:.0f} MB", flush=True)
    return rows


def _size(text: str) -> int:
    text = text.strip().lower().replace(",", "").replace("_", "")
    for suffix, factor in (("k", 1_000), ("m", 1_000_000)):
        if text.endswith(suffix):
            return int(float(text[:-1]) * factor)
    return int(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=_size, action="append",
                        help="observations in the bundle (40000, 40k, 1m); repeat for several; default 40000")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), action="append",
                        help="repeat for both; default sqlite")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    sizes = args.size or [40_000]
    databases = args.database or ["sqlite"]
    work = Path(tempfile.mkdtemp(prefix="beacon-bench-import-"))
    print(f"beacon import benchmark: python {platform.python_version()}, {os.cpu_count()} CPU(s); {work}")
    rows = []
    try:
        for database in databases:
            for size in sizes:
                rows += bench(size, database, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print("| database | observations | import | wall time | CPU time | peak memory |")
    print("| --- | ---: | --- | ---: | ---: | ---: |")
    for database, n, label, wall, cpu, rss in rows:
        print(f"| {database} | {n:,} | {label} | {wall:.1f} s | {cpu:.1f} s | {rss:.0f} MB |")
    print("(wall and CPU time of the whole `python -m django import` process, start-up included; "
          "peak memory: its maximum resident set)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
