"""Tiny views behind `org_view`, to test the guard itself."""

from django.http import HttpResponse, JsonResponse
from django.urls import include, path

from organizations.guards import organization_get_for_admin, organization_get_for_member
from organizations.permissions import org_view


@org_view()
def member_page(request):
    return HttpResponse(f"member page of {request.organization.pk}")


@org_view(role="ADMIN")
def admin_page(request):
    return HttpResponse(f"admin page of {request.organization.pk}")


@org_view(as_json=True)
def member_json(request):
    return JsonResponse({"organization": request.organization.pk})


# The organisation stands for "the object the URL names" (an import, a campaign).
@org_view(get=organization_get_for_admin)
def object_page(request, organization):
    return HttpResponse(f"object page of {organization.pk}")


@org_view(get=organization_get_for_member, switch=False, as_json=True)
def object_poll(request, organization):
    return JsonResponse({"organization": organization.pk})


urlpatterns = [
    path("objet/<int:organization_id>/", object_page),
    path("objet/<int:organization_id>/etat.json", object_poll),
    path("membre/", member_page),
    path("membre.json", member_json),
    path("admin/", admin_page),
    path("", include("pixorga.urls")),
]
