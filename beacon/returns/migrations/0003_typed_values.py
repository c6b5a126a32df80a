"""A return line keeps numbers, not what was typed: ``value`` (a decimal) and, for a monthly
KPI, ``month_values`` as plain decimal text (``"1,300"`` and ``"97%"`` become ``"1300"`` and
``"97"``). The typed-text column ``value_text`` goes: a saved text was always parsed into
``value`` when it was saved (saving refused any text that did not parse), and is parsed again
here for any row where that did not happen. History events are not changed. History actions
get their labels."""

from decimal import Decimal

from django.db import migrations, models


def _number(text):
    """The number a saved text stands for (the parser the return used), or None."""
    from beacon.bundle.schema import parse_number

    try:
        return parse_number(text).value
    except ValueError:
        return None


def _plain(value):
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def forwards(apps, schema_editor):
    ReturnLine = apps.get_model("returns", "ReturnLine")
    for line in ReturnLine.objects.using(schema_editor.connection.alias).all():
        changed = False
        text = (line.value_text or "").strip()
        if text and line.value is None and _number(text) is not None:
            line.value = _number(text)
            changed = True
        months = {}
        for label, typed in (line.month_values or {}).items():
            value = _number(typed) if typed else None
            months[label] = _plain(value) if value is not None else typed
        if months != (line.month_values or {}):
            line.month_values = months
            changed = True
        if changed:
            line.save()


def backwards(apps, schema_editor):
    ReturnLine = apps.get_model("returns", "ReturnLine")
    for line in ReturnLine.objects.using(schema_editor.connection.alias).exclude(value=None):
        line.value_text = _plain(Decimal(line.value))
        line.save(update_fields=["value_text"])


class Migration(migrations.Migration):

    dependencies = [("returns", "0002_rename_tables")]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="returnline", name="value_text"),
        migrations.AlterField(
            model_name="returnline",
            name="month_values",
            field=models.JSONField(blank=True, default=dict, help_text='A monthly KPI\'s values by month, as plain decimal text: {"2022-10": "97", ...} (value stays empty).'),
        ),
        migrations.AlterField(
            model_name="returnevent",
            name="action",
            field=models.CharField(choices=[("opened", "Opened"), ("saved", "Saved"), ("submitted", "Submitted"), ("returned", "Returned"), ("approved", "Approved")], max_length=20),
        ),
    ]
