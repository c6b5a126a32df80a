import getpass

from django.core.management.base import BaseCommand, CommandError

from beacon.performance.management.commands._common import require_prepared_database, period_option
from beacon.core import clock


class Command(BaseCommand):
    help = (
        "List the generated sentences of a period's report with their keys, or override one for that "
        "period (kept with the period, frozen when it is published): "
        'beacon narrative --period P --set KEY --text "..." --reason "..."; --clear KEY removes an override.'
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True)
        parser.add_argument("--set", dest="key", help="the sentence key to override, e.g. cover.2.2.green")
        parser.add_argument("--text", help="the replacement sentence")
        parser.add_argument("--reason", default="", help="why (recorded)")
        parser.add_argument("--clear", help="remove the override of this key")
        parser.add_argument("--user", default=None)

    def handle(self, period, key=None, text=None, reason="", clear=None, user=None, **options):
        require_prepared_database()
        from beacon.reports import documents
        from beacon.reports.models import NarrativeOverride, PublishedReport

        quarter = period_option(period)
        edition = documents.edition_inputs(quarter)
        ctx = documents.build_context(edition.model, edition.settings, edition.overrides)
        generated = ctx["generated"]
        if (key or clear) and PublishedReport.objects.filter(period=quarter.label).exists():
            raise CommandError(f"{quarter.label} is published: its narrative is frozen")
        if clear:
            deleted, _ = NarrativeOverride.objects.filter(period=quarter.label, key=clear).delete()
            self.stdout.write(f"Removed the override of {clear}" if deleted else f"No override of {clear}")
            return
        if key:
            if key not in generated:
                raise CommandError(f"no generated sentence {key!r} in {quarter.label}; run without --set to list them")
            if not text or not text.strip():
                raise CommandError("--set needs --text")
            NarrativeOverride.objects.update_or_create(
                period=quarter.label, key=key,
                defaults={"text": text.strip(), "generated": generated[key], "author": user or getpass.getuser(),
                          "reason": reason, "created_at": clock.now()},
            )
            self.stdout.write(f"Override of {key} kept for {quarter.label}.")
            return
        for k, sentence in generated.items():
            mark = " [overridden]" if k in edition.overrides else ""
            self.stdout.write(f"{k}{mark}: {edition.overrides.get(k, sentence)}")
