"""Account forms: allauth's sign-in and sign-up (ACCOUNT_FORMS) and the account page.

Fields carry real labels and autocomplete hints; placeholders are removed, as the
French State design system asks (a placeholder disappears while typing and is not a label).
"""

from allauth.account import forms as allauth_forms
from django import forms
from django.utils.translation import gettext_lazy as _

from .language import NATIVE_NAMES
from .models import User


def _drop_placeholders(form: forms.Form) -> None:
    for field in form.fields.values():
        field.widget.attrs.pop("placeholder", None)


class LoginForm(allauth_forms.LoginForm):
    """Sign in with an e-mail address or an identifier (students may have only the latter)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = _("E-mail address or identifier")
        login.widget.attrs["autocomplete"] = "username"
        login.widget.attrs["autocapitalize"] = "none"
        login.widget.attrs["spellcheck"] = "false"
        # The "forgotten password" link is placed under the field by the template:
        # a link inside a label is hard to reach and to click.
        self.fields["password"].help_text = ""
        _drop_placeholders(self)


class PersonNamesForm(forms.Form):
    """The first and last name fields, as sign-up and the account page ask them."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )


class SignupForm(PersonNamesForm, allauth_forms.SignupForm):
    """allauth's sign-up (e-mail and password) with the person's first and last name."""

    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail address")
        self.fields["email"].help_text = _("Expected format: name@example.fr")
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        _drop_placeholders(self)


class ProfileForm(PersonNamesForm):
    """The account page: names and preferred language."""

    language = forms.ChoiceField(
        label=_("Preferred language"),
        help_text=_("Pages and e-mails are shown in this language once you are signed in."),
        choices=list(NATIVE_NAMES.items()),
    )

    @classmethod
    def for_user(cls, user: User, data=None) -> "ProfileForm":
        initial = {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "language": user.language,
        }
        return cls(data=data, initial=initial)
