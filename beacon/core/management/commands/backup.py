"""``beacon backup``: the whole database in one archive (docs/backup.md)."""

from django.core.management.base import BaseCommand, CommandError

from beacon.core.backup import KINDS, BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the whole database (users, returns, published reports and register editions with their "
        "files, the history) into one .tar.gz with a manifest and checksums: SQLite's online backup, or "
        "pg_dump for PostgreSQL. PATH is a new file, or a folder for a dated name (default var/backups). "
        "Restore it with beacon restore."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="the new archive (.tar.gz), or a folder to write it into")

    def handle(self, path=None, **options):
        try:
            result = backup(path, progress=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        manifest = result.manifest
        self.stdout.write(f"Backed up the {KINDS[result.kind]} database to {result.path}")
        self.stdout.write(f"  {manifest.summary()}")
        self.stdout.write(f"  {len(manifest.tables)} tables, {manifest.rows:,} rows; {len(result.migrations)} "
                          f"migrations applied; Beacon {result.beacon_version}")
        self.stdout.write(f"  {result.size:,} bytes, SHA-256 {result.sha256}")
