"""Tiny views behind `org_view`, to test the guard itself."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import include, path

from organizations.models import Organization
from organizations.permissions import org_view


def organization_of_url(*, organization_id: int) -> Organization:
    # Stands for "the organisation of the object the URL names" (an import, a campaign).
    return get_object_or_404(Organization, pk=organization_id)


@org_view()
def member_page(request):
    return HttpResponse(f"member page of {request.organization.pk}")


@org_view(role="ADMIN")
def admin_page(request):
    return HttpResponse(f"admin page of {request.organization.pk}")


@org_view(role="ADMIN", organization_from=organization_of_url)
def object_page(request, organization_id):
    return HttpResponse(f"object page of {request.organization.pk}")


@org_view(organization_from=organization_of_url, switch=False, as_json=True)
def object_poll(request, organization_id):
    return JsonResponse({"organization": request.organization.pk})


urlpatterns = [
    path("objet/<int:organization_id>/", object_page),
    path("objet/<int:organization_id>/etat.json", object_poll),
    path("membre/", member_page),
    path("admin/", admin_page),
    path("", include("pixorga.urls")),
]
