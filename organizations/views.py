from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .current import switch_organization
from .permissions import org_view
from .selectors import membership_list_for_organization


@require_POST
@login_required
def switch(request):
    """The header's organisation switcher: POST organization_id (and next)."""
    try:
        organization_id = int(request.POST.get("organization_id", ""))
    except ValueError:
        organization_id = -1
    switch_organization(request, organization_id)  # 403 unless an active member
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    return redirect(next_url)


@org_view()
def team(request):
    """The current organisation's active members. (Invitations come with their own pages.)"""
    # Scoped to request.organization, which org_view resolved from the person's own
    # memberships: another organisation's members are never listed.
    memberships = membership_list_for_organization(organization_id=request.organization.pk)
    return render(request, "pages/team.html", {"memberships": memberships})


@org_view()
def documentation(request):
    """The help for school staff: the journey from the invitation to the campaigns."""
    return render(request, "pages/documentation.html")
