"""Forms of meetings, enterprise problems and online activities: they parse what was typed;
the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huodong.engagement.models import (
    Enterprise,
    EnterpriseProblemStatus,
    MeetingAttendee,
    MeetingKind,
)
from huodong.orgs.models import Person, Unit
from huodong.participation.forms.study import GatheringForm, SignInForm, invitee_choices

DATE_INPUT = {"type": "date"}
TIME_INPUT = {"type": "time"}
# A field people never see; a robot filling every input fills it too.
HONEYPOT = "website"


def _time_field(label) -> forms.TimeField:
    return forms.TimeField(label=label, widget=forms.TimeInput(attrs=TIME_INPUT, format="%H:%M"))


class MeetingForm(GatheringForm):
    """A meeting's details; the times are read in the office's time zone."""

    organiser_unit = forms.TypedChoiceField(label=_("Organised by"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs=DATE_INPUT))
    starts = _time_field(_("Starts at"))
    ends = _time_field(_("Ends at"))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    park = forms.CharField(
        label=_("Industrial park"),
        max_length=100,
        required=False,
        help_text=_("For an enterprise visit, e.g. 宿迁经济技术开发区."),
    )
    agenda = forms.CharField(
        label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    registration_open = forms.BooleanField(
        label=_("Registration open"),
        required=False,
        help_text=_("Staff register on the meeting page, guests through the public link."),
    )
    registration_limit = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        required=False,
        help_text=_("Leave empty for no limit."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    counts_as_study = forms.BooleanField(
        label=_("Counts as a study activity"),
        required=False,
        help_text=_(
            "For an open discussion (大家谈) or a thematic discussion held for staff: a study "
            "session is arranged with it, and the staff who sign in have it counted."
        ),
    )
    invite_units = forms.TypedMultipleChoiceField(
        label=_("Invite every member of"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    invitees = forms.TypedMultipleChoiceField(
        label=_("Invite by name"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args, units: list[Unit], invitable_units: list[Unit], people: list[Person], **kw
    ):
        super().__init__(*args, **kw)
        self.offer(units=units, invitable_units=invitable_units, people=people)

    def for_editing(self) -> None:
        """Kind and organising unit stay; invitations are made on the meeting page."""
        for name in ("organiser_unit", "kind"):
            self.fields[name].disabled = True
            self.fields[name].required = False
        for name in ("counts_as_study", "invite_units", "invitees"):
            del self.fields[name]

    def meeting_fields(self) -> dict:
        data = self.cleaned_data
        names = (
            "title",
            "starts_at",
            "ends_at",
            "place",
            "park",
            "agenda",
            "registration_open",
            "registration_limit",
        )
        return {name: data[name] for name in names}

    @staticmethod
    def initial_for(meeting) -> dict:
        starts = timezone.localtime(meeting.starts_at)
        ends = timezone.localtime(meeting.ends_at)
        return {
            "organiser_unit": meeting.organiser_unit_id,
            "kind": meeting.kind,
            "title": meeting.title,
            "day": starts.date(),
            "starts": starts.time(),
            "ends": ends.time(),
            "place": meeting.place,
            "park": meeting.park,
            "agenda": meeting.agenda,
            "registration_open": meeting.registration_open,
            "registration_limit": meeting.registration_limit,
        }


class KindFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *MeetingKind.choices], required=False
    )


class InviteForm(forms.Form):
    invite_units = forms.TypedMultipleChoiceField(
        label=_("Invite every member of"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    invitees = forms.TypedMultipleChoiceField(
        label=_("Invite by name"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, invitable_units: list[Unit], people: list[Person], **kw):
        super().__init__(*args, **kw)
        self.fields["invite_units"].choices = [(u.pk, u.name) for u in invitable_units]
        self.fields["invitees"].choices = invitee_choices(people)


class GuestForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    organisation = forms.CharField(
        label=pgettext_lazy("of a person", "Organisation"), max_length=100, required=False
    )
    contact = forms.CharField(
        label=_("Phone or e-mail"),
        max_length=100,
        required=False,
        help_text=_("Seen only by the meeting's organisers."),
    )


class _PublicGuestForm(forms.Form):
    """A guest on the meeting's public page: who they are, and the honeypot (`HONEYPOT`)."""

    contact_help: str | Promise = ""

    name = forms.CharField(label=_("Name"), max_length=50)
    organisation = forms.CharField(
        label=pgettext_lazy("of a person", "Organisation"), max_length=100, required=False
    )
    contact = forms.CharField(
        label=_("Phone or e-mail"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.fields["contact"].help_text = self.contact_help


class PublicRegisterForm(_PublicGuestForm):
    contact_help = _("Seen only by the organisers; you sign in with it at the meeting.")


class CodeForm(SignInForm):
    """A session's code field, as the meeting shares its code; not focused on its own, as it
    stands among the meeting page's other forms."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        del self.fields["code"].widget.attrs["autofocus"]


class PublicSignInForm(_PublicGuestForm, CodeForm):
    """The code first, then the guest (`CodeForm`'s fields come first in the form)."""

    contact_help = _("The one you registered with, if you did.")


class MarkForm(forms.Form):
    attendee = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, attendees: list[MeetingAttendee], **kw):
        super().__init__(*args, **kw)
        self.fields["attendee"].choices = [(a.pk, a.name) for a in attendees]


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=pgettext_lazy("explanation", "Reason"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes (纪要)"), required=False, widget=forms.Textarea(attrs={"rows": 10})
    )


class FileForm(forms.Form):
    file = forms.FileField(
        label=_("Photo or file"),
        help_text=_("Photos (PNG, JPEG, GIF, WEBP), PDF, Word (.docx) or Excel (.xlsx)."),
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class HeadcountForm(forms.Form):
    headcount = forms.IntegerField(
        label=_("Attendance (counted)"),
        min_value=0,
        required=False,
        help_text=_("How many were in the room, when not everyone signed in."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class OpinionForm(forms.Form):
    text = forms.CharField(
        label=_("Opinion or suggestion"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    speaker = forms.TypedChoiceField(label=_("Raised by"), coerce=int, required=False)
    speaker_name = forms.CharField(label=_("Or the speaker's name"), max_length=50, required=False)
    speaker_organisation = forms.CharField(
        label=_("Their organisation"), max_length=100, required=False
    )
    is_anonymous = forms.BooleanField(label=_("Anonymous"), required=False)

    def __init__(self, *args, attendees: list[MeetingAttendee], **kw):
        super().__init__(*args, **kw)
        self.fields["speaker"].choices = [("", "—")] + [
            (a.pk, f"{a.name}（{a.organisation}）" if a.organisation else a.name) for a in attendees
        ]


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=_("Enterprise"), max_length=150)
    park = forms.CharField(label=_("Industrial park"), max_length=100, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)


def _unit_choices(units: list[Unit]) -> list[tuple]:
    return [("", "—")] + [(u.pk, u.name) for u in units]


class ProblemForm(forms.Form):
    enterprise = forms.TypedChoiceField(label=_("Enterprise"), coerce=int)
    description = forms.CharField(
        label=_("Problem"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    assigned_unit = forms.TypedChoiceField(
        label=_("Assign to"), coerce=int, required=False, empty_value=None
    )
    deadline = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(attrs=DATE_INPUT)
    )

    def __init__(self, *args, enterprises: list[Enterprise], units: list[Unit], **kw):
        super().__init__(*args, **kw)
        self.fields["enterprise"].choices = [(e.pk, e.name) for e in enterprises]
        self.fields["assigned_unit"].choices = _unit_choices(units)


class AssignForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Assign to"), coerce=int)
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs=DATE_INPUT))
    note = forms.CharField(label=_("Note"), max_length=5000, required=False)

    def __init__(self, *args, units: list[Unit], **kw):
        super().__init__(*args, **kw)
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Reply to the enterprise"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("How it was solved"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is reopened"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProblemFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("open", _("Not resolved")), *EnterpriseProblemStatus.choices],
    )
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, required=False, empty_value=None)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, units: list[Unit], **kw):
        super().__init__(*args, **kw)
        self.fields["unit"].choices = [("", _("All units"))] + [(u.pk, u.name) for u in units]


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    url = forms.CharField(
        label=_("Link"),
        max_length=500,
        required=False,
        widget=forms.URLInput(attrs={"inputmode": "url"}),
    )
    starts_on = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs=DATE_INPUT)
    )
    ends_on = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs=DATE_INPUT)
    )
    collects_ideas = forms.BooleanField(
        label=_("Collects ideas (献策)"),
        required=False,
        help_text=_("What staff contribute may be sent to the suggestion pool."),
    )


class ParticipationForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs=DATE_INPUT))
    evidence_url = forms.CharField(
        label=_("Link to your contribution"),
        max_length=500,
        required=False,
        widget=forms.URLInput(attrs={"inputmode": "url", "placeholder": "https://"}),
    )
    screenshot = forms.FileField(
        label=_("Or a screenshot"),
        required=False,
        help_text=_("An image (PNG, JPEG, GIF or WEBP)."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    text = forms.CharField(
        label=_("What I contributed"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
