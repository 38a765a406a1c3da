"""Forms of the outcome pages. They check shape only; the services decide and refuse."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from huodong.campaigns.models import Campaign
from huodong.orgs.models import Unit
from huodong.suggestions.models import Outcome, OutcomeKind, OutcomeStatus, Rollup
from huodong.suggestions.services.outcomes import MAX_TEXT_CHARS, MAX_WEIGHT


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ParentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Outcome) -> str:
        if obj.parent is not None:
            return f"{obj.parent.title} › {obj.title}"
        return obj.title


class OutcomeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=OutcomeKind.choices)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    responsible_unit = forms.ModelChoiceField(
        label=_("Responsible unit"), queryset=Unit.objects.none()
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), required=False
    )
    parent = ParentChoiceField(
        label=_("Part of"),
        queryset=Outcome.objects.none(),
        required=False,
        empty_label=_("— a top-level outcome —"),
        help_text=_("An outcome's progress is rolled up from its sub-outcomes."),
    )
    weight = forms.IntegerField(
        label=_("Weight in the parent's progress"),
        min_value=1,
        max_value=MAX_WEIGHT,
        initial=1,
        help_text=_("Counts only when the parent weighs its sub-outcomes."),
    )
    rollup = forms.ChoiceField(
        label=_("Progress of its sub-outcomes"), choices=Rollup.choices, initial=Rollup.AVERAGE
    )
    is_public = forms.BooleanField(
        label=_("Show on the public column"),
        required=False,
        help_text=_("Title, kind, unit, progress and milestones only: no names, no documents."),
    )

    def __init__(self, *args, units, campaigns, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = units
        self.fields["campaign"].queryset = campaigns
        parent_field = self.fields["parent"]
        parent_field.queryset = Outcome.objects.filter(pk__in=[p.pk for p in parents])
        # The labels use the parents already loaded (with their own parents): no query per row.
        parent_field.choices = [("", parent_field.empty_label)] + [
            (p.pk, parent_field.label_from_instance(p)) for p in parents
        ]


class OutcomeEditForm(OutcomeForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=OutcomeStatus.choices,
        help_text=_("Done only at 100%; progress moves a planned outcome on by itself."),
    )


class FilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *OutcomeKind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *OutcomeStatus.choices]
    )
    unit = forms.TypedChoiceField(label=_("Responsible unit"), required=False, coerce=int)
    campaign = forms.TypedChoiceField(label=_("Campaign"), required=False, coerce=int)

    def __init__(self, *args, units, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("All"))] + [(u.pk, u.name) for u in units]
        self.fields["campaign"].choices = [("", _("All"))] + [(c.pk, c.title) for c in campaigns]

    def filters(self) -> dict:
        if not self.is_valid():
            return {"kind": None, "status": None, "unit_id": None, "campaign_id": None}
        data = self.cleaned_data
        return {
            "kind": data["kind"] or None,
            "status": data["status"] or None,
            "unit_id": data["unit"] or None,
            "campaign_id": data["campaign"] or None,
        }


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Due"), required=False, widget=DateInput)
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=MAX_WEIGHT, initial=1)


class CompleteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ProgressForm(forms.Form):
    percent = forms.DecimalField(
        label=_("Progress (%)"),
        max_digits=6,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": "0.1"}),
    )


class LinkForm(forms.Form):
    numbers = forms.CharField(
        label=_("Suggestion numbers"),
        max_length=500,
        help_text=_("For example: 12, 15, 31"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("Document"),
        help_text=_("Word (.docx), Excel (.xlsx), PDF or an image."),
    )
