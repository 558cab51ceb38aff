"""Memberships in the back office: created through `membership_create`, then changed
only through actions calling the membership services (audited, under the
last-administrator rule, refusals shown per membership); never deleted."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from pixorga.errors import AppError

from ..models import Membership, Organization
from ..services import membership_change_role, membership_create, membership_remove
from .base import STAFF, AppErrorsAsMessages, _adopt, _IdFilter


class MembershipOrganizationFilter(_IdFilter):
    """`?organization=<id>`: one organisation's members (the organisation page links here)."""

    title = _("organisation")
    parameter_name = "organization"
    target_model = Organization


@admin.register(Membership)
class MembershipAdmin(AppErrorsAsMessages, admin.ModelAdmin):
    list_display = ["user", "organization", "role", "created_at", "disabled_at"]
    list_filter = [
        "role",
        ("disabled_at", admin.EmptyFieldListFilter),
        MembershipOrganizationFilter,
    ]
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
