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


__all__ = [
    "CONTENT_TYPES", "PublishError", "changes_since_publication", "draft_checks", "failed_checks", "preview",
    "publish_edition", "published", "published_file", "published_reports",
]
