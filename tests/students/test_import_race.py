"""Two applies racing for one organisation, in real threads with their own connections.

The test holds the organisation's row lock itself, starts both applies, waits until
PostgreSQL shows both of them waiting on that lock, then lets go: they really run at
the same time, and one waits for the other.
"""

import threading
import time

import pytest
from django.db import connection, transaction

from organizations.models import Organization
from students import services
from students.models import Import, Learner
from tests.students.conftest import learners_snapshot
from tests.students.xml_helpers import pupil, siecle_xml

pytestmark = pytest.mark.django_db(transaction=True)

Status = Import.Status


def waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        # Activity is snapshotted once per transaction: take a fresh look each time.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def apply_together(organization, import_ids: list[int]) -> dict[int, Import]:
    results: dict[int, Import] = {}
    errors: list[BaseException] = []

    def apply(import_id):
        try:
            results[import_id] = services.import_apply(import_id=import_id)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=apply, args=(import_id,)) for import_id in import_ids]
    with transaction.atomic():
        Organization.objects.select_for_update().get(pk=organization.pk)
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while waiting_on_locks() < len(threads) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert waiting_on_locks() == len(threads)
    for thread in threads:
        thread.join(30)
    assert not errors
    return results


def test_two_confirmed_imports_racing_end_with_the_newest_file(organization, run_import):
    run_import(organization, siecle_xml(organization.uai, [pupil("0000000000A")]))
    older = run_import(
        organization,
        siecle_xml(organization.uai, [pupil("1111111111A"), pupil("2222222222B")]),
        confirm=False,
    )
    older = services.import_confirm(import_=older, user=None, enqueue=False)
    newer = run_import(
        organization,
        siecle_xml(organization.uai, [pupil("2222222222B"), pupil("3333333333C")]),
        confirm=False,
    )
    newer = services.import_confirm(import_=newer, user=None, enqueue=False)

    results = apply_together(organization, [older.pk, newer.pk])

    assert results[newer.pk].status == Status.IMPORTED
    # Whichever got the lock first, the newest file is the list.
    active = Learner.objects.filter(organization=organization, disabled=False)
    assert sorted(active.values_list("ine", flat=True)) == ["2222222222B", "3333333333C"]
    everyone = set(Learner.objects.filter(organization=organization).values_list("ine", flat=True))
    if results[older.pk].status == Status.IMPORTED:
        # The older one went first, then the newer one: as if applied in order.
        assert everyone == {"0000000000A", "1111111111A", "2222222222B", "3333333333C"}
    else:
        # The newer one went first: the older one is refused, not applied over it.
        assert results[older.pk].errors == [{"code": "IMPORT_OUTDATED", "meta": {}}]
        assert everyone == {"0000000000A", "2222222222B", "3333333333C"}


def test_same_import_applied_twice_at_once_applies_once(organization, run_import):
    import_ = run_import(
        organization, siecle_xml(organization.uai, [pupil("1111111111A")]), confirm=False
    )
    import_ = services.import_confirm(import_=import_, user=None, enqueue=False)

    results = apply_together(organization, [import_.pk, import_.pk])

    import_.refresh_from_db()
    assert import_.status == Status.IMPORTED
    assert import_.counts["created"] == 1
    assert all(result.status == Status.IMPORTED for result in results.values())
    assert len(learners_snapshot(organization)) == 1


def test_imports_of_two_organisations_do_not_wait_for_each_other(
    organization, other_organization, run_import
):
    first = run_import(
        organization, siecle_xml(organization.uai, [pupil("1111111111A")]), confirm=False
    )
    second = run_import(
        other_organization,
        siecle_xml(other_organization.uai, [pupil("2222222222B")]),
        confirm=False,
    )
    services.import_confirm(import_=first, user=None, enqueue=False)
    services.import_confirm(import_=second, user=None, enqueue=False)
    done = []

    def apply(import_id):
        try:
            done.append(services.import_apply(import_id=import_id).status)
        finally:
            connection.close()

    with transaction.atomic():
        Organization.objects.select_for_update().get(pk=organization.pk)
        thread = threading.Thread(target=apply, args=(second.pk,))
        thread.start()
        thread.join(10)  # finishes while the first organisation is locked
        assert done == [Status.IMPORTED]
