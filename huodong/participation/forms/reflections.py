from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from huodong.core.uploads import DOCX_TYPE
from huodong.orgs.models import Unit
from huodong.participation.models import ReflectionStatus
from huodong.participation.selectors.reflections import REVIEWABLE_STATUSES
from huodong.participation.services.reflections import (
    MAX_BODY_CHARS,
    MAX_TITLE_CHARS,
    ReviewDecision,
)

WORDCOUNT_OUTPUT = "#reflection-count"


class ReflectionForm(forms.Form):
    """The editor. `version` is the one the text was loaded at; a stale tab is refused."""

    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE_CHARS)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=MAX_BODY_CHARS,
        strip=False,
        widget=forms.Textarea(
            attrs={"rows": 22, "class": "reflection-body", "data-wordcount": WORDCOUNT_OUTPUT}
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, words_needed: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if words_needed:
            self.fields["body"].widget.attrs["data-words-needed"] = str(words_needed)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class ImportForm(VersionForm):
    file = forms.FileField(
        label=_("Word document (.docx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".docx,{DOCX_TYPE}"}),
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (ReviewDecision.ACCEPT.value, _("Accept")),
            (ReviewDecision.EXCELLENT.value, _("Mark excellent")),
            (ReviewDecision.RETURN.value, _("Return for revision")),
        ],
    )
    comment = forms.CharField(
        label=_("Comments"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when returning the reflection: say what should be revised."),
    )
    recommend = forms.BooleanField(
        label=_("Recommend it to the public column (解放思想大讨论专栏)"),
        required=False,
        help_text=_("Only for a reflection marked excellent."),
    )


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, units: list[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All reviewed or awaiting review"))] + [
            (status.value, status.label) for status in REVIEWABLE_STATUSES
        ]
        self.fields["unit"].choices = [("", _("All"))] + [(u.pk, u.name) for u in units]

    def filters(self) -> tuple[str | None, int | None]:
        """(status, unit id); an unfiltered queue shows what awaits review."""
        if not self.is_bound:
            return ReflectionStatus.SUBMITTED, None
        if not self.is_valid():
            return ReflectionStatus.SUBMITTED, None
        return self.cleaned_data["status"] or None, self.cleaned_data["unit"]
