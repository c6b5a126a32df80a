"""An import's changes in the audit view: a re-import that changes one value is listed with who
imported it, the old and new value and the file it came from (by name, never the server's folder),
on the page and in the CSV file."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from beacon.bundle.importer import import_bundle
from beacon.core import permissions as perm

OBS = "observations.csv"
WHEN = dt.datetime(2023, 1, 20, 9, 30, tzinfo=dt.timezone.utc)


@pytest.mark.django_db
def test_an_imported_change_shows_its_file(make_bundle, demo_dir, django_user_model):
    import_bundle(demo_dir, user="alice")
    bundle = make_bundle()
    bundle.set_cell(OBS, "CS1,2022/23 Q2", "value", "95.5")
    import_bundle(bundle.root, user="bob", now=WHEN)

    perm.ensure_groups()
    lead = django_user_model.objects.create_user("lead")
    lead.groups.add(Group.objects.get(name=perm.LEAD))
    client = Client()
    client.force_login(lead)
    response = client.get("/audit/", {"person": "bob"})
    [row] = response.context["page"].rows
    assert (row.kind, row.label, row.field, row.old, row.new) == ("observation", "CS1 2022/23 Q2", "value", "96", "95.5")
    assert str(bundle.root) in row.source  # recorded with its folder ...
    html = response.content.decode()
    shown = f"{bundle.root.name} ({OBS})"
    assert shown in html and str(bundle.root.parent) not in html  # ... shown by name only
    assert 'href="/kpis/CS1/"' in html
    text = b"".join(client.get("/audit/changes.csv", {"person": "bob"}).streaming_content).decode()
    [line] = list(csv.DictReader(io.StringIO(text)))
    assert line["source"] == shown and line["new_value"] == "95.5" and line["changed_at"].startswith("2023-01-20T09:30")
    # the first import's changes are listed as alice's, each with its file
    page = client.get("/audit/", {"person": "alice"}).context["page"]
    assert page.count > 50 and len(page.rows) == 50 and {r.by for r in page.rows} == {"alice"}
    assert all(".csv)" in r.source for r in page.rows)
