from django.urls import path

from . import views

app_name = "organizations"
urlpatterns = [
    path("organisation/changer/", views.switch, name="switch"),
    path("equipe/", views.team, name="team"),
    path("documentation/", views.documentation, name="documentation"),
    path("cgu/", views.cgu, name="cgu"),
]
