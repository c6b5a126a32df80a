"""docs/report-model.md is generated from the QPR model's field documentation, so it cannot
drift: the committed file is what the generator writes, and every record and field the model can
hold is documented."""

from __future__ import annotations

import dataclasses
import typing

from beacon.domain import qpr_model
from beacon.domain.records import describe, is_record
from beacon.reports import model_docs


def _records(cls, seen=None) -> set[type]:
    """Every record type reachable from ``cls`` through its fields."""
    seen = seen if seen is not None else set()
    if cls in seen:
        return seen
    seen.add(cls)
    hints = typing.get_type_hints(cls)

    def walk(tp):
        if isinstance(tp, type) and is_record(tp):
            _records(tp, seen)
        for arg in typing.get_args(tp):
            walk(arg)

    for f in dataclasses.fields(cls):
        walk(hints[f.name])
    return seen


def test_the_committed_document_is_what_the_generator_writes():
    committed = model_docs.DOC_PATH.read_text(encoding="utf-8")
    assert committed == model_docs.report_model_markdown(), (
        "docs/report-model.md is out of date: run python -m beacon.reports.model_docs")
    assert model_docs.main(["--check"]) == 0


def test_every_record_and_field_of_the_model_is_documented():
    documented = {cls for _, cls in model_docs.SECTIONS}
    assert _records(qpr_model.QprModel) <= documented, "a record of the model has no section in docs/report-model.md"
    text = model_docs.report_model_markdown()
    for cls in documented:
        for f in describe(cls):
            assert f.doc.strip(), f"{cls.__name__}.{f.name} has no documentation"
            assert f"| `{f.name}` |" in text


def test_a_changed_field_doc_makes_the_check_fail(monkeypatch):
    real = model_docs.describe

    def changed(cls):
        out = real(cls)
        return [dataclasses.replace(f, doc=f.doc + " (changed)") for f in out]

    monkeypatch.setattr(model_docs, "describe", changed)
    assert model_docs.main(["--check"]) == 1
