"""The demo data shipped with Beacon (see the README beside each bundle for provenance)."""

from pathlib import Path

HERE = Path(__file__).resolve().parent
DEMO_BUNDLE = HERE / "kcc-2022-23-q2"
DEMO_PERIOD = "2022/23 Q2"
