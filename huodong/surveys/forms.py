"""The questionnaire builder's forms. They only read what was typed; the building services
decide what a question may be (and refuse, saying why)."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from huodong.campaigns.models import Campaign
from huodong.surveys.models import CHOICE_KINDS, OPTION_KINDS, TEXT_KINDS, Audience, QuestionKind

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def lines(text: str) -> list[str]:
    """One entry per non-blank line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _datetime_field(label) -> forms.DateTimeField:
    # A datetime-local input: read in the current (the office's) time zone.
    return forms.DateTimeField(
        label=label,
        required=False,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown above the questions: who asks, why, and how long it takes."),
    )
    audience = forms.ChoiceField(
        label=_("Who answers"), choices=Audience.choices, initial=Audience.PUBLIC
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=_("(none)"),
    )
    is_template = forms.BooleanField(
        label=_("Save as a template (copied to make questionnaires, never answered itself)"),
        required=False,
    )

    def __init__(self, *args, office_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["campaign"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Campaign.objects.filter(office_id=office_id).order_by("-start", "-id")


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Section title"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Section description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


CHOICES = f"{QuestionKind.SINGLE} {QuestionKind.MULTIPLE}"
WITH_OPTIONS = f"{CHOICES} {QuestionKind.MATRIX} {QuestionKind.RANKING}"
TEXTS = f"{QuestionKind.SHORT_TEXT} {QuestionKind.LONG_TEXT}"


class QuestionForm(forms.Form):
    """A new question. Fields that apply to some types only say so in their label and carry
    those types in `kinds` (the page hides the others when scripts run)."""

    kind = forms.ChoiceField(label=_("Type"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Question"), max_length=500)
    help_text = forms.CharField(label=_("Hint (optional)"), max_length=500, required=False)
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    options = forms.CharField(
        label=_("Options, one per line (single and multiple choice, matrix, ranking)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    rows = forms.CharField(
        label=_("Rows, one per line (matrix)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    has_other = forms.BooleanField(
        label=_("Add “other, please specify” (single and multiple choice)"), required=False
    )
    max_choices = forms.IntegerField(
        label=_("At most this many choices (multiple choice; empty: no limit)"),
        required=False,
        min_value=1,
    )
    max_length = forms.IntegerField(
        label=_("At most this many characters (short and long text; empty: the default)"),
        required=False,
        min_value=1,
    )
    scale_min = forms.IntegerField(label=_("Scale from (rating)"), initial=1, required=False)
    scale_max = forms.IntegerField(label=_("Scale to (rating)"), initial=5, required=False)
    scale_min_label = forms.CharField(
        label=_("Label of the lowest point (rating), e.g. “very dissatisfied”"),
        max_length=50,
        required=False,
    )
    scale_max_label = forms.CharField(
        label=_("Label of the highest point (rating), e.g. “very satisfied”"),
        max_length=50,
        required=False,
    )
    show_if = forms.TypedChoiceField(
        label=_("Show only if an earlier answer is"),
        required=False,
        coerce=int,
        empty_value=None,
    )

    KINDS = {
        "options": WITH_OPTIONS,
        "rows": str(QuestionKind.MATRIX),
        "has_other": CHOICES,
        "max_choices": str(QuestionKind.MULTIPLE),
        "max_length": TEXTS,
        "scale_min": str(QuestionKind.RATING),
        "scale_max": str(QuestionKind.RATING),
        "scale_min_label": str(QuestionKind.RATING),
        "scale_max_label": str(QuestionKind.RATING),
    }

    def __init__(self, *args, conditions: Iterable[tuple[int, str]] = (), **kwargs) -> None:
        """`conditions`: (option id, "Q3 = 满意") for the options of earlier choice questions."""
        super().__init__(*args, **kwargs)
        show_if = self.fields["show_if"]
        assert isinstance(show_if, forms.TypedChoiceField)
        show_if.choices = [("", _("(always shown)")), *conditions]
        for name, kinds in self.KINDS.items():
            self.fields[name].kinds = kinds  # type: ignore[attr-defined]

    def service_kwargs(self) -> dict:
        """The service's arguments; what does not apply to the chosen type is left out (the
        page shows every field when scripts do not run)."""
        data = self.cleaned_data
        kind = data["kind"]
        rating = kind == QuestionKind.RATING
        return {
            "kind": kind,
            "text": data["text"],
            "help_text": data["help_text"],
            "required": data["required"],
            "options": lines(data["options"]) if kind in OPTION_KINDS else [],
            "rows": lines(data["rows"]) if kind == QuestionKind.MATRIX else [],
            "has_other": data["has_other"] and kind in CHOICE_KINDS,
            "max_choices": data["max_choices"] if kind == QuestionKind.MULTIPLE else None,
            "max_length": data["max_length"] if kind in TEXT_KINDS else None,
            "scale": (
                _or(data["scale_min"], 1) if rating else 1,
                _or(data["scale_max"], 5) if rating else 5,
            ),
            "scale_labels": (
                (data["scale_min_label"], data["scale_max_label"]) if rating else ("", "")
            ),
        }


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


class OptionsForm(forms.Form):
    labels = forms.CharField(
        label=_("Options, one per line"), widget=forms.Textarea(attrs={"rows": 5})
    )

    def labels_list(self) -> list[str]:
        return lines(self.cleaned_data["labels"])


class WordingForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=500)
    help_text = forms.CharField(label=_("Hint"), max_length=500, required=False)


class MoveForm(forms.Form):
    by = forms.TypedChoiceField(choices=[("-1", "up"), ("1", "down")], coerce=int)


class PublishForm(forms.Form):
    opens_at = _datetime_field(_("Opens (empty: at once)"))
    closes_at = _datetime_field(_("Closes (empty: when you close it)"))


class CopyForm(forms.Form):
    title = forms.CharField(
        label=_("Title of the copy (empty: the same, marked “copy”)"),
        max_length=200,
        required=False,
    )
    as_template = forms.BooleanField(label=_("Save the copy as a template"), required=False)
