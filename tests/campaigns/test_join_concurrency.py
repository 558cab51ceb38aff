"""Links made at the same moment, in real transactions on PostgreSQL (one connection per
thread, see tests/campaigns/test_concurrency.py): two accounts confirming the same
student, and one account confirming two students in two tabs."""

import pytest

from campaigns.join_errors import AccountLinkedToAnotherLearnerError, LinkedInThisSchoolError
from campaigns.services import joining
from organizations.models import AuditLog
from students.models import Learner
from tests.campaigns.test_concurrency import meet, race
from tests.factories import make_learner, make_organization, make_student

pytestmark = pytest.mark.django_db(transaction=True)


def check_then_meet(monkeypatch):
    """Both threads meet right after their checks: without the learner's row lock, both
    would have found it free."""
    check = joining.check_can_link

    def install(barrier):
        def patched(**kwargs):
            check(**kwargs)
            meet(barrier)

        monkeypatch.setattr(joining, "check_can_link", patched)

    return install


def test_two_accounts_confirming_the_same_student_at_once_link_one(monkeypatch):
    school = make_organization()
    lea = make_learner(school)
    first, second = make_student(), make_student()
    outcomes, serialised = race(
        lambda: joining.learner_link(user=first, organization=school, learner_id=lea.pk),
        lambda: joining.learner_link(user=second, organization=school, learner_id=lea.pk),
        after=check_then_meet(monkeypatch),
    )
    assert serialised  # the second waited for the first's lock: they never met
    refused = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert [type(error) for error in refused] == [LinkedInThisSchoolError]
    assert Learner.objects.get(pk=lea.pk).user in {first, second}
    assert AuditLog.objects.filter(action="learner.linked").count() == 1


def test_one_account_confirming_two_students_in_two_tabs_links_one(monkeypatch):
    school = make_organization()
    lea, hugo = make_learner(school), make_learner(school, first_name="Hugo")
    student = make_student()
    outcomes, serialised = race(
        lambda: joining.learner_link(user=student, organization=school, learner_id=lea.pk),
        lambda: joining.learner_link(user=student, organization=school, learner_id=hugo.pk),
        after=check_then_meet(monkeypatch),
    )
    # Different rows, different locks: both checked at once; the unique index decides.
    assert not serialised
    refused = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert [type(error) for error in refused] == [AccountLinkedToAnotherLearnerError]
    assert Learner.objects.filter(organization=school, user=student).count() == 1
    assert AuditLog.objects.filter(action="learner.linked").count() == 1
