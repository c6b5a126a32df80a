"""``html_to_pdf`` reports WeasyPrint's two steps when asked, and renders with the collector
doing less (``beacon.core.memory.fewer_collections``), putting it back after."""

from __future__ import annotations

import gc

from beacon.core.memory import BULK_GC_THRESHOLD
from beacon.reports import render

HTML = "<!doctype html><html lang='en-GB'><head><title>T</title></head><body><h1>T</h1><p>One page.</p></body></html>"


def test_timings_name_both_steps_and_the_pages():
    timings: dict = {}
    pdf = render.html_to_pdf(HTML, timings=timings)
    assert pdf.startswith(b"%PDF")
    assert timings["pages"] == 1
    assert timings["weasyprint parse+layout"] > 0 and timings["weasyprint draw+write"] > 0


def test_rendering_runs_with_fewer_collections(monkeypatch):
    seen = []
    from weasyprint import HTML as WeasyHTML

    original = WeasyHTML.render

    def spy(self, *args, **kwargs):
        seen.append(gc.get_threshold())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(WeasyHTML, "render", spy)
    before = gc.get_threshold()
    render.html_to_pdf(HTML)
    assert seen == [BULK_GC_THRESHOLD]
    assert gc.get_threshold() == before
