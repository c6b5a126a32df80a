from django.core.management.base import BaseCommand, CommandError

from beacon.performance.management.commands._common import require_prepared_database
from beacon.reports.report_settings import SettingsError, seed_report_settings


class Command(BaseCommand):
    help = (
        "Load report settings (cover header From/To/Date/Decision No/Subject/Classification/pathways/"
        "Electoral Division, contacts, title-page producer) for one or more periods from a JSON file. "
        "Each changed field is recorded with its history (who, when, why); loading the same file again "
        "changes nothing. The lead can also edit them on the report's settings page."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON file: an object or a list of objects with a period (docs/documents.md)")
        parser.add_argument("--user", default=None, help="who is loading them (recorded with every change; default: your login)")
        parser.add_argument("--reason", default="", help="why (recorded with every change)")

    def handle(self, file, user=None, reason="", **options):
        require_prepared_database()
        try:
            periods = seed_report_settings(file, by=user, reason=reason or "")
        except (OSError, ValueError, SettingsError) as exc:
            raise CommandError(f"{file}: {exc}") from None
        self.stdout.write(f"Report settings loaded for {', '.join(periods)}")
