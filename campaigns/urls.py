from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("nouvelle/", views.campaign_create_view, name="create"),
    path("nouvelle/par-classe/", views.campaign_per_class_view, name="create_per_class"),
    path("supprimer/", views.campaign_delete_view, name="delete"),
    path("<int:campaign_id>/", views.campaign_detail, name="detail"),
    path("<int:campaign_id>/modifier/", views.campaign_edit_view, name="edit"),
    path("<int:campaign_id>/archiver/", views.campaign_archive_view, name="archive"),
    path("<int:campaign_id>/desarchiver/", views.campaign_unarchive_view, name="unarchive"),
    path("<int:campaign_id>/export.csv", views.campaign_export, name="export"),
    # A class name may hold a space or a slash ("2NDE 3"): `path` takes it whole.
    path("<int:campaign_id>/fiche/<path:division>/", views.campaign_sheet, name="sheet"),
    path(
        "<int:campaign_id>/participations/<int:participation_id>/supprimer/",
        views.participation_delete_view,
        name="participation_delete",
    ),
]
