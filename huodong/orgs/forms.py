from django import forms
from django.utils.translation import gettext_lazy as _

from huodong.orgs.people_import import XLSX_CONTENT_TYPE


class OrgImportForm(forms.Form):
    file = forms.FileField(
        label=_("Filled-in template (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
    )
