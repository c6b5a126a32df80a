"""``beacon cycle_rules [FILE]``: load the cycle's rules (where each artefact travels, spec §11)."""

import getpass

from django.core.management.base import BaseCommand, CommandError

from beacon.governance.commands import GovernanceError
from beacon.governance.cycle import DEFAULT_RULES, load_rules


class Command(BaseCommand):
    help = ("Load the cycle's rules from a JSON file (default: Beacon's, beacon/demo/cycle-rules.json): where the "
            "quarterly and year-end QPR, the refreshed register and the directorate editions travel, by body code, "
            "with the days before each meeting its agenda is dispatched. All or nothing; each change is recorded "
            "with its history, and loading the same file again changes nothing.")

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT_RULES), help="the rules file (JSON)")
        parser.add_argument("--user", default=None, help="who is loading them (default: your login)")

    def handle(self, file, user=None, **options):
        try:
            rules = load_rules(file, by=user or getpass.getuser())
        except (OSError, ValueError) as exc:
            raise CommandError(f"{file}: {exc}") from None
        except GovernanceError as exc:
            raise CommandError("; ".join([exc.message, *exc.field_errors.values()])) from None
        self.stdout.write(f"{len(rules)} cycle rule{'s' if len(rules) != 1 else ''} loaded from {file}")
