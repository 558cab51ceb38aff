from django.urls import path

from . import views

app_name = "invitations"
urlpatterns = [
    path("rejoindre/", views.accept, name="accept"),
    path("demande-administration-sco/", views.self_activation, name="self_activation"),
]
