from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from beacon.bundle.importer import import_bundle
from beacon.demo import DEMO_BUNDLE, DEMO_PERIOD
from beacon.reports.formats import QPR
from beacon.reports.report_settings import DEMO_REPORT_SETTINGS, seed_report_settings


class Command(BaseCommand):
    help = (
        "Set up the demo on the configured database: prepare it (migrate), import the demo bundle "
        "(Kent County Council, 2022/23 Q2) and the risk register bundles, and write the demo reports "
        "(the QPR and the register editions) to the output folder; publish the QPR, import the governance "
        "bundle (Cabinet, 5 January 2023) and the cycle's rules, and dispatch and write that meeting's agenda pack."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", default=None, help="output folder (default: out/ in the checkout)")

    def handle(self, out=None, **options):
        call_command("migrate", verbosity=0)
        self.stdout.write("Database prepared.")
        result = import_bundle(DEMO_BUNDLE, user="demo")
        self.stdout.write(result.report())
        out_dir = Path(out) if out else Path(settings.BEACON_OUTPUT_DIR)
        # The risk registers first: the QPR ends with the register overview (November 2022).
        from beacon.reports.register.demo import write_register_demo

        registers = write_register_demo(out_dir, log=self.stdout.write)
        # the key risk indicators name the KPIs and the risks: imported once both are in
        from beacon.demo import DEMO_KRI_BUNDLE

        self.stdout.write(import_bundle(DEMO_KRI_BUNDLE, user="demo").report())
        folder = out_dir / DEMO_PERIOD.replace("/", "-").replace(" ", "-")
        folder.mkdir(parents=True, exist_ok=True)
        seed_report_settings(DEMO_REPORT_SETTINGS, by="demo")
        written = []
        for fmt in QPR:
            target = folder / fmt.filename("qpr")
            call_command("report", period=DEMO_PERIOD, format=fmt.name, out=str(target), stdout=self.stdout)
            written.append(target)
        self.stdout.write(f"\nDemo reports for {DEMO_PERIOD} are in {folder.resolve()}:")
        for target in written:
            self.stdout.write(f"  {target.resolve()}")
        self.stdout.write("\nDemo Corporate Risk Register editions (Cabinet 05/01/2023, CYPE Cabinet Committee 08/03/2023):")
        for target in registers:
            self.stdout.write(f"  {target.resolve()}")
        pack_files = self._governance(out_dir)
        self.stdout.write("\nDemo agenda pack (Cabinet, 5 January 2023):")
        for target in pack_files:
            self.stdout.write(f"  {target.resolve()}")
        self.stdout.write("")
        call_command("demo_users", stdout=self.stdout)
        self.stdout.write("Run `beacon serve` and sign in at http://127.0.0.1:8000/")

    def _governance(self, out_dir: Path) -> list[Path]:
        """Publish the QPR (the pack carries a published edition), import the governance bundle and
        the cycle's rules, dispatch the 5 January 2023 Cabinet pack and write it. A pack already
        dispatched is frozen: it is written as stored, and its meeting's records are not imported
        again (the dispatch recorded the pages it computed on the agenda)."""
        from beacon.demo import DEMO_GOVERNANCE_BUNDLE, DEMO_MEETING, DEMO_PUBLISH_ACCEPTED
        from beacon.domain.periods import Quarter
        from beacon.governance import cycle
        from beacon.governance.models import Meeting, Pack
        from beacon.reports import packs
        from beacon.reports.publish import current_edition, publish

        period = Quarter.parse(DEMO_PERIOD)
        if current_edition(period) is None:
            publish(period, "demo", DEMO_PUBLISH_ACCEPTED)
            self.stdout.write(f"Published the {DEMO_PERIOD} QPR (accepted check: "
                              + "; ".join(f"{k} {v}" for k, v in DEMO_PUBLISH_ACCEPTED.items()) + ").")
        if not Pack.objects.filter(meeting__key=DEMO_MEETING).exists():
            self.stdout.write(import_bundle(DEMO_GOVERNANCE_BUNDLE, user="demo").report())
        cycle.load_rules(by="demo")
        meeting = Meeting.objects.get(key=DEMO_MEETING)
        if not Pack.objects.filter(meeting=meeting).exists():
            packs.dispatch(packs.DispatchPack(DEMO_MEETING, by="demo"))
        folder = out_dir / "meetings" / DEMO_MEETING
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for pack in Pack.objects.filter(meeting=meeting).order_by("audience", "version"):
            stem = f"pack-v{pack.version}-{pack.audience}"
            (folder / f"{stem}.pdf").write_bytes(bytes(pack.pdf))
            (folder / f"{stem}.html").write_text(pack.html, encoding="utf-8")
            written += [folder / f"{stem}.pdf", folder / f"{stem}.html"]
        return written
