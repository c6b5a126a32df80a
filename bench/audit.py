"""The audit view at scale: a million revisions on PostgreSQL, the page and the CSV file timed.

    scripts/with-postgres .venv/bin/python bench/audit.py [--revisions 1000000] [--people 40]

Run under ``scripts/with-postgres`` (``BEACON_DATABASE_URL`` pointing at a throwaway PostgreSQL).
It migrates, writes ``--revisions`` revisions with the audit log's own bulk writer
(``beacon.core.audit.insert_rows``: ``COPY``), most of them as imports do (2,000 at one
moment, every four days), the rest one by one by ``--people`` people over six years, then times through the web
application (Django's test client, signed in as a performance lead): the first page, a page a
long way down (reached by its cursor), one person's changes, a label search, one record, the
filter form's lists, and the whole CSV file of one person's changes. Prints one line per case
(median of 5 runs, milliseconds).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beacon.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--revisions", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=40)
    args = parser.parse_args()
    if not os.environ.get("BEACON_DATABASE_URL", "").startswith("postgresql"):
        sys.exit("run it under scripts/with-postgres (it needs PostgreSQL)")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from beacon.core import permissions as perm
    from beacon.core.audit import insert_rows
    from beacon.core.models import Directorate, Revision

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    call_command("migrate", verbosity=0)
    perm.ensure_groups()
    lead = get_user_model().objects.create_user("lead", password="x")
    lead.groups.add(Group.objects.get(name=perm.LEAD))
    directorate = Directorate.objects.create(code="AA", name="Alpha", display_order=1)
    ct = ContentType.objects.get_for_model(Directorate).id
    start = dt.datetime(2016, 4, 1, tzinfo=dt.timezone.utc)
    n, people = args.revisions, args.people
    imported = n * 9 // 10  # imports: 2,000 revisions at each moment

    def rows():
        for i in range(n):
            if i < imported:
                at, by, source = start + dt.timedelta(days=4 * (i // 2000)), "importer", "/tmp/up/bundle (observations.csv)"
            else:
                at, by, source = start + dt.timedelta(minutes=30 * (i - imported)), f"person{i % people}", "web return"
            yield (ct, i % 5000, "observation", f"K{i % 5000} {2016 + i % 10}/{(17 + i % 10) % 100:02d} Q{1 + i % 4}",
                   "value", str(i), str(i + 1), by, at, "", source)

    t = time.perf_counter()
    insert_rows(Revision, ["content_type_id", "object_id", "entity", "key", "field", "old_value", "new_value",
                           "changed_by", "changed_at", "reason", "source"], rows())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_revision")
    print(f"wrote {n:,} revisions in {time.perf_counter() - t:.1f} s")

    client = Client()
    client.force_login(lead)
    from beacon.core import audit_view as av

    deep = next(itertools.islice(av.iterate(av.AuditFilter(), batch=5000), n // 2, None)).cursor  # half way down

    def timed(label, url, params=None, stream=False):
        runs = []
        for _ in range(5):
            t0 = time.perf_counter()
            response = client.get(url, params or {})
            if stream:
                size = sum(len(chunk) for chunk in response.streaming_content)
            else:
                size = len(response.content)
            runs.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (label, response.status_code)
        print(f"{label:<44} {statistics.median(runs):8.0f} ms  ({size:,} bytes)")

    timed("first page (count of all)", "/audit/")
    timed("a page half way down (by cursor)", "/audit/", {"after": deep.text})
    timed("one person's changes", "/audit/", {"person": "person7"})
    timed("one person's changes, a page further", "/audit/", {"person": "person7", "after": av.page(
        av.AuditFilter(person="person7")).older.text})
    timed("label contains 'K4321'", "/audit/", {"label": "K4321"})
    timed("kind and dates", "/audit/", {"kind": "observation", "date_from": "1/4/2020", "date_to": "31/3/2021"})
    timed("one record (200 changes)", "/audit/", {"record": "core.directorate:4321"})
    timed("CSV of one person's changes", "/audit/changes.csv", {"person": "person7"}, stream=True)


if __name__ == "__main__":
    main()
