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
from beacon.reports.publish import (
    PublishError, check_publishable, current_edition, diff, edition_differences, failed_checks, frozen_edition,
    publish,
)


def published_reports():
    """The current edition of each published quarter, newest quarter first (a corrected
    edition replaces the one it corrects)."""
    return (PublishedReport.objects.filter(corrected_by__isnull=True).order_by("-period")
            .select_related("corrects").prefetch_related("files"))


def published_editions():
    """Every published edition, the superseded ones too: newest quarter first, then newest edition."""
    return PublishedReport.objects.order_by("-period", "-edition").select_related("corrects")


def published(q: Quarter) -> PublishedReport | None:
    """The quarter's current edition."""
    return current_edition(q)


def edition(q: Quarter, number: int) -> PublishedReport | None:
    return PublishedReport.objects.filter(period=q.label, edition=number).select_related("corrects").first()


def editions_of(q: Quarter) -> list[PublishedReport]:
    return list(PublishedReport.objects.filter(period=q.label).order_by("edition"))


def published_file(q: Quarter, fmt: str, number: int | None = None) -> tuple[bytes, str] | None:
    """The bytes and file name of a format of the quarter's current edition (``number``: of that
    edition), as stored when it was published. A format added since (an edition published
    before the open data CSV existed) is rendered from the edition's frozen snapshot, never from
    the live data, so it too is the same on every download."""
    row = published(q) if number is None else edition(q, number)
    if row is None:
        return None
    stored = PublishedFile.objects.filter(report=row, format=fmt).first()
    if stored is not None:
        return bytes(stored.content), stored.name
    output = QPR.get(fmt)
    if output is None:
        return None
    stem = f"qpr-{q.slug}" + (f"-edition-{row.edition}" if row.edition > 1 else "")
    return output.render(frozen_edition(row)), output.filename(stem)


def correction_preview(q: Quarter) -> list[str]:
    """What a corrected edition published now would change from the current edition, in plain
    words (nothing stored)."""
    row = published(q)
    if row is None:
        return []
    live = documents.edition_inputs(q)
    return edition_differences(row, live.model, live.settings, live.overrides)


def publish_correction(q: Quarter, user: str, reason: str, allow: dict[str, str], seen: list[str] | None = None):
    """Publish a corrected edition now, in this process (the pages start :func:`start_correction`)."""
    return publish(q, user, allow, correction=reason, seen_differences=seen)


def start_correction(q: Quarter, user: str, reason: str, allow: dict[str, str], seen: list[str] | None = None):
    """Refuse now what can be known without rendering (:class:`PublishError`), then start
    publishing the corrected edition in the background; returns the job
    (:class:`beacon.core.jobs.JobView`)."""
    check_publishable(q, allow, correction=reason, seen_differences=seen)
    return _start(q, user, allow, correction=reason, seen=seen)


def _start(q: Quarter, user: str, allow: dict[str, str], correction: str | None = None, seen: list[str] | None = None):
    from beacon.core import jobs
    from beacon.reports.jobs import PUBLISH_QPR, publish_key

    return jobs.start(PUBLISH_QPR, by=user, key=publish_key(q.label), period=q.label, user=user, allow=dict(allow),
                      correction=correction, seen=list(seen) if seen is not None else None)


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
    """Publish the edition now, in this process (the pages start :func:`start_publication`)."""
    return publish(q, user, allow)


def start_publication(q: Quarter, user: str, allow: dict[str, str]):
    """Refuse now what can be known without rendering (:class:`PublishError`: the failed checks
    not accepted, a reason missing, the quarter already published), then start publishing the
    edition in the background; returns the job (:class:`beacon.core.jobs.JobView`)."""
    check_publishable(q, allow)
    return _start(q, user, allow)


def changes_since_publication(q: Quarter) -> dict:
    return diff(q)


def compare_published(a: PublishedReport, b: PublishedReport) -> dict:
    """Two published editions side by side, from their frozen models (``frozen_model``, read back
    by ``beacon.reports.publish.read_snapshot``): the totals and, for each KPI in either, its
    value, RAG and DoT in each and whether they differ; and the differences in the plain words
    a corrected edition lists (:func:`beacon.domain.qpr_editions.differences`)."""
    from beacon.domain.qpr_editions import differences

    ma, mb = a.frozen_model, b.frozen_model
    ka, kb = ma.kpi_by_code, mb.kpi_by_code
    rows = []
    for code in list(ka) + [c for c in kb if c not in ka]:
        x, y = ka.get(code), kb.get(code)
        changed = (x and x.rag) != (y and y.rag) or (x and x.dot) != (y and y.dot)
        rows.append({"code": code, "name": (y or x).short_name, "a": x, "b": y, "changed": changed})
    from beacon.reports.dashboards import COUNT_COLUMNS

    # every count column (Not rated and Not available included), so each report's rows add up
    totals = [{"key": c.key, "label": f"{c.symbol} {c.label}".strip(), "a": getattr(ma.totals, c.key),
               "b": getattr(mb.totals, c.key)} for c in COUNT_COLUMNS]
    return {"a": a, "b": b, "totals": totals, "rows": rows, "changed": sum(1 for r in rows if r["changed"]),
            "differences": [d.sentence for d in differences(ma, mb)]}


__all__ = [
    "compare_published",
    "QPR", "REGISTER", "register_draft_file", "register_edition_file", "PublishError", "changes_since_publication", "draft_checks", "failed_checks", "preview",
    "publish_edition", "published", "published_file", "published_reports", "published_editions", "edition",
    "editions_of", "correction_preview", "publish_correction", "start_publication", "start_correction",
]
