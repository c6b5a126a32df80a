"""Benchmark of the bulk rating engine (beacon.domain.engine).

Synthetic load: 400 councils x 50 KPIs x 50 quarters = 1,000,000 observations, with
random polarity (higher, lower, range), targets and floor standards, display precision
(0-2 decimals) and about 3% missing values, from a fixed seed. Times the RAG status of
every observation (``rate_many``) and the trend direction of travel at every quarter
(``trend_many``), reports peak memory, then spot-checks 2,000 series against the scalar
rules (``rag.rate`` and ``dot.direction_of_travel``) and exits 1 on any difference.

Run from the repository root:  python bench/engine.py  [--councils N --kpis N --quarters N]
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from beacon.domain.dot import direction_of_travel  # noqa: E402
from beacon.domain.engine import DOT_CODES, RAG_CODES, rate_many, trend_many  # noqa: E402
from beacon.domain.periods import Quarter  # noqa: E402
from beacon.domain.rag import Thresholds, rate  # noqa: E402
from beacon.domain.rules import get_rule_set  # noqa: E402

SEED = 20230105
POLARITY_NAMES = ("higher", "lower", "range")


def synthetic_load(councils: int, kpis: int, quarters: int, seed: int = SEED) -> dict:
    """Per series (council x KPI): polarity, decimals, thresholds; values (series, quarters)."""
    rng = np.random.default_rng(seed)
    n = councils * kpis
    polarity = rng.choice(np.array([0, 1, 2], dtype=np.int8), size=n, p=[0.5, 0.35, 0.15])
    decimals = rng.integers(0, 3, n)
    scale = 10.0 ** rng.integers(0, 4, n)  # percentages, counts in tens, hundreds, thousands
    centre = np.round(rng.uniform(20, 80, n) * scale / 10.0, 0)
    gap = np.maximum(np.round(rng.uniform(2, 10, n) * scale / 10.0, 0), 1.0)
    target = np.where(polarity == 0, centre + gap, np.where(polarity == 1, centre - gap, np.nan))
    floor = np.where(polarity == 2, np.nan, centre)
    target_low = np.where(polarity == 2, centre - gap, np.nan)
    target_high = np.where(polarity == 2, centre + gap, np.nan)
    has_band = (polarity == 2) & (rng.random(n) < 0.8)
    floor_low = np.where(has_band, target_low - gap, np.nan)
    floor_high = np.where(has_band, target_high + gap, np.nan)

    # A level near the thresholds, a trend (often none), noise, and ~3% gaps.
    x = np.arange(quarters)
    level = centre + rng.normal(0, 1.5, n) * gap
    trending = rng.random(n) < 0.4
    slope = np.where(trending, rng.normal(0, 0.15, n) * gap, 0.0)
    noise = rng.normal(0, 1, (n, quarters)) * (rng.uniform(0.1, 1.0, n) * gap)[:, None]
    values = level[:, None] + slope[:, None] * x[None, :] + noise
    values = np.round(values, 4)  # stored unrounded (finer than display precision)
    values[rng.random((n, quarters)) < 0.03] = np.nan
    return {
        "values": values,
        "polarity": polarity,
        "decimals": decimals,
        "target": target,
        "floor": floor,
        "target_low": target_low,
        "target_high": target_high,
        "floor_low": floor_low,
        "floor_high": floor_high,
    }


def run_stages(load: dict, rule_set) -> tuple[np.ndarray, np.ndarray, dict]:
    values = load["values"]
    col = lambda a: a[:, None]  # noqa: E731 - per-series column, broadcast over quarters
    timings = {}
    t0 = time.perf_counter()
    rag = rate_many(
        values,
        col(load["polarity"]),
        col(load["target"]),
        col(load["floor"]),
        col(load["target_low"]),
        col(load["target_high"]),
        col(load["floor_low"]),
        col(load["floor_high"]),
        col(load["decimals"]),
        rule_set.rag,
    )
    t1 = time.perf_counter()
    dot = trend_many(values, load["polarity"], load["target_low"], load["target_high"], rule_set.dot)
    t2 = time.perf_counter()
    timings["rate_many"] = t1 - t0
    timings["trend_many"] = t2 - t1
    timings["total"] = t2 - t0
    return rag, dot, timings


def spot_check(load: dict, rag: np.ndarray, dot: np.ndarray, rule_set, sample: int, seed: int = SEED) -> list[str]:
    """Compare ``sample`` whole series with the scalar rules; return the differences."""
    rng = np.random.default_rng(seed + 1)
    values = load["values"]
    n, quarters = values.shape
    first = Quarter(2010, 1)
    periods = [first.shift(k) for k in range(quarters)]
    problems: list[str] = []
    for s in rng.choice(n, size=min(sample, n), replace=False):
        pol = POLARITY_NAMES[load["polarity"][s]]
        d = int(load["decimals"][s])

        def opt(name):
            x = float(load[name][s])
            return None if math.isnan(x) else x

        thresholds = Thresholds(
            opt("target"), opt("floor"), opt("target_low"), opt("target_high"), opt("floor_low"), opt("floor_high")
        )
        row = values[s]
        history = {q: (None if math.isnan(v) else float(v)) for q, v in zip(periods, row)}
        for j, q in enumerate(periods):
            v = history[q]
            expected_rag = -1 if v is None else RAG_CODES[rate(v, pol, thresholds, d, rule_set.rag).rag]
            if rag[s, j] != expected_rag:
                problems.append(f"series {s} quarter {j}: rate_many {rag[s, j]} != rate {expected_rag}")
            expected_dot = DOT_CODES[direction_of_travel(history, q, pol, thresholds, d, rule_set).dot]
            if dot[s, j] != expected_dot:
                problems.append(f"series {s} quarter {j}: trend_many {dot[s, j]} != direction_of_travel {expected_dot}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--councils", type=int, default=400)
    parser.add_argument("--kpis", type=int, default=50)
    parser.add_argument("--quarters", type=int, default=50)
    parser.add_argument("--check", type=int, default=2000, help="series to spot-check against the scalar rules")
    args = parser.parse_args(argv)

    rule_set = get_rule_set("2022")
    t0 = time.perf_counter()
    load = synthetic_load(args.councils, args.kpis, args.quarters)
    generated = time.perf_counter() - t0
    observations = load["values"].size
    present = int(np.count_nonzero(~np.isnan(load["values"])))

    # Timed run (no tracing), then the same work again under tracemalloc for peak memory.
    rag, dot, timings = run_stages(load, rule_set)
    tracemalloc.start()
    run_stages(load, rule_set)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    maxrss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux

    print(f"Beacon engine benchmark ({platform.python_implementation()} {platform.python_version()}, "
          f"numpy {np.__version__}, {os.cpu_count()} CPUs, {platform.machine()})")
    print(f"observations           {observations:>12,}  ({args.councils} councils x {args.kpis} KPIs x "
          f"{args.quarters} quarters; {observations - present:,} missing)")
    print(f"load generation        {generated:>12.3f} s  (not timed below)")
    print(f"rate_many (RAG)        {timings['rate_many']:>12.3f} s  "
          f"{observations / timings['rate_many']:>14,.0f} ratings/s")
    print(f"trend_many (DoT)       {timings['trend_many']:>12.3f} s  "
          f"{observations / timings['trend_many']:>14,.0f} directions/s")
    print(f"total                  {timings['total']:>12.3f} s  "
          f"{observations / timings['total']:>14,.0f} observations rated/s (RAG + DoT)")
    print(f"peak memory (traced)   {traced_peak / 2**20:>12.1f} MiB  (tracemalloc peak during both stages)")
    print(f"peak RSS (process)     {maxrss_kib / 1024:>12.1f} MiB  (ru_maxrss)")
    counts = np.bincount(rag.ravel() + 1, minlength=4)
    print(f"RAG      not rated {counts[0]:,}  green {counts[1]:,}  amber {counts[2]:,}  red {counts[3]:,}")
    dots = np.bincount(dot.ravel(), minlength=4)
    print(f"DoT      improving {dots[0]:,}  stable {dots[1]:,}  worsening {dots[2]:,}  not available {dots[3]:,}")

    t0 = time.perf_counter()
    problems = spot_check(load, rag, dot, rule_set, args.check)
    checked = min(args.check, load["values"].shape[0])
    print(f"spot check             {time.perf_counter() - t0:>12.3f} s  ({checked:,} series x {args.quarters} "
          f"quarters against rag.rate and dot.direction_of_travel)")
    if problems:
        print(f"FAILED: {len(problems)} difference(s) from the scalar rules", file=sys.stderr)
        for line in problems[:20]:
            print("  " + line, file=sys.stderr)
        return 1
    print("spot check OK: the engine agrees with the scalar rules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
