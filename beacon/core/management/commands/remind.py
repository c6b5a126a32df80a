"""``beacon remind``: send today's reminders and digests now (docs/notifications.md)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from beacon.core import clock, jobs, notifications
from beacon.core.progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Send the reminders due today (returns due, late and sent back; approvals waiting; risk actions and "
        "reviews due or overdue; papers due for a meeting's dispatch; risks flagged) as notifications, the "
        "e-mails of people who want each at once, and the daily digests. Nobody is told twice about one "
        "event, and nobody gets two digests on one day, however often it runs. The job workers run it "
        "every day after BEACON_REMINDERS_AT (07:00) on their own; this runs it now, as the job "
        "send-reminders, recorded in beacon jobs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", metavar="YYYY-MM-DD",
                            help="the day to remind for (default today, in the council's time zone)")
        parser.add_argument("--by", default="beacon remind", help="who runs it, as the job list records it")

    def handle(self, date=None, by="beacon remind", verbosity=1, **options):
        if date:
            try:
                day = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"--date: {date!r} is not a date (YYYY-MM-DD)") from None
        else:
            day = clock.today()
        bar = ProgressBar(self.stderr).update if verbosity >= 1 else None
        try:
            result = jobs.run_inline(notifications.SEND_REMINDERS, by=by, on_progress=bar, date=day.isoformat())
        except jobs.JobFailed as exc:
            raise CommandError(f"the reminders were not all sent: {exc}") from None
        self.stdout.write(result.message)
