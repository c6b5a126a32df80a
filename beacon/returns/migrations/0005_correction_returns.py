"""Correction returns (issue 10): who entered each line and the directorate commentary, a line's
explicit removal of a held value (with its reason), the first submission (whether a return was
late, kept when it is reopened), and the status and event "Reopened for correction".

A return submitted before this migration was first submitted, as far as is known, when it was
last submitted."""

from django.db import migrations, models


def first_submissions(apps, schema_editor):
    Return = apps.get_model("returns", "Return")
    Return.objects.filter(submitted_at__isnull=False).update(first_submitted_at=models.F("submitted_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('returns', '0004_directorate_in_core'),
    ]

    operations = [
        migrations.AddField(
            model_name='return',
            name='commentary_by',
            field=models.CharField(blank=True, help_text='Who wrote the directorate commentary.', max_length=150),
        ),
        migrations.AddField(
            model_name='return',
            name='first_submitted_at',
            field=models.DateTimeField(blank=True, help_text='When the return was first submitted: whether it was late (kept when reopened).', null=True),
        ),
        migrations.AddField(
            model_name='return',
            name='remove_commentary',
            field=models.BooleanField(default=False, help_text='Approval removes the directorate commentary held for the quarter (left blank on purpose).'),
        ),
        migrations.AddField(
            model_name='return',
            name='remove_commentary_reason',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='returnline',
            name='commentary_by',
            field=models.CharField(blank=True, help_text='Who wrote the commentary.', max_length=150),
        ),
        migrations.AddField(
            model_name='returnline',
            name='entered_by',
            field=models.CharField(blank=True, help_text='Who last entered the value or data note.', max_length=150),
        ),
        migrations.AddField(
            model_name='returnline',
            name='remove',
            field=models.BooleanField(default=False, help_text='Approval removes the held values this line leaves blank (value, data note, commentary).'),
        ),
        migrations.AddField(
            model_name='returnline',
            name='remove_reason',
            field=models.TextField(blank=True, help_text='Why the held values are removed.'),
        ),
        migrations.AlterField(
            model_name='return',
            name='status',
            field=models.CharField(choices=[('not_started', 'Not started'), ('draft', 'Draft'), ('submitted', 'Submitted'), ('returned', 'Returned for changes'), ('approved', 'Approved'), ('reopened', 'Reopened for correction')], default='not_started', max_length=12),
        ),
        migrations.AlterField(
            model_name='returnevent',
            name='action',
            field=models.CharField(choices=[('opened', 'Opened'), ('saved', 'Saved'), ('submitted', 'Submitted'), ('returned', 'Returned'), ('approved', 'Approved'), ('reopened', 'Reopened for correction')], max_length=20),
        ),
        migrations.RunPython(first_submissions, migrations.RunPython.noop),
    ]
