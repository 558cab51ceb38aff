"""The GAR's first-arrival pages (namespace `gar_arrival`), mounted under `/gar/` by
`pixorga/urls.py` beside the service provider's `/gar/metadata.xml`, `/gar/login/` and
`/gar/acs/`. None is behind `org_view`: see views.py."""

from django.urls import path

from . import views

app_name = "gar_arrival"
urlpatterns = [
    path("premiere-connexion/", views.birthdate, name="birthdate"),
    path("premiere-connexion/mon-compte/", views.prove, name="prove"),
    path("personnel/", views.staff, name="staff"),
    path("personnel/rattacher/", views.staff_attach, name="staff_attach"),
]
