"""The risk register part of ``beacon demo``: import the two KCC risk bundles in the order they
were published, freezing each edition when its data is current, and write the documents.

* January 2023: the register presented to Cabinet on 05/01/2023 (baseline July 2022, as printed);
* March 2023: the CYPE Cabinet Committee edition of 08/03/2023 (baseline: the default, March 2022).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from beacon.bundle.importer import import_bundle
from beacon.demo import HERE
from beacon.risk.editions import create_edition, current_edition, read_edition

from ..formats import REGISTER
from .model import build_register_model

RISK_DEMO = (
    (HERE / "kcc-risk-register-2023-01", "Cabinet", dt.date(2023, 1, 5), dt.date(2022, 7, 1), "cabinet-2023-01-05"),
    (HERE / "kcc-risk-register-2023-03-cype", "CYPE Cabinet Committee", dt.date(2023, 3, 8), None, "cype-2023-03-08"),
)


def write_register_demo(out_dir: Path, formats=None, log=print) -> list[Path]:
    """Import the bundles, freeze the editions and write each in ``formats`` (default: every
    registered register format)."""
    folder = Path(out_dir) / "risk-register"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for bundle, body, date, baseline, stem in RISK_DEMO:
        log(import_bundle(bundle, user="demo").report())
        edition = current_edition(body, date) or create_edition(body, date, by="demo", baseline=baseline)
        model = build_register_model(read_edition(edition), edition)
        for fmt in (REGISTER[name] for name in formats) if formats else REGISTER:
            target = folder / fmt.filename(f"register-{stem}")
            target.write_bytes(fmt.render(model))
            written.append(target)
    return written
