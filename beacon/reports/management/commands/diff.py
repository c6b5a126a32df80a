
from django.core.management.base import BaseCommand, CommandError

from beacon.performance.management.commands._common import require_prepared_database, period_option
from beacon.reports.publish import PublishError, diff


class Command(BaseCommand):
    help = (
        "List what changed in the data of a published period since it was published, and which "
        "figures of the edition would differ if it were computed today. The published edition itself "
        "never changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help='the report quarter, e.g. "2022/23 Q2"')
        parser.add_argument("--json", action="store_true", help="print the changes as JSON")

    def handle(self, period, json=False, **options):
        require_prepared_database()
        quarter = period_option(period)
        try:
            result = diff(quarter)
        except PublishError as exc:
            raise CommandError(str(exc)) from None
        if json:
            self.stdout.write(_as_json(result))
            return
        self.stdout.write(
            f"{result['period']} was published by {result['published_by']} at {result['published_at']:%Y-%m-%d %H:%M %Z}."
        )
        if result["data_unchanged"]:
            self.stdout.write("The data is unchanged since publication.")
            return
        self.stdout.write(f"Data changes since publication ({len(result['data_changes'])}):")
        for c in result["data_changes"]:
            self.stdout.write(f"  {c.line()}")
        if result["result_changes"]:
            self.stdout.write(f"Figures that would differ if computed today ({len(result['result_changes'])}):")
            for c in result["result_changes"]:
                self.stdout.write(f"  {c.line()}")
        else:
            self.stdout.write("No figure of the edition would differ.")
        self.stdout.write(
            "The published edition is unchanged: `beacon report` returns the files stored at publication "
            "(--live for today's data)."
        )


def _as_json(result) -> str:
    from beacon.core import jsonio

    def conv(c):
        return {"area": c.area, "key": c.key, "kind": c.kind, "fields": {k: list(v) for k, v in c.fields.items()}}

    return jsonio.dumps(
        {
            "period": result["period"],
            "published_at": result["published_at"].isoformat(),
            "published_by": result["published_by"],
            "data_unchanged": result["data_unchanged"],
            "data_changes": [conv(c) for c in result["data_changes"]],
            "result_changes": [conv(c) for c in result["result_changes"]],
        },
        indent=2,
    )
