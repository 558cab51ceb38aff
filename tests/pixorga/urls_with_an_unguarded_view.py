"""The project's URLs plus one view that forgot its guard (for the URL-walker test)."""

from django.http import HttpResponse
from django.urls import include, path


def forgotten(request):
    return HttpResponse("students of the current organisation")


urlpatterns = [
    path("eleves/oublie/", forgotten, name="forgotten"),
    path("", include("pixorga.urls")),
]
