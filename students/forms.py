from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

# The query string's French values -> the selector's sorts (students.selectors.SORTS).
SORT_PARAMETERS = {"nom": "name", "classe": "class"}


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("SIECLE file"),
        widget=forms.ClearableFileInput(attrs={"class": "fr-upload", "accept": ".xml,.zip"}),
    )

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Accepted formats: .xml, or the .zip exported by SIECLE. Maximum size: %(size)s."
        ) % {"size": filesizeformat(max_bytes)}


class LearnerFilterForm(forms.Form):
    """The list page's query string: ?q=…&classe=4E1&classe=4E2&tri=classe&page=2."""

    q = forms.CharField(label=_("Search by name or INE"), required=False, max_length=200)
    classe = forms.MultipleChoiceField(
        label=_("Classes"), required=False, widget=forms.CheckboxSelectMultiple
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
        """The selector's arguments; a value that does not validate is simply ignored
        (an old bookmark naming a class that no longer exists still shows the list)."""
        self.is_valid()
        data = self.cleaned_data
        known = {value for value, _label in self.fields["classe"].choices}
        divisions = data.get("classe")
        if divisions is None:
            divisions = [value for value in self.data.getlist("classe") if value in known]
        sort = SORT_PARAMETERS.get(data.get("tri") or "nom", "name")
        return {"search": data.get("q") or "", "divisions": list(divisions), "sort": sort}
