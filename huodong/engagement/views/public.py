"""/m/<key>/: a meeting's public page, opened from its link or QR code without a login.

It shows the meeting's title, time and place; while registration is open, a form to register
(name, organisation, contact); while sign-in is open, a form to sign in with the code on the
screen. A staff member follows the link to sign in with their own account. A cancelled meeting
or a wrong key: 404. A guest's contact is never shown back.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from huodong.core import clock
from huodong.engagement import selectors, services
from huodong.engagement.errors import NotAllowed, Refused
from huodong.engagement.forms import HONEYPOT, PublicRegisterForm, PublicSignInForm
from huodong.engagement.models import Meeting
from huodong.engagement.views.common import field_for

GUEST_FIELDS = {
    "contact": ("contact", "bad_contact"),
    "name": ("required",),
    "code": ("code", "not_open", "closed"),
}


def _page(
    request: HttpRequest,
    meeting: Meeting,
    *,
    register_form: PublicRegisterForm | None = None,
    sign_in_form: PublicSignInForm | None = None,
    status: int = 200,
) -> HttpResponse:
    now = clock.now()
    state = selectors.window_state(meeting, now=now)
    counts = selectors.meeting_counts(meeting)
    limit = meeting.registration_limit
    registration_open = meeting.registration_open and now < meeting.ends_at
    code = request.GET.get("code", "")[:20]
    response = render(
        request,
        "engagement/public_meeting.html",
        {
            "meeting": meeting,
            "state": state.value,
            "registration_open": registration_open,
            "places_left": None if limit is None else max(0, limit - counts.registered),
            "register_form": register_form or PublicRegisterForm(prefix="register"),
            "sign_in_form": sign_in_form
            or PublicSignInForm(prefix="signin", initial={"code": code}),
            "staff_sign_in_url": reverse("engagement:meeting_sign_in", args=[meeting.pk])
            + (f"?code={code}" if code.isdigit() else ""),
        },
        status=status,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def public_meeting(request: HttpRequest, key: str) -> HttpResponse:
    return _page(request, selectors.meeting_by_public_key(key))


def _refuse_robot(form) -> bool:
    return bool(form.data.get(form.add_prefix(HONEYPOT)))


@require_POST
def public_register(request: HttpRequest, key: str) -> HttpResponse:
    meeting = selectors.meeting_by_public_key(key)
    form = PublicRegisterForm(request.POST, prefix="register")
    if _refuse_robot(form):
        raise Http404
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_register(
                actor=None,
                meeting=meeting,
                name=data["name"],
                organisation=data["organisation"],
                contact=data["contact"],
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            form.add_error(field_for(exc, GUEST_FIELDS), exc.message)
        else:
            messages.success(
                request,
                _(
                    "You are registered for “%(title)s”. Sign in at the meeting with the same "
                    "phone number or e-mail address."
                )
                % {"title": meeting.title},
            )
            return redirect("engagement_public:meeting", key=key)
    return _page(request, meeting, register_form=form, status=400)


@require_POST
def public_sign_in(request: HttpRequest, key: str) -> HttpResponse:
    meeting = selectors.meeting_by_public_key(key)
    form = PublicSignInForm(request.POST, prefix="signin")
    if _refuse_robot(form):
        raise Http404
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_sign_in(
                actor=None,
                meeting=meeting,
                code=data["code"],
                name=data["name"],
                organisation=data["organisation"],
                contact=data["contact"],
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            if exc.code == "already_signed_in":
                messages.info(request, exc.message)
                return redirect("engagement_public:meeting", key=key)
            form.add_error(field_for(exc, GUEST_FIELDS), exc.message)
        else:
            messages.success(
                request,
                _("Welcome, %(name)s: you are signed in to “%(title)s”.")
                % {"name": data["name"], "title": meeting.title},
            )
            return redirect("engagement_public:meeting", key=key)
    return _page(request, meeting, sign_in_form=form, status=400)


public_urlpatterns: list[URLPattern] = [
    path("<slug:key>/", public_meeting, name="meeting"),
    path("<slug:key>/register/", public_register, name="register"),
    path("<slug:key>/sign-in/", public_sign_in, name="sign_in"),
]
