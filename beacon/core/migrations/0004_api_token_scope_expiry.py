"""API tokens get a scope (read only, or read and write) and an expiry (issue 11).

Tokens issued before keep what they could do (read and write) and expire
``BEACON_API_TOKEN_DAYS`` days (90) after this migration runs, so no program stops without
warning today but no token lives for ever.
"""

import datetime as dt

from django.conf import settings
from django.db import migrations, models


def give_existing_tokens_an_expiry(apps, schema_editor):
    from beacon.core import clock

    ApiToken = apps.get_model("core", "ApiToken")
    expires = clock.now() + dt.timedelta(days=getattr(settings, "BEACON_API_TOKEN_DAYS", 90))
    ApiToken.objects.filter(revoked=False, expires_at__isnull=True).update(expires_at=expires)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_revision_identity"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "read only"), ("read-write", "read and write")], default="read-write",
                help_text="Read only: the token may only read (GET). Read and write: what the user's role allows.",
                max_length=10),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(blank=True, help_text="After this the token is refused. Blank: never.", null=True),
        ),
        migrations.RunPython(give_existing_tokens_an_expiry, migrations.RunPython.noop),
    ]
