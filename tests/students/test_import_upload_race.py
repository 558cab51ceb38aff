"""Two uploads of one school at the same moment, in real threads with their own
connections: the organisation's row lock makes them one after the other, so exactly one
import is left waiting and the other is replaced by it (without the lock, each would miss
the other's uncommitted row and both would stay waiting)."""

import threading
import time

import pytest
from django.core.files.base import ContentFile
from django.db import connection, transaction

from organizations.models import Organization
from students import services
from students.models import Import
from students.services.imports import WAITING
from tests.students.test_import_race import waiting_on_locks
from tests.students.xml_helpers import pupil, siecle_xml

pytestmark = pytest.mark.django_db(transaction=True)

Status = Import.Status


def test_two_uploads_at_once_leave_one_import_waiting_the_other_replaced_by_it(
    organization, run_import
):
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL")
    run_import(organization, siecle_xml(organization.uai, [pupil("0000000000A")]))
    validated = run_import(
        organization, siecle_xml(organization.uai, [pupil("1111111111A")]), confirm=False
    )
    results: list[Import | None] = [None, None]
    errors: list[BaseException] = []

    def upload(index: int) -> None:
        try:
            results[index] = services.import_upload(
                organization=organization,
                user=None,
                uploaded_file=ContentFile(
                    siecle_xml(organization.uai, [pupil(f"{index}{index}22222222B")]),
                    name=f"export-{index}.xml",
                ),
                enqueue=False,
            )
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=upload, args=(index,)) for index in range(2)]
    with transaction.atomic():
        Organization.objects.select_for_update().get(pk=organization.pk)
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while waiting_on_locks() < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert waiting_on_locks() == 2  # both uploads are inside, at the lock
    for thread in threads:
        thread.join(30)
    assert not errors
    both = {result.pk: Import.objects.get(pk=result.pk) for result in results}
    (survivor,) = [i for i in both.values() if i.status == Status.UPLOADED]
    (replaced,) = [i for i in both.values() if i.pk != survivor.pk]
    assert replaced.status == Status.CANCELLED
    assert services.import_replaced_by(import_=replaced) == survivor.pk
    # The import validated before both was replaced too, by whichever came first.
    validated.refresh_from_db()
    assert validated.status == Status.CANCELLED
    assert services.import_replaced_by(import_=validated) == replaced.pk
    assert Import.objects.filter(status__in=WAITING).get() == survivor
    # The survivor checks as usual.
    assert services.import_validate(import_id=survivor.pk).status == Status.VALIDATED
