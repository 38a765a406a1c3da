"""Forms of study: they parse what was typed; the services decide what is allowed."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huodong.campaigns.models import Campaign, StudyKind
from huodong.orgs.models import Person, Unit
from huodong.participation.models import SESSION_KINDS
from huodong.participation.services.study import MAX_DURATION_MINUTES

DATE_INPUT = {"type": "date"}


def _date_bounds(
    campaign: Campaign, today: dt.date, not_before: dt.date | None = None
) -> dict[str, str]:
    bounds = {}
    earliest = max(d for d in (campaign.start, not_before, dt.date.min) if d is not None)
    if earliest != dt.date.min:
        bounds["min"] = earliest.isoformat()
    latest = min(today, campaign.end) if campaign.end is not None else today
    bounds["max"] = latest.isoformat()
    return bounds


class StudyLogForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=StudyKind.choices, initial=StudyKind.SELF)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs=DATE_INPUT))
    material = forms.CharField(
        label=_("Material studied"),
        max_length=200,
        help_text=_("For example a speech, a document or a chapter of a book."),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        min_value=1,
        max_value=MAX_DURATION_MINUTES,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, campaign: Campaign, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].widget.attrs.update(_date_bounds(campaign, today))
        if not self.is_bound:
            latest = min(today, campaign.end) if campaign.end is not None else today
            self.fields["date"].initial = latest


def invitee_choices(people: list[Person]) -> list[tuple[str, list[tuple[int, str]]]]:
    """The people to invite by name, grouped under their unit (`people` come by unit)."""
    return [
        (unit_name, [(person.pk, person.name) for person in members])
        for unit_name, members in groupby(people, key=lambda person: person.unit.name)
    ]


class GatheringForm(forms.Form):
    """What the forms arranging a session or a meeting (`engagement`) share: the organising unit
    and the invitations as choices, the day and times as aware datetimes (`starts_at`,
    `ends_at`) in the office's time zone. A subclass declares the fields `organiser_unit`,
    `invite_units`, `invitees`, `day`, `starts` and `ends`."""

    units: dict[int, Unit]

    def offer(
        self, *, units: list[Unit], invitable_units: list[Unit], people: list[Person]
    ) -> None:
        self.units = {unit.pk: unit for unit in units}
        self.fields["organiser_unit"].choices = [(unit.pk, unit.name) for unit in units]
        if len(units) == 1:
            self.fields["organiser_unit"].initial = units[0].pk
        self.fields["invite_units"].choices = [(unit.pk, unit.name) for unit in invitable_units]
        self.fields["invitees"].choices = invitee_choices(people)

    def clean(self):
        data = super().clean()
        day, starts, ends = data.get("day"), data.get("starts"), data.get("ends")
        if day is not None and starts is not None and ends is not None:
            zone = timezone.get_current_timezone()
            data["starts_at"] = timezone.make_aware(dt.datetime.combine(day, starts), zone)
            data["ends_at"] = timezone.make_aware(dt.datetime.combine(day, ends), zone)
        return data

    def chosen_unit(self) -> Unit:
        return self.units[self.cleaned_data["organiser_unit"]]


class SessionForm(GatheringForm):
    """A session's details; the times are read in the office's time zone."""

    organiser_unit = forms.TypedChoiceField(label=_("Organised by"), coerce=int)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(k.value, k.label) for k in SESSION_KINDS],
        initial=SESSION_KINDS[0],
    )
    topic = forms.CharField(label=_("Topic"), max_length=200)
    speaker = forms.CharField(label=_("Speaker"), max_length=50, required=False)
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs=DATE_INPUT))
    starts = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    ends = forms.TimeField(
        label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    invite_units = forms.TypedMultipleChoiceField(
        label=_("Invite every member of"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A party branch invites its party members; any other unit its staff."),
    )
    invitees = forms.TypedMultipleChoiceField(
        label=_("Invite by name"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args,
        units: list[Unit],
        invitable_units: list[Unit],
        people: list[Person],
        campaign: Campaign,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.offer(units=units, invitable_units=invitable_units, people=people)
        bounds = {}
        if campaign.start is not None:
            bounds["min"] = campaign.start.isoformat()
        if campaign.end is not None:
            bounds["max"] = campaign.end.isoformat()
        self.fields["day"].widget.attrs.update(bounds)

    def session_fields(self) -> dict:
        """The cleaned details as the session services take them."""
        data = self.cleaned_data
        fields = ("kind", "topic", "speaker", "place", "starts_at", "ends_at", "notes")
        return {name: data[name] for name in fields} | {
            "invitee_ids": data["invitees"],
            "invite_unit_ids": data["invite_units"],
        }

    @staticmethod
    def initial_for(session) -> dict:
        starts = timezone.localtime(session.starts_at)
        ends = timezone.localtime(session.ends_at)
        return {
            "organiser_unit": session.organiser_unit_id,
            "kind": session.kind,
            "topic": session.topic,
            "speaker": session.speaker,
            "place": session.place,
            "day": starts.date(),
            "starts": starts.time(),
            "ends": ends.time(),
            "notes": session.notes,
        }


class SignInForm(forms.Form):
    code = forms.CharField(
        label=_("Sign-in code"),
        max_length=20,
        help_text=_("The six digits on the organiser's screen."),
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "autofocus": True,
                "class": "code-input",
                "size": 8,
            }
        ),
    )


class MakeupForm(forms.Form):
    date = forms.DateField(label=_("Date of the make-up"), widget=forms.DateInput(attrs=DATE_INPUT))
    material = forms.CharField(
        label=_("What you studied"),
        max_length=200,
        required=False,
        help_text=_("Left blank, the session's topic."),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        min_value=1,
        max_value=MAX_DURATION_MINUTES,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, campaign: Campaign, today: dt.date, not_before: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].widget.attrs.update(_date_bounds(campaign, today, not_before))
        if not self.is_bound:
            latest = min(today, campaign.end) if campaign.end is not None else today
            self.fields["date"].initial = latest


class MarkForm(forms.Form):
    """Mark the ticked invitees present, or take one presence back."""

    action = forms.ChoiceField(choices=[("mark", "mark"), ("unmark", "unmark")], initial="mark")
    person = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Which ids may be marked is the service's call: any number is passed on to it.
        values = self.data.getlist("person") if hasattr(self.data, "getlist") else []
        self.fields["person"].choices = [(v, v) for v in values if str(v).isdigit()]


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it cancelled?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
