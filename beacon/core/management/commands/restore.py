"""``beacon restore``: a backup into an empty database (docs/backup.md)."""

from django.core.management.base import BaseCommand, CommandError

from beacon.core.backup import KINDS, BackupError, check_backup, restore


class Command(BaseCommand):
    help = (
        "Restore a backup written by beacon backup into the database (BEACON_DATABASE_URL), which must be of "
        "the same kind and hold no data (a new database, or one only prepared by beacon migrate). Checks the "
        "checksums and the schema version first; afterwards counts every table's rows against the backup. "
        "Stop the web application first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the backup (.tar.gz)")
        parser.add_argument("--force", action="store_true",
                            help="replace a database that already holds data (all of it is lost)")
        parser.add_argument("--check", action="store_true",
                            help="read the backup through and check it; restore nothing")

    def handle(self, archive, force=False, check=False, **options):
        try:
            if check:
                manifest = check_backup(archive)
                self.stdout.write(f"{archive}: a {KINDS[manifest.kind]} backup of "
                                  f"{manifest.created_at:%d/%m/%Y %H:%M} UTC (Beacon {manifest.beacon_version}); "
                                  f"checksums match")
                self.stdout.write(f"  {manifest.summary()}")
                self.stdout.write(f"  {len(manifest.tables)} tables, {manifest.rows:,} rows; "
                                  f"{len(manifest.migrations)} migrations applied")
                return
            result = restore(archive, force=force, progress=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        manifest = result.manifest
        if result.replaced:
            self.stdout.write(f"Replaced {sum(n for _, n in result.replaced):,} rows in {len(result.replaced)} tables")
        self.stdout.write(f"Restored {manifest.rows:,} rows in {len(manifest.tables)} tables; every table's rows "
                          f"counted and matching the backup")
        self.stdout.write(f"  {manifest.summary()}")
        if result.to_migrate:
            self.stdout.write(f"The backup is from an earlier version of Beacon: {len(result.to_migrate)} migrations "
                              f"to apply. Run: beacon migrate")
