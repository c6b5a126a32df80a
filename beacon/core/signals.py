"""Signals other layers listen to, sent by the code that changes council data.

``results_changed``: KPI or activity results may have changed (new or changed observations, or
targets). Sent AFTER the transaction that made the change commits (``transaction.on_commit``),
with ``sender`` a string saying where (``"bundle import"``, ``"return approval"``) and
``kpi_codes``: the codes of the KPIs and activity indicators whose data changed, or None when
it may be any of them. :func:`results_changed_after_commit` is the one way to send it.

The reports layer listens (``beacon.reports.apps``): it evaluates the key risk indicators'
trigger rules (``beacon.reports.risk_indicators``).
"""

from __future__ import annotations

from collections.abc import Iterable

import logging

import django.dispatch
from django.db import transaction

results_changed = django.dispatch.Signal()
log = logging.getLogger(__name__)


def results_changed_after_commit(sender: str, kpi_codes: Iterable[str] | None = None) -> None:
    """Send :data:`results_changed` once the current transaction commits (at once outside one);
    nothing is sent when it rolls back (a dry run, a refused import). A receiver that fails is logged,
    never raised: the change it follows is already committed."""
    codes = None if kpi_codes is None else sorted(set(kpi_codes))

    def send() -> None:
        # the change is committed whatever a receiver does: a receiver that fails is logged (the
        # daily reminder run evaluates the trigger rules again), never reported as a failed import
        for receiver, outcome in results_changed.send_robust(sender=sender, kpi_codes=codes):
            if isinstance(outcome, Exception):
                log.error("results_changed receiver %r failed: %s", receiver, outcome, exc_info=outcome)

    transaction.on_commit(send)
