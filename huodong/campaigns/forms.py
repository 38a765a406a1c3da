from django import forms
from django.utils.translation import gettext_lazy as _

from huodong.campaigns.lights import Light
from huodong.campaigns.models import Campaign


class ScheduleFilterForm(forms.Form):
    phase = forms.TypedChoiceField(label=_("Phase"), required=False, coerce=int, empty_value=None)
    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)
    light = forms.ChoiceField(label=_("Light"), required=False)

    def __init__(self, *args, campaign: Campaign, phases, units, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["phase"].choices = everything + [(p.pk, p.name) for p in phases]
        self.fields["unit"].choices = everything + [(u.pk, u.name) for u in units]
        self.fields["light"].choices = everything + list(Light.choices)


class CompletionForm(forms.Form):
    completed_on = forms.DateField(
        label=_("Completed on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class CampaignCopyForm(forms.Form):
    title = forms.CharField(label=_("Title of the new campaign"), max_length=200)
    start = forms.DateField(
        label=_("New start date"),
        help_text=_("Every date of the plan moves by the same number of days."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
