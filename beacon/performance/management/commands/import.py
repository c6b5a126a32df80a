from django.core.management.base import BaseCommand, CommandError

from beacon.bundle.errors import BundleErrors
from beacon.bundle.importer import import_bundle
from beacon.core.progress import ProgressBar

from ._common import require_prepared_database


class Command(BaseCommand):
    help = (
        "Import a data bundle: a folder of CSV files or an .xlsx workbook (see docs/import-format.md). "
        "All or nothing: if any row is invalid, every bad row is listed as file:line: column: reason "
        "and nothing is written. Re-importing the same bundle changes nothing; a changed value is "
        "recorded as a revision. On a terminal a progress bar shows each step (--no-progress hides it; "
        "--progress prints one line per step to a log)."
    )

    # Django's system checks (models, URLs, templates: about a second) have nothing to say about a
    # bundle; `beacon check`, `beacon serve` and the tests run them. The database must be migrated
    # (require_prepared_database), and every row is checked by the importer itself.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path", help="bundle folder or .xlsx workbook")
        parser.add_argument("--user", help="who is importing (recorded with every revision; default: your login)")
        parser.add_argument("--reason", default="", help="why; required to change data marked final")
        parser.add_argument("--progress", action="store_true", default=None,
                            help="show each step on standard error (default: only on a terminal)")
        parser.add_argument("--no-progress", action="store_false", dest="progress", help="never show progress")

    def handle(self, path, user=None, reason="", progress=None, **options):
        require_prepared_database()
        bar = ProgressBar(self.stderr)
        show = bar.tty if progress is None else progress
        try:
            result = import_bundle(path, user=user, reason=reason, progress=bar if show else None)
        except BaseException as exc:
            if show:
                bar.finish("Stopped: nothing was written", complete=False)
            if isinstance(exc, BundleErrors):
                self.stderr.write(exc.report())
                raise CommandError("import failed; nothing was written") from None
            raise
        if show:
            bar.finish("Imported")
        self.stdout.write(result.report())
