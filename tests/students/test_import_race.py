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


def apply_together(organization, import_ids: list[int]) -> list[Import]:
    """Apply each import in its own thread, all released at once; the results in the
    order of `import_ids` (each thread fills its own slot: none can hide another)."""
    results: list[Import | None] = [None] * len(import_ids)
    errors: list[BaseException] = []

    def apply(index, import_id):
        try:
            results[index] = services.import_apply(import_id=import_id)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=apply, args=(index, import_id))
        for index, import_id in enumerate(import_ids)
    ]
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
    assert all(result is not None for result in results)
    return results


def test_two_confirmed_imports_racing_end_with_the_newest_file(organization, run_import):
    run_import(organization, siecle_xml(organization.uai, [pupil("0000000000A")]))
    older = run_import(
        organization,
        siecle_xml(organization.uai, [pupil("1111111111A"), pupil("2222222222B")]),
        confirm=False,
    )
    # Each disables students of a list of one or two: the administrator ticked the box.
    older = services.import_confirm(
        import_=older, user=None, acknowledge_mass_deactivation=True, enqueue=False
    )
    newer = run_import(
        organization,
        siecle_xml(organization.uai, [pupil("2222222222B"), pupil("3333333333C")]),
        confirm=False,
    )
    newer = services.import_confirm(
        import_=newer, user=None, acknowledge_mass_deactivation=True, enqueue=False
    )

    older_result, newer_result = apply_together(organization, [older.pk, newer.pk])

    assert (older_result.pk, newer_result.pk) == (older.pk, newer.pk)
    assert newer_result.status == Status.IMPORTED
    # Whichever got the lock first, the newest file is the list.
    active = Learner.objects.filter(organization=organization, disabled=False)
    assert sorted(active.values_list("ine", flat=True)) == ["2222222222B", "3333333333C"]
    everyone = set(Learner.objects.filter(organization=organization).values_list("ine", flat=True))
    if older_result.status == Status.IMPORTED:
        # The older one went first, then the newer one: as if applied in order.
        assert older_result.errors == []
        assert everyone == {"0000000000A", "1111111111A", "2222222222B", "3333333333C"}
    else:
        # The newer one went first: the older one is refused, not applied over it.
        assert older_result.status == Status.IMPORT_ERROR
        assert older_result.errors == [{"code": "IMPORT_OUTDATED", "meta": {}}]
        assert everyone == {"0000000000A", "2222222222B", "3333333333C"}
    older.refresh_from_db()
    assert older.status == older_result.status


def test_duplicate_apply_returns_at_once_while_the_first_holds_the_claim(organization, run_import):
    """The task sent twice (maintenance, a redelivery): the copy arriving while the first
    run is inside its transaction, holding the organisation's lock, does not wait for
    that lock (it would hold a worker for minutes); it returns, and the import is
    applied once."""
    import_ = run_import(
        organization, siecle_xml(organization.uai, [pupil("1111111111A")]), confirm=False
    )
    import_ = services.import_confirm(import_=import_, user=None, enqueue=False)
    paused, release = threading.Event(), threading.Event()
    first, duplicate, errors = [], [], []

    def slow_down(step):
        if step == "upserted":
            paused.set()
            release.wait(30)

    def run(results, **kwargs):
        try:
            results.append(services.import_apply(import_id=import_.pk, **kwargs))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    applying = threading.Thread(target=run, args=(first,), kwargs={"progress": slow_down})
    applying.start()
    try:
        assert paused.wait(10)
        copy = threading.Thread(target=run, args=(duplicate,))
        copy.start()
        # The first run is still paused, holding the lock: the copy finished without it.
        copy.join(10)
        assert not copy.is_alive()
        assert not release.is_set() and applying.is_alive()
        assert waiting_on_locks() == 0
    finally:
        release.set()
        applying.join(30)
    assert not errors
    assert duplicate[0].status == Status.IMPORTING  # seen before the first committed
    assert first[0].status == Status.IMPORTED
    import_.refresh_from_db()
    assert import_.status == Status.IMPORTED
    assert import_.counts["created"] == 1
    assert len(learners_snapshot(organization)) == 1
    # Delivered once more afterwards: nothing to do.
    again = services.import_apply(import_id=import_.pk)
    assert (again.status, again.finished_at) == (Status.IMPORTED, import_.finished_at)


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
