from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import health, views

admin.site.site_header = _("Pix Orga — back office")
admin.site.site_title = _("Pix Orga back office")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("backoffice/", admin.site.urls),
    path("compte/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("campagnes/", include("campaigns.urls")),
    path("eleves/", include("students.urls")),
    path("", include("organizations.urls")),
]
