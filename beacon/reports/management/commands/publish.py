import getpass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from beacon.performance.management.commands._common import require_prepared_database, period_option
from beacon.reports.lint import LINT_CHECK_ID
from beacon.core import jobs
from beacon.core.progress import ProgressBar
from beacon.reports.jobs import PUBLISH_QPR
from beacon.reports.publish import current_edition, published_result
from beacon.reports.qpr import RECONCILIATION_CHECK_ID
from beacon.domain.wording import counted


class Command(BaseCommand):
    help = (
        "Publish (freeze) the Quarterly Performance Report of a period: the data used, the computed "
        "figures, the rendered JSON/HTML/PDF/Word files with SHA-256 checksums, who and when. Refuses "
        "while a consistency check fails, naming each failure; accept a failed check explicitly with "
        '--allow-failed-check ID --reason "why" (recorded with the edition and printed in it). Lint '
        "findings on authored commentary (spec 6.2) are listed too and need sign-off: --accept-lint "
        '--reason "why". A computed rating or count that differs from the one the council published '
        "(published.csv, published_counts.csv and its TOTAL row: the reconciliation, spec 6.3) fails "
        'check 6.3 and blocks too: accept it with --accept-reconciliation --reason "why".'
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help='the report quarter, e.g. "2022/23 Q2"')
        parser.add_argument("--allow-failed-check", action="append", default=[], metavar="ID",
                            help="publish although this check fails, e.g. 6.1.9 (repeatable; needs --reason)")
        parser.add_argument("--accept-lint", action="store_true",
                            help="publish although the authored commentary has lint findings (spec 6.2; needs --reason)")
        parser.add_argument("--accept-reconciliation", action="store_true",
                            help="publish although computed ratings or counts differ from those the council published "
                                 "(check 6.3, the same as --allow-failed-check 6.3; needs --reason)")
        parser.add_argument("--reason", default="",
                            help="why the failed check(s), lint findings or published differences are accepted (recorded)")
        parser.add_argument("--user", default=None, help="who publishes (default: the login name)")
        parser.add_argument("--out", default=None, help="also write the published files to this folder")

    def handle(self, period, allow_failed_check=(), reason="", user=None, out=None, accept_lint=False,
               accept_reconciliation=False, **options):
        require_prepared_database()
        quarter = period_option(period)
        if allow_failed_check and not reason.strip():
            raise CommandError("--allow-failed-check needs --reason: say why the failure is accepted")
        if accept_lint and not reason.strip():
            raise CommandError("--accept-lint needs --reason: say why the lint findings are accepted")
        if accept_reconciliation and not reason.strip():
            raise CommandError("--accept-reconciliation needs --reason: say why the published figures may differ")
        allow = {check: reason for check in allow_failed_check}
        if accept_lint:
            allow[LINT_CHECK_ID] = reason
        if accept_reconciliation:
            allow[RECONCILIATION_CHECK_ID] = reason
        by = user or getpass.getuser()
        try:  # a background job run here and now: recorded, with a progress bar on standard error
            jobs.run_inline(PUBLISH_QPR, by=by, on_progress=ProgressBar(self.stderr).update, period=quarter.label,
                            user=by, allow=allow)
        except jobs.JobFailed as exc:
            message, *failures = exc.view.error.splitlines() or ["the QPR was not published"]
            lines = [message] + [f"  - {f}" for f in failures]
            if any(not f.startswith((f"{LINT_CHECK_ID} ", f"{RECONCILIATION_CHECK_ID} ")) for f in failures):
                lines.append("Fix the data, or accept a check with --allow-failed-check ID --reason \"...\".")
            if any(f.startswith(f"{RECONCILIATION_CHECK_ID} ") for f in failures):
                lines.append("Correct the data or the published figures, or accept the differences with "
                             "--accept-reconciliation --reason \"...\".")
            if any(f.startswith(f"{LINT_CHECK_ID} ") for f in failures):
                lines.append("Correct the commentary, or sign off the lint findings with --accept-lint --reason \"...\".")
            raise CommandError("\n".join(lines)) from None
        result = published_result(current_edition(quarter))
        self.stdout.write(f"Published {result.period} by {result.published_by} at {result.published_at}")
        for c in result.overridden:
            if c["id"] == LINT_CHECK_ID:
                self.stdout.write(f"  accepted {counted(len(c['failures']), 'lint finding')} ({c['name']}): {c['reason']}")
            else:
                self.stdout.write(f"  accepted failed check {c['id']} ({c['name']}): {c['reason']}")
        from beacon.reports.models import PublishedFile

        for f in result.files:
            self.stdout.write(f"  {f['name']}  {f['size']:>9} bytes  sha256 {f['sha256']}")
            if out:
                folder = Path(out)
                folder.mkdir(parents=True, exist_ok=True)
                row = PublishedFile.objects.get(report__period=result.period, format=f["format"])
                (folder / f["name"]).write_bytes(bytes(row.content))
        if out:
            self.stdout.write(f"Files written to {Path(out).resolve()}")
