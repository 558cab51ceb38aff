"""Account pages of our own, next to allauth's under /compte/ (names follow allauth's)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.account_index, name="account_index"),
    path("profil/", views.profile, name="account_profile"),
    path("nouveau-mot-de-passe/", views.choose_password, name="account_choose_password"),
    path("profil/jetons/", views.api_tokens, name="account_api_tokens"),
    path(
        "profil/jetons/<int:token_id>/revoquer/",
        views.api_token_revoke_view,
        name="account_api_token_revoke",
    ),
]
