"""Web p95 for the dashboards at scale: 50 simulated users against `beacon serve` on PostgreSQL.

    .venv/bin/python bench/web.py [--seconds 120] [--kpis 1000] [--quarters 40] [--users 50]
    .venv/bin/python bench/web.py --seconds 20 --kpis 80            # a quick run

Without ``BEACON_DATABASE_URL`` pointing at PostgreSQL, it runs itself again under
``scripts/with-postgres`` (a throwaway PostgreSQL 15 on 127.0.0.1, port ``BEACON_PG_PORT`` or
``--pg-port``). It then builds the database through the product's own paths: ``migrate``, the
synthetic bundle of ``bench/results.py`` (``--kpis`` KPIs x ``--quarters`` quarters, targets,
about 3% of values missing) plus a few activity indicators per directorate, imported with
``beacon import``; a performance lead, readers and one data owner per directorate; the quarter
after the last one opened for returns. It starts ``beacon serve`` (gunicorn, production settings)
on a free loopback port, signs every user in (outside the measured window: password hashing is
slow on purpose), warms each page kind once, and runs ``--users`` users on threads (urllib, one
cookie jar each) for ``--seconds``: readers open the period overview (plain and filtered),
directorate pages, KPI pages, activity-indicator pages and the reports list; data owners open
their return, save drafts with new values and finally submit. It prints requests, errors and
p50/p95/p99 per page kind and overall. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from load import PASSWORD, Recorder, Session, free_port, report, timed  # noqa: E402
from results import synthetic_bundle  # noqa: E402

PYTHON = sys.executable


def _periods(quarters: int):
    sys.path.insert(0, str(ROOT))
    from beacon.domain.periods import Quarter

    last = Quarter(2022, 2)
    return last, last.last(quarters)


def write_bundle(folder: Path, directorates: int, kpis: int, quarters: list, indicators: int) -> int:
    """The synthetic bundle of bench/results.py plus ``indicators`` activity indicators per
    directorate with a value (and an expected range) for every quarter."""
    n = synthetic_bundle(folder, directorates, kpis, quarters)
    rng = random.Random(7)
    ind_rows, obs_rows = [], []
    for d in range(1, directorates + 1):
        for i in range(1, indicators + 1):
            code = f"A{d}x{i}"
            ind_rows.append(f"{code},Activity {d}.{i},D{d},count,0,")
            level = rng.uniform(100, 1000)
            for q in quarters:
                obs_rows.append(f"{code},{q.label},{round(level + rng.gauss(0, 30))},{round(level * 0.8)},"
                                f"{round(level * 1.2)},,,")
    (folder / "activity_indicators.csv").write_text(
        "code,name,directorate,unit,decimals,notes\n" + "\n".join(ind_rows) + "\n", encoding="utf-8")
    (folder / "activity_observations.csv").write_text(
        "indicator,period,value,lower_threshold,upper_threshold,benchmark,target,illustrative\n"
        + "\n".join(obs_rows) + "\n", encoding="utf-8")
    return n


PREPARE = """
import datetime as dt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from beacon.core import clock
from beacon.core.models import Directorate, DirectorateAssignment
from beacon.core.permissions import ensure_groups
from beacon.domain.periods import Quarter
from beacon.returns.commands import OpenPeriod
from beacon.returns.services import open_period
ensure_groups()
User = get_user_model()
def make(name, role):
    u = User.objects.create_user(name, password=PASSWORD)
    u.groups.add(Group.objects.get(name=role))
    return u
lead = make("web-lead", "Performance lead")
for i in range(5):
    make(f"web-reader-{i}", "Reader")
for d in Directorate.objects.order_by("code"):
    u = make(f"web-owner-{d.code.lower()}", "Data owner")
    DirectorateAssignment.objects.create(user=u, directorate=d)
    print("OWNER", u.username, d.code)
open_period(OpenPeriod(Quarter.parse(OPEN), clock.today() + dt.timedelta(days=30), lead.username))
"""


def prepare(env: dict, work: Path, args) -> tuple[list[tuple[str, str]], dict]:
    """Migrate, import the synthetic bundle, create the users and open the next quarter."""
    last, quarters = _periods(args.quarters)
    t = time.perf_counter()
    subprocess.run([PYTHON, "-m", "django", "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    n = write_bundle(work / "bundle", args.directorates, args.kpis, quarters, args.indicators)
    subprocess.run([PYTHON, "-m", "django", "import", str(work / "bundle")], env=env, check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    script = (PREPARE.replace("PASSWORD", repr(PASSWORD)).replace("OPEN", repr(last.next().label)))
    out = subprocess.run([PYTHON, "-m", "django", "shell", "-c", script], env=env, check=True, cwd=ROOT,
                         capture_output=True, text=True).stdout
    owners = [tuple(line.split()[1:3]) for line in out.splitlines() if line.startswith("OWNER")]
    print(f"database ready in {time.perf_counter() - t:.1f} s: {args.kpis} KPIs x {args.quarters} quarters "
          f"({n} observations), {args.directorates} directorates, {args.directorates * args.indicators} "
          f"activity indicators; {last.next().label} open for returns", flush=True)
    site = {
        "slug": last.slug,
        "return_slug": last.next().slug,
        "kpis": [f"K{k:04d}" for k in range(1, args.kpis + 1)],
        "dirs": [f"D{d}" for d in range(1, args.directorates + 1)],
        "indicators": [f"A{d}x{i}" for d in range(1, args.directorates + 1) for i in range(1, args.indicators + 1)],
    }
    return owners, site


THINK = (1.0, 3.0)


def reader(s: Session, deadline: float, rec: Recorder, site: dict, seed: int) -> None:
    rnd = random.Random(seed)
    slug = site["slug"]
    while True:
        if THINK[1] > 0:
            time.sleep(rnd.uniform(*THINK))
        if time.time() > deadline:
            return
        choice = rnd.random()
        if choice < 0.25:
            timed(rec, s, "overview", f"/performance/{slug}/")
        elif choice < 0.35:
            rag = rnd.choice(["RED", "AMBER", "GREEN"])
            timed(rec, s, "overview (filtered)", f"/performance/{slug}/?rag={rag}")
        elif choice < 0.55:
            timed(rec, s, "directorate", f"/performance/{slug}/directorates/{rnd.choice(site['dirs'])}/")
        elif choice < 0.8:
            timed(rec, s, "kpi", f"/kpis/{rnd.choice(site['kpis'])}/")
        elif choice < 0.9:
            timed(rec, s, "indicator", f"/activity/{rnd.choice(site['indicators'])}/")
        else:
            timed(rec, s, "reports list", "/reports/")


def owner(s: Session, code: str, deadline: float, rec: Recorder, site: dict, seed: int) -> None:
    """Open the return, save drafts with new values until the last quarter of the run, then submit."""
    rnd = random.Random(seed)
    path = f"/returns/{site['return_slug']}/{code}/"
    page = timed(rec, s, "return form", path)
    fields = sorted(set(re.findall(r'name="((?:kpi|indicator)-[^"]+-value)"', page)))
    submit_at = deadline - (deadline - time.time()) / 4
    i = 0
    while time.time() < submit_at:
        if THINK[1] > 0:
            time.sleep(rnd.uniform(*THINK))
        if i % 2 == 0:
            page = timed(rec, s, "return form", path)
        else:
            data = {"action": "save", "commentary": f"Draft {i}"}
            data.update({f: str(rnd.randint(1, 99)) for f in fields})
            timed(rec, s, "save return draft", path, data, ok_codes=(200, 302))
        i += 1
    data = {"action": "submit", "commentary": "Final"}
    data.update({f: str(rnd.randint(1, 99)) for f in fields})
    timed(rec, s, "submit return", path, data, ok_codes=(200, 302))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=120, help="length of the measured run (default 120)")
    parser.add_argument("--kpis", type=int, default=1000)
    parser.add_argument("--quarters", type=int, default=40)
    parser.add_argument("--directorates", type=int, default=8)
    parser.add_argument("--indicators", type=int, default=3, help="activity indicators per directorate")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--owners", type=int, default=5, help="how many of the users are data owners entering returns")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--think", default="1,3", help="think time between a user's requests: MIN,MAX seconds")
    parser.add_argument("--pg-port", default=os.environ.get("BEACON_PG_PORT", ""),
                        help="port of the throwaway PostgreSQL (default: BEACON_PG_PORT or scripts/with-postgres's)")
    args = parser.parse_args(argv)

    if not os.environ.get("BEACON_DATABASE_URL", "").startswith("postgresql"):
        env = dict(os.environ)
        if args.pg_port:
            env["BEACON_PG_PORT"] = str(args.pg_port)
        cmd = [str(ROOT / "scripts/with-postgres"), PYTHON, str(Path(__file__).resolve()),
               *(argv if argv is not None else sys.argv[1:])]
        return subprocess.run(cmd, env=env, cwd=ROOT).returncode

    global THINK
    THINK = tuple(float(x) for x in args.think.split(","))
    work = Path(tempfile.mkdtemp(prefix="beacon-web-bench-"))
    env = dict(os.environ)
    env.update(DJANGO_SETTINGS_MODULE="beacon.settings", BEACON_VAR_DIR=str(work / "var"), PYTHONPATH=str(ROOT))
    server = None
    try:
        owners, site = prepare(env, work, args)
        owners = owners[: args.owners]
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [PYTHON, "-m", "beacon.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--workers", str(args.workers), "--threads", str(args.threads)],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for _ in range(240):
            try:
                urllib.request.urlopen(base + "/", timeout=2)
                break
            except Exception:  # noqa: BLE001 - not up yet
                if server.poll() is not None:
                    raise RuntimeError("beacon serve stopped") from None
                time.sleep(0.5)
        else:
            raise RuntimeError("the server did not start")
        n_readers = args.users - len(owners)
        readers = []
        for i in range(n_readers):
            s = Session(base)
            s.sign_in(f"web-reader-{i % 5}")
            readers.append(s)
        owner_sessions = []
        for username, code in owners:
            s = Session(base)
            s.sign_in(username)
            owner_sessions.append((s, code))
        # warm up once per page kind, as after a deployment (the first request of each kind
        # computes what is then cached until the data changes)
        t = time.perf_counter()
        warm = readers[0]
        slug = site["slug"]
        for path in [f"/performance/{slug}/", f"/performance/{slug}/directorates/{site['dirs'][0]}/",
                     f"/kpis/{site['kpis'][0]}/", f"/activity/{site['indicators'][0]}/", "/reports/"]:
            # the first KPI page builds the models of its eight quarters: allow it the server's
            # own timeout rather than the users' 60 s
            with warm.opener.open(urllib.request.Request(warm.base + path), timeout=180) as resp:
                if resp.status != 200:
                    raise RuntimeError(f"warm-up: {path} answered HTTP {resp.status}")
                resp.read()
        print(f"warm-up (one request per page kind): {time.perf_counter() - t:.1f} s", flush=True)
        rec = Recorder()
        deadline = time.time() + args.seconds
        threads = [threading.Thread(target=reader, args=(s, deadline, rec, site, i)) for i, s in enumerate(readers)]
        threads += [threading.Thread(target=owner, args=(s, code, deadline, rec, site, 1000 + i))
                    for i, (s, code) in enumerate(owner_sessions)]
        print(f"{args.users} users ({n_readers} reading, {len(owner_sessions)} entering returns) for "
              f"{args.seconds:g} s, think time {THINK[0]:g}-{THINK[1]:g} s, gunicorn {args.workers} workers x "
              f"{args.threads} threads, PostgreSQL", flush=True)
        start = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        elapsed = time.perf_counter() - start
        print(report(rec, elapsed, heading="page", width=22))
        return 0 if not rec.errors and rec.samples else 1
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
