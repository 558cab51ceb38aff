"""The GAR's arrival pages' own form: the password proving an account is one's own. The
birth date is the students' pages' `BirthDateForm`."""

from django import forms
from django.utils.translation import gettext_lazy as _


class PasswordProofForm(forms.Form):
    password = forms.CharField(
        label=_("Password of that account"),
        strip=False,
        error_messages={"required": _("Type the password of that account.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    WRONG = _("This is not the password of that account. Check it and try again.")
