import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from beacon.domain.rules import RuleSetError, get_rule_set, setting_from_text
from beacon.performance.management.commands._common import require_prepared_database, period_option
from beacon.reports.formats import QPR
from beacon.reports.qpr import build_qpr


def parse_overrides(items: list[str]) -> dict:
    """``dot.alpha=0.1`` -> {"dot": {"alpha": 0.1}}: each value typed as its setting expects
    (``rag.wording=2016`` stays the text "2016"); the rule set checks the values."""
    out: dict = {}
    for item in items:
        if "=" not in item or "." not in item.split("=", 1)[0]:
            raise CommandError(f"--set {item!r}: write it as section.key=value, e.g. dot.alpha=0.1")
        key, value = item.split("=", 1)
        section, name = (part.strip() for part in key.split(".", 1))
        try:
            out.setdefault(section, {})[name] = setting_from_text(section, name, value)
        except RuleSetError as exc:
            raise CommandError(f"--set {item!r}: {exc}") from None
    return out


class Command(BaseCommand):
    help = (
        "Compute the Quarterly Performance Report for a period and write it. "
        "--format json prints the computed model (schema: docs/report-model.md); html, pdf and docx "
        "write the cover report and the QPR appendix as one document (docs/documents.md). A published "
        "period renders from its frozen snapshot unless --live is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help='the report quarter, e.g. "2022/23 Q2" or 2022-23-Q2')
        parser.add_argument("--format", default="json", choices=QPR.names,
                            help=f"output format: {QPR.choices_text()} (default json)")
        parser.add_argument("--out", help="file to write (default: standard output)")
        parser.add_argument("--rule-set", default="2022", help="rule set: 2022 (default) or 2016")
        parser.add_argument("--live", action="store_true",
                            help="render a published period from the current data instead of its frozen snapshot")
        parser.add_argument(
            "--set", action="append", default=[], metavar="SECTION.KEY=VALUE",
            help="override one rule setting, e.g. --set dot.method=previous_period (repeatable)",
        )

    def handle(self, period, format, out=None, rule_set="2022", set=(), live=False, **options):
        require_prepared_database()
        quarter = period_option(period)
        try:
            rules = get_rule_set(rule_set, parse_overrides(list(set)))
        except (RuleSetError, KeyError) as exc:
            raise CommandError(f"rule set: {exc}") from None
        from beacon.reports import documents

        edition = None if (live or set or rule_set != "2022") else documents.published_edition(quarter.label)
        if edition is None:
            model = build_qpr(quarter, rules)
            edition = documents.Edition(
                model, documents.settings_dict(quarter.label), documents.overrides_dict(quarter.label)
            )
        if not edition.model.kpis:
            raise CommandError(f"no KPIs for {quarter.label}: import targets or values for that period first")
        fmt = QPR[format]
        if fmt.binary and not out:
            raise CommandError(f"--format {fmt.name} writes a binary file: give --out FILE")
        # a published edition: the file stored at publication, byte for byte
        stored = documents.published_file(quarter.label, fmt.name) if edition.published else None
        data = stored if stored is not None else fmt.render(edition)
        if not out:
            sys.stdout.write(data.decode("utf-8"))
            return
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_bytes(data)
        self.stdout.write(f"Wrote {out}")
