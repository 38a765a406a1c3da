"""Pages of meetings: the campaign's list, arranging a meeting, its page (list of staff and
guests, registration, attendance, minutes and files, opinions, the enterprises of a visit), the
organiser's sign-in screen and a staff member's sign-in.

Each view asks `permissions` (through the selectors) and calls one service. Whatever the user
may not see or do answers 404, like a missing object; a refusal comes back as a message or a
form error and changes nothing.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huodong.campaigns.models import Campaign
from huodong.core import clock
from huodong.core.links import phone_url, qr_svg
from huodong.core.list_export import CHUNK, filters_of, list_export_response
from huodong.engagement import selectors, services
from huodong.engagement.errors import NotAllowed, Refused
from huodong.engagement.exports import EXPORT_XLSX_TYPE, attendees_xlsx
from huodong.engagement.forms import (
    CancelForm,
    CodeForm,
    EnterpriseForm,
    FileForm,
    GuestForm,
    HeadcountForm,
    InviteForm,
    KindFilterForm,
    MeetingForm,
    MinutesForm,
    OpinionForm,
    ProblemForm,
)
from huodong.engagement.list_exports import meeting_columns
from huodong.engagement.models import Enterprise, Meeting, MeetingFile
from huodong.engagement.permissions import can_organise_any, meeting_access
from huodong.engagement.views.common import (
    PAGE_SIZE,
    acting_user,
    campaign_for,
    field_for,
    stored_file_response,
)
from huodong.orgs.models import Unit
from huodong.orgs.permissions import Membership, membership_of
from huodong.participation import signin_screen
from huodong.participation.selectors.study import invitable_units, office_people
from huodong.participation.selectors.study import organiser_units as study_organiser_units

ALREADY = {"already_signed_in", "already_registered"}

MEETING_FIELDS = {
    "day": ("date",),
    "ends": ("ends_before", "too_long_meeting"),
    "title": ("required", "duplicate_meeting"),
    "park": ("park",),
    "registration_limit": ("bad_limit", "limit_below"),
    "counts_as_study": ("not_study_kind",),
    "invitees": ("no_invitees", "unknown_person"),
    "invite_units": ("unknown_unit",),
}


def _meeting_page(meeting: Meeting, anchor: str = "") -> HttpResponse:
    url = reverse("engagement:meeting", args=[meeting.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


# --- The list -----------------------------------------------------------------------------


@login_required
@require_GET
def meetings(request: HttpRequest, campaign_id: int) -> HttpResponse:
    membership, campaign = campaign_for(request, campaign_id)
    access = meeting_access(membership, campaign)
    if not access.member:
        raise Http404
    form = KindFilterForm(request.GET or None)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    listed = selectors.meetings_for(membership, campaign, kind=kind or None)
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "engagement/meetings.html",
        {
            "campaign": campaign,
            "form": form,
            "page": page,
            "rows": selectors.meeting_rows(page.object_list, access),
            "query": urlencode({"kind": kind}) if kind else "",
            "may_create": can_organise_any(membership, campaign),
        },
    )


@login_required
@require_GET
def meetings_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The meetings the list shows (its kind filter, every page) as .xlsx."""
    membership, campaign = campaign_for(request, campaign_id)
    if not meeting_access(membership, campaign).member:
        raise Http404
    form = KindFilterForm(request.GET or None)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    listed = selectors.meetings_for(membership, campaign, kind=kind or None)
    return list_export_response(
        actor=request.user,
        action="engagement.export_meetings",
        obj=campaign,
        title=_("Meetings"),
        scope=campaign.title,
        columns=meeting_columns(),
        rows=listed.iterator(chunk_size=CHUNK),
        filters=filters_of(request.GET),
    )


# --- Arranging ----------------------------------------------------------------------------


def _meeting_form(
    request: HttpRequest, membership: Membership, campaign: Campaign, **kwargs
) -> MeetingForm:
    units = study_organiser_units(membership, campaign)
    if not units:
        raise Http404
    return MeetingForm(
        request.POST or None,
        units=units,
        invitable_units=invitable_units(campaign),
        people=office_people(campaign),
        **kwargs,
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, campaign_id: int) -> HttpResponse:
    membership, campaign = campaign_for(request, campaign_id)
    if not can_organise_any(membership, campaign):
        raise Http404
    initial = {"kind": request.GET.get("kind", "")}
    form = _meeting_form(request, membership, campaign, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_create(
                actor=acting_user(request),
                campaign=campaign,
                organiser_unit=form.chosen_unit(),
                kind=data["kind"],
                counts_as_study=data["counts_as_study"],
                invitee_ids=data["invitees"],
                invite_unit_ids=data["invite_units"],
                **form.meeting_fields(),
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            form.add_error(field_for(exc, MEETING_FIELDS), exc.message)
        else:
            messages.success(request, _("The meeting is arranged."))
            return _meeting_page(meeting)
    return render(
        request,
        "engagement/meeting_form.html",
        {"campaign": campaign, "form": form, "meeting": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    meeting = selectors.managed_meeting_get(membership, meeting_id)
    form = MeetingForm(
        request.POST or None,
        units=[meeting.organiser_unit],
        invitable_units=[],
        people=[],
        initial=MeetingForm.initial_for(meeting),
    )
    form.for_editing()
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(
                actor=acting_user(request), meeting=meeting, **form.meeting_fields()
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            form.add_error(field_for(exc, MEETING_FIELDS), exc.message)
        else:
            messages.success(request, _("The meeting is updated."))
            return _meeting_page(meeting)
    return render(
        request,
        "engagement/meeting_form.html",
        {"campaign": meeting.campaign, "form": form, "meeting": meeting},
    )


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.managed_meeting_get(membership_of(request.user), meeting_id)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.meeting_cancel(actor=acting_user(request), meeting=meeting, reason=reason)
    except NotAllowed as exc:
        raise Http404 from exc
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The meeting is cancelled and the staff on its list told."))
    return _meeting_page(meeting)


# --- The meeting page ---------------------------------------------------------------------


def _public_url(request: HttpRequest, meeting: Meeting) -> str:
    return phone_url(request, reverse("engagement_public:meeting", args=[meeting.public_key]))


def _detail_page(
    request: HttpRequest,
    membership: Membership,
    meeting: Meeting,
    *,
    status: int = 200,
    **bound,
) -> HttpResponse:
    detail = selectors.meeting_detail(membership, meeting, now=clock.now(), today=clock.today())
    context: dict = {"campaign": meeting.campaign, "meeting": meeting, "detail": detail}
    if detail.may_sign_in:
        context["code_form"] = bound.get("code_form") or CodeForm()
    if detail.may_manage:
        attendees = detail.staff + detail.guests
        public_url = _public_url(request, meeting)
        context.update(
            public_url=public_url,
            public_qr=qr_svg(public_url, title=_("Scan to register or sign in")),
            guest_form=bound.get("guest_form") or GuestForm(prefix="guest"),
            invite_form=bound.get("invite_form")
            or InviteForm(
                invitable_units=invitable_units(meeting.campaign),
                people=office_people(meeting.campaign),
            ),
            minutes_form=bound.get("minutes_form")
            or MinutesForm(initial={"minutes": meeting.minutes}),
            file_form=bound.get("file_form") or FileForm(),
            headcount_form=bound.get("headcount_form")
            or HeadcountForm(initial={"headcount": meeting.headcount}),
            opinion_form=bound.get("opinion_form") or OpinionForm(attendees=attendees),
            cancel_form=CancelForm(),
        )
        if detail.is_visit:
            units = _office_units(meeting)
            context.update(
                enterprise_form=bound.get("enterprise_form") or EnterpriseForm(prefix="enterprise"),
                problem_form=bound.get("problem_form")
                or ProblemForm(
                    enterprises=[row.enterprise for row in detail.enterprises], units=units
                ),
            )
    return render(request, "engagement/meeting_detail.html", context, status=status)


def _office_units(meeting: Meeting) -> list[Unit]:
    return list(
        Unit.objects.filter(office_id=meeting.campaign.office_id).order_by("sort_order", "pk")
    )


@login_required
@require_GET
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    return _detail_page(request, membership, selectors.meeting_get(membership, meeting_id))


@login_required
@require_POST
def meeting_invite(request: HttpRequest, meeting_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    meeting = selectors.managed_meeting_get(membership, meeting_id)
    form = InviteForm(
        request.POST,
        invitable_units=invitable_units(meeting.campaign),
        people=office_people(meeting.campaign),
    )
    if form.is_valid():
        try:
            added = services.attendee_invite(
                actor=acting_user(request),
                meeting=meeting,
                person_ids=form.cleaned_data["invitees"],
                unit_ids=form.cleaned_data["invite_units"],
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("%(n)d people added to the list and told.") % {"n": len(added)}
            )
            return _meeting_page(meeting, "staff")
    return _detail_page(request, membership, meeting, invite_form=form, status=400)


@login_required
@require_POST
def meeting_guest_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    meeting = selectors.managed_meeting_get(membership, meeting_id)
    form = GuestForm(request.POST, prefix="guest")
    if form.is_valid():
        try:
            services.guest_add(actor=acting_user(request), meeting=meeting, **form.cleaned_data)
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            form.add_error(
                field_for(exc, {"contact": ("contact", "bad_contact", "duplicate")}), exc.message
            )
        else:
            messages.success(request, _("The guest is on the list."))
            return _meeting_page(meeting, "guests")
    return _detail_page(request, membership, meeting, guest_form=form, status=400)


@login_required
@require_POST
def meeting_register(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(membership_of(request.user), meeting_id)
    try:
        services.meeting_register(actor=acting_user(request), meeting=meeting)
    except NotAllowed as exc:
        raise Http404 from exc
    except Refused as exc:
        if exc.code in ALREADY:
            messages.info(request, exc.message)
        else:
            messages.error(request, exc.message)
    else:
        messages.success(request, _("You are registered for “%(title)s”.") % {"title": meeting})
    return _meeting_page(meeting)


@login_required
@require_POST
def meeting_mark(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.managed_meeting_get(membership_of(request.user), meeting_id)
    ids = []
    for value in request.POST.getlist("attendee"):
        try:
            ids.append(int(value))
        except ValueError as exc:
            raise Http404 from exc
    if not ids:
        messages.info(request, _("Tick the people who were present."))
        return _meeting_page(meeting, "staff")
    try:
        marked = services.attendance_mark(
            actor=acting_user(request), meeting=meeting, attendee_ids=ids
        )
    except NotAllowed as exc:
        raise Http404 from exc
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(n)d people marked present.") % {"n": len(marked)})
    return _meeting_page(meeting, "staff")


@login_required
@require_POST
def meeting_headcount(request: HttpRequest, meeting_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    meeting = selectors.managed_meeting_get(membership, meeting_id)
    form = HeadcountForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_headcount_set(
                actor=acting_user(request),
                meeting=meeting,
                headcount=form.cleaned_data["headcount"],
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            form.add_error("headcount", exc.message)
        else:
            messages.success(request, _("The attendance count is saved."))
            return _meeting_page(meeting, "numbers")
    return _detail_page(request, membership, meeting, headcount_form=form, status=400)


@login_required
@require_POST
def meeting_minutes(request: HttpRequest, meeting_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    meeting = selectors.managed_meeting_get(membership, meeting_id)
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            services.minutes_save(
                actor=acting_user(request), meeting=meeting, minutes=form.cleaned_data["minutes"]
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            form.add_error("minutes", exc.message)
        else:
            messages.success(request, _("The minutes are saved."))
            return _meeting_page(meeting, "minutes")
    return _detail_page(request, membership, meeting, minutes_form=form, status=400)


@login_required
@require_POST
def meeting_file_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    meeting = selectors.managed_meeting_get(membership, meeting_id)
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.meeting_file_add(
                actor=acting_user(request),
                meeting=meeting,
                upload=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            form.add_error("file" if exc.code.startswith("file") else None, exc.message)
        else:
            messages.success(request, _("The file is added to the minutes."))
            return _meeting_page(meeting, "minutes")
    return _detail_page(request, membership, meeting, file_form=form, status=400)


@login_required
@require_GET
def meeting_file(request: HttpRequest, file_id: int) -> HttpResponse:
    row = selectors.meeting_file_get(membership_of(request.user), file_id)
    return stored_file_response(
        row.file, content_type=row.content_type, name=row.original_name, size=row.size
    )


@login_required
@require_POST
def meeting_file_delete(request: HttpRequest, file_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    row: MeetingFile = selectors.meeting_file_get(membership, file_id)
    if not meeting_access(membership, row.meeting.campaign).manages(row.meeting):
        raise Http404
    try:
        services.meeting_file_delete(actor=acting_user(request), file=row)
    except NotAllowed as exc:
        raise Http404 from exc
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The file is removed."))
    return _meeting_page(row.meeting, "minutes")


@login_required
@require_POST
def meeting_opinion(request: HttpRequest, meeting_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    meeting = selectors.managed_meeting_get(membership, meeting_id)
    attendees = selectors.meeting_attendees(meeting)
    form = OpinionForm(request.POST, attendees=attendees)
    if form.is_valid():
        data = form.cleaned_data
        speaker = next((a for a in attendees if a.pk == data["speaker"]), None)
        try:
            suggestion = services.opinion_record(
                actor=acting_user(request),
                meeting=meeting,
                text=data["text"],
                speaker=speaker,
                speaker_name=data["speaker_name"],
                speaker_organisation=data["speaker_organisation"],
                is_anonymous=data["is_anonymous"],
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            form.add_error("text" if exc.code in ("empty_text", "too_long") else None, exc.message)
        else:
            messages.success(
                request,
                _("The opinion is in the suggestion pool as no. %(number)d.")
                % {"number": suggestion.number},
            )
            return _meeting_page(meeting, "opinions")
    return _detail_page(request, membership, meeting, opinion_form=form, status=400)


@login_required
@require_GET
def meeting_export(request: HttpRequest, meeting_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    meeting = selectors.meeting_get(membership, meeting_id)
    rows = selectors.attendees_for_export(membership, meeting)
    with_contacts = meeting_access(membership, meeting.campaign).manages(meeting)
    return FileResponse(
        attendees_xlsx(meeting, rows, with_contacts=with_contacts),
        as_attachment=True,
        filename=f"{meeting.title}·{_('Attendees')}.xlsx",
        content_type=EXPORT_XLSX_TYPE,
    )


# --- The enterprises of a visit -----------------------------------------------------------


@login_required
@require_POST
def visit_enterprise_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    meeting = selectors.managed_meeting_get(membership, meeting_id)
    form = EnterpriseForm(request.POST, prefix="enterprise")
    if form.is_valid():
        try:
            services.visit_enterprise_add(
                actor=acting_user(request), meeting=meeting, **form.cleaned_data
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The enterprise is recorded for this visit."))
            return _meeting_page(meeting, "enterprises")
    return _detail_page(request, membership, meeting, enterprise_form=form, status=400)


@login_required
@require_POST
def visit_problem_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    meeting = selectors.managed_meeting_get(membership, meeting_id)
    enterprises = list(Enterprise.objects.filter(visits=meeting).order_by("name", "pk"))
    units = _office_units(meeting)
    form = ProblemForm(request.POST, enterprises=enterprises, units=units)
    if form.is_valid():
        data = form.cleaned_data
        unit = next((u for u in units if u.pk == data["assigned_unit"]), None)
        try:
            services.enterprise_problem_add(
                actor=acting_user(request),
                meeting=meeting,
                enterprise=next(e for e in enterprises if e.pk == data["enterprise"]),
                description=data["description"],
                assigned_unit=unit,
                deadline=data["deadline"],
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            fields = {"deadline": ("deadline",), "assigned_unit": ("unit", "unknown_unit")}
            form.add_error(field_for(exc, fields) or "description", exc.message)
        else:
            messages.success(request, _("The problem is recorded."))
            return _meeting_page(meeting, "enterprises")
    return _detail_page(request, membership, meeting, problem_form=form, status=400)


# --- Signing in ---------------------------------------------------------------------------


def _screen(request: HttpRequest, meeting: Meeting) -> dict:
    now = clock.now()
    counts = selectors.meeting_counts(meeting)
    return signin_screen.screen(
        request,
        secret=meeting.sign_in_secret,
        state=selectors.window_state(meeting, now=now),
        window=selectors.sign_in_window(meeting),
        present=counts.signed_in,
        invited=counts.invited + counts.guests,
        # Guests sign in on the public page; staff follow its link.
        sign_in_path=reverse("engagement_public:meeting", args=[meeting.public_key]),
        now=now,
    )


@login_required
@require_GET
def meeting_screen(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.managed_meeting_get(membership_of(request.user), meeting_id)
    return signin_screen.no_store(
        render(
            request,
            "engagement/meeting_screen.html",
            {
                "campaign": meeting.campaign,
                "meeting": meeting,
                "screen": _screen(request, meeting),
                "poll_seconds": signin_screen.POLL_SECONDS,
            },
        )
    )


@login_required
@require_GET
def meeting_code(request: HttpRequest, meeting_id: int) -> JsonResponse:
    meeting = selectors.managed_meeting_get(membership_of(request.user), meeting_id)
    return signin_screen.no_store(JsonResponse(_screen(request, meeting)))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_sign_in(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """A staff member signs in with the code (the public page's link brings them here)."""
    membership = membership_of(request.user)
    meeting = selectors.meeting_for_sign_in(membership, meeting_id)
    form = signin_screen.code_form(request, CodeForm)
    done = _("You are signed in to “%(title)s”.") % {"title": meeting.title}
    if meeting.study_session_id:
        done += " " + _("It counts as a study activity.")
    signed_in = signin_screen.sign_in_with(
        request,
        form,
        sign_in=lambda code: services.meeting_sign_in(
            actor=acting_user(request), meeting=meeting, code=code
        ),
        errors=(NotAllowed, Refused),
        already=ALREADY,
        done=done,
        back=_meeting_page(meeting),
    )
    if signed_in is not None:
        return signed_in
    return signin_screen.no_store(
        render(
            request,
            "engagement/meeting_sign_in.html",
            {
                "campaign": meeting.campaign,
                "meeting": meeting,
                "form": form,
                "state": selectors.window_state(meeting, now=clock.now()).value,
            },
        )
    )
