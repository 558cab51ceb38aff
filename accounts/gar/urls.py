from django.urls import path

from . import views

app_name = "gar"

urlpatterns = [
    path("metadata.xml", views.metadata, name="metadata"),
    path("login/", views.login, name="login"),
    path("acs/", views.acs, name="acs"),
]
