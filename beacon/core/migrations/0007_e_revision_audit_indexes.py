"""Indexes for the audit view (beacon.core.audit_view): every change newest first, and one
person's changes newest first, read a page at a time by key."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0006_notifications"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="revision",
            index=models.Index(fields=["changed_at", "id"], name="core_revision_at_idx"),
        ),
        migrations.AddIndex(
            model_name="revision",
            index=models.Index(fields=["changed_by", "changed_at", "id"], name="core_revision_by_at_idx"),
        ),
    ]
