# search_name becomes unbounded (five names of 255 characters and the INE did not fit in
# 1,024); imports keep their error count, so the history no longer loads the errors.

from django.db import migrations, models


def count_errors(apps, schema_editor):
    Import = apps.get_model("students", "Import")
    batch = []
    for import_ in Import.objects.exclude(errors=[]).only("pk", "errors").iterator(chunk_size=500):
        import_.error_count = len(import_.errors or [])
        batch.append(import_)
        if len(batch) == 500:
            Import.objects.bulk_update(batch, ["error_count"])
            batch = []
    Import.objects.bulk_update(batch, ["error_count"])


class Migration(migrations.Migration):

    dependencies = [
        ('students', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='import',
            name='error_count',
            field=models.PositiveIntegerField(default=0, verbose_name='number of errors'),
        ),
        migrations.AlterField(
            model_name='learner',
            name='search_name',
            field=models.TextField(blank=True, editable=False, verbose_name='search name'),
        ),
        migrations.RunPython(count_errors, migrations.RunPython.noop, elidable=True),
    ]
