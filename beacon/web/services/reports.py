"""Building, previewing and publishing QPR editions, and reading published ones. The documents
and the publishing rules are beacon.reports'; this module only arranges them for the pages."""

from __future__ import annotations

from beacon.domain.periods import Quarter
from beacon.reports import documents
from beacon.reports.models import PublishedFile, PublishedReport
from beacon.reports.publish import PublishError, diff, failed_checks, publish

CONTENT_TYPES = {
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def published_reports():
    return PublishedReport.objects.order_by("-period").prefetch_related("files")


def published(q: Quarter) -> PublishedReport | None:
    return PublishedReport.objects.filter(period=q.label).first()


def published_file(q: Quarter, fmt: str) -> PublishedFile | None:
    return PublishedFile.objects.filter(report__period=q.label, format=fmt).first()


def draft_checks(q: Quarter) -> list[dict]:
    """The consistency checks of the edition as it would be published now."""
    from beacon.web.services.dashboards import qpr

    return qpr(q)["checks"]


def preview(q: Quarter, fmt: str) -> bytes:
    """The draft edition rendered from the live data (nothing stored)."""
    edition = documents.edition_inputs(q)
    if fmt == "json":
        import json

        return (json.dumps(edition.model, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return documents.render(edition, fmt)


def publish_edition(q: Quarter, user: str, allow: dict[str, str]):
    return publish(q, user, allow)


def changes_since_publication(q: Quarter) -> dict:
    return diff(q)


def compare_published(a: PublishedReport, b: PublishedReport) -> dict:
    """Two published editions side by side, from their frozen models: the totals and, for each
    KPI in either, its value, RAG and DoT in each and whether they differ."""
    ka = {k["code"]: k for k in a.model["kpis"]}
    kb = {k["code"]: k for k in b.model["kpis"]}
    rows = []
    for code in list(ka) + [c for c in kb if c not in ka]:
        x, y = ka.get(code), kb.get(code)
        changed = (x or {}).get("rag") != (y or {}).get("rag") or (x or {}).get("dot") != (y or {}).get("dot")
        rows.append({"code": code, "name": (y or x)["short_name"], "a": x, "b": y, "changed": changed})
    keys = ("green", "amber", "red", "improving", "stable", "worsening", "kpis")
    totals = [{"key": k, "a": a.model["totals"].get(k), "b": b.model["totals"].get(k)} for k in keys]
    return {"a": a, "b": b, "totals": totals, "rows": rows, "changed": sum(1 for r in rows if r["changed"])}


__all__ = [
    "compare_published",
    "CONTENT_TYPES", "PublishError", "changes_since_publication", "draft_checks", "failed_checks", "preview",
    "publish_edition", "published", "published_file", "published_reports",
]
