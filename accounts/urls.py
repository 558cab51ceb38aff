"""Account pages of our own, next to allauth's under /compte/ (names follow allauth's)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.account_index, name="account_index"),
    path("profil/", views.profile, name="account_profile"),
]
