"""``beacon jobs``: the latest background jobs, their state and progress (docs/jobs.md)."""


from django.core.management.base import BaseCommand, CommandError

from beacon.core import clock, jobs, jsonio
from beacon.domain.jobs import JobStatus


class Command(BaseCommand):
    help = ("List the latest background jobs, newest first: when, who, what, its state and progress "
            "(--format json for scripts). --recover queues again the jobs whose worker stopped.")

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=20, help="how many (default 20)")
        parser.add_argument("--status", choices=[s.value for s in JobStatus], help="only jobs in this state")
        parser.add_argument("--kind", help="only jobs of this kind (e.g. publish-qpr)")
        parser.add_argument("--format", default="text", choices=["text", "json"], help="text (default) or json")
        parser.add_argument("--recover", action="store_true",
                            help="first queue again the running jobs with no heartbeat for BEACON_JOB_STALL_SECONDS")

    def handle(self, limit=20, status=None, kind=None, format="text", recover=False, **options):
        if limit < 1:
            raise CommandError("--limit must be at least 1")
        recovered = jobs.recover_stalled() if recover else None
        views = jobs.recent(limit, status=status, kind=kind)
        _WRITERS[format](self, views, recovered)

    def write_json(self, views, recovered):
        self.stdout.write(jsonio.dumps([_as_json(v) for v in views]))

    def write_text(self, views, recovered):
        if recovered is not None:
            ids = recovered
            self.stdout.write(f"queued again: {len(ids)} stalled job{'s' if len(ids) != 1 else ''}"
                              + (f" ({', '.join(ids)})" if ids else ""))
        if not views:
            self.stdout.write("no jobs")
            return
        for v in views:
            when = clock.in_council_time(v.created_at).strftime("%Y-%m-%d %H:%M")
            line = f"{when}  {v.id}  {v.status.label:<16}  {v.title}  (by {v.created_by})"
            self.stdout.write(line)
            if v.status is JobStatus.DONE and v.result is not None:
                detail = v.result.message + (f" {v.result.url}" if v.result.url else "")
            elif v.status is JobStatus.FAILED:
                detail = v.error.replace("\n", "; ")
            elif v.status is JobStatus.QUEUED:
                detail = "waiting for a worker" + (f" (started {v.attempts} times before)" if v.attempts else "")
            else:
                detail = v.progress_text
            self.stdout.write(f"    {detail}")


# the output formats of this listing (the document formats live in beacon.reports.formats)
_WRITERS = {"text": Command.write_text, "json": Command.write_json}


def _as_json(v: jobs.JobView) -> dict:
    return {
        "id": v.id, "kind": v.kind, "title": v.title, "status": v.status.value, "status_label": v.status.label,
        "done": v.done, "total": v.total, "percent": v.percent, "step": v.step,
        "result": {"message": v.result.message, "url": v.result.url} if v.result else None,
        "error": v.error, "created_by": v.created_by, "created_at": v.created_at.isoformat(),
        "finished_at": v.finished_at.isoformat() if v.finished_at else None, "attempts": v.attempts,
    }
