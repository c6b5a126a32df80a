"""Register edition files move out of the database into the file store (beacon/core/blobs.py), named by
their SHA-256."""

from django.db import migrations, models

from beacon.core.blob_migration import move_to_store


class Migration(migrations.Migration):

    dependencies = [
        ("risk", "0009_edition_status_and_files"),
    ]

    operations = [
        move_to_store("risk", "editionfile", "content"),
        # a default, so that reversing the removal can add the column back before its bytes return
        migrations.AlterField(model_name="editionfile", name="content", field=models.BinaryField(default=b"")),
        migrations.RemoveField(model_name="editionfile", name="content"),
        migrations.AlterField(
            model_name="editionfile",
            name="sha256",
            field=models.CharField(help_text="The file's SHA-256: its name in the file store.", max_length=64),
        ),
    ]
