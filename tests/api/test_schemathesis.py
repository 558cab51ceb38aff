"""The API against its own OpenAPI schema, with schemathesis: every operation, called over
HTTP on the live test server with an administrator's token on a seeded school, with
data generated from the schema — valid and invalid — answers no 5xx, and every answer
(status, content type, headers, body) is one the schema describes.

Bounded: EXAMPLES cases per operation and mode, derandomized (the same cases every run),
no shrinking; about a minute on the shared 2-core machine.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from invitations.services import invitation_send
from organizations.models import Membership
from students.models import Import
from tests.api.conftest import make_token
from tests.factories import make_campaign, make_learner, make_member, make_participation

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def school(organization, admin_user):
    """A school with classes, a campaign with participants, an import waiting."""
    for division in ("6A", "6B", "3A"):
        for _ in range(3):
            make_learner(organization, division=division)
    campaign = make_campaign(organization, owner=admin_user, name="Rentrée")
    make_participation(campaign, shared=True, division="6A")
    make_participation(campaign, division="3A")
    member = make_member(organization)  # another member, a possible owner
    doomed = make_member(organization)
    invitation = invitation_send(
        organization=organization, email="invitee@school.example", role="AUTO", language="fr"
    )
    return {
        "membership_id": Membership.objects.get(user=member).pk,
        "doomed_membership_id": Membership.objects.get(user=doomed).pk,
        "invitation_id": invitation.pk,
        "organization_id": organization.pk,
        "learner_id": make_learner(organization, division="6A").pk,
        "campaign_id": campaign.pk,
        "doomed_campaign_id": make_campaign(organization, owner=admin_user).pk,
        "import_id": Import.objects.create(
            organization=organization, created_by=admin_user, file_name="x.xml"
        ).pk,
    }


def run_operation(operation, *, base_url, headers, path_parameters, mode):
    strategy = operation.as_strategy(
        generation_mode=mode, headers=headers, path_parameters=path_parameters
    )

    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case):
        case.call_and_validate(base_url=base_url, checks=CHECKS, timeout=30)

    check()


def test_every_operation_conforms_to_the_schema(live_server, settings, admin_user, school):
    settings.API_RATE_LIMITS = {"token": "100000/m", "session": "100000/m"}
    organization_id = school["organization_id"]
    _, secret = make_token(admin_user, admin_user.memberships.get().organization)
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/?format=json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 25
    # The deletion last: the other operations keep a campaign to work on.
    operations.sort(key=lambda operation: operation.method.upper() == "DELETE")
    unsatisfiable = []
    for operation in operations:
        names = ("learner_id", "campaign_id", "import_id", "membership_id", "invitation_id")
        wanted = {name for name in names if name in operation.path}
        path_parameters = {"organization_id": organization_id}
        for name in wanted:
            path_parameters[name] = school[name]
        if operation.method.upper() == "DELETE":
            for name in ("campaign_id", "membership_id"):
                if name in path_parameters:
                    path_parameters[name] = school[f"doomed_{name}"]
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            try:
                run_operation(
                    operation,
                    base_url=live_server.url,
                    headers={"Authorization": f"Bearer {secret}"},
                    path_parameters=path_parameters,
                    mode=mode,
                )
            except Unsatisfiable:
                # Nothing left to make invalid: every path parameter is given and the
                # operation takes no query string or body.
                assert mode == schemathesis.GenerationMode.NEGATIVE, operation.label
                assert not (operation.query or operation.body), operation.label
                unsatisfiable.append(operation.label)
    # The operations with a query string or a body got invalid data too.
    assert len(unsatisfiable) == 14, unsatisfiable
