"""A bounded loopback load check of the web application under gunicorn.

    .venv/bin/python bench/load.py [--users 50] [--requests 30] [--workers 5] [--threads 2]

It prepares a throwaway database (SQLite in a temporary folder, or --database-url), imports
the demo bundle, creates the demo users plus one data owner per directorate, opens 2022/23 Q3
for returns, starts `beacon serve` (gunicorn, production settings) on 127.0.0.1, and runs
``--users`` simulated users on threads (urllib, one cookie jar each): most read dashboards
(the period overview, filtered overviews, directorate pages, KPI pages, the risk register if
present), some data owners save their return drafts and finally submit them. Every user signs in
through the sign-in form first (with its CSRF token). Each user makes ``--requests`` requests,
then stops; the whole run stops after ``--max-seconds`` in any case. Only 127.0.0.1 is contacted.

It prints throughput, latency percentiles and errors, per kind and overall.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
PASSWORD = "load-check-password"
PERIOD_SLUG = "2022-23-Q3"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(env: dict) -> list[tuple[str, str]]:
    """The database: demo data, users, an open quarter. Returns (owner username, directorate code)."""
    subprocess.run([PYTHON, "-m", "django", "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run([PYTHON, "-m", "django", "import", str(ROOT / "beacon/demo/kcc-2022-23-q2")], env=env, check=True,
                   cwd=ROOT, stdout=subprocess.DEVNULL)
    risk_bundle = ROOT / "beacon/demo/kcc-risk-register-2023-01"
    if risk_bundle.is_dir():
        subprocess.run([PYTHON, "-m", "django", "import", str(risk_bundle)], env=env, cwd=ROOT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    script = f"""
import datetime as dt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from beacon.core.models import Directorate, DirectorateAssignment
from beacon.core.permissions import ensure_groups
from beacon.domain.periods import Quarter
from beacon.returns.commands import OpenPeriod
from beacon.returns.services import open_period
ensure_groups()
User = get_user_model()
def make(name, role):
    u = User.objects.create_user(name, password={PASSWORD!r})
    u.groups.add(Group.objects.get(name=role))
    return u
lead = make("load-lead", "Performance lead")
for i in range(5):
    make(f"load-reader-{{i}}", "Reader")
for d in Directorate.objects.all():
    u = make(f"load-owner-{{d.code.lower()}}", "Data owner")
    DirectorateAssignment.objects.create(user=u, directorate=d)
    print("OWNER", u.username, d.code)
open_period(OpenPeriod(Quarter.parse("2022/23 Q3"), dt.date.today() + dt.timedelta(days=30), lead.username))
"""
    out = subprocess.run([PYTHON, "-m", "django", "shell", "-c", script], env=env, check=True, cwd=ROOT,
                         capture_output=True, text=True).stdout
    return [tuple(line.split()[1:3]) for line in out.splitlines() if line.startswith("OWNER")]


class Session:
    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = None
        headers = {"Referer": self.base + path}
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self.csrf()}
            body = urllib.parse.urlencode(data).encode()
        req = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(req, timeout=60) as resp:
                return resp.status, resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    def sign_in(self, username: str) -> None:
        self.request("/sign-in/")
        status, _ = self.request("/sign-in/", {"username": username, "password": PASSWORD})
        if status != 200 or not any(c.name == "sessionid" for c in self.jar):
            raise RuntimeError(f"{username} could not sign in (HTTP {status})")


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.samples: list[tuple[str, float, bool]] = []
        self.errors: list[str] = []

    def add(self, kind: str, seconds: float, ok: bool) -> None:
        with self.lock:
            self.samples.append((kind, seconds, ok))


def timed(rec: Recorder, session: Session, kind: str, path: str, data=None, ok_codes=(200,)) -> str:
    start = time.perf_counter()
    try:
        status, text = session.request(path, data)
        ok = status in ok_codes
    except Exception as exc:  # noqa: BLE001 - a failed request is counted as an error
        status, text, ok = type(exc).__name__, "", False
    rec.add(kind, time.perf_counter() - start, ok)
    if not ok:
        with rec.lock:
            rec.errors.append(f"{kind} {path}: {status}")
    return text


THINK = (1.0, 3.0)  # seconds a simulated user waits between requests (set by --think)


def think(rnd: random.Random) -> None:
    if THINK[1] > 0:
        time.sleep(rnd.uniform(*THINK))


def reader(s: Session, n: int, deadline: float, rec: Recorder, kpis: list[str], dirs: list[str], seed: int):
    rnd = random.Random(seed)
    for _ in range(n):
        think(rnd)
        if time.time() > deadline:
            return
        choice = rnd.random()
        if choice < 0.35:
            timed(rec, s, "overview", "/performance/2022-23-Q2/")
        elif choice < 0.5:
            rag = rnd.choice(["RED", "AMBER", "GREEN"])
            timed(rec, s, "overview (filtered)", f"/performance/2022-23-Q2/?rag={rag}")
        elif choice < 0.7:
            timed(rec, s, "directorate", f"/performance/2022-23-Q2/directorates/{rnd.choice(dirs)}/")
        elif choice < 0.9:
            timed(rec, s, "kpi", f"/kpis/{rnd.choice(kpis)}/")
        else:
            timed(rec, s, "risk register", "/risks/")


def owner(s: Session, code: str, n: int, deadline: float, rec: Recorder, seed: int):
    rnd = random.Random(seed)
    path = f"/returns/{PERIOD_SLUG}/{code}/"
    page = timed(rec, s, "return form", path)
    fields = sorted(set(re.findall(r'name="((?:kpi|indicator)-[^"]+-value)"', page)))
    for i in range(n - 2):
        think(rnd)
        if time.time() > deadline:
            return
        if i % 2 == 0:
            timed(rec, s, "return form", path)
        else:
            data = {"action": "save", "commentary": f"Draft {i}"}
            data.update({f: str(rnd.randint(1, 99)) for f in fields})
            timed(rec, s, "save draft", path, data, ok_codes=(200, 302))
    think(rnd)
    data = {"action": "submit", "commentary": "Final"}
    data.update({f: str(rnd.randint(1, 99)) for f in fields})
    timed(rec, s, "submit return", path, data, ok_codes=(200, 302))


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def report(rec: Recorder, elapsed: float, heading: str = "kind", width: int = 20) -> str:
    """The table of a run: requests, errors and latency percentiles per kind of request, then all."""
    lines = [f"{heading:<{width}} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}"]
    kinds = sorted({k for k, _, _ in rec.samples})
    for kind in kinds + ["ALL"]:
        rows = [(t, ok) for k, t, ok in rec.samples if kind == "ALL" or k == kind]
        if not rows:
            continue
        times = [t * 1000 for t, _ in rows]
        errors = sum(1 for _, ok in rows if not ok)
        lines.append(f"{kind:<{width}} {len(rows):>8} {errors:>6} {statistics.median(times):>7.0f} "
                     f"{percentile(times, 95):>7.0f} {percentile(times, 99):>7.0f} {max(times):>7.0f}")
    total = len(rec.samples)
    lines.append(f"throughput: {total / elapsed:.1f} requests/s over {elapsed:.1f} s ({total} requests)")
    for error in rec.errors[:10]:
        lines.append(f"error: {error}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--owners", type=int, default=5, help="how many of the users are data owners entering returns")
    parser.add_argument("--requests", type=int, default=30, help="requests per user (bounded)")
    parser.add_argument("--max-seconds", type=float, default=300)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--think", default="1,3", help="think time between a user's requests: MIN,MAX seconds (0,0 for none)")
    parser.add_argument("--database-url", default=None, help="a throwaway database (default: SQLite in a temp folder)")
    args = parser.parse_args(argv)
    global THINK
    low, high = (float(x) for x in args.think.split(","))
    THINK = (low, high)

    tmp = Path(tempfile.mkdtemp(prefix="beacon-load-"))
    env = dict(os.environ)
    env.update(DJANGO_SETTINGS_MODULE="beacon.settings", BEACON_VAR_DIR=str(tmp), PYTHONPATH=str(ROOT))
    env.pop("BEACON_DATABASE_URL", None)
    if args.database_url:
        env["BEACON_DATABASE_URL"] = args.database_url
    server = None
    try:
        print(f"preparing a throwaway database in {tmp} ...", flush=True)
        owners = prepare(env)[: args.owners]
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [PYTHON, "-m", "beacon.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--workers", str(args.workers), "--threads", str(args.threads)],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/", timeout=2)
                break
            except Exception:  # noqa: BLE001
                time.sleep(0.5)
        else:
            raise RuntimeError("the server did not start")
        kpis = re.findall(r"^([A-Z]+\d+),", (ROOT / "beacon/demo/kcc-2022-23-q2/kpis.csv").read_text(), re.M)
        dirs = re.findall(r"^([A-Z]+),", (ROOT / "beacon/demo/kcc-2022-23-q2/directorates.csv").read_text(), re.M)
        rec = Recorder()
        n_readers = args.users - len(owners)
        # every simulated user signs in before the measured run (sign-in hashes a password on
        # purpose: it is slow by design and not what the check measures)
        reader_sessions = []
        for i in range(n_readers):
            s = Session(base)
            s.sign_in(f"load-reader-{i % 5}")
            reader_sessions.append(s)
        owner_sessions = []
        for username, code in owners:
            s = Session(base)
            s.sign_in(username)
            owner_sessions.append((s, code))
        # warm up: one request per page kind and directorate, as after a deployment
        warm = reader_sessions[0]
        for path in ["/performance/2022-23-Q2/", "/risks/"] + [f"/performance/2022-23-Q2/directorates/{d}/" for d in dirs]:
            warm.request(path)
        for code in kpis:
            warm.request(f"/kpis/{code}/")
        deadline = time.time() + args.max_seconds
        threads = []
        for i, s in enumerate(reader_sessions):
            threads.append(threading.Thread(target=reader, args=(s, args.requests, deadline, rec, kpis, dirs, i)))
        for i, (s, code) in enumerate(owner_sessions):
            threads.append(threading.Thread(target=owner, args=(s, code, args.requests, deadline, rec, 1000 + i)))
        print(f"{args.users} users ({n_readers} reading dashboards, {len(owners)} entering returns), "
              f"{args.requests} requests each, think time {low:g}-{high:g} s, gunicorn {args.workers} workers x {args.threads} threads on {base}", flush=True)
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        print(report(rec, elapsed))
        errors = sum(1 for _, _, ok in rec.samples if not ok)
        return 0 if errors == 0 else 1
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
