"""Commentary keeps its approver apart from its author (issue 10): a return's commentary was
credited to the person who approved it."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('performance', '0004_shared_models_to_core'),
    ]

    operations = [
        migrations.AddField(
            model_name='commentary',
            name='approved_by',
            field=models.CharField(blank=True, help_text="Who approved it (a return's approver); blank if imported.", max_length=150),
        ),
        migrations.AlterField(
            model_name='commentary',
            name='author',
            field=models.CharField(blank=True, help_text='Who wrote it (in a return: the data owner who entered it).', max_length=200),
        ),
    ]
