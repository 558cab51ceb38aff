import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from organizations.uai import normalize_uai, validate_uai
from students.siecle.characters import invisible_characters

# The requester's names are typed by an anonymous visitor and written into a genuine
# e-mail to the school's official mailbox: anything beyond a name (a URL, a phone number,
# "Support Pix", a right-to-left override) would lend that e-mail's authority to a lure.
NAME_MAX_LENGTH = 60
# Besides letters (and the marks some scripts draw on them): what names hold.
NAME_PUNCTUATION = frozenset(" -'\u2019")  # \u2019: the typographic apostrophe

NAME_MESSAGES = {
    "first_name": {
        "max_length": _("Your first name can be at most 60 characters long."),
        "invisible": _(
            "Your first name holds an invisible character (%(characters)s): type it again."
        ),
        "characters": _(
            "Your first name can hold only letters, spaces, hyphens and apostrophes "
            "(no digits, no @, /, : or .)."
        ),
    },
    "last_name": {
        "max_length": _("Your last name can be at most 60 characters long."),
        "invisible": _(
            "Your last name holds an invisible character (%(characters)s): type it again."
        ),
        "characters": _(
            "Your last name can hold only letters, spaces, hyphens and apostrophes "
            "(no digits, no @, /, : or .)."
        ),
    },
}


def clean_name(value: str, messages: dict) -> str:
    """A person's name: letters of any script, spaces, hyphens and apostrophes; one
    space between words. Composed first (NFC), so "é" typed as e + accent is one letter."""
    value = unicodedata.normalize("NFC", value)
    invisible = invisible_characters(value)
    if invisible:
        raise ValidationError(
            messages["invisible"],
            code="invisible",
            params={"characters": ", ".join(invisible)},
        )
    value = " ".join(value.split())
    allowed = all(
        unicodedata.category(character)[0] in "LM" or character in NAME_PUNCTUATION
        for character in value
    )
    has_letter = any(unicodedata.category(character)[0] == "L" for character in value)
    if not allowed or not has_letter:
        raise ValidationError(messages["characters"], code="characters")
    if len(value) > NAME_MAX_LENGTH:
        raise ValidationError(messages["max_length"], code="max_length")
    return value


class SelfActivationForm(forms.Form):
    """UAI, first name and last name, all required. The UAI is trimmed, upper-cased and
    checked (format and check letter); whether it exists is the service's answer."""

    uai = forms.CharField(
        label=_("UAI of the school"),
        help_text=_("7 digits followed by a letter, for example 0750654D."),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    # No max_length on the field: the length is checked after spaces are collapsed, in
    # clean_name; the widget's maxlength still guides the person typing.
    first_name = forms.CharField(
        label=_("Your first name"),
        widget=forms.TextInput(
            attrs={"autocomplete": "given-name", "maxlength": str(NAME_MAX_LENGTH)}
        ),
    )
    last_name = forms.CharField(
        label=_("Your last name"),
        widget=forms.TextInput(
            attrs={"autocomplete": "family-name", "maxlength": str(NAME_MAX_LENGTH)}
        ),
    )

    def clean_uai(self) -> str:
        uai = normalize_uai(self.cleaned_data["uai"])
        validate_uai(uai)
        return uai

    def clean_first_name(self) -> str:
        return clean_name(self.cleaned_data["first_name"], NAME_MESSAGES["first_name"])

    def clean_last_name(self) -> str:
        return clean_name(self.cleaned_data["last_name"], NAME_MESSAGES["last_name"])
