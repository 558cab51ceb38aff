# The list sorts on `sort_name` (the last name shown, then the first name, folded so that
# every database orders it alike) instead of the raw birth name. Existing learners get
# theirs here; imports fill it from now on.

from django.db import migrations, models

from students.normalize import learner_sort_name

BATCH = 1000


def fill_sort_names(apps, schema_editor):
    # In Python, as the import does: the folding is not expressible in portable SQL. By
    # ranges of ids, so that no cursor stays open over the rows being updated (SQLite).
    Learner = apps.get_model("students", "Learner")
    learners = Learner.objects.only("pk", "last_name", "preferred_last_name", "first_name")
    last_pk = 0
    while batch := list(learners.filter(pk__gt=last_pk).order_by("pk")[:BATCH]):
        for learner in batch:
            learner.sort_name = learner_sort_name(
                last_name=learner.last_name,
                preferred_last_name=learner.preferred_last_name,
                first_name=learner.first_name,
            )
        _save(schema_editor.connection, Learner, batch)
        last_pk = batch[-1].pk


def _save(connection, Learner, batch):
    if connection.vendor != "postgresql":
        Learner.objects.bulk_update(batch, ["sort_name"])
        return
    # One UPDATE … FROM (VALUES …) a batch: several times faster than bulk_update's CASE
    # on the millions of learners of a national database.
    rows = ", ".join(["(%s, %s)"] * len(batch))
    params = [value for learner in batch for value in (learner.pk, learner.sort_name)]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE students_learner AS l SET sort_name = v.sort_name "
            f"FROM (VALUES {rows}) AS v(id, sort_name) WHERE l.id = v.id",
            params,
        )


class Migration(migrations.Migration):

    dependencies = [
        ("students", "0003_import_task_sent_at_run_token_takeovers"),
    ]

    operations = [
        migrations.AddField(
            model_name="learner",
            name="sort_name",
            field=models.TextField(blank=True, editable=False, verbose_name="sort name"),
        ),
        migrations.RunPython(fill_sort_names, migrations.RunPython.noop, elidable=True),
        # The index is built once the column is filled, not kept up to date row by row.
        migrations.RemoveIndex(
            model_name="learner",
            name="learner_list_by_name_idx",
        ),
        migrations.AddIndex(
            model_name="learner",
            index=models.Index(
                fields=["organization", "disabled", "sort_name"], name="learner_list_by_name_idx"
            ),
        ),
    ]
