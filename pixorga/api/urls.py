"""`/api/v1/`: versioned in the path; English resource names (the pages' are French)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from campaigns.api import follow as campaign_follow
from campaigns.api import views as campaigns
from invitations import api as invitations
from organizations.api import MemberDetail, MemberList, MeView
from students.api import imports, learners

from . import views

app_name = "api"
# Every resource of an organisation's data is under its id: the guarded lookups check
# that the object belongs to it (404 otherwise).
ORGANIZATION = "organizations/<int:organization_id>/"
CAMPAIGN = f"{ORGANIZATION}campaigns/<int:campaign_id>/"

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path(f"{ORGANIZATION}learners/", learners.LearnerList.as_view(), name="learners"),
    path(
        f"{ORGANIZATION}learners/<int:learner_id>/",
        learners.LearnerDetail.as_view(),
        name="learner",
    ),
    path(f"{ORGANIZATION}imports/", imports.ImportList.as_view(), name="imports"),
    path(f"{ORGANIZATION}imports/<int:import_id>/", imports.ImportDetail.as_view(), name="import"),
    path(
        f"{ORGANIZATION}imports/<int:import_id>/confirm/",
        imports.ImportConfirm.as_view(),
        name="import_confirm",
    ),
    path(
        f"{ORGANIZATION}imports/<int:import_id>/cancel/",
        imports.ImportCancel.as_view(),
        name="import_cancel",
    ),
    path(f"{ORGANIZATION}campaigns/", campaigns.CampaignList.as_view(), name="campaigns"),
    path(
        f"{ORGANIZATION}campaigns/per-class/",
        campaigns.CampaignPerClass.as_view(),
        name="campaigns_per_class",
    ),
    path(
        f"{CAMPAIGN}",
        campaigns.CampaignDetail.as_view(),
        name="campaign",
    ),
    path(f"{CAMPAIGN}archive/", campaigns.CampaignArchive.as_view(), name="campaign_archive"),
    path(f"{CAMPAIGN}unarchive/", campaigns.CampaignUnarchive.as_view(), name="campaign_unarchive"),
    path(
        f"{CAMPAIGN}participants/",
        campaign_follow.CampaignParticipants.as_view(),
        name="campaign_participants",
    ),
    path(f"{CAMPAIGN}export.csv", campaign_follow.CampaignExport.as_view(), name="campaign_export"),
    path(f"{ORGANIZATION}members/", MemberList.as_view(), name="members"),
    path(f"{ORGANIZATION}members/<int:membership_id>/", MemberDetail.as_view(), name="member"),
    path(f"{ORGANIZATION}invitations/", invitations.InvitationList.as_view(), name="invitations"),
    path(
        f"{ORGANIZATION}invitations/<int:invitation_id>/resend/",
        invitations.InvitationResend.as_view(),
        name="invitation_resend",
    ),
    path(
        f"{ORGANIZATION}invitations/<int:invitation_id>/cancel/",
        invitations.InvitationCancel.as_view(),
        name="invitation_cancel",
    ),
    # Public: the schema describes the API, it holds no data.
    path(
        "schema/",
        SpectacularAPIView.as_view(
            authentication_classes=[], permission_classes=[AllowAny], throttle_classes=[]
        ),
        name="schema",
    ),
    path("docs/", views.docs, name="docs"),
    re_path(r"^.*$", views.not_found, name="not_found"),
]
