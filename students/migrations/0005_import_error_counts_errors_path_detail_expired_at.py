"""The count of errors per code, the complete list's file and when the detail expired.

Existing imports stored all their errors: their count per code is taken from them.
"""

from collections import Counter

from django.db import migrations, models


BATCH = 500


def count_errors_per_code(apps, schema_editor):
    # By ranges of ids, so that no cursor stays open over the rows being updated (SQLite).
    Import = apps.get_model("students", "Import")
    with_errors = Import.objects.exclude(error_count=0).only("pk", "errors")
    last_pk = 0
    while batch := list(with_errors.filter(pk__gt=last_pk).order_by("pk")[:BATCH]):
        for import_ in batch:
            counts = Counter(error.get("code", "") for error in import_.errors or [])
            Import.objects.filter(pk=import_.pk).update(error_counts=dict(counts))
        last_pk = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("students", "0004_learner_sort_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="import",
            name="detail_expired_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="detail deleted at"),
        ),
        migrations.AddField(
            model_name="import",
            name="error_counts",
            field=models.JSONField(
                blank=True, default=dict, verbose_name="number of errors per code"
            ),
        ),
        migrations.AddField(
            model_name="import",
            name="errors_path",
            field=models.CharField(
                blank=True, max_length=255, verbose_name="stored list of errors"
            ),
        ),
        migrations.RunPython(count_errors_per_code, migrations.RunPython.noop, elidable=True),
    ]
