import dataclasses
import getpass
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from beacon.core import jobs
from beacon.core.progress import ProgressBar
from beacon.domain.governance import PackAudience
from beacon.reports.jobs import DISPATCH_PACK, RENDER_PACK
from beacon.reports.formats import PACK
from beacon.performance.management.commands._common import require_prepared_database


def _first_line(show):
    """The progress bar, ending on the first line of the job's result (its warnings are written
    after it, one a line)."""

    def update(view):
        if view.result is not None and "\n" in view.result.message:
            view = dataclasses.replace(view, result=dataclasses.replace(
                view.result, message=view.result.message.splitlines()[0]))
        show(view)

    return update


class Command(BaseCommand):
    help = (
        "Write a meeting's agenda pack (governance.md §5): the agenda, unnumbered, then every paper in item order, "
        "numbered \"Page n\" from 1, each paper starting on an odd page, the agenda's page ranges computed from the "
        "pack. --audience members includes the exempt papers and marks every page. A dispatched pack is written as "
        "frozen. --dispatch freezes the pack (refused, naming each failure of the checks of §12); --supplement "
        "publishes the items added since dispatch, numbered on from the last page published."
    )

    def add_arguments(self, parser):
        parser.add_argument("--meeting", required=True, help="the meeting's key, e.g. CABINET-2023-01-05")
        parser.add_argument("--format", default="pdf", choices=PACK.names, help=f"{PACK.choices_text()} (default: pdf)")
        parser.add_argument("--audience", default="public", choices=[a.value for a in PackAudience],
                            help="public (default: no exempt papers) or members (with exempt papers)")
        parser.add_argument("--out", help="file to write (default: standard output for html; needed for pdf)")
        parser.add_argument("--dispatch", action="store_true", help="freeze the pack (version 1) before writing it")
        parser.add_argument("--supplement", action="store_true",
                            help="publish the items added since dispatch as a supplement, and write it")
        parser.add_argument("--check", action="store_true", help="list what stops the pack from being dispatched")

    def handle(self, meeting, format="pdf", audience="public", out=None, dispatch=False, supplement=False,
               check=False, **options):
        require_prepared_database()
        from beacon.governance.models import Meeting, Pack
        from beacon.reports import packs

        if dispatch and supplement:
            raise CommandError("give --dispatch or --supplement, not both")
        row = Meeting.objects.filter(key=meeting).first()
        if row is None:
            raise CommandError(f"--meeting {meeting}: there is no such meeting")
        if check:
            problems = packs.pack_problems(row, audience)
            self.stdout.write("\n".join(problems) if problems else "No problems: the pack can be dispatched.")
            return
        output = PACK[format]
        if output.binary and not out:
            raise CommandError(f"--format {format} writes a binary file: give --out FILE")
        bar = ProgressBar(self.stderr).update
        if dispatch or supplement:  # a background job run here and now: recorded, with a progress bar
            try:
                by = getpass.getuser()
                jobs.run_inline(DISPATCH_PACK, by=by, on_progress=bar, meeting=meeting, user=by, supplement=supplement)
            except jobs.JobFailed as exc:
                message, *problems = exc.view.error.splitlines() or ["the pack was not dispatched"]
                if message.startswith(("The pack was not dispatched", "The supplement was not dispatched")):
                    raise CommandError("the pack was not dispatched:\n  " + "\n  ".join(problems)) from None
                raise CommandError("\n".join([message, *problems])) from None
        stored = Pack.objects.filter(meeting=row, audience=audience).order_by("-version").first()
        if stored is not None:
            data = output.render(stored)
            self.stderr.write(f"The pack of {meeting} (version {stored.version}, {stored.audience}) was dispatched on "
                              f"{stored.dispatched_at:%d/%m/%Y} by {stored.dispatched_by}: written as frozen.")
            self._write(data, out)
            return
        with tempfile.TemporaryDirectory() as folder:  # the job writes the file; standard output is read from it
            target = Path(out) if out else Path(folder) / f"pack.{output.extension}"
            try:
                result = jobs.run_inline(RENDER_PACK, by=getpass.getuser(), on_progress=_first_line(bar), meeting=meeting,
                                         out=str(target.resolve()), audience=audience, format=format)
            except jobs.JobFailed as exc:
                raise CommandError(exc.view.error) from None
            for warning in result.message.splitlines()[1:]:  # "warning: ..." for each problem
                self.stderr.write(warning)
            if not out:
                sys.stdout.write(target.read_bytes().decode("utf-8"))
                return
        self.stdout.write(f"Wrote {out}")

    def _write(self, data: bytes, out: str | None) -> None:
        if not out:
            sys.stdout.write(data.decode("utf-8"))
            return
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_bytes(data)
        self.stdout.write(f"Wrote {out}")
