from django.core.management.base import BaseCommand, CommandError

from beacon.bundle.errors import BundleErrors
from beacon.bundle.importer import import_bundle

from ._common import require_prepared_database


class Command(BaseCommand):
    help = (
        "Import a data bundle: a folder of CSV files or an .xlsx workbook (see docs/import-format.md). "
        "All or nothing: if any row is invalid, every bad row is listed as file:line: column: reason "
        "and nothing is written. Re-importing the same bundle changes nothing; a changed value is "
        "recorded as a revision."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="bundle folder or .xlsx workbook")
        parser.add_argument("--user", help="who is importing (recorded with every revision; default: your login)")
        parser.add_argument("--reason", default="", help="why; required to change data marked final")

    def handle(self, path, user=None, reason="", **options):
        require_prepared_database()
        try:
            result = import_bundle(path, user=user, reason=reason)
        except BundleErrors as exc:
            self.stderr.write(exc.report())
            raise CommandError("import failed; nothing was written") from None
        self.stdout.write(result.report())
