"""``beacon worker``: run background jobs (docs/jobs.md)."""

import logging
import signal
import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from beacon.core import jobs


class Command(BaseCommand):
    help = (
        "Run background jobs (publishing, packs, large imports) as they are queued, and queue again any job "
        "whose worker stopped mid-job (no heartbeat for BEACON_JOB_STALL_SECONDS). Ctrl+C (or SIGTERM) "
        "finishes the job in hand, then stops; a second one stops at once. beacon serve starts workers itself."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run the jobs waiting now, then exit")
        parser.add_argument("--poll", type=float, default=None,
                            help="seconds between looks at an empty queue (default BEACON_JOB_POLL_SECONDS, 1)")

    def handle(self, once=False, poll=None, verbosity=1, **options):
        logger = logging.getLogger("beacon.jobs")
        if not logger.hasHandlers():  # the production settings' LOGGING may already print it
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter("%(asctime)s beacon worker: %(message)s"))
            logger.addHandler(handler)
        logger.setLevel(logging.INFO if verbosity >= 1 else logging.WARNING)
        state = {"stopping": False, "busy": False}

        def busy(flag: bool) -> None:
            state["busy"] = flag

        def stop(signum, frame):
            if state["stopping"] or not state["busy"]:
                # idle: stop now; asked twice: stop now (the job is queued again once its
                # heartbeat goes stale)
                sys.exit(0 if not state["busy"] else 1)
            state["stopping"] = True
            logger.warning("stopping after the job in hand (press Ctrl+C again to stop at once)")

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        if not once:
            logger.info("waiting for jobs (a job is stalled after %ss without a heartbeat)",
                        settings.BEACON_JOB_STALL_SECONDS)
        count = jobs.work(once=once, poll=poll, should_stop=lambda: state["stopping"], busy=busy)
        if once and verbosity >= 1:
            self.stdout.write(f"ran {count} job{'s' if count != 1 else ''}")
