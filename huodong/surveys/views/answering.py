"""Views of the questionnaires: answering, and the poster that carries the public link.

/s/<key>/ is the page a link or QR code opens: a plain form that works without JavaScript
(`answer.js` only hides a conditional question until it applies and keeps unsent answers in the
phone's localStorage). A public survey is anonymous: one answer per device, told apart by a
signed cookie (`device_token_new`); a staff survey is answered signed in, once per person.

A draft, a template, a wrong key, or a staff survey for someone outside its office: 404. The
office previews a draft with ?preview=1 (the form without its button). The page reads the
survey in a fixed number of queries, whatever the number of questions and options.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from huodong.core import clock
from huodong.core.links import phone_url, qr_svg
from huodong.orgs.permissions import Membership, membership_of
from huodong.surveys.errors import AnswersInvalid, NotAllowed, Refused
from huodong.surveys.models import (
    Audience,
    Option,
    Question,
    QuestionKind,
    Section,
    Survey,
)
from huodong.surveys.permissions import can_answer, can_manage_surveys
from huodong.surveys.selectors import has_answered, survey_by_public_key, survey_managed
from huodong.surveys.services import device_token_new, response_submit
from huodong.surveys.services.answering import (
    MAX_LONG_TEXT,
    MAX_SHORT_TEXT,
    OTHER,
    device_token_valid,
    survey_is_open,
)

DEVICE_COOKIE = "huodong_survey_device"
DEVICE_COOKIE_AGE = 2 * 365 * 24 * 60 * 60
DEVICE_COOKIE_PATH = "/s/"
# A field people never see; a robot filling every input fills it too.
HONEYPOT = "website"


# --- The form as the page shows it ---------------------------------------------------------


@dataclass
class Choice:
    value: str
    label: str
    checked: bool = False


@dataclass
class MatrixRow:
    index: int
    label: str
    choices: list[Choice]


@dataclass
class RankItem:
    name: str
    label: str
    place: str  # the place chosen, "" for none


@dataclass
class Field:
    """One question on the page, with what was posted (kept when the form comes back)."""

    question: Question
    number: int
    error: str = ""
    choices: list[Choice] = field(default_factory=list)
    other_checked: bool = False
    other_text: str = ""
    text: str = ""
    limit: int = 0
    matrix: list[MatrixRow] = field(default_factory=list)
    ranking: list[RankItem] = field(default_factory=list)
    places: list[int] = field(default_factory=list)
    condition: Option | None = None  # shown only when this option was chosen
    condition_name: str = ""  # the field that option is chosen in

    @property
    def name(self) -> str:
        return f"q{self.question.pk}"

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def input_type(self) -> str:
        return "checkbox" if self.question.kind == QuestionKind.MULTIPLE else "radio"


@dataclass
class Part:
    section: Section
    fields: list[Field]


def _text_limit(question: Question) -> int:
    default = MAX_SHORT_TEXT if question.kind == QuestionKind.SHORT_TEXT else MAX_LONG_TEXT
    return min(question.max_length or default, default)


def _field(question: Question, number: int, data, options: dict[int, Option]) -> Field:
    name = f"q{question.pk}"
    values = data.getlist(name) if data else []
    own = list(question.options.all())
    item = Field(question=question, number=number)
    kind = question.kind
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        item.choices = [Choice(str(o.pk), o.label, str(o.pk) in values) for o in own]
        item.other_checked = OTHER in values
        item.other_text = data.get(f"{name}_other", "") if data else ""
    elif kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        item.text = values[0] if values else ""
        item.limit = _text_limit(question)
    elif kind == QuestionKind.RATING:
        item.choices = [
            Choice(str(point), str(point), str(point) in values)
            for point in range(question.scale_min, question.scale_max + 1)
        ]
    elif kind == QuestionKind.MATRIX:
        for index, label in enumerate(question.rows):
            chosen = data.get(f"{name}_r{index}", "") if data else ""
            item.matrix.append(
                MatrixRow(
                    index, label, [Choice(str(o.pk), o.label, str(o.pk) == chosen) for o in own]
                )
            )
        item.choices = [Choice(str(o.pk), o.label) for o in own]  # the column heads
    elif kind == QuestionKind.RANKING:
        item.places = list(range(1, len(own) + 1))
        item.ranking = [
            RankItem(f"{name}_o{o.pk}", o.label, data.get(f"{name}_o{o.pk}", "") if data else "")
            for o in own
        ]
    if question.show_if_id is not None and question.show_if_id in options:
        item.condition = options[question.show_if_id]
        item.condition_name = f"q{item.condition.question_id}"
    return item


def _form(survey: Survey, data=None, errors: dict[int, str] | None = None) -> list[Part]:
    """The survey's sections and questions in three queries, whatever their number."""
    sections = list(survey.sections.prefetch_related("questions__options"))
    options = {
        option.pk: option
        for section in sections
        for question in section.questions.all()
        for option in question.options.all()
    }
    errors = errors or {}
    parts = []
    number = 0
    for section in sections:
        fields = []
        for question in section.questions.all():
            number += 1
            item = _field(question, number, data, options)
            item.error = errors.get(question.pk, "")
            fields.append(item)
        parts.append(Part(section, fields))
    return parts


# --- Who is answering ----------------------------------------------------------------------


def _valid_token(token: str) -> bool:
    return device_token_valid(token)


def _already_answered(survey: Survey, membership: Membership, token: str) -> bool:
    return has_answered(survey, person=membership.person, device_token=token)


def _set_device_cookie(response: HttpResponse) -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        device_token_new(),
        max_age=DEVICE_COOKIE_AGE,
        path=DEVICE_COOKIE_PATH,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def _survey_for_answering(request: HttpRequest, key: str) -> tuple[Survey, Membership, bool]:
    """The survey of a public key, the member, and whether this is the office's preview. Raises
    404 for what the user may not answer."""
    survey = survey_by_public_key(key)
    if survey is None:
        raise Http404
    membership = membership_of(request.user)
    preview = (
        request.method == "GET"
        and request.GET.get("preview") == "1"
        and can_manage_surveys(membership, survey.office_id)
    )
    if not preview and (survey.published_at is None or survey.is_template):
        raise Http404
    return survey, membership, preview


def _state(survey: Survey) -> str:
    if survey.published_at is None or survey.is_template:
        return "draft"
    if survey_is_open(survey):
        return "open"
    if survey.opens_at is not None and clock.now() < survey.opens_at:
        return "not_yet"
    return "closed"


# --- Pages ---------------------------------------------------------------------------------


def _page(
    request: HttpRequest,
    survey: Survey,
    *,
    state: str,
    status: int = 200,
    data=None,
    errors: dict[int, str] | None = None,
    message: str = "",
    preview: bool = False,
) -> HttpResponse:
    show_form = state == "open" or preview
    parts = _form(survey, data, errors) if show_form else []
    problems = [item for part in parts for item in part.fields if item.error]
    response = render(
        request,
        "surveys/answer/page.html",
        {
            "survey": survey,
            "state": state,
            "parts": parts,
            "show_form": show_form,
            "preview": preview,
            "message": message,
            "problems": problems,
            # Unsent answers are restored from the phone only into a fresh form.
            "restore": data is None,
            "honeypot": HONEYPOT,
            "other": OTHER,
        },
        status=status,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, key: str) -> HttpResponse:
    survey, membership, preview = _survey_for_answering(request, key)
    staff = survey.audience == Audience.STAFF
    if preview:
        response = _page(request, survey, state=_state(survey), preview=True)
        # The builder shows the preview inside a phone frame of this site; nothing else may.
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response
    if staff and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_answer(membership, survey):
        raise Http404
    token = "" if staff else request.COOKIES.get(DEVICE_COOKIE, "")
    if request.method == "POST":
        return _submit(request, survey, token)
    state = _state(survey)
    message = ""
    if state == "open" and _already_answered(survey, membership, token):
        state, message = "answered", _("You have already answered this questionnaire; thank you.")
    response = _page(request, survey, state=state, message=message)
    if not staff and not _valid_token(token):
        _set_device_cookie(response)
    return response


def _submit(request: HttpRequest, survey: Survey, token: str) -> HttpResponse:
    thanks = redirect("surveys_public:thanks", key=survey.public_key)
    if request.POST.get(HONEYPOT, "").strip():
        return thanks  # a robot: thanked, nothing saved
    staff = survey.audience == Audience.STAFF
    data = {name: request.POST.getlist(name) for name in request.POST}
    try:
        response_submit(
            survey=survey,
            actor=request.user if staff else None,
            data=data,
            device_token=token,
            address="" if staff else request.META.get("REMOTE_ADDR", ""),
        )
    except NotAllowed as exc:
        raise Http404 from exc
    except AnswersInvalid as exc:
        return _page(
            request,
            survey,
            state="open",
            status=400,
            data=request.POST,
            errors=exc.errors,
            message=exc.message,
        )
    except Refused as exc:
        if exc.code == "answered":
            return _page(request, survey, state="answered", status=409, message=exc.message)
        if exc.code == "closed":
            state = _state(survey)
            return _page(
                request,
                survey,
                state="closed" if state == "open" else state,
                status=400,
                message=exc.message,
            )
        page = _page(
            request, survey, state="open", status=400, data=request.POST, message=exc.message
        )
        if exc.code == "bad_token":
            _set_device_cookie(page)  # so that sending again works
        return page
    return thanks


@require_GET
def thanks(request: HttpRequest, key: str) -> HttpResponse:
    survey = survey_by_public_key(key)
    if survey is None or survey.published_at is None or survey.is_template:
        raise Http404
    if survey.audience == Audience.STAFF and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, "surveys/answer/thanks.html", {"survey": survey})


# --- The poster ----------------------------------------------------------------------------


def public_url(request: HttpRequest, survey: Survey) -> str:
    """The absolute link a poster's QR code carries (see `core.links.phone_url`)."""
    return phone_url(request, reverse("surveys_public:answer", args=[survey.public_key]))


def _qr_svg(url: str) -> str:
    return qr_svg(url, title=_("Scan to answer the questionnaire"), css_class="poster-qr")


@login_required
@require_GET
def poster(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = survey_managed(membership_of(request.user), survey_id)
    if survey is None or survey.is_template:
        raise Http404
    url = public_url(request, survey)
    return render(
        request,
        "surveys/poster.html",
        {"survey": survey, "url": url, "qr": _qr_svg(url), "state": _state(survey)},
    )


urlpatterns: list[URLPattern] = [
    path("<int:survey_id>/poster/", poster, name="poster"),
]
# Under /s/: the short public link a QR code carries.
public_urlpatterns: list[URLPattern] = [
    path("<slug:key>/", answer, name="answer"),
    path("<slug:key>/thanks/", thanks, name="thanks"),
]
