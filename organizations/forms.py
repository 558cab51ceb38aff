"""Forms of the organisation space's own pages (the team page)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from invitations.services import (
    MAX_ADDRESSES,
    InvalidAddressesError,
    TooManyAddressesError,
    addresses_check,
    addresses_parse,
)

# Room for MAX_ADDRESSES long addresses and generous separators; above, a pasted file.
MAX_TEXT_LENGTH = 20_000


class TeamInviteForm(forms.Form):
    """One text area of e-mail addresses. `cleaned_data["emails"]`: the addresses
    lower-cased, each once, in the order typed; every invalid one is named in the error,
    and then nothing is sent."""

    emails = forms.CharField(
        label=_("E-mail addresses of the people to invite"),
        max_length=MAX_TEXT_LENGTH,
        error_messages={"required": _("Type at least one e-mail address.")},
        widget=forms.Textarea(
            attrs={
                "rows": 6,
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "none",
            }
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Worded here, in the request's language (a lazy string formatted at import time
        # would be frozen in the language active then).
        self.fields["emails"].help_text = _(
            "Up to %(limit)s addresses, separated by commas, semicolons, spaces or line breaks."
        ) % {"limit": MAX_ADDRESSES}

    def clean_emails(self) -> list[str]:
        parsed = addresses_parse(self.cleaned_data["emails"])
        if not parsed.count:
            raise forms.ValidationError(self.fields["emails"].error_messages["required"])
        try:
            addresses_check(parsed)
        except TooManyAddressesError as error:
            raise forms.ValidationError(error.message) from error
        except InvalidAddressesError as error:
            invalid = error.meta["addresses"]
            raise forms.ValidationError(
                ngettext(
                    "This address is not a valid e-mail address: %(addresses)s. Correct or "
                    "remove it: nothing was sent.",
                    "These %(count)s addresses are not valid e-mail addresses: %(addresses)s. "
                    "Correct or remove them: nothing was sent.",
                    len(invalid),
                )
                % {"count": len(invalid), "addresses": ", ".join(invalid)}
            ) from error
        return parsed.emails
