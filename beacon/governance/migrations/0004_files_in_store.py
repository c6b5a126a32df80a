"""Uploaded papers and agenda packs move out of the database into the file store (beacon/core/blobs.py),
named by their SHA-256."""

from django.db import migrations, models

from beacon.core.blob_migration import move_to_store


class Migration(migrations.Migration):

    dependencies = [
        ("governance", "0003_pack_items_paper_contact_details"),
    ]

    operations = [
        move_to_store("governance", "paperfile", "content"),
        # a default, so that reversing the removal can add the column back before its bytes return
        migrations.AlterField(model_name="paperfile", name="content", field=models.BinaryField(default=b"")),
        migrations.RemoveField(model_name="paperfile", name="content"),
        migrations.AlterField(
            model_name="paperfile",
            name="sha256",
            field=models.CharField(help_text="The file's SHA-256: its name in the file store.", max_length=64),
        ),
        move_to_store("governance", "pack", "pdf"),
        # a default, so that reversing the removal can add the column back before its bytes return
        migrations.AlterField(model_name="pack", name="pdf", field=models.BinaryField(default=b"")),
        migrations.RemoveField(model_name="pack", name="pdf"),
        migrations.AlterField(
            model_name="pack",
            name="sha256",
            field=models.CharField(help_text="The PDF's SHA-256: its name in the file store.", max_length=64),
        ),
    ]
