"""Organisations in the back office: created and changed through `organization_save`,
archived and unarchived through actions, created in bulk from a CSV file; never deleted
(its members, students, imports and log would go with it)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import F
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..bulk_csv import EXPECTED_HEADER, MAX_BYTES, BulkFileError, read_organizations_csv
from ..models import Membership, Organization
from ..services import (
    organization_archive,
    organization_bulk_create,
    organization_save,
    organization_unarchive,
)
from ..services.bulk import CREATED, EXISTING, REFUSED
from .base import STAFF, AppErrorsAsMessages, audit_log_url


def members_url(organization_id: int) -> str:
    """The organisation's active members, where staff change roles (membership actions)."""
    return (
        f"{reverse('admin:organizations_membership_changelist')}"
        f"?organization={organization_id}&disabled_at__isempty=1"
    )


class BulkCreateForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 or Windows-1252, separated by semicolons or commas."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("This file is over %(size)s MB: split it into several files.")
                % {"size": MAX_BYTES // (1024 * 1024)}
            )
        return upload


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
        # Active members first, then those who left (kept with their end date).
        return (
            super()
            .get_queryset(request)
            .select_related("user")
            .order_by(F("disabled_at").desc(nulls_first=True), "created_at")
        )

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
    readonly_fields = ["created_at", "archived_at", "archived_by", "members", "audit_log"]
    inlines = [MembershipInline]
    actions = ["archive", "unarchive"]
    change_list_template = "organizations/admin/organization_change_list.html"
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
        if change and "official_email" in form.changed_data:
            # The service cancelled what was sent to the old mailbox (OFFICIAL_EMAIL_CHANGED
            # steps): staff are told, so that the school is not left waiting on a dead link.
            self.message_user(
                request,
                _(
                    "The official address changed: pending invitations sent to the former "
                    "address are cancelled. Send a new administrator invitation if the "
                    "school still needs one."
                ),
                messages.WARNING,
            )

    @admin.display(description=_("members"))
    def members(self, obj):
        if obj.pk is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a>', members_url(obj.pk), _("See the members and change roles")
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

    @admin.action(description=_("Unarchive (reopen the space)"), permissions=["change"])
    def unarchive(self, request, queryset):
        for organization in queryset.order_by("pk"):
            organization_unarchive(
                actor=request.user, organization=organization, on_behalf_of=STAFF
            )
        self.message_user(request, _("Organisations reopened."), messages.SUCCESS)

    # --- Creating from a CSV file -----------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view(self.bulk_create_view)
        return [
            path("creer-depuis-csv/", view, name="organizations_organization_bulk_create"),
            *super().get_urls(),
        ]

    def bulk_create_view(self, request):
        """Upload a CSV file, create its organisations, show a line-by-line result."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = BulkCreateForm(request.POST or None, request.FILES or None)
        results = None
        if request.method == "POST" and form.is_valid():
            try:
                lines = read_organizations_csv(form.cleaned_data["file"].read())
            except BulkFileError as error:
                form.add_error("file", error.message)
            else:
                results = organization_bulk_create(actor=request.user, lines=lines)
        counts = None
        if results is not None:
            counts = {
                outcome: sum(result.outcome == outcome for result in results)
                for outcome in (CREATED, EXISTING, REFUSED)
            }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Create organisations from a CSV file"),
            "form": form,
            "results": results,
            "counts": counts,
            "expected_header": EXPECTED_HEADER,
        }
        return TemplateResponse(request, "organizations/admin/bulk_create.html", context)
