from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts import views as accounts_views

from . import documentation, health, views

admin.site.site_header = _("Pix Orga — back office")
admin.site.site_title = _("Pix Orga back office")
admin.site.index_title = _("Administration")
# The back office signs in through allauth (same form, same rate limits), not its own form.
admin.site.login = accounts_views.backoffice_login

# Rate-limited requests (allauth) get our page.
handler429 = "accounts.views.rate_limited"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("backoffice/", admin.site.urls),
    path("compte/", include("allauth.urls")),
    path("compte/", include("accounts.urls")),
    # Before Django's own: the switch also saves the signed-in person's preference.
    path("i18n/setlang/", accounts_views.set_language),
    path("i18n/", include("django.conf.urls.i18n")),
    path("campagnes/", include("campaigns.urls")),
    path("eleves/", include("students.urls")),
    # The students' pages: /code/, /parcours/<CODE>/…, /mes-parcours/ (no org_view).
    path("", include("campaigns.student_urls")),
    # The GAR's first arrival (after the service provider's /gar/acs/): no org_view.
    path("gar/", include("campaigns.gar.urls")),
    path("api/v1/", include("pixorga.api.urls")),
    # The GAR's single sign-on (SAML): /gar/metadata.xml, /gar/login/, /gar/acs/.
    path("gar/", include("accounts.gar.urls")),
    path("", include("organizations.urls")),
    # Describes every app (the students' refusal codes included): see documentation.py.
    path("documentation/", documentation.documentation, name="documentation"),
    path("", include("invitations.urls")),
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("donnees-personnelles/", views.personal_data, name="personal_data"),
    path("accessibilite/", views.accessibility, name="accessibility"),
]
