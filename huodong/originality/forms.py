"""The forms of the originality pages: a reference text's upload and a campaign's threshold."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from huodong.core.uploads import DOCX_TYPE


class ReferenceUploadForm(forms.Form):
    """A reference text: its title and a .txt or .docx file (the service reads and checks it)."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Left empty, the file's name is the title."),
    )
    file = forms.FileField(
        label=_("File (.txt or .docx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".txt,.docx,text/plain,{DOCX_TYPE}"}),
    )


class ThresholdForm(forms.Form):
    threshold_percent = forms.IntegerField(
        label=_("Flag a reflection above this copy ratio (%)"),
        min_value=1,
        max_value=100,
        help_text=_("A reflection whose total copy ratio is above it is marked 疑似抄袭."),
    )
