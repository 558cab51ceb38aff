"""The terms of use in the back office: staff publish a version (through
`cgu_version_publish`, audited); a version is never changed or deleted afterwards.

Acceptances are not a back-office page of their own: the list of versions counts them,
and who accepted what, when, is in the audit log (`cgu.accepted`, filtered by actor).
Registering them would also make deleting a user depend on a permission to delete
acceptances, which nobody should have by hand."""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pixorga.errors import AppError

from ..models import CguVersion
from ..selectors import cgu_version_list
from ..services import cgu_check_effective_at, cgu_version_publish
from .base import AppErrorsAsMessages, _adopt


class CguVersionForm(forms.ModelForm):
    class Meta:
        model = CguVersion
        fields = ["effective_at", "text_fr", "text_en"]
        help_texts = {
            "effective_at": _(
                "Now or later. From that moment, everyone is asked to accept this version "
                "on their next page of an organisation's space."
            ),
            "text_fr": _("Plain text: leave an empty line between paragraphs. No HTML."),
            "text_en": _("Optional: French is shown to English readers when it is empty."),
        }

    def clean_effective_at(self):
        effective_at = self.cleaned_data["effective_at"]
        try:
            cgu_check_effective_at(effective_at)
        except AppError as error:
            raise forms.ValidationError(error.message) from None
        return effective_at


@admin.register(CguVersion)
class CguVersionAdmin(AppErrorsAsMessages, admin.ModelAdmin):
    form = CguVersionForm
    list_display = ["__str__", "effective_at", "in_force", "created_at", "acceptance_count"]
    readonly_fields = ["created_at"]

    def get_queryset(self, request):
        return cgu_version_list()

    def get_changeform_initial_data(self, request):
        return {"effective_at": timezone.now()}

    # Published means final: what people accepted must stay as they read it.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        _adopt(
            obj,
            cgu_version_publish(
                actor=request.user,
                text_fr=obj.text_fr,
                text_en=obj.text_en,
                effective_at=obj.effective_at,
            ),
        )

    @admin.display(description=_("in force"), boolean=True)
    def in_force(self, obj):
        return obj.in_force

    @admin.display(description=_("acceptances"), ordering="acceptance_count")
    def acceptance_count(self, obj):
        return obj.acceptance_count
