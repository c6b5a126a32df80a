"""Moving stored files out of the database into the file store (beacon/core/blobs.py), for the
migrations that drop the ``BinaryField`` columns, and back when such a migration is reversed.

Each file goes to the store under the SHA-256 its row recorded when it was stored; a row whose
bytes do not match that SHA-256 stops the migration (nothing is dropped), since the recorded
digest is the file's name from now on and a frozen file must stay byte-identical.
"""

from __future__ import annotations

import hashlib

from django.db import migrations

from beacon.core import blobs

_BATCH = 20  # rows read at a time: a few documents in memory, whatever the table's size


class StoredFileMismatch(Exception):
    """A row whose stored bytes do not match the SHA-256 it recorded."""


def move_to_store(app_label: str, model_name: str, field: str, address: str = "sha256") -> migrations.RunPython:
    """A ``RunPython`` that puts every row's ``field`` bytes into the file store (forwards) or
    reads them back from it into the column (backwards, after the column is added again)."""

    def forwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        rows = model.objects.using(schema_editor.connection.alias).only("pk", address, field).order_by("pk")
        for row in rows.iterator(chunk_size=_BATCH):
            content = bytes(getattr(row, field) or b"")
            recorded = getattr(row, address)
            digest = hashlib.sha256(content).hexdigest()
            if digest != recorded:
                raise StoredFileMismatch(
                    f"{app_label}.{model_name} {row.pk}: its {field} does not match its recorded SHA-256 "
                    f"({recorded[:12]}..., the bytes are {digest[:12]}...): the file cannot be moved to the file "
                    "store under its name; nothing was changed")
            blobs.put(content)

    def backwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        alias = schema_editor.connection.alias
        for pk, recorded in model.objects.using(alias).order_by("pk").values_list("pk", address).iterator():
            model.objects.using(alias).filter(pk=pk).update(**{field: blobs.read(recorded)})

    return migrations.RunPython(forwards, backwards, elidable=False)
