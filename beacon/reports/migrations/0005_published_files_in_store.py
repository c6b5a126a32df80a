"""Published files move out of the database into the file store (beacon/core/blobs.py), named by their SHA-256."""

from django.db import migrations, models

from beacon.core.blob_migration import move_to_store


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0004_published_report_editions"),
    ]

    operations = [
        move_to_store("reports", "publishedfile", "content"),
        # a default, so that reversing the removal can add the column back before its bytes return
        migrations.AlterField(model_name="publishedfile", name="content", field=models.BinaryField(default=b"")),
        migrations.RemoveField(model_name="publishedfile", name="content"),
        migrations.AlterField(
            model_name="publishedfile",
            name="sha256",
            field=models.CharField(help_text="The file's SHA-256: its name in the file store.", max_length=64),
        ),
    ]
