from django import forms
from django.utils.translation import gettext_lazy as _

from huodong.orgs.models import Unit

ACCEPT_ATTRIBUTE = (
    ".docx,.xlsx,.pdf,.png,.jpg,.jpeg,.gif,.webp,"
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
    "application/pdf,image/png,image/jpeg,image/gif,image/webp"
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleaned to a list (empty when none were chosen)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class UnitChoiceForm(forms.Form):
    """A form acting for one of the user's units; the choice shows only if there are several."""

    unit = forms.TypedChoiceField(label=_("For unit"), coerce=int)

    def __init__(self, *args, units: list[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {unit.pk: unit for unit in units}
        self.fields["unit"].choices = [(unit.pk, unit.name) for unit in units]
        if len(units) == 1:
            self.fields["unit"].initial = units[0].pk
            self.fields["unit"].widget = forms.HiddenInput()

    def chosen_unit(self) -> Unit:
        return self.units[self.cleaned_data["unit"]]


class ReceiveForm(UnitChoiceForm):
    pass


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it returned?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReportForm(forms.Form):
    text = forms.CharField(
        label=_("Progress"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    files = MultipleFileField(
        label=_("Attachments"),
        help_text=_("Word (.docx), Excel (.xlsx), PDF or images; several files at once."),
    )


class NewReportForm(UnitChoiceForm, ReportForm):
    field_order = ["unit", "text", "files"]


class ReasonForm(UnitChoiceForm):
    text = forms.CharField(
        label=_("Reason for the delay"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LedgerFilterForm(forms.Form):
    unit = forms.TypedChoiceField(
        label=_("Lead unit"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, units: list[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("All"))] + [(u.pk, u.name) for u in units]
