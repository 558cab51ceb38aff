from django.urls import path

from . import account_views, views

app_name = "students"
urlpatterns = [
    path("", views.learner_list_view, name="list"),
    path("<int:learner_id>/", views.learner_detail, name="learner_detail"),
    path(
        "<int:learner_id>/mot-de-passe/",
        account_views.learner_password,
        name="learner_password",
    ),
    path(
        "<int:learner_id>/dissocier/",
        account_views.learner_dissociate_view,
        name="learner_dissociate",
    ),
    path("mots-de-passe/", account_views.class_passwords, name="class_passwords"),
    path("import/", views.import_page, name="import_page"),
    path("import/<int:import_id>/", views.import_detail, name="import_detail"),
    path("import/<int:import_id>/etat.json", views.import_state, name="import_state"),
    path("import/<int:import_id>/erreurs.csv", views.import_errors_csv, name="import_errors_csv"),
    path("import/<int:import_id>/confirmer/", views.import_confirm_view, name="import_confirm"),
    path("import/<int:import_id>/annuler/", views.import_cancel_view, name="import_cancel"),
]
