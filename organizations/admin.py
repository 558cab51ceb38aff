"""Back office for organisations, memberships and the audit log.

Every edit goes through `organizations.services`, with the staff member as actor on
behalf of STAFF, so that it is audited and answers to the same rules as the pages.
Fields that carry a rule are read-only here: a membership's user, organisation, role
and end date change only through the actions (promote, make member, remove), which call
the membership services and show the last-administrator refusal as an error message;
an organisation is archived and reopened through actions, never deleted (its members,
students, imports and log would go with it).
"""

from django.contrib import admin, messages
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from pixorga.errors import AppError

from .audit import OnBehalfOf
from .models import AuditLog, Membership, Organization
from .services import (
    membership_change_role,
    membership_create,
    membership_remove,
    organization_archive,
    organization_reopen,
    organization_save,
)

STAFF = OnBehalfOf.STAFF


class AppErrorsAsMessages:
    """A service's refusal (an `AppError`) while the back office saves or deletes is shown
    as an error message on the page instead of a 500; the admin's transaction, and with
    it any partial write, has been rolled back."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except AppError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except AppError as error:
            self.message_user(request, error.message, messages.ERROR)
            opts = self.opts
            change = f"admin:{opts.app_label}_{opts.model_name}_change"
            return HttpResponseRedirect(reverse(change, args=[object_id]))


def _adopt(obj, saved) -> None:
    """The admin goes on with the instance its form built (redirect, history); give it
    the saved row's state when a service created the row from the form's values."""
    obj.__dict__.update(saved.__dict__)


def audit_log_url(**filters) -> str:
    query = "&".join(f"{name}={value}" for name, value in filters.items())
    return f"{reverse('admin:organizations_auditlog_changelist')}?{query}"


# --- Organisations ----------------------------------------------------------------------


class MembershipInline(admin.TabularInline):
    """Who belongs to the organisation, read-only: changes go through the membership
    page's actions (services and their rules), not through this table."""

    model = Membership
    extra = 0
    fields = ["user", "role", "created_at", "disabled_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(AppErrorsAsMessages, admin.ModelAdmin):
    list_display = ["name", "type", "uai", "official_email", "is_managing_students", "archived_at"]
    list_filter = ["type", "is_managing_students", ("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "uai", "official_email"]
    readonly_fields = ["created_at", "archived_at", "audit_log"]
    inlines = [MembershipInline]
    actions = ["archive", "reopen"]
    # Django 6's default; also silences its deprecation warning for Django 5's "http".
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_changeform_initial_data(self, request):
        # Most organisations are secondary schools, which manage their students.
        return {"type": Organization.Type.SCO, "is_managing_students": True}

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        organization_save(
            actor=request.user,
            organization=obj,
            changed_fields=form.changed_data if change else (),
            on_behalf_of=STAFF,
        )

    @admin.display(description=_("audit log"))
    def audit_log(self, obj):
        if obj.pk is None:
            return "-"
        return format_html('<a href="{}">{}</a>', audit_log_url(organization=obj.pk), _("See"))

    @admin.action(description=_("Archive (close the space)"), permissions=["change"])
    def archive(self, request, queryset):
        for organization in queryset.order_by("pk"):
            organization_archive(actor=request.user, organization=organization, on_behalf_of=STAFF)
        self.message_user(request, _("Organisations archived."), messages.SUCCESS)

    @admin.action(description=_("Reopen the space"), permissions=["change"])
    def reopen(self, request, queryset):
        for organization in queryset.order_by("pk"):
            organization_reopen(actor=request.user, organization=organization, on_behalf_of=STAFF)
        self.message_user(request, _("Organisations reopened."), messages.SUCCESS)


# --- Memberships ------------------------------------------------------------------------


@admin.register(Membership)
class MembershipAdmin(AppErrorsAsMessages, admin.ModelAdmin):
    list_display = ["user", "organization", "role", "created_at", "disabled_at"]
    list_filter = ["role", ("disabled_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "user__username", "organization__name", "organization__uai"]
    autocomplete_fields = ["user", "organization"]
    list_select_related = ["user", "organization"]
    actions = ["make_admin", "make_member", "remove"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "organization", "role"]
        return ["user", "organization", "role", "created_at", "disabled_at"]

    def get_readonly_fields(self, request, obj=None):
        # Once it exists, a membership changes only through the actions below.
        return [] if obj is None else self.get_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Ending a membership is "remove" (kept with its end date), under the rule.
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return  # every field is read-only: nothing to save
        _adopt(
            obj,
            membership_create(
                user=obj.user,
                organization=obj.organization,
                role=obj.role,
                actor=request.user,
                on_behalf_of=STAFF,
            ),
        )

    @admin.action(description=_("Make administrator"), permissions=["change"])
    def make_admin(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda membership: self._set_role(request, membership, Membership.Role.ADMIN),
        )

    @admin.action(description=_("Make member (not administrator)"), permissions=["change"])
    def make_member(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda membership: self._set_role(request, membership, Membership.Role.MEMBER),
        )

    @admin.action(description=_("Remove from the organisation"), permissions=["change"])
    def remove(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda membership: membership_remove(
                actor=request.user, membership=membership, on_behalf_of=STAFF
            ),
        )

    @staticmethod
    def _set_role(request, membership, role):
        return membership_change_role(
            actor=request.user, membership=membership, role=role, on_behalf_of=STAFF
        )

    def _each(self, request, queryset, change) -> None:
        """One service call (one transaction) per membership, in a stable order: each
        succeeds or is refused on its own, and each refusal is shown with its reason."""
        done = 0
        for membership in queryset.select_related("user", "organization").order_by("pk"):
            try:
                change(membership)
            except AppError as error:
                message = _("%(membership)s: %(reason)s") % {
                    "membership": membership,
                    "reason": error.message,
                }
                self.message_user(request, message, messages.ERROR)
            else:
                done += 1
        if done:
            message = ngettext(
                "%(count)d membership changed.", "%(count)d memberships changed.", done
            ) % {"count": done}
            self.message_user(request, message, messages.SUCCESS)


# --- Audit log --------------------------------------------------------------------------


class _IdFilter(admin.SimpleListFilter):
    """Filter on one id given in the URL (the list's links set it): the side panel shows
    the chosen one, never a list of every organisation or user of the platform."""

    target_model = None

    def lookups(self, request, model_admin):
        # A filter without choices is not applied at all: the chosen value is always one.
        value = self.value()
        if not value:
            return []
        found = value.isdigit() and self.target_model._default_manager.filter(pk=value).first()
        return [(value, str(found) if found else f"#{value}")]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(**{f"{self.parameter_name}_id": int(value)})


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
