"""The campaign forms and the query strings of the campaign pages.

Field errors carry Django's codes (`required`, `max_length`, `invalid_choice`) with our
own sentences; a refusal of a service that concerns a field (`CampaignError.field`) is
put under that field with the service's code (`add_service_error`).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .errors import CampaignError
from .models import LANDING_TEXT_MAX_LENGTH, NAME_MAX_LENGTH, TITLE_MAX_LENGTH, Campaign
from .selectors import STATUSES

TOO_LONG = _("At most %(limit_value)d characters (this one has %(show_value)d).")


def _members_choices(memberships) -> list[tuple[str, str]]:
    return [(str(m.user_id), m.user.get_full_name() or str(m.user)) for m in memberships]


class CampaignForm(forms.Form):
    """Create (with `type` and the optional class) or change (`editing=True`) a campaign."""

    name = forms.CharField(
        label=_("Campaign name"),
        max_length=NAME_MAX_LENGTH,
        error_messages={"required": _("Give the campaign a name."), "max_length": TOO_LONG},
        help_text=_("Seen by your team in the list, and in the exports."),
    )
    type = forms.ChoiceField(
        label=_("What is the campaign for?"),
        choices=Campaign.Type.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what the campaign is for."),
            "invalid_choice": _("Choose one of the two kinds of campaign."),
        },
    )
    owner = forms.TypedChoiceField(
        label=_("Owner"),
        coerce=int,
        help_text=_("The owner and the administrators change, archive and delete the campaign."),
        error_messages={
            "required": _("Choose the campaign's owner."),
            "invalid_choice": _("The owner must be an active member of your organisation."),
        },
    )
    target_division = forms.ChoiceField(
        label=_("Only for one class"),
        required=False,
        help_text=_("Only the students of this class can join. Leave empty for everyone."),
        error_messages={"invalid_choice": _("This class is not in your student list.")},
    )
    title = forms.CharField(
        label=_("Title shown to students"),
        required=False,
        max_length=TITLE_MAX_LENGTH,
        error_messages={"max_length": TOO_LONG},
        help_text=_(
            "At most %(max)d characters. Without a title, students see the campaign's name."
        )
        % {"max": TITLE_MAX_LENGTH},
    )
    landing_text = forms.CharField(
        label=_("Text of the landing page"),
        required=False,
        max_length=LANDING_TEXT_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"max_length": TOO_LONG},
        help_text=_(
            "Shown to students before they start, at most %(max)s characters. You may write "
            "**bold**, *italic*, [a link](https://…) and lists with a dash at the start of "
            "each line."
        )
        % {"max": "5 000"},
    )
    external_id_label = forms.CharField(
        label=_("Identifier to ask the students for"),
        required=False,
        max_length=255,
        error_messages={"max_length": TOO_LONG},
        help_text=_("For example « Numéro d'élève ». Leave empty to ask for nothing."),
    )
    external_id_type = forms.ChoiceField(
        label=_("Kind of identifier"),
        required=False,
        choices=[("", _("Choose…")), *Campaign.ExternalIdType.choices],
        error_messages={"invalid_choice": _("Choose an e-mail address or free text.")},
    )
    multiple_sendings = forms.BooleanField(
        label=_("Students may send their results more than once"),
        required=False,
        help_text=_("This can no longer change once a student has joined."),
    )

    def __init__(
        self,
        *args,
        memberships,
        divisions: list[str] | None = None,
        editing: bool = False,
        frozen: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = _members_choices(memberships)
        if editing:
            del self.fields["type"]
            del self.fields["target_division"]
        elif divisions:
            self.fields["target_division"].choices = [("", _("Every class"))] + [
                (division, division) for division in divisions
            ]
        else:
            del self.fields["target_division"]
        if frozen:
            self.fields["multiple_sendings"].disabled = True
            self.fields["multiple_sendings"].help_text = _(
                "Students have already joined: this can no longer change."
            )

    def type_options(self) -> list[tuple[str, str, str]]:
        """Each kind of campaign with its one-line explanation (the radio buttons)."""
        return [
            (value, label, Campaign.TYPE_EXPLANATIONS[value])
            for value, label in Campaign.Type.choices
        ]

    def clean(self):
        data = super().clean()
        label, kind = data.get("external_id_label"), data.get("external_id_type")
        if label and not kind and "external_id_type" not in self.errors:
            self.add_error(
                "external_id_type",
                ValidationError(
                    _("Say whether the identifier is an e-mail address or free text."),
                    code="required",
                ),
            )
        return data

    def settings(self) -> dict:
        """The cleaned values as the services take them (owner as its id)."""
        data = dict(self.cleaned_data)
        if not data.get("external_id_label"):
            data["external_id_type"] = ""
        return data

    def add_service_error(self, error: CampaignError) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, ValidationError(error.message, code=error.code))


class CampaignPerClassForm(CampaignForm):
    """The same settings, and the classes (all of them unless unticked)."""

    divisions = forms.MultipleChoiceField(
        label=_("Classes"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one class."),
            "invalid_choice": _("The class %(value)s is not in your student list."),
        },
    )

    def __init__(self, *args, divisions: list[str], **kwargs):
        super().__init__(*args, divisions=None, **kwargs)
        self.fields["divisions"].choices = [(division, division) for division in divisions]
        self.fields["divisions"].initial = list(divisions)


class CampaignFilterForm(forms.Form):
    """The list's query string: ?vue=toutes&q=…&proprietaire=12&etat=archivees&page=2."""

    vue = forms.ChoiceField(
        required=False, choices=[("mes", _("My campaigns")), ("toutes", _("All campaigns"))]
    )
    q = forms.CharField(label=_("Search by name"), required=False, max_length=200)
    proprietaire = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int)
    etat = forms.ChoiceField(
        label=_("Campaigns shown"),
        required=False,
        choices=[("actives", _("Active")), ("archivees", _("Archived"))],
    )

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proprietaire"].choices = [
            ("", _("Every owner")),
            *_members_choices(memberships),
        ]

    def filters(self) -> dict:
        """What the list shows; a value the form does not know is left out."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "mine": data.get("vue") != "toutes",
            "search": (data.get("q") or "").strip(),
            "owner_id": data.get("proprietaire") or None,
            "archived": data.get("etat") == "archivees",
        }


class ParticipantFilterForm(forms.Form):
    """The campaign page's query string: ?q=…&classe=4A&statut=SHARED&page=2."""

    q = forms.CharField(label=_("Search by name or INE"), required=False, max_length=200)
    classe = forms.ChoiceField(label=_("Class"), required=False)
    statut = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, divisions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classe"].choices = [("", _("Every class"))] + [(d, d) for d in divisions]
        self.fields["statut"].choices = [("", _("Every status"))] + [
            (status.value, status.label) for status in STATUSES
        ]

    def filters(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        return {
            "search": (data.get("q") or "").strip(),
            "division": data.get("classe") or "",
            "status": data.get("statut") or "",
        }
