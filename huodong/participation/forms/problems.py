from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from huodong.orgs.models import Person, Unit
from huodong.participation.models import ProblemCategory, ProblemStatus
from huodong.participation.services.problems import ADVANCES, MAX_TEXT_CHARS


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.name}（{obj.unit.name}）"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ProblemForm(forms.Form):
    description = forms.CharField(
        label=_("Problem"), max_length=MAX_TEXT_CHARS, widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.ChoiceField(label=_("Category"), choices=ProblemCategory.choices)
    cause = forms.CharField(
        label=_("Cause"),
        required=False,
        max_length=MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    measures = forms.CharField(
        label=_("Rectification measures"),
        required=False,
        max_length=MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    responsible = PersonChoiceField(
        label=_("Responsible person"), queryset=Person.objects.none(), required=False
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput)
    found_on = forms.DateField(label=_("Found on"), widget=DateInput)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = people


class NewProblemForm(ProblemForm):
    branch = forms.TypedChoiceField(label=_("Party branch"), coerce=int)
    field_order = ["branch", "description", "category", "cause", "measures"]

    def __init__(self, *args, branches: list[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.branches = {branch.pk: branch for branch in branches}
        self.fields["branch"].choices = [(b.pk, b.name) for b in branches]
        if len(branches) == 1:
            self.fields["branch"].initial = branches[0].pk

    def chosen_branch(self) -> Unit:
        return self.branches[self.cleaned_data["branch"]]


class AdvanceForm(forms.Form):
    to_status = forms.ChoiceField(
        choices=[(status, ProblemStatus(status).label) for status in ADVANCES],
        widget=forms.HiddenInput,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class VerifyForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Verification"),
        widget=forms.RadioSelect,
        choices=[
            ("verify", _("Rectified: close it (销号)")),
            ("reject", _("Not rectified: back to 整改中")),
        ],
    )
    note = forms.CharField(
        label=_("Verification notes"),
        required=False,
        max_length=MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the rectification is not accepted."),
    )


class LedgerFilterForm(forms.Form):
    branch = forms.TypedChoiceField(
        label=_("Party branch"), required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)

    def __init__(self, *args, branches: list[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].choices = [("", _("All"))] + [(b.pk, b.name) for b in branches]
        self.fields["status"].choices = [("", _("All")), *ProblemStatus.choices]
        self.fields["category"].choices = [("", _("All")), *ProblemCategory.choices]

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {"branch_id": None, "status": None, "category": None}
        data = self.cleaned_data
        return {
            "branch_id": data["branch"],
            "status": data["status"] or None,
            "category": data["category"] or None,
        }
