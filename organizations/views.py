from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .current import switch_organization
from .errors import CguVersionOutdatedError
from .selectors import cgu_acceptance_latest, cgu_version_current, cgu_version_get
from .services import cgu_accept


def _safe_next(request, next_url: str | None) -> str:
    """A path on this site to go back to, else the home page (never another site)."""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return "/"


@require_POST
@login_required
def switch(request):
    """The header's organisation switcher: POST organization_id (and next)."""
    try:
        organization_id = int(request.POST.get("organization_id", ""))
    except ValueError:
        organization_id = -1
    switch_organization(request, organization_id)  # 403 unless an active member
    return redirect(_safe_next(request, request.POST.get("next")))


# --- Terms of use (CGU) ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def cgu(request):
    """The terms of use in force, in the person's language (French when not translated).

    Not behind `org_view`: it is where the space's guard sends people. POST
    `decision=accept` with the `version_id` shown records the acceptance and goes on to
    `next`; `decision=refuse` signs the person out."""
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision == "refuse":
            logout(request)
            messages.info(
                request,
                _(
                    "You declined the terms of use: you have been signed out. You can sign "
                    "in again whenever you wish to accept them."
                ),
            )
            return redirect("home")
        if decision == "accept":
            shown = cgu_version_get(version_id=request.POST.get("version_id"))
            try:
                if shown is None:
                    raise CguVersionOutdatedError()
                cgu_accept(user=request.user, version=shown)
            except CguVersionOutdatedError as error:
                messages.warning(request, error.message)
            else:
                return redirect(next_url)
        return redirect(f"{reverse('organizations:cgu')}?{urlencode({'next': next_url})}")

    version = cgu_version_current()
    latest = cgu_acceptance_latest(user=request.user)
    context = {"version": version, "next": next_url, "latest": latest}
    if version is not None:
        text, text_language = version.text_for(get_language())
        accepted = latest is not None and latest.version_id == version.pk
        context |= {
            "text": text,
            "text_language": text_language,
            "accepted": accepted,
            "changed": latest is not None and not accepted,
        }
    return render(request, "legal/cgu.html", context)
