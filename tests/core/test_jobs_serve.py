"""``beacon serve`` keeps its job workers running beside the web server and stops them with it
(beacon/web/management/commands/serve.py, ``JobWorkers``). Stand-in processes play the workers."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from beacon.web.management.commands import serve

SLEEPER = "import time\nwhile True: time.sleep(0.05)"
STUBBORN = "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint('ready', flush=True)\nwhile True: time.sleep(0.05)"


class StandIns(serve.JobWorkers):
    def __init__(self, count: int, code: str = SLEEPER):
        super().__init__(count, env={})
        self.code = code

    def _spawn(self):
        return subprocess.Popen([sys.executable, "-c", self.code], stdout=subprocess.PIPE, text=True)


@pytest.fixture
def pool():
    made = []

    def make(*args, **kwargs):
        made.append(StandIns(*args, **kwargs))
        return made[-1]

    yield make
    for p in made:
        for process in p.processes:
            if process.poll() is None:
                process.kill()
            process.wait()
            if process.stdout:
                process.stdout.close()


def test_a_worker_that_dies_is_started_again_after_a_pause(pool, monkeypatch):
    workers = pool(2)
    workers.start()
    first, second = workers.processes
    assert first.poll() is None and second.poll() is None
    first.send_signal(signal.SIGKILL)
    first.wait()

    monkeypatch.setattr(serve, "RESTART_PAUSE", 3600.0)
    workers.keep_alive()  # too soon: not yet
    assert workers.processes[0] is first
    monkeypatch.setattr(serve, "RESTART_PAUSE", 0.0)
    workers.keep_alive()
    replacement = workers.processes[0]
    assert replacement is not first and replacement.poll() is None and workers.processes[1] is second


def test_stop_asks_each_worker_to_finish_then_kills_what_is_left(pool):
    gentle = pool(2)
    gentle.start()
    gentle.stop(timeout=10)
    assert [p.returncode for p in gentle.processes] == [-signal.SIGTERM] * 2

    stubborn = pool(1, STUBBORN)
    stubborn.start()
    assert stubborn.processes[0].stdout.readline().strip() == "ready"  # its SIGTERM handler is set
    started = time.monotonic()
    stubborn.stop(timeout=0.5)
    assert stubborn.processes[0].returncode == -signal.SIGKILL
    assert time.monotonic() - started < 10


def test_serve_offers_job_workers(capsys):
    from django.core.management import call_command

    with pytest.raises(SystemExit):
        call_command("serve", "--help")
    text = capsys.readouterr().out
    assert "--job-workers" in text and "default 1" in text
