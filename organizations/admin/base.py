"""What the back-office pages share: service refusals as messages, links to the log."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse

from pixorga.errors import AppError

from ..audit import OnBehalfOf

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
