"""A revision's record type has no foreign-key constraint in the database (it cost a check per
revision at every commit): Django's PROTECT still refuses to delete a type a revision names."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import ProtectedError

from beacon.core.models import Directorate, Revision

pytestmark = pytest.mark.django_db


def test_a_named_type_cannot_be_deleted():
    kind = ContentType.objects.get_for_model(Directorate)
    Revision.objects.create(content_type=kind, object_id=1, entity="directorate", key="X", field="name",
                            old_value="", new_value="X", changed_by="t", changed_at="2026-01-01T00:00:00Z")
    with pytest.raises(ProtectedError):
        kind.delete()
    assert ContentType.objects.filter(pk=kind.pk).exists()


def test_the_database_holds_no_constraint_for_it():
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Revision._meta.db_table)
    keys = [c for c in constraints.values() if c["foreign_key"] and c["columns"] == ["content_type_id"]]
    assert keys == []
    indexed = [c for c in constraints.values() if c["columns"][:1] == ["content_type_id"] and c["index"]]
    assert indexed  # the reads by record still have their index
