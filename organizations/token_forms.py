"""The account page's form for a new API token (`accounts.views.api_tokens`)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from .models import Membership
from .tokens import DEFAULT_LIFETIME_DAYS, NAME_MAX_LENGTH, ApiTokenError

LIFETIMES = (7, 30, 90, 180, 365)


def _lifetime_label(days: int):
    if days == 365:
        return _("1 year (the longest)")
    label = ngettext_lazy("%(days)d day", "%(days)d days", days) % {"days": days}
    if days == DEFAULT_LIFETIME_DAYS:
        return _("%(lifetime)s (recommended)") % {"lifetime": label}
    return label


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the token"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("To recognise it later, for example « Import SIECLE de nuit »."),
        error_messages={"required": _("Give the token a name.")},
    )
    organization_id = forms.TypedChoiceField(
        label=_("Organisation"),
        coerce=int,
        help_text=_("A token acts for one organisation only."),
        error_messages={
            "required": _("Choose the organisation."),
            "invalid_choice": _("Choose one of your organisations."),
        },
    )
    role = forms.ChoiceField(
        label=_("Role of the token"),
        choices=Membership.Role.choices,
        initial=Membership.Role.MEMBER,
        help_text=_(
            "Member: read the students and campaigns, manage campaigns. Administrator: also "
            "import the student list. Never more than your own role: if yours is lowered, "
            "the token's is too."
        ),
        error_messages={"invalid_choice": _("Choose member or administrator.")},
    )
    lifetime_days = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        choices=[(days, _lifetime_label(days)) for days in LIFETIMES],
        initial=DEFAULT_LIFETIME_DAYS,
        error_messages={"invalid_choice": _("Choose one of the durations offered.")},
    )

    def __init__(self, *args, memberships: list[Membership], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization_id"].choices = [
            (membership.organization_id, str(membership.organization)) for membership in memberships
        ]
        if len(memberships) == 1:
            self.fields["organization_id"].initial = memberships[0].organization_id

    def add_service_error(self, error: ApiTokenError) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, ValidationError(error.message, code=error.code))
