"""Every endpoint, every caller: anonymous (401), a token of another school (404, as for
a missing id), an expired or revoked token (401), a member's and an administrator's token
(the pages' rights). A new endpoint must be added to ENDPOINTS: the last test fails
otherwise."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver
from django.utils import timezone

from invitations.models import Invitation
from invitations.services import invitation_send
from organizations.models import Membership
from students.models import Import
from tests.factories import make_campaign, make_learner, make_member
from tests.pixorga.test_every_route_is_guarded import api_view, walk
from tests.students.xml_helpers import pupil, siecle_xml

pytestmark = pytest.mark.django_db

ORG = "/api/v1/organizations/{org}/"
# (method, path, body kind, member's status, administrator's status). The campaign is
# the administrator's: a member may read it, not change it.
ENDPOINTS = [
    ("get", ORG + "learners/", None, 200, 200),
    ("get", ORG + "learners/{learner}/", None, 200, 200),
    ("get", ORG + "imports/", None, 403, 200),
    ("post", ORG + "imports/", "file", 403, 201),
    ("get", ORG + "imports/{import}/", None, 403, 200),
    ("post", ORG + "imports/{import}/confirm/", "json", 403, 409),  # not checked yet
    ("post", ORG + "imports/{import}/cancel/", "json", 403, 200),
    ("get", ORG + "campaigns/", None, 200, 200),
    ("post", ORG + "campaigns/", "campaign", 201, 201),
    ("post", ORG + "campaigns/per-class/", "per_class", 201, 201),
    ("get", ORG + "campaigns/{campaign}/", None, 200, 200),
    ("patch", ORG + "campaigns/{campaign}/", "change", 403, 200),
    ("delete", ORG + "campaigns/{campaign}/", None, 403, 204),
    ("post", ORG + "campaigns/{campaign}/archive/", "json", 403, 200),
    ("post", ORG + "campaigns/{campaign}/unarchive/", "json", 403, 409),  # not archived
    ("get", ORG + "campaigns/{campaign}/participants/", None, 200, 200),
    ("get", ORG + "campaigns/{campaign}/export.csv", None, 200, 200),
    ("get", ORG + "members/", None, 200, 200),
    ("patch", ORG + "members/{membership}/", "role", 403, 200),
    ("delete", ORG + "members/{membership}/", None, 403, 204),
    ("get", ORG + "invitations/", None, 403, 200),
    ("post", ORG + "invitations/", "invite", 403, 201),
    ("post", ORG + "invitations/{invitation}/resend/", "json", 403, 200),
    ("post", ORG + "invitations/{invitation}/cancel/", "json", 403, 200),
]
BODIES = {
    "json": {},
    "campaign": {"name": "Rentrée", "type": "ASSESSMENT"},
    "per_class": {"name": "Rentrée", "type": "ASSESSMENT", "divisions": ["4A"]},
    "change": {"title": "Nouveau titre"},
    "role": {"role": "ADMIN"},
    "invite": {"emails": ["nouvelle.personne@school.example"]},
}
CALLERS = ["anonymous", "outsider", "expired", "revoked", "member", "admin"]
REFUSALS = {
    "anonymous": (401, "NOT_AUTHENTICATED"),
    "outsider": (404, "NOT_FOUND"),
    "expired": (401, "TOKEN_EXPIRED"),
    "revoked": (401, "TOKEN_REVOKED"),
}


@pytest.fixture
def objects(organization, admin_user):
    invitation = invitation_send(
        organization=organization, email="invitee@school.example", role="AUTO", language="fr"
    )
    # Sent a while ago: a resend is allowed (a minute after the last sending).
    Invitation.objects.filter(pk=invitation.pk).update(
        last_sent_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    third = make_member(organization)
    return {
        "membership": Membership.objects.get(user=third, organization=organization).pk,
        "invitation": invitation.pk,
        "org": organization.pk,
        "learner": make_learner(organization, division="4A").pk,
        "import": Import.objects.create(
            organization=organization, created_by=admin_user, file_name="x.xml"
        ).pk,
        "campaign": make_campaign(organization, owner=admin_user).pk,
    }


def call(client, method, path, body, organization):
    if body == "file":
        content = siecle_xml(organization.uai, [pupil("1234567890A")])
        data = {"file": SimpleUploadedFile("ElevesSansAdresses.xml", content)}
        return client.post(path, data, format="multipart")
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, BODIES[body], format="json")


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(
    ("method", "path", "body", "member", "admin"),
    ENDPOINTS,
    ids=[f"{e[0]} {e[1]}" for e in ENDPOINTS],
)
def test_every_endpoint_for_every_caller(
    request, organization, objects, caller, method, path, body, member, admin
):
    client = request.getfixturevalue(f"{caller}_client")
    response = call(client, method, path.format(**objects), body, organization)
    if caller in REFUSALS:
        status, code = REFUSALS[caller]
        assert (response.status_code, response.json()["code"]) == (status, code)
        assert Import.objects.get(pk=objects["import"]).status == Import.Status.UPLOADED
        assert Membership.objects.get(pk=objects["membership"]).disabled_at is None
        assert Invitation.objects.get(pk=objects["invitation"]).status == "PENDING"
        return
    expected = member if caller == "member" else admin
    assert response.status_code == expected, response.content[:300]
    if expected == 403:
        assert response.json()["code"] == "FORBIDDEN"


@pytest.mark.parametrize("caller", CALLERS)
def test_me_for_every_caller(request, caller):
    response = request.getfixturevalue(f"{caller}_client").get("/api/v1/me/")
    if caller in ("member", "admin", "outsider"):
        assert response.status_code == 200
    else:
        assert (response.status_code, response.json()["code"]) == REFUSALS[caller]


def test_the_table_lists_every_api_route_and_method():
    listed = {(method.upper(), path.replace(ORG, "")) for method, path, *_ in ENDPOINTS}
    routes = set()
    for route, _name, callback in walk(get_resolver()):
        view = api_view(callback)
        if view is None:
            continue
        path = route.split("organizations/<int:organization_id>/", 1)[1]
        for name in ("learner_id", "import_id", "campaign_id", "membership_id", "invitation_id"):
            path = path.replace(f"<int:{name}>", "{" + name.removesuffix("_id") + "}")
        routes |= {(method, path) for method in view.guards}
    assert routes == listed
