from django.urls import path  # noqa: F401 - the Élèves pages are added by the import issue

app_name = "students"
urlpatterns: list = []
