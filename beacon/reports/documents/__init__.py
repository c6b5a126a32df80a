"""The Quarterly Performance Report as documents: accessible HTML, tagged PDF and Word.

One HTML document (cover report to Cabinet + the QPR appendix) is rendered from the computed
model by the templates under ``templates/reports/qpr/``; the PDF and the Word file are made
from that same HTML by :mod:`beacon.reports.render`, so the three formats cannot disagree.

* :func:`qpr_html`, :func:`qpr_pdf`, :func:`qpr_docx` render a model;
* :func:`edition_inputs` loads what a live edition needs from the database (the model, its
  report settings and narrative overrides);
* :func:`render` renders an edition (a published one from its frozen snapshot, a draft from the
  live data) in a format of :data:`beacon.reports.formats.QPR`, the registry of QPR formats.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.template import Context, Engine

from beacon.domain.qpr_model import QprModel
from beacon.reports import charts
from beacon.reports import render as renderer

from .context import build_context

__all__ = ["qpr_html", "qpr_pdf", "qpr_docx", "build_context", "Edition", "edition_inputs", "render"]

_engine: Engine | None = None


def engine() -> Engine:
    global _engine
    if _engine is None:
        _engine = Engine(
            app_dirs=True,
            builtins=["beacon.reports.templatetags.qpr"],
            autoescape=True,
        )
    return _engine


@dataclass
class Edition:
    """What one edition renders from: the typed model, the report settings and narrative
    overrides, and for a published edition who published it and when."""

    model: QprModel
    settings: dict = field(default_factory=dict)
    overrides: dict = field(default_factory=dict)
    published: dict | None = None


def _context(edition: Edition, timings: dict | None = None) -> dict:
    t = time.perf_counter()
    ctx = build_context(edition.model, edition.settings, edition.overrides, edition.published)
    if timings is not None:
        timings["context"] = timings.get("context", 0) + time.perf_counter() - t
    return ctx


def qpr_html(edition: Edition, timings: dict | None = None, ctx: dict | None = None, for_pdf: bool = False,
             pictures: tuple[str, ...] = ("svg",)) -> str:
    """The HTML document. ``for_pdf`` refers to charts as ``beacon-resource:`` names (see
    :func:`qpr_pdf`) and leaves out the screen-only chart data tables. Every chart's
    ``pictures`` are drawn (or read from the cache) in one batch before the templates render
    (:func:`beacon.reports.charts.prepare`)."""
    ctx = ctx or _context(edition, timings)
    ctx["pdf"] = for_pdf
    t = time.perf_counter()
    charts.prepare(ctx["charts"].values(), pictures)
    if timings is not None:
        timings["charts"] = timings.get("charts", 0) + time.perf_counter() - t
    t = time.perf_counter()
    html = engine().get_template("reports/qpr/document.html").render(Context(ctx))
    if timings is not None:
        timings["templates"] = timings.get("templates", 0) + time.perf_counter() - t
    return html


def qpr_pdf(edition: Edition, timings: dict | None = None) -> bytes:
    ctx = _context(edition, timings)
    html = qpr_html(edition, timings, ctx, for_pdf=True)
    resources = {f"chart-{key}.svg": (chart.svg.encode("utf-8"), "image/svg+xml") for key, chart in ctx["charts"].items()}
    return renderer.html_to_pdf(html, resources=resources, timings=timings)


def qpr_docx(edition: Edition, timings: dict | None = None) -> bytes:
    ctx = _context(edition, timings)
    # the Word file takes each chart's PNG by its key (``data-chart``) and skips the screen-only
    # data tables: the HTML it reads needs no SVG, so only the PNGs are drawn
    html = qpr_html(edition, timings, ctx, for_pdf=True, pictures=("png",))
    index = ctx["charts"]
    t = time.perf_counter()
    data = renderer.html_to_docx(html, chart_png=lambda key: index[key].png, title=ctx["title"], language="en-GB")
    if timings is not None:
        timings["docx"] = timings.get("docx", 0) + time.perf_counter() - t
    return data


def settings_dict(period_label: str) -> dict:
    from beacon.reports.models import ReportSettings

    row = ReportSettings.objects.filter(period=period_label).first()
    if row is None:
        return {}
    out = {}
    for f in ReportSettings._meta.fields:
        if f.name in ("id", "period"):
            continue
        value = getattr(row, f.name)
        # dates as ISO text: the settings are frozen as JSON with a published edition
        out[f.name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def overrides_dict(period_label: str) -> dict[str, str]:
    from beacon.reports.models import NarrativeOverride

    return {o.key: o.text for o in NarrativeOverride.objects.filter(period=period_label)}


def edition_inputs(period, rule_set=None) -> Edition:
    """A live (draft) edition: computed now from the database."""
    from beacon.reports.qpr import build_qpr

    model = build_qpr(period, rule_set)
    return Edition(model=model, settings=settings_dict(period.label), overrides=overrides_dict(period.label))


def published_edition(period_label: str) -> Edition | None:
    """The current frozen edition of a published period (its newest: a correction replaces the
    edition it corrects), or ``None``."""
    from beacon.domain.periods import Quarter
    from beacon.reports.publish import current_edition, frozen_edition

    row = current_edition(Quarter.parse(period_label))
    return None if row is None else frozen_edition(row)


def published_file(period_label: str, fmt: str) -> bytes | None:
    """The file stored when the period's current edition was published (the exact bytes), or
    ``None``."""
    from beacon.reports.models import PublishedFile

    row = PublishedFile.objects.filter(report__period=period_label, format=fmt).first()
    return None if row is None else bytes(row.content)


def render(edition: Edition, fmt: str, timings: dict | None = None) -> bytes:
    """The edition in format ``fmt`` (json, html, pdf, docx: :data:`beacon.reports.formats.QPR`)."""
    from beacon.reports.formats import QPR

    return QPR.render(fmt, edition, timings=timings)
