"""/m/<key>/: a meeting's public page, opened from its link or QR code without a login.

It shows the meeting's title, time and place; while registration is open, a form to register
(name, organisation, contact); while sign-in is open, a form to sign in with the code on the
screen. A staff member follows the link to sign in with their own account. A cancelled meeting
or a wrong key: 404. A guest's contact is never shown back.
"""

from __future__ import annotations

from collections.abc import Callable

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
    status: int = 200,
    **bound: PublicRegisterForm | PublicSignInForm,
) -> HttpResponse:
    """The page; `bound` holds a form sent back with its errors, by its prefix."""
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
            "register_form": bound.get("register") or PublicRegisterForm(prefix="register"),
            "sign_in_form": bound.get("signin")
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


def _as_guest(
    request: HttpRequest,
    key: str,
    form_class: type[PublicRegisterForm] | type[PublicSignInForm],
    *,
    prefix: str,
    act: Callable[..., object],
    welcome: Callable[[Meeting, dict], str],
    settled: frozenset[str] = frozenset(),
) -> HttpResponse:
    """A guest's form sent from the public page: `act` (a service) takes the guest's details;
    a refusal shows on the form, but one in `settled` means nothing is left to do."""
    meeting = selectors.meeting_by_public_key(key)
    form = form_class(request.POST, prefix=prefix)
    if _refuse_robot(form):
        raise Http404
    if form.is_valid():
        data = form.cleaned_data
        try:
            act(
                actor=None,
                meeting=meeting,
                **{name: value for name, value in data.items() if name != HONEYPOT},
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            if exc.code in settled:
                messages.info(request, exc.message)
                return redirect("engagement_public:meeting", key=key)
            form.add_error(field_for(exc, GUEST_FIELDS), exc.message)
        else:
            messages.success(request, welcome(meeting, data))
            return redirect("engagement_public:meeting", key=key)
    return _page(request, meeting, status=400, **{prefix: form})


@require_POST
def public_register(request: HttpRequest, key: str) -> HttpResponse:
    return _as_guest(
        request,
        key,
        PublicRegisterForm,
        prefix="register",
        act=services.meeting_register,
        welcome=lambda meeting, data: (
            _(
                "You are registered for “%(title)s”. Sign in at the meeting with the same "
                "phone number or e-mail address."
            )
            % {"title": meeting.title}
        ),
    )


@require_POST
def public_sign_in(request: HttpRequest, key: str) -> HttpResponse:
    return _as_guest(
        request,
        key,
        PublicSignInForm,
        prefix="signin",
        act=services.meeting_sign_in,
        welcome=lambda meeting, data: (
            _("Welcome, %(name)s: you are signed in to “%(title)s”.")
            % {"name": data["name"], "title": meeting.title}
        ),
        settled=frozenset({"already_signed_in"}),
    )


public_urlpatterns: list[URLPattern] = [
    path("<slug:key>/", public_meeting, name="meeting"),
    path("<slug:key>/register/", public_register, name="register"),
    path("<slug:key>/sign-in/", public_sign_in, name="sign_in"),
]
