"""The demo data shipped with Beacon (see the README beside each bundle for provenance)."""

from pathlib import Path

HERE = Path(__file__).resolve().parent
DEMO_BUNDLE = HERE / "kcc-2022-23-q2"
DEMO_PERIOD = "2022/23 Q2"

DEMO_KRI_BUNDLE = HERE / "kcc-risk-indicators"
"""Key risk indicators and risk relations (docs/risk-indicators.md): imported after the QPR bundle and
the risk register bundles, whose KPIs and risks it names."""

DEMO_GOVERNANCE_BUNDLE = HERE / "kcc-cabinet-2023-01-05"
DEMO_MEETING = "CABINET-2023-01-05"
DEMO_PUBLISH_ACCEPTED = {
    "6.1.9": "The calls table is reproduced as printed; its 12-month column does not add up.",
}
"""The check the demo accepts when it publishes 2022/23 Q2: the council's own table does not add up
(see the bundle's README), and the published edition says so."""
