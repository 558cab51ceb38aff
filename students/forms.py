from django import forms
from django.utils.translation import gettext_lazy as _

from .templatetags.file_sizes import file_size

# The query string's French values -> the selector's sorts (students.selectors.SORTS).
SORT_PARAMETERS = {"nom": "name", "classe": "class"}
# The query string's French values -> how an account signs in (selectors.SIGN_IN_METHODS).
SIGN_IN_PARAMETERS = {"aucun": "none", "identifiant": "identifier", "email": "email", "ent": "ent"}
SIGN_IN_LABELS = {
    "none": _("No account yet"),
    "identifier": _("Identifier"),
    "email": _("E-mail address"),
    "ent": _("ENT"),
}


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("SIECLE file"),
        widget=forms.ClearableFileInput(attrs={"class": "fr-upload", "accept": ".xml,.zip"}),
    )

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Accepted formats: .xml, or the .zip exported by SIECLE. Maximum size: %(size)s."
        ) % {"size": file_size(max_bytes)}


class LearnerFilterForm(forms.Form):
    """The list page's query string:
    ?q=…&classe=4E1&classe=4E2&connexion=aucun&connexion=identifiant&tri=classe&page=2."""

    q = forms.CharField(label=_("Search by name or INE"), required=False, max_length=200)
    classe = forms.MultipleChoiceField(
        label=_("Classes"), required=False, widget=forms.CheckboxSelectMultiple
    )
    connexion = forms.MultipleChoiceField(
        label=_("Sign-in"),
        required=False,
        choices=[(value, SIGN_IN_LABELS[method]) for value, method in SIGN_IN_PARAMETERS.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    tri = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("nom", _("Name")), ("classe", _("Class"))],
    )

    def __init__(self, *args, divisions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classe"].choices = [(division, division) for division in divisions]

    def filters(self) -> dict:
        """The selector's arguments, plus `unknown_divisions`: the classes asked for that
        the list does not have (an old bookmark, a class that left). Those are dropped and
        named on the page; the other filters still apply. An unknown sort is the sort by
        name, an unknown sign-in ignored; a search longer than the field allows is cut."""
        self.is_valid()
        data = self.cleaned_data
        known = {value for value, _label in self.fields["classe"].choices}
        asked = list(dict.fromkeys(value for value in self.data.getlist("classe") if value))
        search = data.get("q")
        if search is None:
            search = self.data.get("q", "")[: self.fields["q"].max_length]
        return {
            "search": search.strip(),
            "divisions": [value for value in asked if value in known],
            "unknown_divisions": [value for value in asked if value not in known],
            "sort": SORT_PARAMETERS.get(data.get("tri") or "nom", "name"),
            "sign_in": [
                SIGN_IN_PARAMETERS[value]
                for value in dict.fromkeys(self.data.getlist("connexion"))
                if value in SIGN_IN_PARAMETERS
            ],
        }
