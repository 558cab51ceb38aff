from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.uai import normalize_uai, validate_uai


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
    first_name = forms.CharField(
        label=_("Your first name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Your last name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )

    def clean_uai(self) -> str:
        uai = normalize_uai(self.cleaned_data["uai"])
        validate_uai(uai)
        return uai
