"""Building, previewing and publishing QPR editions, and reading published ones; the files of
register editions. The documents and the publishing rules are beacon.reports'; this module only
arranges them for the pages."""

from __future__ import annotations

import datetime as dt

from beacon.domain.periods import Quarter
from beacon.domain.qpr_model import Check
from beacon.reports import documents
from beacon.reports.formats import QPR, REGISTER, OutputFormat
from beacon.reports.models import PublishedFile, PublishedReport
from beacon.reports.publish import PublishError, diff, failed_checks, publish


def published_reports():
    return PublishedReport.objects.order_by("-period").prefetch_related("files")


def published(q: Quarter) -> PublishedReport | None:
    return PublishedReport.objects.filter(period=q.label).first()


def published_file(q: Quarter, fmt: str) -> PublishedFile | None:
    return PublishedFile.objects.filter(report__period=q.label, format=fmt).first()


def draft_checks(q: Quarter) -> list[Check]:
    """The consistency checks of the edition as it would be published now."""
    from beacon.reports.dashboards import qpr

    return list(qpr(q).checks)


def preview(q: Quarter, fmt: OutputFormat) -> bytes:
    """The draft edition rendered from the live data (nothing stored)."""
    return fmt.render(documents.edition_inputs(q))


def register_edition_file(edition, fmt: OutputFormat) -> bytes:
    """A frozen register edition (``beacon.risk.models.Edition``) in a format of
    :data:`~beacon.reports.formats.REGISTER`, rendered from its snapshot, so every download of it
    is the same."""
    from beacon.reports.register import build_register_model

    from beacon.risk.editions import read_edition

    return fmt.render(build_register_model(read_edition(edition), edition))


def register_draft_file(body: str, date: dt.date, fmt: OutputFormat) -> bytes:
    """The next register edition for ``body`` on ``date`` as it would be frozen now (nothing stored)."""
    from beacon.reports.register import build_register_model, edition_for

    content, _ = edition_for(body, date, draft=True)
    return fmt.render(build_register_model(content, None))


def publish_edition(q: Quarter, user: str, allow: dict[str, str]):
    return publish(q, user, allow)


def changes_since_publication(q: Quarter) -> dict:
    return diff(q)


def compare_published(a: PublishedReport, b: PublishedReport) -> dict:
    """Two published editions side by side, from their frozen models (``frozen_model``, read back
    by ``beacon.reports.publish.read_snapshot``): the totals and, for each KPI in either, its
    value, RAG and DoT in each and whether they differ."""
    ma, mb = a.frozen_model, b.frozen_model
    ka, kb = ma.kpi_by_code, mb.kpi_by_code
    rows = []
    for code in list(ka) + [c for c in kb if c not in ka]:
        x, y = ka.get(code), kb.get(code)
        changed = (x and x.rag) != (y and y.rag) or (x and x.dot) != (y and y.dot)
        rows.append({"code": code, "name": (y or x).short_name, "a": x, "b": y, "changed": changed})
    keys = ("green", "amber", "red", "improving", "stable", "worsening", "kpis")
    totals = [{"key": k, "a": getattr(ma.totals, k), "b": getattr(mb.totals, k)} for k in keys]
    return {"a": a, "b": b, "totals": totals, "rows": rows, "changed": sum(1 for r in rows if r["changed"])}


__all__ = [
    "compare_published",
    "QPR", "REGISTER", "register_draft_file", "register_edition_file", "PublishError", "changes_since_publication", "draft_checks", "failed_checks", "preview",
    "publish_edition", "published", "published_file", "published_reports",
]
