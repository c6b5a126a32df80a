from django.core.management.base import BaseCommand, CommandError

from beacon.bundle.importer import export_bundle

from ._common import require_prepared_database
from beacon.domain.wording import counted


class Command(BaseCommand):
    help = (
        "Export everything as a data bundle that re-imports unchanged: a folder of CSV files, "
        "or one workbook when PATH ends in .xlsx."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="folder to write CSV files into, or a .xlsx file")

    def handle(self, path, **options):
        require_prepared_database()
        try:
            written = export_bundle(path)
        except ValueError as exc:  # e.g. a table name too long for a workbook sheet name
            raise CommandError(f"cannot export to {path}: {exc}") from None
        self.stdout.write(f"Exported {counted(len(written), 'file')} to {path}")
