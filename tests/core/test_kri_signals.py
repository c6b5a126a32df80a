"""beacon.core.signals.results_changed: sent once the change commits, never for a dry run or a
refused import, and a receiver that fails never turns a committed import into an error."""

from __future__ import annotations

import pytest

from beacon.bundle.errors import BundleErrors
from beacon.bundle.importer import import_bundle
from beacon.core.signals import results_changed


@pytest.fixture
def heard():
    calls = []

    def receiver(sender, kpi_codes=None, **kwargs):
        calls.append((sender, kpi_codes))

    results_changed.connect(receiver, dispatch_uid="test-kri-signals")
    yield calls
    results_changed.disconnect(dispatch_uid="test-kri-signals")


def _bundle(tmp_path, value="12"):
    folder = tmp_path / f"b{value}"
    folder.mkdir()
    (folder / "directorates.csv").write_text("code,name\nAA,Alpha\n", encoding="utf-8")
    (folder / "kpis.csv").write_text("code,name,directorate,unit,polarity\nA1,Calls,AA,count,higher\n",
                                     encoding="utf-8")
    (folder / "observations.csv").write_text(f"kpi,period,value\nA1,2022/23 Q2,{value}\n", encoding="utf-8")
    return folder


def test_sent_after_commit_only(db, tmp_path, heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        import_bundle(_bundle(tmp_path), user="t", dry_run=True)
    assert heard == [] and callbacks == []  # a dry run is rolled back: nothing to tell
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(BundleErrors):
            import_bundle(_bundle(tmp_path, "twelve"), user="t")
    assert heard == []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        import_bundle(_bundle(tmp_path, "13"), user="t")
    assert heard == [] and len(callbacks) >= 1  # not before the commit
    for callback in callbacks:
        callback()
    assert heard == [("bundle import", None)]


def test_a_failing_receiver_is_logged_not_raised(db, tmp_path, caplog, django_capture_on_commit_callbacks):
    def broken(sender, **kwargs):
        raise RuntimeError("boom")

    results_changed.connect(broken, dispatch_uid="test-kri-broken")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            result = import_bundle(_bundle(tmp_path), user="t")
    finally:
        results_changed.disconnect(dispatch_uid="test-kri-broken")
    assert result.changed
    assert any("boom" in r.getMessage() or "boom" in str(r.exc_info) for r in caplog.records)
