from django.core.management.base import BaseCommand, CommandError

from beacon.performance.management.commands._common import require_prepared_database
from beacon.reports.report_settings import SettingsError, seed_report_settings


class Command(BaseCommand):
    help = (
        "Load report settings (cover header From/To/Date/Decision No/Subject/Classification/pathways/"
        "Electoral Division, contacts, title-page producer) for one or more periods from a JSON file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON file: an object or a list of objects with a period (docs/documents.md)")

    def handle(self, file, **options):
        require_prepared_database()
        try:
            periods = seed_report_settings(file)
        except (OSError, ValueError, SettingsError) as exc:
            raise CommandError(f"{file}: {exc}") from None
        self.stdout.write(f"Report settings loaded for {', '.join(periods)}")
