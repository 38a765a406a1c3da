"""The contest's forms. They only read what was typed; the services decide (and refuse, saying
why). A judge's score sheet is read straight from the POST (`score_<criterion id>`), its
refusals named per criterion by the service."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huodong.campaigns.models import Campaign
from huodong.contests.models import Award
from huodong.orgs.models import Person

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ContestForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    theme = forms.CharField(label=_("Theme"), max_length=200)
    rules = forms.CharField(
        label=pgettext_lazy("contest", "Rules"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Who may enter, what to write, how entries are judged and awarded."),
    )
    opens_on = forms.DateField(label=_("Entries from"), widget=DATE_INPUT)
    closes_on = forms.DateField(label=_("Entries until"), widget=DATE_INPUT)
    min_chars = forms.IntegerField(label=_("At least (字)"), required=False, min_value=1)
    max_chars = forms.IntegerField(label=_("At most (字)"), required=False, min_value=1)
    judges_per_entry = forms.IntegerField(
        label=_("Judges per entry"),
        min_value=1,
        max_value=50,
        initial=3,
        help_text=_("An entry is ranked once this many judges have completed its score sheet."),
    )
    allows_public = forms.BooleanField(
        label=_("The public may enter through the public link"), required=False
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=_("(none)"),
    )

    def __init__(self, *args, office_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["campaign"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Campaign.objects.filter(office_id=office_id).order_by("-start", "-id")


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("Criterion"), max_length=60)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    max_score = forms.IntegerField(label=_("Maximum score"), min_value=1, max_value=1000)


class JudgeForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())

    def __init__(self, *args, office_id: int, exclude_ids: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Person.objects.filter(office_id=office_id)
            .exclude(pk__in=exclude_ids)
            .select_related("unit")
            .order_by("unit__sort_order", "unit__name", "name")
        )
        field.label_from_instance = lambda person: f"{person.name}（{person.unit.name}）"


class AwardForm(forms.Form):
    name = forms.CharField(label=_("Award"), max_length=40)
    places = forms.IntegerField(label=_("Places"), min_value=1, max_value=500, initial=1)
    rank = forms.IntegerField(
        label=_("Rank"),
        min_value=1,
        max_value=100,
        initial=1,
        help_text=_("1 is the highest award."),
    )


class EntryForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 18, "class": "essay-editor", "data-wordcount": "#entry-count"}
        ),
    )
    file = forms.FileField(
        label=_("Or upload the essay as a Word document (.docx)"),
        required=False,
        help_text=_("The document's text replaces the text typed above."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".docx,application/vnd.openxmlformats-officedocument."
                "wordprocessingml.document"
            }
        ),
    )


class PublicEntryForm(EntryForm):
    name = forms.CharField(label=_("Your name"), max_length=50)
    organisation = forms.CharField(label=_("Organisation or unit"), max_length=100)
    contact = forms.CharField(
        label=_("Contact (phone or e-mail)"),
        max_length=100,
        help_text=_("Only the organisers see it, to reach you about your entry."),
    )
    token = forms.CharField(widget=forms.HiddenInput)
    # A field people never see; a robot filling every input fills it too.
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1"}))

    field_order = ["name", "organisation", "contact", "title", "body", "file"]


class DisqualifyForm(forms.Form):
    reason = forms.CharField(
        label=pgettext_lazy("explanation", "Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AwardGiveForm(forms.Form):
    award = forms.ModelChoiceField(
        label=_("Award"), queryset=Award.objects.none(), required=False, empty_label=_("(none)")
    )

    def __init__(self, *args, contest_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["award"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Award.objects.filter(contest_id=contest_id).order_by("rank", "pk")
