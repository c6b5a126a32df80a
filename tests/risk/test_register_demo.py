"""The demo writes both register editions, as the papers published them."""

import json

import pytest

from beacon.reports.register.demo import write_register_demo
from beacon.risk.models import Edition

pytestmark = pytest.mark.django_db


def test_demo_writes_both_editions(tmp_path):
    written = write_register_demo(tmp_path, formats=("json", "pdf"), log=lambda *_: None)
    names = sorted(p.name for p in written)
    assert names == ["register-cabinet-2023-01-05.json", "register-cabinet-2023-01-05.pdf",
                     "register-cype-2023-03-08.json", "register-cype-2023-03-08.pdf"]
    cabinet = json.loads((tmp_path / "risk-register" / "register-cabinet-2023-01-05.json").read_text(encoding="utf-8"))
    cype = json.loads((tmp_path / "risk-register" / "register-cype-2023-03-08.json").read_text(encoding="utf-8"))
    assert cabinet["counts_by_level"] == {"Low": 0, "Medium": 4, "High": 13, "Not yet rated": 1}
    # the Cabinet edition was frozen with the January content: the March title came later
    assert next(r for r in cabinet["risks"] if r["id"] == "CRR0057")["title"] == "Home to School Transport"
    assert [(r["id"], r["direction"]["value"]) for r in cype["risks"]] == [
        ("CRR0001", "reduced"), ("CRR0056", "merged"), ("CRR0057", "new")]
    assert Edition.objects.count() == 2
    assert (tmp_path / "risk-register" / "register-cype-2023-03-08.pdf").read_bytes().startswith(b"%PDF")
    # running the demo again reads the frozen editions back
    write_register_demo(tmp_path, formats=("json",), log=lambda *_: None)
    assert Edition.objects.count() == 2
