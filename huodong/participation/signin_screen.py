"""The organiser's sign-in screen and signing in with its code, for study sessions and for
meetings (`engagement`), which show the same rotating code (`signin_codes`).

The screen page polls a JSON twin of itself for the current code; both, and the sign-in page a
scanned code opens, are never cached: the code is good for a minute at most.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

from huodong.core.links import phone_url, qr_svg
from huodong.participation import signin_codes
from huodong.participation.selectors.study import WindowState

# The screen asks for a fresh code this often (the code turns over every 30 seconds).
POLL_SECONDS = 5

ResponseT = TypeVar("ResponseT", bound=HttpResponseBase)
FormT = TypeVar("FormT", bound=forms.Form)


def no_store(response: ResponseT) -> ResponseT:
    response["Cache-Control"] = "private, no-store"
    return response


def screen(
    request: HttpRequest,
    *,
    secret: str,
    state: WindowState,
    window: tuple[dt.datetime, dt.datetime],
    present: int,
    invited: int,
    sign_in_path: str,
    now: dt.datetime,
) -> dict:
    """What the screen shows at `now`: the code, and the QR of `sign_in_path` with the code
    filled in, only while sign-in is open."""
    opens, closes = window
    data: dict = {
        "state": state.value,
        "present": present,
        "invited": invited,
        "opens_at": timezone.localtime(opens).strftime("%H:%M"),
        "closes_at": timezone.localtime(closes).strftime("%H:%M"),
        "code": "",
        "qr": "",
        "url": "",
        "seconds_left": signin_codes.seconds_left(now),
    }
    if state is WindowState.OPEN:
        code = signin_codes.code_at(secret, now)
        # The absolute address a phone opens (see `core.links.phone_url`).
        url = phone_url(request, f"{sign_in_path}?{urlencode({'code': code})}")
        data.update(code=code, url=url, qr=qr_svg(url, title=_("Scan to sign in")))
    return data


def code_form(request: HttpRequest, form_class: type[FormT]) -> FormT:
    """The code form as sent, or with the code a scanned QR carries filled in."""
    if request.method == "POST":
        return form_class(request.POST)
    return form_class(initial={"code": request.GET.get("code", "")[:20]})


def sign_in_with(
    request: HttpRequest,
    form: forms.Form,
    *,
    sign_in: Callable[[str], object],
    errors: tuple[Any, Any],
    already: set[str],
    done: str,
    back: HttpResponse,
) -> HttpResponse | None:
    """Sign in with the code of a sent form: `back`, with `done` or the refusal in `already`
    (nothing more to do) as a message; None to show the form again, with any other refusal.

    `errors` are the app's (NotAllowed, Refused), each with a `code` and a `message`; the
    first answers 404."""
    if request.method != "POST" or not form.is_valid():
        return None
    not_allowed, refused = errors
    try:
        sign_in(form.cleaned_data["code"])
    except not_allowed as exc:
        raise Http404 from exc
    except refused as exc:
        if exc.code not in already:
            form.add_error("code", exc.message)
            return None
        messages.info(request, exc.message)
        return back
    messages.success(request, done)
    return back
