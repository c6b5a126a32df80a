"""Shared by Beacon's management commands."""

from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def require_prepared_database() -> None:
    """Stop with a clear message when the database has not been prepared (`beacon migrate`)."""
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # cannot connect at all
        raise CommandError(f"cannot open the database ({exc}). Check BEACON_DATABASE_URL.") from None
    if pending:
        raise CommandError(
            f"the database is not prepared ({len(pending)} migrations to apply). Run: beacon migrate"
        )


def period_option(text: str):
    """The ``--period`` of a command as a Quarter, or a CommandError saying what is wrong."""
    from beacon.domain.periods import PeriodError, Quarter

    try:
        return Quarter.parse(text)
    except PeriodError as exc:
        raise CommandError(f"--period: {exc}") from None
