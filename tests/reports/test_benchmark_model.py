"""The QPR model's ``kpis[].benchmark``: an old snapshot (without it) still loads and renders;
a benchmark survives the JSON round trip of a published snapshot. (An old snapshot renders:
tests/web/test_benchmark_end_to_end.py.)"""

from __future__ import annotations

import dataclasses

from beacon.domain.qpr_model import Benchmark, KpiEntry, QprModel


def test_an_old_snapshot_without_benchmarks_loads_and_a_new_one_round_trips():
    entry = KpiEntry(code="A1", name="Calls answered", value=75)
    old = QprModel(kpis=(entry,)).to_json()
    assert "benchmark" not in old["kpis"][0]  # absent while None: old snapshots look the same
    assert QprModel.from_json(old).kpi("A1").benchmark is None
    b = Benchmark(measure="calls", title="Calls", group="near", group_name="Near neighbours", area="Kent",
                  area_code="E10000016", period="2021/22", value=75, rank=2, of=5, quartile=1, median=72.5,
                  illustrative=1, caveat="The periods differ.")
    new = QprModel(kpis=(dataclasses.replace(entry, benchmark=b),)).to_json()
    assert QprModel.from_json(new).kpi("A1").benchmark == b

