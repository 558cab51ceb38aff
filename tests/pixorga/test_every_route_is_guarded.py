"""Every route of the project is either guarded by `org_view` (pages) or by
`GuardedAPIView.guards` (the API: a guarded lookup per HTTP method), or allowed on
purpose, and every guarded route applies the terms-of-use rule.

A new organisation-space view that forgets its guard fails here. The allow-list is
reviewed: each entry says who may reach it without an organisation-space guard. A new
guarded route whose URL takes an argument needs a sample in `SAMPLES` (a real object of
the member's organisation: a lookup answers 404 for a missing id before any other rule).
"""

import re
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from invitations.services import invitation_send
from organizations.models import Membership
from organizations.tokens import api_token_create
from pixorga.api.views import GuardedAPIView, guard_parameters
from students.models import Import
from tests.factories import accept_cgu, make_member, make_organization

# Route prefixes and names reachable without `org_view`, and why.
ALLOWED_PREFIXES = {
    "backoffice/": "the Django admin: staff only, through admin.site.admin_view",
    "compte/": "accounts (allauth and the account page): the person's own account",
    "i18n/": "the language switch: a cookie and the person's own preference",
}
ALLOWED_NAMES = {
    "home": "public: redirects members to their space, shows anonymous people how to start",
    "healthz": "ops: database and broker reachability, no data",
    "legal_notice": "public legal page",
    "personal_data": "public legal page",
    "accessibility": "public legal page",
    "organizations:switch": "login_required; switch_organization checks the membership",
    "organizations:cgu": "login_required; where the guard sends people to accept the terms",
    "invitations:accept": (
        "anyone with the link: the code is checked first (invitation_get_by_link); exempt "
        "from the terms of use; the membership is made by invitation_accept"
    ),
    "invitations:self_activation": (
        "public, rate-limited per IP and per UAI; e-mails only the school's official address"
    ),
    # The students' pages (campaigns.views.student, student_link): a student is no member
    # and never sees the terms of use. Each finds its campaign by code through
    # `student_page` (unknown codes counted per browser and IP, deleted / closed refused),
    # and reads or writes only the signed-in account's own learner and participations.
    # The GAR's single sign-on (accounts/gar/): whoever arrives from an ENT is not signed
    # in yet; "not available" (404) while the GAR is not configured.
    "gar:metadata": "public: our SAML metadata, no data",
    "gar:login": "public: an AuthnRequest to the GAR, limited per IP; stores no personal data",
    "gar:acs": (
        "public (cross-site POST from the GAR, csrf_exempt): only a signed answer to an "
        "outstanding request of ours is accepted, then gar_arrive signs in"
    ),
    "join:code": "public: code entry, unknown codes limited per browser session and per IP",
    "join:landing": "public: a campaign's landing page, found by its code",
    "join:sign_up": "anonymous: the sign-up without an e-mail, limited per session, code, IP",
    "join:sign_up_password": "anonymous: its second step, for the learner matched in step 1",
    "join:start": "signed in (else the landing): the account's own learner and participation",
    "join:reconcile": "signed in: matching, limited per account, learner and IP",
    "join:confirm": "signed in: links the learner matched for this account (session)",
    "join:account_created": "signed in: shows the account's own identifier",
    "join:participate": "signed in: the account's own participation",
    "join:campaign": "signed in: the account's own participation",
    "join:share": "signed in: the account's own participation (participation_share checks)",
    "join:my_campaigns": "login_required: the account's own participations",
    # The GAR's first arrival (campaigns.gar.views): public student pages like /parcours/,
    # each reading only the identity the GAR vouched for, waiting in the server session
    # (signed, one hour; none → "start again from the ENT"), never an id from the URL.
    "gar_arrival:birthdate": (
        "the pending GAR identity: its birth date matched in its UAI's school, limited per "
        "IDO, per learner found and per IP"
    ),
    "gar_arrival:prove": (
        "the pending GAR identity: the password of the account its match named (session), "
        "limited per account and per IDO"
    ),
    "gar_arrival:staff": "the pending GAR identity of staff: an explanation, no data",
    "gar_arrival:staff_attach": (
        "signed in and the pending GAR identity: the member's own account, after its "
        "password (limited per account and per IDO)"
    ),
    "api:me": (
        "signed in (token or session): the person's own account and memberships, exempt "
        "from the terms of use like /compte/ (it says whether they are accepted)"
    ),
    "api:schema": "public: the OpenAPI description of the API, no data",
    "api:docs": "public: the documentation page, which reads the schema",
    "api:not_found": "any other path under /api/v1/: a JSON 404, no data",
}


def api_view(callback):
    """The GuardedAPIView class behind a route, if it is one."""
    cls = getattr(callback, "cls", None)
    return cls if isinstance(cls, type) and issubclass(cls, GuardedAPIView) else None


def is_guarded(callback) -> bool:
    return bool(getattr(callback, "org_view_guard", None)) or bool(
        api_view(callback) and api_view(callback).guards
    )


def walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            yield prefix + str(entry.pattern), name, entry.callback


def unguarded_routes() -> list[str]:
    found = []
    for route, name, callback in walk(get_resolver()):
        if is_guarded(callback):
            continue
        if any(route.startswith(p) for p in ALLOWED_PREFIXES) or name in ALLOWED_NAMES:
            continue
        found.append(f"{route} ({name or callback.__module__ + '.' + callback.__name__})")
    return found


def test_every_route_is_guarded_or_allowed_on_purpose():
    assert unguarded_routes() == []


def test_every_guarded_route_naming_an_object_goes_through_a_guarded_lookup():
    """A route with an id in its path must hand it to a guarded lookup (`org_view(get=…)`),
    never take the current organisation and fetch the id by hand."""
    by_hand = [
        route
        for route, _name, callback in walk(get_resolver())
        if "<" in route and str(getattr(callback, "org_view_guard", "")).startswith("current:")
    ]
    assert by_hand == []


def test_every_api_route_hands_each_of_its_ids_to_its_guarded_lookup():
    """An API route's arguments are those of the lookup of each of its methods, plus the
    organisation's id, which must be the object's (checked by GuardedAPIView): no handler
    reads an id the lookup did not check."""
    wrong = []
    for route, _name, callback in walk(get_resolver()):
        view = api_view(callback)
        if view is None:
            continue
        arguments = set(_ARGUMENT.findall(route))
        assert "organization_id" in arguments, route
        for method, entry in view.guards.items():
            guard = entry[0] if isinstance(entry, tuple) else entry
            taken = set(guard_parameters(guard))
            if arguments - {"organization_id"} - taken or taken - arguments:
                wrong.append(f"{method} {route}: {guard.__name__}{sorted(taken)}")
    assert wrong == []


def test_the_walker_sees_the_api_routes_and_their_guards():
    guards = {
        route: api_view(cb).guard_names() for route, _, cb in walk(get_resolver()) if api_view(cb)
    }
    org = "api/v1/organizations/<int:organization_id>/"
    assert guards[f"{org}learners/"] == {"GET": "organization_get_for_member"}
    assert guards[f"{org}learners/<int:learner_id>/"] == {"GET": "learner_get_for_member"}
    assert guards[f"{org}imports/"] == {
        "GET": "organization_get_for_admin",
        "POST": "organization_get_for_admin",
    }
    for action in ("", "confirm/", "cancel/"):
        assert set(guards[f"{org}imports/<int:import_id>/{action}"].values()) == {
            "import_get_for_admin"
        }
    member = "organization_get_for_member"
    assert guards[f"{org}campaigns/"] == {"GET": member, "POST": member}
    assert guards[f"{org}campaigns/per-class/"] == {"POST": member}
    campaign = f"{org}campaigns/<int:campaign_id>/"
    assert guards[campaign] == {
        "GET": "campaign_get_for_member",
        "PATCH": "campaign_get_for_manager",
        "DELETE": "campaign_get_for_manager",
    }
    for action in ("archive/", "unarchive/"):
        assert guards[campaign + action] == {"POST": "campaign_get_for_manager"}
    for reading in ("participants/", "export.csv"):
        assert guards[campaign + reading] == {"GET": "campaign_get_for_member"}
    assert guards[f"{org}members/"] == {"GET": member}
    assert guards[f"{org}members/<int:membership_id>/"] == {
        "PATCH": "membership_get_for_admin",
        "DELETE": "membership_get_for_admin",
    }
    admin = "organization_get_for_admin"
    assert guards[f"{org}invitations/"] == {"GET": admin, "POST": admin}
    for action in ("resend/", "cancel/"):
        assert guards[f"{org}invitations/<int:invitation_id>/{action}"] == {
            "POST": "invitation_get_for_admin"
        }


def test_the_walker_sees_the_organisation_space_routes_and_their_guards():
    guards = {route: getattr(cb, "org_view_guard", None) for route, _, cb in walk(get_resolver())}
    # If the walker stopped descending into included URL confs, the test above would pass
    # on nothing: these must be found, with the guard they carry.
    assert guards["eleves/"] == "current:MEMBER"
    assert guards["eleves/import/"] == "current:ADMIN"
    assert guards["eleves/mots-de-passe/"] == "current:ADMIN"
    assert guards["eleves/import/<int:import_id>/etat.json"] == "import_get_for_admin"
    assert guards["equipe/"] == "current:MEMBER"
    assert guards["equipe/inviter/"] == "current:ADMIN"
    assert guards["equipe/membres/<int:membership_id>/retirer/"] == "membership_get_for_admin"
    assert guards["equipe/invitations/<int:invitation_id>/annuler/"] == "invitation_get_for_admin"
    assert guards["campagnes/"] == "current:MEMBER"
    # Campaigns: creating and the bulk deletion work on the current organisation (the
    # deletion passes its ids through campaigns_get_for_deletion); a URL naming a campaign
    # goes through a guarded lookup.
    assert guards["campagnes/nouvelle/"] == "current:MEMBER"
    assert guards["campagnes/nouvelle/par-classe/"] == "current:MEMBER"
    assert guards["campagnes/supprimer/"] == "current:MEMBER"
    assert guards["campagnes/<int:campaign_id>/"] == "campaign_get_for_member"
    assert guards["campagnes/<int:campaign_id>/export.csv"] == "campaign_get_for_member"
    assert (
        guards["campagnes/<int:campaign_id>/fiche/<path:division>/"]
        == "campaign_class_get_for_member"
    )
    for action in ("modifier/", "archiver/", "desarchiver/"):
        assert guards[f"campagnes/<int:campaign_id>/{action}"] == "campaign_get_for_manager"
    assert (
        guards["campagnes/<int:campaign_id>/participations/<int:participation_id>/supprimer/"]
        == "participation_get_for_manager"
    )
    assert guards["eleves/<int:learner_id>/"] == "learner_get_for_member"
    # Helping students' accounts: administrators, through the student's guarded lookup.
    assert guards["eleves/<int:learner_id>/mot-de-passe/"] == "learner_get_for_admin"
    assert guards["eleves/<int:learner_id>/dissocier/"] == "learner_get_for_admin"


def test_an_unguarded_view_would_be_reported(settings):
    settings.ROOT_URLCONF = "tests.pixorga.urls_with_an_unguarded_view"
    assert unguarded_routes() == ["eleves/oublie/ (forgotten)"]


# --- The terms of use on every organisation-space route --------------------------------


# URL argument → a real object of the member's organisation, made by (organization, user).
def _campaign(organization, user):
    from tests.factories import make_campaign, make_learner

    if not organization.learners.filter(division="4A").exists():
        make_learner(organization, division="4A")  # a class for the campaign's target
    return organization.campaigns.first() or make_campaign(
        organization, owner=user, target_division="4A"
    )


def _participation(organization, user):
    from tests.factories import make_participation

    campaign = _campaign(organization, user)
    return campaign.participations.first() or make_participation(campaign)


SAMPLES = {
    "import_id": lambda organization, user: (
        Import.objects.create(
            organization=organization, created_by=user, file_name="ElevesSansAdresses.xml"
        ).pk
    ),
    "organization_id": lambda organization, user: organization.pk,
    # One campaign of the organisation and one participation in it, so that a URL naming
    # both (a participation of that campaign) is a real one.
    "campaign_id": lambda organization, user: _campaign(organization, user).pk,
    "participation_id": lambda organization, user: _participation(organization, user).pk,
    "learner_id": lambda organization, user: _participation(organization, user).learner_id,
    "division": lambda organization, user: "4A",
    "membership_id": lambda organization, user: (
        Membership.objects.get(user=make_member(organization), organization=organization).pk
    ),
    "invitation_id": lambda organization, user: (
        invitation_send(
            organization=organization,
            email="sample.invitation@school.example",
            role="AUTO",
            language="fr",
        ).pk
    ),
}
_ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")


def guarded_urls(organization, user) -> list[tuple[str, object]]:
    """Every `org_view` route as a URL to request, its arguments filled with samples."""
    urls = []
    for route, _name, callback in walk(get_resolver()):
        if not is_guarded(callback):
            continue
        missing = [arg for arg in _ARGUMENT.findall(route) if arg not in SAMPLES]
        assert not missing, f"add a sample for {missing} ({route}) to SAMPLES"
        url = "/" + _ARGUMENT.sub(lambda m: str(SAMPLES[m.group(1)](organization, user)), route)
        urls.append((url, callback))
    return urls


def request(client, url):
    """GET, or POST for a view that only takes POST (its guard runs after the method)."""
    response = client.get(url)
    return client.post(url) if response.status_code == 405 else response


@pytest.mark.django_db
def test_every_organisation_space_route_asks_for_the_terms_of_use_first(client):
    organization = make_organization()
    # An administrator, so that nothing but the terms stands in the way (the role and the
    # capability come after them, and the membership before).
    person = make_member(organization, role=Membership.Role.ADMIN, cgu_accepted=False)
    client.force_login(person)
    urls = guarded_urls(organization, person)
    assert {"/eleves/", "/eleves/import/", "/equipe/", "/campagnes/"} <= {u for u, _ in urls}
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {_token(person, organization)}")
    for url, callback in urls:
        if api_view(callback):
            for method in api_view(callback).guards:
                response = getattr(api, method.lower())(url)
                assert response.status_code == 403, (method, url)
                assert response.json()["code"] == "CGU_NOT_ACCEPTED", (method, url)
            continue
        response = request(client, url)
        if callback.org_view_as_json:
            assert response.status_code == 403, url
            assert response.json()["code"] == "CGU_NOT_ACCEPTED", url
            assert response.json()["meta"]["url"] == "/cgu/", url
        elif response.wsgi_request.method == "GET":
            assert response.status_code == 302, url
            assert response["Location"] == f"/cgu/?next={quote(url, safe='')}", url
        else:
            assert (response.status_code, response["Location"]) == (302, "/cgu/"), url


@pytest.mark.django_db
def test_once_accepted_no_organisation_space_route_sends_to_the_terms(client):
    # The counterpart of the test above: the redirect is the terms' doing, not the route's.
    organization = make_organization()
    person = make_member(organization, role=Membership.Role.ADMIN, cgu_accepted=False)
    accept_cgu(person)
    client.force_login(person)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {_token(person, organization)}")
    for url, callback in guarded_urls(organization, person):
        if api_view(callback):
            if "GET" in api_view(callback).guards:  # GET only: POST views would act
                response = api.get(url)
                assert response.status_code == 200, url
            continue
        response = client.get(url)  # GET only: POST views would act
        assert "/cgu/" not in response.get("Location", ""), url
        if callback.org_view_as_json:
            assert response.json().get("code") != "CGU_NOT_ACCEPTED", url


def _token(person, organization) -> str:
    return api_token_create(
        user=person, organization_id=organization.pk, name="walker", role="ADMIN"
    )[1]
