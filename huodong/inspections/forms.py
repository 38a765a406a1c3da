from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from huodong.campaigns.models import Campaign, Task
from huodong.inspections.attachments import AttachmentRefused, check_attachment
from huodong.inspections.models import (
    AccountabilityMeasure,
    Inspection,
    InspectionRating,
    OrderStatus,
    RectificationOrder,
)
from huodong.orgs.models import Person, Unit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _units(campaign: Campaign):
    return Unit.objects.filter(office_id=campaign.office_id).order_by("sort_order", "id")


def _tasks(campaign: Campaign):
    return Task.objects.filter(campaign=campaign).only("id", "seq", "text").order_by("seq")


class UnitFilterForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(campaign)
        self.fields["unit"].empty_label = _("All")


class OrderFilterForm(UnitFilterForm):
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *OrderStatus.choices]


class InspectionForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Inspected unit"), queryset=Unit.objects.none(), required=False
    )
    task = forms.ModelChoiceField(
        label=_("Inspected task"), queryset=Task.objects.none(), required=False
    )
    inspected_on = forms.DateField(label=_("Date of the check"), widget=DATE)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 6}))
    rating = forms.ChoiceField(label=_("Rating"), choices=InspectionRating.choices)

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(campaign)
        self.fields["task"].queryset = _tasks(campaign)

    def clean(self):
        data = super().clean()
        if not data.get("unit") and not data.get("task"):
            raise forms.ValidationError(_("Choose the unit or the task that was inspected."))
        return data


class NoticePeriodForm(forms.Form):
    period_start = forms.DateField(label=_("From"), widget=DATE)
    period_end = forms.DateField(label=_("To"), widget=DATE)

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start > end:
            raise forms.ValidationError(_("The period must end on or after its first day."))
        return data


class NoticeEditForm(forms.Form):
    doc_number = forms.CharField(
        label=_("Document number"),
        max_length=60,
        required=False,
        help_text=_("For example 宿政管督〔2018〕3号; unique within the office."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 22}),
        help_text=_("One paragraph per line; lines starting 一、 or （一） become headings."),
    )
    issuer = forms.CharField(label=_("Issuer"), max_length=100, required=False)
    issued_on = forms.DateField(label=_("Dated"), widget=DATE, required=False)
    units = forms.ModelMultipleChoiceField(
        label=_("Units concerned"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Their heads and contacts are notified when the notice is published."),
    )

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = _units(campaign)


class OrderForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    task = forms.ModelChoiceField(label=_("Task"), queryset=Task.objects.none(), required=False)
    inspection = forms.ModelChoiceField(
        label=_("Inspection"), queryset=Inspection.objects.none(), required=False
    )
    problem = forms.CharField(label=_("Problem"), widget=forms.Textarea(attrs={"rows": 4}))
    measures_required = forms.CharField(
        label=_("Required measures"), widget=forms.Textarea(attrs={"rows": 4})
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(campaign)
        self.fields["task"].queryset = _tasks(campaign)
        self.fields["inspection"].queryset = Inspection.objects.filter(
            campaign=campaign
        ).select_related("unit", "task")


class AttachmentField(forms.FileField):
    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            try:
                check_attachment(upload)
            except AttachmentRefused as exc:
                raise forms.ValidationError(exc.message, code=exc.code) from exc
        return upload


class OrderAnswerForm(forms.Form):
    text = forms.CharField(label=_("Measures taken"), widget=forms.Textarea(attrs={"rows": 5}))
    attachment = AttachmentField(
        label=_("Evidence (optional)"),
        required=False,
        help_text=_("PDF, PNG, JPEG, Word (.docx) or Excel (.xlsx)."),
    )


class OrderReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reasons for sending it back"), widget=forms.Textarea(attrs={"rows": 3})
    )


class OrderCloseForm(forms.Form):
    note = forms.CharField(
        label=_("Verification note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name}（{obj.unit.name}）"


class AccountabilityForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    person = PersonChoiceField(label=_("Person"), queryset=Person.objects.none(), required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    task = forms.ModelChoiceField(label=_("Task"), queryset=Task.objects.none(), required=False)
    order = forms.ModelChoiceField(
        label=_("Rectification order"),
        queryset=RectificationOrder.objects.none(),
        required=False,
    )
    measure = forms.ChoiceField(label=_("Measure"), choices=AccountabilityMeasure.choices)
    measure_detail = forms.CharField(label=_("Measure (other)"), max_length=100, required=False)
    decided_by = forms.CharField(label=_("Decided by"), max_length=100)
    decided_on = forms.DateField(label=_("Date"), widget=DATE)

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(campaign)
        self.fields["person"].queryset = Person.objects.filter(
            office_id=campaign.office_id
        ).select_related("unit")
        self.fields["task"].queryset = _tasks(campaign)
        self.fields["order"].queryset = RectificationOrder.objects.filter(
            campaign=campaign
        ).select_related("unit")

    def clean(self):
        data = super().clean()
        if not data.get("unit") and not data.get("person"):
            raise forms.ValidationError(_("Name the unit or the person held to account."))
        if data.get("measure") == AccountabilityMeasure.OTHER and not data.get("measure_detail"):
            self.add_error("measure_detail", _("Describe the measure."))
        return data
