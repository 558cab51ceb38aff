"""Two tiny views behind `org_view`, to test the guard itself."""

from django.http import HttpResponse
from django.urls import include, path

from organizations.permissions import org_view


@org_view()
def member_page(request):
    return HttpResponse(f"member page of {request.organization.pk}")


@org_view(role="ADMIN")
def admin_page(request):
    return HttpResponse(f"admin page of {request.organization.pk}")


urlpatterns = [
    path("membre/", member_page),
    path("admin/", admin_page),
    path("", include("pixorga.urls")),
]
