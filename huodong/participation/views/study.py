"""Pages of study: one's own records, group sessions, the sign-in screen and signing in.

Each view asks `permissions` (through the selectors) and calls one service. Whatever the user
may not see or do answers 404, like a missing object; a refusal comes back as a message or a
form error and changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huodong.campaigns.models import Campaign
from huodong.core import clock
from huodong.core.list_export import CHUNK, filters_of, list_export_response
from huodong.orgs.permissions import Membership, membership_of
from huodong.participation import list_exports, signin_screen
from huodong.participation.errors import NotAllowed, ParticipationError, Refused
from huodong.participation.forms.study import (
    CancelForm,
    MakeupForm,
    MarkForm,
    SessionForm,
    SignInForm,
    StudyLogForm,
)
from huodong.participation.models import StudySession
from huodong.participation.permissions import can_log_study, can_organise_any, can_see_sessions
from huodong.participation.selectors import study as selectors
from huodong.participation.services import study as services
from huodong.participation.views.common import acting_user, campaign_for

PAGE_SIZE = 20
ALREADY = {"already_signed_in", "already_made_up"}


def _session_page(session: StudySession, anchor: str = "") -> HttpResponse:
    url = reverse("participation:session", args=[session.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _session_day(session: StudySession) -> dt.date:
    return timezone.localtime(session.starts_at).date()


def _field_for(exc: ParticipationError, fields: dict[str, tuple[str, ...]]) -> str | None:
    """The form field a refusal is about, by its code (None: the form as a whole)."""
    for name, prefixes in fields.items():
        if any(exc.code.startswith(prefix) for prefix in prefixes):
            return name
    return None


LOG_FIELDS = {
    "date": ("date",),
    "material": ("material", "duplicate"),
    "duration_minutes": ("bad_duration",),
}


# --- My study -----------------------------------------------------------------------------


def _my_study_page(
    request: HttpRequest, membership: Membership, campaign: Campaign, form: StudyLogForm
) -> HttpResponse:
    records = selectors.my_records(membership, campaign)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "participation/study/my_study.html",
        {"campaign": campaign, "form": form, "page": page},
    )


@login_required
@require_GET
def my_study(request: HttpRequest, campaign_id: int) -> HttpResponse:
    membership, campaign = campaign_for(request, campaign_id)
    if not can_log_study(membership, campaign):
        raise Http404
    form = StudyLogForm(campaign=campaign, today=clock.today())
    return _my_study_page(request, membership, campaign, form)


@login_required
@require_GET
def my_study_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """My study records (every page) as .xlsx."""
    membership, campaign = campaign_for(request, campaign_id)
    if not can_log_study(membership, campaign):
        raise Http404
    return list_export_response(
        actor=acting_user(request),
        action="participation.export_my_study",
        obj=campaign,
        title=_("My study"),
        scope=f"{campaign.title} · {membership.person.name if membership.person else ''}",
        columns=list_exports.study_record_columns(),
        rows=selectors.my_records(membership, campaign).iterator(chunk_size=CHUNK),
    )


@login_required
@require_POST
def study_log(request: HttpRequest, campaign_id: int) -> HttpResponse:
    membership, campaign = campaign_for(request, campaign_id)
    if not can_log_study(membership, campaign):
        raise Http404
    form = StudyLogForm(request.POST, campaign=campaign, today=clock.today())
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.study_record_log(
                actor=acting_user(request),
                campaign=campaign,
                kind=data["kind"],
                date=data["date"],
                material=data["material"],
                duration_minutes=data["duration_minutes"],
                notes=data["notes"],
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            form.add_error(_field_for(exc, LOG_FIELDS), exc.message)
        else:
            messages.success(request, _("Your study is recorded."))
            return redirect("participation:my_study", campaign_id=campaign.pk)
    return _my_study_page(request, membership, campaign, form)


@login_required
@require_POST
def study_delete(request: HttpRequest, record_id: int) -> HttpResponse:
    record = selectors.record_get(membership_of(request.user), record_id)
    try:
        services.study_record_delete(actor=acting_user(request), record=record)
    except NotAllowed as exc:
        raise Http404 from exc
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The record is deleted."))
    return redirect("participation:my_study", campaign_id=record.campaign_id)


# --- Sessions -----------------------------------------------------------------------------


@login_required
@require_GET
def sessions(request: HttpRequest, campaign_id: int) -> HttpResponse:
    membership, campaign = campaign_for(request, campaign_id)
    if not can_see_sessions(membership, campaign):
        raise Http404
    past = request.GET.get("when") == "past"
    listed = selectors.sessions_for(membership, campaign, upcoming=not past, now=clock.now())
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.session_rows(page.object_list, membership, campaign, now=clock.now())
    return render(
        request,
        "participation/study/sessions.html",
        {
            "campaign": campaign,
            "page": page,
            "rows": rows,
            "past": past,
            "query": "when=past" if past else "",
            "may_create": can_organise_any(membership, campaign),
        },
    )


@login_required
@require_GET
def sessions_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The sessions the list shows (upcoming or past, every page) as .xlsx."""
    membership, campaign = campaign_for(request, campaign_id)
    if not can_see_sessions(membership, campaign):
        raise Http404
    past = request.GET.get("when") == "past"
    listed = selectors.sessions_for(membership, campaign, upcoming=not past, now=clock.now())
    return list_export_response(
        actor=acting_user(request),
        action="participation.export_sessions",
        obj=campaign,
        title=_("Study sessions"),
        scope=campaign.title,
        columns=list_exports.session_columns(),
        rows=listed.iterator(chunk_size=CHUNK),
        filters=filters_of(request.GET),
    )


def _session_form(
    request: HttpRequest, membership: Membership, campaign: Campaign, **kwargs
) -> SessionForm:
    units = selectors.organiser_units(membership, campaign)
    if not units:
        raise Http404
    return SessionForm(
        request.POST or None,
        units=units,
        invitable_units=selectors.invitable_units(campaign),
        people=selectors.office_people(campaign),
        campaign=campaign,
        **kwargs,
    )


SESSION_FIELDS = {
    "day": ("date",),
    "ends": ("ends_before", "too_long"),
    "topic": ("topic",),
    "invitees": ("no_invitees", "unknown_person", "invitee_has"),
    "invite_units": ("unknown_unit",),
}


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, campaign_id: int) -> HttpResponse:
    membership, campaign = campaign_for(request, campaign_id)
    today = clock.today()
    day = max(today, campaign.start) if campaign.start else today
    day = min(day, campaign.end) if campaign.end else day
    form = _session_form(request, membership, campaign, initial={"day": day})
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(
                actor=acting_user(request),
                campaign=campaign,
                organiser_unit=form.chosen_unit(),
                **form.session_fields(),
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            form.add_error(_field_for(exc, SESSION_FIELDS), exc.message)
        else:
            messages.success(request, _("The session is arranged and the invitees are told."))
            return _session_page(session)
    return render(
        request,
        "participation/study/session_form.html",
        {"campaign": campaign, "form": form, "session": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, session_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    session = selectors.managed_session_get(membership, session_id)
    campaign = session.campaign
    initial = SessionForm.initial_for(session)
    initial["invitees"] = selectors.invitee_person_ids(session)
    form = _session_form(request, membership, campaign, initial=initial)
    # The organising unit stays; the form shows it for reference.
    form.fields["organiser_unit"].choices = [(session.organiser_unit_id, session.organiser_unit)]
    form.fields["organiser_unit"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(
                actor=acting_user(request),
                session=session,
                **form.session_fields(),
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            form.add_error(_field_for(exc, SESSION_FIELDS), exc.message)
        else:
            messages.success(request, _("The session is updated."))
            return _session_page(session)
    return render(
        request,
        "participation/study/session_form.html",
        {"campaign": campaign, "form": form, "session": session},
    )


def _detail_page(
    request: HttpRequest,
    membership: Membership,
    session: StudySession,
    *,
    makeup_form: MakeupForm | None = None,
) -> HttpResponse:
    detail = selectors.session_detail(membership, session, now=clock.now())
    today = clock.today()
    if makeup_form is None and detail.may_make_up:
        makeup_form = MakeupForm(
            campaign=session.campaign, today=today, not_before=_session_day(session)
        )
    return render(
        request,
        "participation/study/session_detail.html",
        {
            "campaign": session.campaign,
            "session": session,
            "detail": detail,
            "makeup_form": makeup_form if detail.may_make_up else None,
            "cancel_form": CancelForm() if detail.may_manage else None,
        },
    )


@login_required
@require_GET
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    return _detail_page(request, membership, selectors.session_get(membership, session_id))


# --- The organiser's screen ---------------------------------------------------------------


def _screen(request: HttpRequest, session: StudySession) -> dict:
    now = clock.now()
    return signin_screen.screen(
        request,
        secret=session.sign_in_secret,
        state=selectors.window_state(session, now=now),
        window=selectors.sign_in_window(session),
        present=selectors.present_count(session),
        invited=selectors.invitee_count(session),
        sign_in_path=reverse("participation:session_sign_in", args=[session.pk]),
        now=now,
    )


@login_required
@require_GET
def session_screen(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.managed_session_get(membership_of(request.user), session_id)
    return signin_screen.no_store(
        render(
            request,
            "participation/study/session_screen.html",
            {
                "campaign": session.campaign,
                "session": session,
                "screen": _screen(request, session),
                "poll_seconds": signin_screen.POLL_SECONDS,
            },
        )
    )


@login_required
@require_GET
def session_code(request: HttpRequest, session_id: int) -> JsonResponse:
    session = selectors.managed_session_get(membership_of(request.user), session_id)
    return signin_screen.no_store(JsonResponse(_screen(request, session)))


# --- Signing in, marking, make-ups --------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def session_sign_in(request: HttpRequest, session_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    session = selectors.session_get(membership, session_id)
    form = signin_screen.code_form(request, SignInForm)
    signed_in = signin_screen.sign_in_with(
        request,
        form,
        sign_in=lambda code: services.session_sign_in(
            actor=acting_user(request), session=session, code=code
        ),
        errors=(NotAllowed, Refused),
        already=ALREADY,
        done=_("You are signed in to “%(topic)s”; it counts as a study activity.")
        % {"topic": session.topic},
        back=_session_page(session),
    )
    if signed_in is not None:
        return signed_in
    detail = selectors.session_detail(membership, session, now=clock.now())
    return signin_screen.no_store(
        render(
            request,
            "participation/study/sign_in.html",
            {"campaign": session.campaign, "session": session, "detail": detail, "form": form},
        )
    )


@login_required
@require_POST
def session_mark(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.managed_session_get(membership_of(request.user), session_id)
    form = MarkForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["person"]:
        messages.error(request, _("Tick the people who were there."))
        return _session_page(session, "attendance")
    people = form.cleaned_data["person"]
    unmark = form.cleaned_data["action"] == "unmark"
    if unmark and len(people) != 1:
        messages.error(request, _("Take back one presence at a time."))
        return _session_page(session, "attendance")
    try:
        if unmark:
            services.session_unmark(
                actor=acting_user(request), session=session, person_id=people[0]
            )
            done = _("The presence is taken back.")
        else:
            marked = services.session_mark_attendance(
                actor=acting_user(request), session=session, person_ids=people
            )
            done = ngettext(
                "%(n)d person is marked present.", "%(n)d people are marked present.", len(marked)
            ) % {"n": len(marked)}
    except NotAllowed as exc:
        raise Http404 from exc
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return _session_page(session, "attendance")


@login_required
@require_POST
def session_makeup(request: HttpRequest, session_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    session = selectors.session_get(membership, session_id)
    form = MakeupForm(
        request.POST,
        campaign=session.campaign,
        today=clock.today(),
        not_before=_session_day(session),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.session_makeup_file(
                actor=acting_user(request),
                session=session,
                date=data["date"],
                material=data["material"],
                notes=data["notes"],
                duration_minutes=data["duration_minutes"],
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            if exc.code not in {"date_outside_campaign", "date_in_future", "date_before_session"}:
                messages.error(request, exc.message)
                return _session_page(session)
            form.add_error("date", exc.message)
        else:
            messages.success(request, _("Your make-up is recorded; it counts like attendance."))
            return _session_page(session)
    return _detail_page(request, membership, session, makeup_form=form)


@login_required
@require_POST
def session_cancel(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.managed_session_get(membership_of(request.user), session_id)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.session_cancel(actor=acting_user(request), session=session, reason=reason)
    except NotAllowed as exc:
        raise Http404 from exc
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The session is cancelled and the invitees are told."))
    return _session_page(session)


urlpatterns = [
    path("c/<int:campaign_id>/study/", my_study, name="my_study"),
    path("c/<int:campaign_id>/study/log/", study_log, name="study_log"),
    path("c/<int:campaign_id>/study/export.xlsx", my_study_export, name="my_study_export"),
    path("study/<int:record_id>/delete/", study_delete, name="study_delete"),
    path("c/<int:campaign_id>/sessions/", sessions, name="sessions"),
    path("c/<int:campaign_id>/sessions/new/", session_create, name="session_create"),
    path("c/<int:campaign_id>/sessions/export.xlsx", sessions_export, name="sessions_export"),
    path("sessions/<int:session_id>/", session_detail, name="session"),
    path("sessions/<int:session_id>/edit/", session_edit, name="session_edit"),
    path("sessions/<int:session_id>/screen/", session_screen, name="session_screen"),
    path("sessions/<int:session_id>/code.json", session_code, name="session_code"),
    path("sessions/<int:session_id>/sign-in/", session_sign_in, name="session_sign_in"),
    path("sessions/<int:session_id>/attendance/", session_mark, name="session_mark"),
    path("sessions/<int:session_id>/makeup/", session_makeup, name="session_makeup"),
    path("sessions/<int:session_id>/cancel/", session_cancel, name="session_cancel"),
]
