"""The Celery application.

Settings come from Django's settings module (names prefixed CELERY_). Tasks receive ids,
never model instances, and are enqueued once the transaction commits
(`transaction.on_commit` / `task.delay_on_commit`), so a worker never reads a row that is
not there yet.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pixorga.settings")

app = Celery("pixorga")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
