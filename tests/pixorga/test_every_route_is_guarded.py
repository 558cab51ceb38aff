"""Every route of the project is either guarded by `org_view` or allowed on purpose.

A new organisation-space view that forgets its guard fails here. The allow-list is
reviewed: each entry says who may reach it without an organisation-space guard.
"""

from django.urls import URLPattern, URLResolver, get_resolver

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
}


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
        if getattr(callback, "org_view_guard", None):
            continue
        if any(route.startswith(p) for p in ALLOWED_PREFIXES) or name in ALLOWED_NAMES:
            continue
        found.append(f"{route} ({name or callback.__module__ + '.' + callback.__name__})")
    return found


def test_every_route_is_guarded_or_allowed_on_purpose():
    assert unguarded_routes() == []


def test_the_walker_sees_the_organisation_space_routes_and_their_guards():
    guards = {route: getattr(cb, "org_view_guard", None) for route, _, cb in walk(get_resolver())}
    # If the walker stopped descending into included URL confs, the test above would pass
    # on nothing: these must be found, with the guard they carry.
    assert guards["eleves/"] == "current:MEMBER"
    assert guards["eleves/import/"] == "current:ADMIN"
    assert guards["eleves/import/<int:import_id>/etat.json"] == "import_get_for_admin"
    assert guards["equipe/"] == "current:MEMBER"
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


def test_an_unguarded_view_would_be_reported(settings):
    settings.ROOT_URLCONF = "tests.pixorga.urls_with_an_unguarded_view"
    assert unguarded_routes() == ["eleves/oublie/ (forgotten)"]
