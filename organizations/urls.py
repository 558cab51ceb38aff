from django.urls import path

from . import team_views, views

app_name = "organizations"
urlpatterns = [
    path("organisation/changer/", views.switch, name="switch"),
    path("equipe/", team_views.team, name="team"),
    path("equipe/inviter/", team_views.team_invite, name="team_invite"),
    path("equipe/quitter/", team_views.team_leave, name="team_leave"),
    path(
        "equipe/membres/<int:membership_id>/role/",
        team_views.member_change_role,
        name="member_change_role",
    ),
    path(
        "equipe/membres/<int:membership_id>/retirer/",
        team_views.member_remove,
        name="member_remove",
    ),
    path(
        "equipe/invitations/<int:invitation_id>/renvoyer/",
        team_views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "equipe/invitations/<int:invitation_id>/annuler/",
        team_views.invitation_cancel,
        name="invitation_cancel",
    ),
    path("cgu/", views.cgu, name="cgu"),
]
