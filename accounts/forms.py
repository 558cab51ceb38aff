"""Account forms: allauth's sign-in and sign-up (ACCOUNT_FORMS) and the account page.

Fields carry real labels and autocomplete hints; placeholders are removed, as the
French State design system asks (a placeholder disappears while typing and is not a label).
"""

from allauth.account import forms as allauth_forms
from django import forms
from django.contrib.auth import forms as auth_forms
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


# --- Back office ----------------------------------------------------------------------


class OptionalUsernameField(auth_forms.UsernameField):
    """Django's UsernameField assumes every user has an identifier (`len(None)` fails on
    an empty one); ours may be empty, stored as NULL."""

    def to_python(self, value):
        value = forms.CharField.to_python(self, value)
        if not value:
            return None
        return super().to_python(value)


class UserAdminFormMixin:
    """E-mail and identifier both optional, at least one, each unique whatever its case.

    The rules are reported on the fields: a field in error is left out of the model's
    constraint checks, so staff read one plain sentence, not "Constraint … is violated"
    (nor a 500 from the database)."""

    def clean_email(self) -> str | None:
        email = (self.cleaned_data.get("email") or "").strip()
        if not email:
            return None
        email = User.objects.normalize_email(email)
        if self._taken(email__iexact=email):
            raise forms.ValidationError(
                _("A user with that e-mail address already exists."), code="unique"
            )
        return email

    def clean_username(self) -> str | None:
        username = (self.cleaned_data.get("username") or "").strip() or None
        if username and self._taken(username__iexact=username):
            raise forms.ValidationError(
                _("A user with that identifier already exists."), code="unique"
            )
        return username

    def clean(self):
        cleaned_data = super().clean()
        if (
            not cleaned_data.get("email")
            and not cleaned_data.get("username")
            and "email" not in self.errors
            and "username" not in self.errors
        ):
            message = _("Enter an e-mail address, an identifier, or both.")
            self.add_error("email", forms.ValidationError(message, code="email_or_username"))
        return cleaned_data

    def _taken(self, **lookup) -> bool:
        others = User.objects.filter(**lookup)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        return others.exists()


class UserAdminChangeForm(UserAdminFormMixin, auth_forms.UserChangeForm):
    class Meta(auth_forms.UserChangeForm.Meta):
        model = User
        field_classes = {"username": OptionalUsernameField}


class UserAdminCreationForm(UserAdminFormMixin, auth_forms.AdminUserCreationForm):
    class Meta(auth_forms.AdminUserCreationForm.Meta):
        model = User
        fields = ("email", "username")
        field_classes = {"username": OptionalUsernameField}


class ChoosePasswordForm(auth_forms.SetPasswordForm):
    """The new password of an account given a one-time password: Django's rules, and not
    the one-time password itself (which the school printed, and others may have seen)."""

    def clean_new_password1(self):
        password = self.cleaned_data.get("new_password1")
        if password and self.user.check_password(password):
            raise forms.ValidationError(
                _("Choose a password different from the one your school gave you."),
                code="password_unchanged",
            )
        return password
