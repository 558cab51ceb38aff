"""The students' pages (namespace `join`), mounted at the root by `pixorga/urls.py`:
`/code/`, `/parcours/<CODE>/…`, `/mes-parcours/`. None is behind `org_view`."""

from django.urls import path

from .views import student, student_link

app_name = "join"
urlpatterns = [
    path("code/", student.code_entry, name="code"),
    path("mes-parcours/", student.my_campaigns, name="my_campaigns"),
    path("parcours/<str:code>/", student.landing, name="landing"),
    path("parcours/<str:code>/commencer/", student.start, name="start"),
    path("parcours/<str:code>/eleve/", student_link.reconcile, name="reconcile"),
    path("parcours/<str:code>/associer/", student_link.confirm, name="confirm"),
    path("parcours/<str:code>/inscription/", student_link.sign_up, name="sign_up"),
    path(
        "parcours/<str:code>/inscription/mot-de-passe/",
        student_link.sign_up_password,
        name="sign_up_password",
    ),
    path("parcours/<str:code>/compte-cree/", student_link.account_created, name="account_created"),
    path("parcours/<str:code>/participer/", student.participate, name="participate"),
    path("parcours/<str:code>/mon-parcours/", student.campaign_page, name="campaign"),
    path("parcours/<str:code>/envoyer/", student.share, name="share"),
]
