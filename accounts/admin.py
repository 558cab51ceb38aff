"""Back office for user accounts.

Edits are saved and recorded in the audit log by `organizations.services` (staff as
actor, on behalf of STAFF): the audit log and the memberships live in `organizations`,
and deleting a user ends their memberships under the last-administrator rule. The back
office is an interface, like a view, so it may call that app; `accounts`' models and
services still import nothing from it.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from organizations.admin import AppErrorsAsMessages
from organizations.audit import OnBehalfOf
from organizations.models import Membership
from organizations.services import user_delete, user_password_changed, user_save

from .forms import UserAdminChangeForm, UserAdminCreationForm
from .models import AuthenticationMethod, User


@admin.register(User)
class UserAdmin(AppErrorsAsMessages, DjangoUserAdmin):
    # Django's forms assume every user has an identifier; teachers and staff have only an
    # e-mail (see accounts.forms).
    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    fieldsets = (
        (None, {"fields": ("email", "username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
        (_("ENT (GAR)"), {"fields": ("ent_sign_in",)}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "username", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ("email", "username", "first_name", "last_name", "is_staff", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "language")
    search_fields = ("email", "username", "first_name", "last_name")
    ordering = ("-date_joined",)
    # Facts, not settings: the form would otherwise truncate date_joined to the second on
    # every save and report it as changed.
    readonly_fields = ("last_login", "date_joined", "ent_sign_in")

    @admin.display(description=_("ENT sign-in"))
    def ent_sign_in(self, obj) -> str:
        """Shown for support, never edited here: the GAR arrival's services write it."""
        method = obj.authentication_methods.filter(
            provider=AuthenticationMethod.Provider.GAR
        ).first()
        if method is None:
            return "—"
        last_used = (
            date_format(method.last_used_at, "SHORT_DATETIME_FORMAT")
            if method.last_used_at
            else "—"
        )
        return _("IDO %(ido)s, last used %(date)s") % {"ido": method.external_id, "date": last_used}

    def get_actions(self, request):
        # Deleting goes one account at a time through user_delete (its rule, its record).
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_deleted_objects(self, objs, request):
        # The memberships go with the account through user_delete, under its rule; the
        # back office may not delete memberships one by one, which must not stop this.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # Likewise its ENT sign-in (authentication methods), which cascades.
        perms_needed.discard(str(Membership._meta.verbose_name))
        perms_needed.discard(str(AuthenticationMethod._meta.verbose_name))
        return deleted, counts, perms_needed, protected

    def save_model(self, request, obj, form, change):
        user_save(
            actor=request.user,
            user=obj,
            changed_fields=form.changed_data if change else (),
            on_behalf_of=OnBehalfOf.STAFF,
        )

    def delete_model(self, request, obj):
        user_delete(actor=request.user, user=obj, on_behalf_of=OnBehalfOf.STAFF)

    def user_change_password(self, request, id, form_url=""):
        # Django's view hashes and saves the password through its own form; the record is
        # written in the same transaction when, and only when, the stored hash changed
        # (an invalid form or a conflicting submission changes nothing).
        if request.method != "POST":
            return super().user_change_password(request, id, form_url)
        with transaction.atomic():
            user = self.get_object(request, unquote(id))
            before = user.password if user is not None else None
            response = super().user_change_password(request, id, form_url)
            if user is not None:
                user.refresh_from_db(fields=["password"])
                if user.password != before:
                    user_password_changed(
                        actor=request.user, user=user, on_behalf_of=OnBehalfOf.STAFF
                    )
        return response
