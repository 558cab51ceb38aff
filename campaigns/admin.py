"""Back office for campaigns and participations: read-only, with one action.

A campaign's fields carry rules (its code is unique forever, its owner an active member,
multiple sendings frozen once someone has joined) that the school's pages apply through
`campaigns.services`: staff look, and change nothing by hand. The one action, "replace
the code" (a code that leaked, for instance posted on a public site), calls
`campaign_replace_code` as STAFF: the old code stays reserved forever and no longer opens
the campaign, and the change is in the audit log. Nothing is deleted here.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from organizations.admin import AppErrorsAsMessages
from organizations.audit import OnBehalfOf
from pixorga.errors import AppError

from .models import Campaign, CampaignCode, Participation
from .services import campaign_replace_code


class CampaignCodeInline(admin.TabularInline):
    """Every code the campaign has had, the current one last."""

    model = CampaignCode
    extra = 0
    fields = ["code", "created_at", "replaced_at", "replaced_by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Campaign)
class CampaignAdmin(AppErrorsAsMessages, admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "organization",
        "owner",
        "created_at",
        "archived_at",
        "deleted_at",
    ]
    list_filter = [
        "type",
        ("archived_at", admin.EmptyFieldListFilter),
        ("deleted_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["code", "name", "organization__name", "organization__uai"]
    list_select_related = ["organization", "owner"]
    inlines = [CampaignCodeInline]
    actions = ["replace_code"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Campaign._meta.fields if field.name != "id"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Replace the code (it leaked)"), permissions=["change"])
    def replace_code(self, request, queryset):
        done = 0
        for campaign in queryset.order_by("pk"):
            try:
                campaign_replace_code(
                    actor=request.user, campaign=campaign, on_behalf_of=OnBehalfOf.STAFF
                )
            except AppError as error:
                self.message_user(
                    request,
                    _("%(campaign)s: %(reason)s") % {"campaign": campaign, "reason": error.message},
                    messages.ERROR,
                )
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d campaign has a new code; the old one no longer opens it.",
                    "%(count)d campaigns have a new code; the old ones no longer open them.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["campaign", "learner", "status", "created_at", "shared_at", "deleted_at"]
    list_filter = ["status", "is_improved", ("deleted_at", admin.EmptyFieldListFilter)]
    search_fields = ["campaign__code", "campaign__name", "learner__ine", "learner__search_name"]
    list_select_related = ["campaign", "learner"]
    raw_id_fields = ["campaign", "learner", "user", "deleted_by"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Participation._meta.fields if field.name != "id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
