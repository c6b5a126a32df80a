import datetime as dt
import getpass
import re
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from beacon.performance.management.commands._common import require_prepared_database
from beacon.reports.formats import REGISTER
from beacon.risk.editions import EditionError


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
        "freezes the edition; later runs read it back unchanged. --format json prints the model "
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
        parser.add_argument("--check", action="store_true",
                            help="instead of the document, list the edition's data-quality flags and every difference "
                                 "from the summary printed in it (published_risks.csv rows of this body and date)")

    def handle(self, body, date, baseline=None, format="json", out=None, draft=False, check=False, cover=False,
               cover_settings=None, **options):
        require_prepared_database()
        from beacon.reports.register import build_register_model, edition_for

        day = parse_day(date, "--date")
        base = parse_day(baseline, "--baseline", month_allowed=True) if baseline else None
        try:
            content, edition = edition_for(body, day, baseline=base, draft=draft, by=getpass.getuser())
        except EditionError as exc:
            raise CommandError(str(exc)) from None
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
        data = fmt.render(model)
        if not out:
            sys.stdout.write(data.decode("utf-8"))
            return
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_bytes(data)
        self.stdout.write(f"Wrote {out}")

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
