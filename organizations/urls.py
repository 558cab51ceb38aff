from django.urls import path

from . import views

app_name = "organizations"
urlpatterns = [
    path("organisation/changer/", views.switch, name="switch"),
]
