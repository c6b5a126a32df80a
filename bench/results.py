"""Benchmark of the product's own rating path: KPI results (``beacon.performance.results``) and
the report model (``beacon.reports.qpr.build_qpr``) over a synthetic database.

Builds a throw-away SQLite database, imports a synthetic bundle through the ordinary importer
(``--directorates`` directorates, ``--kpis`` KPIs with random polarity (higher, lower, range),
targets and floor standards, display precision (0-2 decimals), ``--quarters`` quarters of
unrounded values with about 3% missing, from a fixed seed), then times (median of ``--runs``):

* ``compute_results``: for every KPI in the edition, the RAG status, the direction of travel over
  the rule set's window, severity and the watch-list, exactly as the report and the web
  application compute them (the scalar rules of ``beacon.domain``, one KPI at a time);
* ``build_qpr``: the whole report model (results, counts and their comparison, checks).

Run from the repository root:  python bench/results.py [--kpis 400 --quarters 12 --runs 5]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SEED = 20230105


def _write(path: Path, header: list[str], rows: list[list]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


def synthetic_bundle(folder: Path, directorates: int, kpis: int, quarters: list, seed: int = SEED,
                     unit: str = "count") -> int:
    """Write a bundle folder; returns the number of observations written.

    ``unit`` is "count" (values never negative, as ``beacon.domain.units`` requires) or "percent"
    (values between 0 and 100, centred between 20% and 80%). The random draws do not depend on
    the unit, so the same seed gives the same KPIs (polarity, precision, gaps, missing values)."""
    if unit not in ("count", "percent"):
        raise ValueError(f"unit must be count or percent, not {unit!r}")
    low, high = (0.0, 100.0) if unit == "percent" else (0.0, float("inf"))
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / "directorates.csv", ["code", "name", "display_order"],
           [[f"D{d}", f"Directorate {d}", d] for d in range(1, directorates + 1)])
    kpi_rows, target_rows, obs_rows = [], [], []
    years = sorted({q.financial_year.label for q in quarters})
    for k in range(1, kpis + 1):
        code = f"K{k:04d}"
        polarity = rng.choices(["higher", "lower", "range"], weights=[50, 35, 15])[0]
        decimals = rng.randint(0, 2)
        scale = 10.0 ** rng.randint(0, 3)
        if unit == "percent":
            scale = 10.0  # centre 20-80, gap 2-10: targets and bands stay inside 0-100
        centre = round(rng.uniform(20, 80) * scale / 10.0)
        gap = max(round(rng.uniform(2, 10) * scale / 10.0), 1)
        kpi_rows.append([code, f"Synthetic KPI {k}", f"D{(k - 1) % directorates + 1}", unit, polarity, decimals])
        for year in years:
            if polarity == "higher":
                target_rows.append([code, year, centre + gap, centre, "", "", "", ""])
            elif polarity == "lower":
                target_rows.append([code, year, centre - gap, centre, "", "", "", ""])
            else:
                band = rng.random() < 0.8
                target_rows.append([code, year, "", "", centre - gap, centre + gap,
                                    centre - 2 * gap if band else "", centre + 2 * gap if band else ""])
        level = centre + rng.gauss(0, 1.5) * gap
        slope = rng.gauss(0, 0.15) * gap if rng.random() < 0.4 else 0.0
        noise = rng.uniform(0.1, 1.0) * gap
        for i, q in enumerate(quarters):
            if rng.random() < 0.03:
                continue
            value = level + slope * i + rng.gauss(0, 1) * noise
            # a long series with a downward slope would cross zero: a count is never negative
            obs_rows.append([code, q.label, round(min(max(value, low), high), 4)])
    _write(folder / "kpis.csv", ["code", "name", "directorate", "unit", "polarity", "decimals"], kpi_rows)
    _write(folder / "targets.csv", ["kpi", "financial_year", "target", "floor", "target_low", "target_high",
                                    "floor_low", "floor_high"], target_rows)
    _write(folder / "observations.csv", ["kpi", "period", "value"], obs_rows)
    return len(obs_rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--directorates", type=int, default=8)
    parser.add_argument("--kpis", type=int, default=400)
    parser.add_argument("--quarters", type=int, default=12)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="beacon-bench-results-"))
    os.environ["BEACON_DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ["BEACON_VAR_DIR"] = str(work / "var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beacon.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from beacon.bundle.importer import import_bundle
    from beacon.domain.periods import Quarter
    from beacon.domain.rules import get_rule_set
    from beacon.performance.results import compute_results
    from beacon.reports.qpr import build_qpr

    period = Quarter(2022, 2)
    quarters = period.last(args.quarters)
    call_command("migrate", verbosity=0, skip_checks=True)
    n_obs = synthetic_bundle(work / "bundle", args.directorates, args.kpis, quarters)
    t = time.perf_counter()
    import_bundle(work / "bundle", user="bench")
    import_time = time.perf_counter() - t
    rules = get_rule_set()

    print(f"Beacon rating benchmark: {args.kpis} KPIs x {args.quarters} quarters ({n_obs} observations), "
          f"report quarter {period.label}, {args.runs} runs, median")
    print(f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPU(s)")
    print(f"import of the synthetic bundle (once): {import_time:.2f} s")

    def median_of(fn) -> tuple[float, float, object]:
        wall, cpu, out = [], [], None
        for _ in range(args.runs):
            t, c = time.perf_counter(), time.process_time()
            out = fn()
            wall.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        return statistics.median(wall), statistics.median(cpu), out

    wall, cpu, results = median_of(lambda: compute_results(period, rules))
    rated = sum(1 for r in results if r.rag is not None)
    print(f"compute_results: {wall:.3f} s wall, {cpu:.3f} s CPU for {len(results)} KPIs "
          f"({rated} rated): {len(results) / wall:,.0f} KPI results/s")
    wall, cpu, model = median_of(lambda: build_qpr(period, rules))
    print(f"build_qpr: {wall:.3f} s wall, {cpu:.3f} s CPU (the whole report model)")
    return 0 if results else 1


if __name__ == "__main__":
    sys.exit(main())
