"""The Celery application.

Settings come from Django's settings module (names prefixed CELERY_). Tasks receive ids,
never model instances, and are enqueued once the transaction commits
(`transaction.on_commit` / `task.delay_on_commit`), so a worker never reads a row that is
not there yet.

Two queues (CELERY_TASK_ROUTES in settings): "interactive" for what a person waits for
(applying a confirmed import, e-mails) and the import's maintenance, "bulk" for checking
uploaded files. Workers consume both, interactive first (`-Q interactive,bulk` with the
Redis transport's "priority" queue order); see the README.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pixorga.settings")

app = Celery("pixorga")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
