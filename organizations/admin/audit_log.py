"""The audit log in the back office: read-only, filtered by action, capacity, and by
organisation or actor through ids in the URL."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from ..models import AuditLog, Organization
from .base import _IdFilter, audit_log_url


class OrganizationIdFilter(_IdFilter):
    title = _("organisation")
    parameter_name = "organization"
    target_model = Organization


class ActorIdFilter(_IdFilter):
    title = _("actor")
    parameter_name = "actor"
    target_model = User


class ActionFilter(admin.SimpleListFilter):
    """The known actions, without a DISTINCT over the whole log."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return AuditLog.Action.choices

    def queryset(self, request, queryset):
        return queryset if self.value() is None else queryset.filter(action=self.value())


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only: rows are written by the services, never by hand."""

    list_display = ["created_at", "action_label", "actor_link", "on_behalf_of", "organization_link"]
    list_display_links = ["created_at"]
    list_filter = [ActionFilter, "on_behalf_of", OrganizationIdFilter, ActorIdFilter]
    search_fields = ["organization__uai", "organization__name", "actor__email", "actor__username"]
    list_select_related = ["actor", "organization"]
    # Counting the whole log on every page costs more than it tells.
    show_full_result_count = False
    fields = [
        "created_at",
        "action",
        "actor",
        "on_behalf_of",
        "organization",
        "target_type",
        "target_id",
        "details",
    ]
    readonly_fields = fields

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, obj):
        try:
            return AuditLog.Action(obj.action).label
        except ValueError:
            return obj.action

    @admin.display(description=_("actor"))
    def actor_link(self, obj):
        if obj.actor_id is None:
            return "-"
        label = str(obj.actor) if obj.actor else f"#{obj.actor_id}"
        return format_html('<a href="{}">{}</a>', audit_log_url(actor=obj.actor_id), label)

    @admin.display(description=_("organisation"))
    def organization_link(self, obj):
        if obj.organization_id is None:
            return "-"
        label = str(obj.organization) if obj.organization else f"#{obj.organization_id}"
        return format_html(
            '<a href="{}">{}</a>', audit_log_url(organization=obj.organization_id), label
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
