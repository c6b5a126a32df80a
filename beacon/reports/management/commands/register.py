import datetime as dt
import getpass
import re
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from beacon.performance.management.commands._common import require_prepared_database
from beacon.reports.formats import REGISTER
from beacon.risk.editions import EditionError, localtime


def parse_day(text: str, option: str, month_allowed: bool = False) -> dt.date:
    raw = text.strip()
    if month_allowed and re.fullmatch(r"\d{4}-\d{2}", raw):
        raw += "-01"  # a month-only baseline is dated the first of that month (risk.md §5.2)
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        hint = "YYYY-MM-DD or YYYY-MM" if month_allowed else "YYYY-MM-DD"
        raise CommandError(f"{option} {text!r}: write the date as {hint}") from None


class Command(BaseCommand):
    help = (
        "Write the Corporate Risk Register as presented to a body on a date (an edition). The first run "
        "freezes the edition (a date before the register's data, after today or far from any data is refused "
        "until --confirm-date); later runs read the current edition back unchanged and say so. --supersede "
        "--reason freezes it again from today's data, keeping the old one marked superseded; --withdraw "
        "--reason marks a mistaken edition withdrawn (never deleted). --format json prints the model "
        "(schema: docs/register-model.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--body", required=True, help='"Cabinet", "Governance & Audit Committee" or e.g. "CYPE Cabinet Committee"')
        parser.add_argument("--date", required=True, help="the presentation date, YYYY-MM-DD")
        parser.add_argument("--baseline", help="direction of travel since this date (YYYY-MM-DD or YYYY-MM); "
                                               "default: the body's previous edition")
        parser.add_argument("--format", default="json", choices=REGISTER.names,
                            help=f"output format: {REGISTER.choices_text()} (default json)")
        parser.add_argument("--out", help="file to write (default: standard output; needed for pdf and docx)")
        parser.add_argument("--draft", action="store_true", help="compute from the current data without freezing an edition")
        parser.add_argument("--cover", action="store_true",
                            help="put the covering report for the annual refresh before the register (as its appendix 1)")
        parser.add_argument("--cover-settings", metavar="FILE.json",
                            help="header people and authored paragraphs of the covering report (keys: docs/register-model.md)")
        parser.add_argument("--confirm-date", action="store_true",
                            help="freeze the edition even though its date is before the register's data, after "
                                 "today or far from any data")
        parser.add_argument("--supersede", action="store_true",
                            help="freeze the current edition for this body and date again from today's data; the old "
                                 "one is kept, marked superseded (needs --reason)")
        parser.add_argument("--withdraw", action="store_true",
                            help="mark the edition withdrawn (needs --reason): it is kept and its documents say so; "
                                 "with --edition N, that edition (e.g. a superseded one)")
        parser.add_argument("--reason", help="why the edition is superseded or withdrawn")
        parser.add_argument("--edition", type=int, metavar="N",
                            help="with --withdraw: the edition's number (shown by the register pages and the JSON)")
        parser.add_argument("--check", action="store_true",
                            help="instead of the document, list the edition's data-quality flags and every difference "
                                 "from the summary printed in it (published_risks.csv rows of this body and date)")

    def handle(self, body, date, baseline=None, format="json", out=None, draft=False, check=False, cover=False,
               cover_settings=None, confirm_date=False, supersede=False, withdraw=False, reason=None, edition=None,
               **options):
        require_prepared_database()
        from beacon.reports.register import build_register_model, edition_for

        day = parse_day(date, "--date")
        base = parse_day(baseline, "--baseline", month_allowed=True) if baseline else None
        if supersede and withdraw:
            raise CommandError("give --supersede or --withdraw, not both")
        if (supersede or withdraw) and draft:
            raise CommandError("--draft stores nothing: it cannot supersede or withdraw an edition")
        if edition is not None and not withdraw:
            raise CommandError("--edition N goes with --withdraw")
        try:
            if withdraw:
                self._withdraw(body, day, edition, reason)
                return
            if supersede:
                content, stored = self._supersede(body, day, base, reason)
            else:
                from beacon.risk.editions import current_edition

                existing = None if draft else current_edition(body, day)
                content, stored = edition_for(body, day, baseline=base, draft=draft, by=getpass.getuser(),
                                              confirm_date=confirm_date)
                if existing is not None:
                    self.stderr.write(
                        f"The {stored.body} edition of {stored.date:%d/%m/%Y} (edition {stored.pk}) was frozen on "
                        f"{localtime(stored.created_at):%d/%m/%Y} by {stored.created_by}: written as frozen. To freeze it again "
                        f"from today's data: --supersede --reason TEXT.")
        except EditionError as exc:
            raise CommandError(str(exc)) from None
        edition = stored
        if check:
            self._check(content)
            return
        fmt = REGISTER[format]
        if fmt.binary and not out:
            raise CommandError(f"--format {fmt.name} writes a binary file: give --out FILE")
        covering = None
        if cover or cover_settings:
            from beacon.reports.register.cover import CoverSettingsError, build_cover, load_cover_settings

            try:
                covering = build_cover(content, load_cover_settings(cover_settings))
            except (CoverSettingsError, ValueError) as exc:
                raise CommandError(f"--cover-settings: {exc}") from None
        model = build_register_model(content, edition, covering)
        if not content.risks:
            self.stderr.write(f"warning: no active corporate risks are selected for {content.body}")
        if edition is not None and covering is None:  # a frozen edition's documents are stored once
            from beacon.reports.register.files import edition_file

            data = bytes(edition_file(edition, fmt).content)
        else:
            data = fmt.render(model)
        if not out:
            sys.stdout.write(data.decode("utf-8"))
            return
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_bytes(data)
        self.stdout.write(f"Wrote {out}")

    def _supersede(self, body, day, baseline, reason):
        from beacon.risk.editions import SupersedeEdition, current_edition, read_edition, supersede

        old = current_edition(body, day)
        if old is None:
            raise CommandError(f"there is no current edition for {body} on {day:%d/%m/%Y} to supersede")
        new = supersede(SupersedeEdition(old.pk, reason or "", getpass.getuser(), baseline))
        self.stderr.write(f"Edition {old.pk} is superseded by edition {new.pk}; edition {old.pk} is kept.")
        return read_edition(new), new

    def _withdraw(self, body, day, number, reason) -> None:
        from beacon.risk.editions import WithdrawEdition, current_edition, withdraw
        from beacon.risk.models import Edition

        if number is not None:
            target = Edition.objects.filter(pk=number, body=" ".join(body.split()), date=day).first()
            if target is None:
                raise CommandError(f"--edition {number}: no edition {number} for {body} on {day:%d/%m/%Y}")
        else:
            target = current_edition(body, day)
            if target is None:
                raise CommandError(f"there is no current edition for {body} on {day:%d/%m/%Y} to withdraw")
        done = withdraw(WithdrawEdition(target.pk, reason or "", getpass.getuser()))
        self.stdout.write(f"Withdrew edition {done.pk} ({done.body}, {done.date:%d/%m/%Y}): it is kept, marked withdrawn.")

    def _check(self, content) -> None:
        from beacon.risk.checks import edition_differences, printed_rows

        differences = edition_differences(content)
        _, own = printed_rows(content.body, content.date)
        lines = [f"Checks for the {content.body} edition of {content.date_printed} "
                 f"({content.direction_heading}):"]
        if not own:
            lines.append("  (no summary is recorded as printed in this edition: compared with the rows printed for no "
                         "particular edition, for this edition's risks)")
        lines.append(f"  {len(content.flags)} data-quality flags")
        lines += [f"    {f}" for f in content.flags]
        lines.append(f"  {len(differences)} differences from the summary as printed")
        lines += [f"    {d}" for d in differences]
        self.stdout.write("\n".join(lines))
