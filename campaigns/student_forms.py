"""Forms of the students' pages: the code, the names and birth date (day / month / year),
the password of the sign-up without an e-mail, the campaign's external identifier.

Sentences are for a pupil of 12. Fields carry autocomplete hints and no placeholder
(the French State design system: a placeholder is not a label).
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth import password_validation
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .codes import normalize_code
from .models import Campaign


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Campaign code"),
        help_text=_("9 characters, such as ABCDEF234. Capitals and spaces do not matter."),
        # Room for spaces and dashes typed between the characters.
        max_length=40,
        error_messages={"required": _("Type the code your teacher gave you.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        return normalize_code(self.cleaned_data["code"])


def _number_field(label, hint: str, *, max_value: int, min_value: int, width: int):
    return forms.IntegerField(
        label=label,
        help_text=hint,
        min_value=min_value,
        max_value=max_value,
        error_messages={
            "required": _("Fill in the whole birth date."),
            "invalid": _("Type numbers only."),
            "min_value": _("This number is too small."),
            "max_value": _("This number is too big."),
        },
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "maxlength": str(width), "autocomplete": "off"}
        ),
    )


class BirthDateForm(forms.Form):
    """The birth date as three fields (day, month, year): alone for a student arriving
    from the GAR (whose names the ENT gave), with the names in `IdentityForm`."""

    birth_day = _number_field(_("Day"), _("For example: 14"), min_value=1, max_value=31, width=2)
    birth_month = _number_field(_("Month"), _("For example: 7"), min_value=1, max_value=12, width=2)
    birth_year = _number_field(
        _("Year"), _("For example: 2012"), min_value=1900, max_value=9999, width=4
    )

    BIRTH_FIELDS = ("birth_day", "birth_month", "birth_year")

    def clean(self):
        data = super().clean()
        if any(name in self.errors for name in self.BIRTH_FIELDS):
            return data
        try:
            birthdate = datetime.date(data["birth_year"], data["birth_month"], data["birth_day"])
        except ValueError:
            self.add_error(
                None,
                forms.ValidationError(
                    _("This date does not exist: check the day and the month."),
                    code="invalid_date",
                ),
            )
            return data
        if birthdate > timezone.localdate():
            self.add_error(
                None,
                forms.ValidationError(_("A birth date is in the past."), code="future_date"),
            )
            return data
        data["birthdate"] = birthdate
        return data

    # Set by the page when the names and date match no one (a NoMatchError): shown above
    # the form with its code, not as an error of a field.
    refusal = None

    @property
    def birth_fields(self):
        return [self[name] for name in self.BIRTH_FIELDS]

    @property
    def birth_errors(self) -> list[str]:
        """The date's errors, shown once under the three fields."""
        errors = [error for name in self.BIRTH_FIELDS for error in self.errors.get(name, [])]
        errors += [str(error) for error in self.non_field_errors()]
        return list(dict.fromkeys(errors))


class IdentityForm(BirthDateForm):
    """First name, last name and birth date, as the student types them to be found in
    the school's list."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        error_messages={"required": _("Type your first name.")},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        error_messages={"required": _("Type your last name.")},
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )

    field_order = ["first_name", "last_name", *BirthDateForm.BIRTH_FIELDS]


class StudentPasswordForm(forms.Form):
    """The password of an account made by the sign-up without an e-mail."""

    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        help_text=_("At least 8 characters. Not only digits, and not your name."),
        error_messages={"required": _("Choose a password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Type the same password again"),
        strip=False,
        error_messages={"required": _("Type your password a second time.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, future_user: User, **kwargs):
        super().__init__(*args, **kwargs)
        # The validators compare the password with the names and identifier to come.
        self.future_user = future_user

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error(
                "password2",
                forms.ValidationError(_("The two passwords differ."), code="password_mismatch"),
            )
        elif first:
            try:
                password_validation.validate_password(first, user=self.future_user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ExternalIdForm(forms.Form):
    """What the campaign asks first (its label); the service checks the value."""

    external_id = forms.CharField(max_length=255, required=False)

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["external_id"]
        field.label = campaign.external_id_label
        field.required = True
        field.error_messages["required"] = _("Fill in this field: your school asks for it.")
        field.error_messages["max_length"] = _("At most %(limit_value)s characters.")
        if campaign.external_id_type == Campaign.ExternalIdType.EMAIL:
            field.widget = forms.EmailInput(attrs={"autocomplete": "email"})
            field.help_text = _("An e-mail address, such as name@example.fr.")
