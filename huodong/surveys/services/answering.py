"""Answering a questionnaire: one response per signed-in person (staff surveys) or per device
(public surveys), every answer checked against its question before anything is saved.

The form's fields: `q<id>` holds a choice's option id (several for a multiple choice; `other`
for "other, please specify", whose text is `q<id>_other`), a text, or a rating; a matrix row's
choice is `q<id>_r<row>`; a ranking gives each option its place in `q<id>_o<option id>`.

A response is saved whole or not at all. Its tallies (`AnswerTally`) are increments in the same
transaction, so the results page never counts the answers.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from huodong.core import clock
from huodong.orgs.models import User
from huodong.orgs.permissions import membership_of
from huodong.surveys.errors import AnswersInvalid, NotAllowed, Refused
from huodong.surveys.models import (
    Answer,
    AnswerTally,
    Audience,
    Option,
    Question,
    QuestionKind,
    Response,
    Survey,
)
from huodong.surveys.permissions import can_answer

DEVICE_SALT = "huodong.surveys.device"
OTHER = "other"
# A public survey takes at most `HUODONG_SURVEY_RATE_LIMIT` answers from one address in the
# window: a hall's shared Wi-Fi is one address, so the default (60) is generous.
RATE_WINDOW = timedelta(minutes=10)
MAX_SHORT_TEXT = 200
MAX_LONG_TEXT = 5_000


def device_token_new() -> str:
    """A signed random token for the public's one-answer-per-device cookie."""
    return signing.dumps(secrets.token_urlsafe(16), salt=DEVICE_SALT)


def _device_hash(token: str) -> str:
    try:
        device = signing.loads(token, salt=DEVICE_SALT)
    except signing.BadSignature as exc:
        raise Refused(
            _("This device's answer token is not valid. Reload the page and answer again."),
            code="bad_token",
        ) from exc
    if not isinstance(device, str) or not device:
        raise Refused(_("This device's answer token is not valid."), code="bad_token")
    return hashlib.sha256(device.encode()).hexdigest()


def device_token_valid(token: str) -> bool:
    """Whether a device cookie's value is one this server signed."""
    try:
        _device_hash(token)
    except Refused:
        return False
    return True


def device_hash_of(token: str) -> str | None:
    """The stored form of a valid device token; None for a forged or empty one."""
    try:
        return _device_hash(token)
    except Refused:
        return None


def _address_hash(address: str) -> str:
    if not address:
        return ""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


def survey_is_open(survey: Survey) -> bool:
    now = clock.now()
    return (
        survey.published_at is not None
        and not survey.is_template
        and (survey.opens_at is None or survey.opens_at <= now)
        and (survey.closes_at is None or now < survey.closes_at)
    )


@dataclass
class _Parsed:
    answers: list[Answer] = field(default_factory=list)
    keys: dict[int, set[str]] = field(default_factory=dict)  # question id -> tally keys
    chosen: set[int] = field(default_factory=set)  # option ids chosen (for conditions)
    errors: dict[int, str] = field(default_factory=dict)

    def add(self, question: Question, key: str, **values: object) -> None:
        self.answers.append(Answer(question=question, **values))
        self.keys.setdefault(question.pk, {"n"}).add(key)


def _values(data: Mapping[str, Sequence[str]], name: str) -> list[str]:
    return [value.strip() for value in data.get(name, ()) if value is not None and value.strip()]


def _parse_int(value: str) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _parse_choice(question: Question, data, parsed: _Parsed, options: dict[int, int]) -> bool:
    values = _values(data, f"q{question.pk}")
    if question.kind == QuestionKind.SINGLE and len(values) > 1:
        parsed.errors[question.pk] = _("Choose one option only.")
        return True
    if len(set(values)) != len(values):
        parsed.errors[question.pk] = _("An option is chosen twice.")
        return True
    limit = question.max_choices
    if question.kind == QuestionKind.MULTIPLE and limit is not None and len(values) > limit:
        parsed.errors[question.pk] = ngettext(
            "Choose at most %(count)d option.", "Choose at most %(count)d options.", limit
        ) % {"count": limit}
        return True
    for value in values:
        if value == OTHER and question.has_other:
            other = " ".join(_values(data, f"q{question.pk}_other"))
            if not other:
                parsed.errors[question.pk] = _("Say what “other” is.")
                return True
            if len(other) > MAX_SHORT_TEXT:
                parsed.errors[question.pk] = _("“Other” is too long.")
                return True
            parsed.add(question, "x", text=other, is_other=True)
            continue
        option_id = _parse_int(value)
        if option_id is None or options.get(option_id) != question.pk:
            parsed.errors[question.pk] = _("This option is not one of the question's.")
            return True
        parsed.add(question, f"o{option_id}", option_id=option_id)
        parsed.chosen.add(option_id)
    return bool(values)


def _parse_text(question: Question, data, parsed: _Parsed) -> bool:
    text = "\n".join(_values(data, f"q{question.pk}"))
    default = MAX_SHORT_TEXT if question.kind == QuestionKind.SHORT_TEXT else MAX_LONG_TEXT
    limit = min(question.max_length or default, default)
    if len(text) > limit:
        parsed.errors[question.pk] = ngettext(
            "Write at most %(count)d character (now %(length)d).",
            "Write at most %(count)d characters (now %(length)d).",
            limit,
        ) % {"count": limit, "length": len(text)}
        return True
    if text:
        parsed.add(question, "t", text=text)
    return bool(text)


def _parse_rating(question: Question, data, parsed: _Parsed) -> bool:
    values = _values(data, f"q{question.pk}")
    if not values:
        return False
    value = _parse_int(values[0])
    if len(values) > 1 or value is None or not question.scale_min <= value <= question.scale_max:
        parsed.errors[question.pk] = _("Choose a point of the scale.")
        return True
    parsed.add(question, f"v{value}", value=value)
    return True


def _parse_matrix(question: Question, data, parsed: _Parsed, options: dict[int, int]) -> bool:
    answered = 0
    for row in range(len(question.rows)):
        values = _values(data, f"q{question.pk}_r{row}")
        if not values:
            if question.required:
                parsed.errors[question.pk] = _("Answer every row.")
                return True
            continue
        option_id = _parse_int(values[0])
        if len(values) > 1 or option_id is None or options.get(option_id) != question.pk:
            parsed.errors[question.pk] = _("Choose one option per row.")
            return True
        parsed.add(question, f"o{option_id}r{row}", option_id=option_id, row=row)
        answered += 1
    return answered > 0


def _parse_ranking(question: Question, data, parsed: _Parsed, own: list[int]) -> bool:
    places: dict[int, int] = {}
    for option_id in own:
        values = _values(data, f"q{question.pk}_o{option_id}")
        if values:
            place = _parse_int(values[0])
            if place is None:
                parsed.errors[question.pk] = _("Give each option a place.")
                return True
            places[option_id] = place
    if not places:
        return False
    if sorted(places.values()) != list(range(1, len(own) + 1)):
        parsed.errors[question.pk] = _(
            "Give each option a different place, from 1 to %(count)d."
        ) % {"count": len(own)}
        return True
    for option_id, place in places.items():
        parsed.add(question, f"o{option_id}p{place}", option_id=option_id, value=place)
    return True


def _parse(survey: Survey, data: Mapping[str, Sequence[str]]) -> _Parsed:
    questions = list(
        survey.questions.select_related("section").order_by("section__position", "position", "id")
    )
    options: dict[int, int] = {}  # option id -> question id
    own: dict[int, list[int]] = {}
    for option_id, question_id in (
        Option.objects.filter(question__survey=survey)
        .order_by("position", "id")
        .values_list("pk", "question_id")
    ):
        options[option_id] = question_id
        own.setdefault(question_id, []).append(option_id)
    parsed = _Parsed()
    for question in questions:
        shown = question.show_if_id is None or question.show_if_id in parsed.chosen
        before = len(parsed.answers)
        kind = question.kind
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            answered = _parse_choice(question, data, parsed, options)
        elif kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
            answered = _parse_text(question, data, parsed)
        elif kind == QuestionKind.RATING:
            answered = _parse_rating(question, data, parsed)
        elif kind == QuestionKind.MATRIX:
            answered = _parse_matrix(question, data, parsed, options)
        else:
            answered = _parse_ranking(question, data, parsed, own.get(question.pk, []))
        if question.pk in parsed.errors:
            continue
        if not shown and answered:
            # A hidden question's answer would be counted for people it did not apply to.
            parsed.errors[question.pk] = _(
                "This question does not apply given an earlier answer; leave it empty."
            )
            del parsed.answers[before:]
            parsed.keys.pop(question.pk, None)
        elif shown and question.required and not answered:
            parsed.errors[question.pk] = _("This question must be answered.")
    return parsed


@transaction.atomic
def response_submit(
    *,
    survey: Survey,
    actor: User | None,
    data: Mapping[str, Sequence[str]],
    device_token: str = "",
    address: str = "",
) -> Response:
    """Save one response. Refused, with nothing saved: a survey not open, a second answer from
    the same person or device, a forged device token, too many answers from one address, and
    (`AnswersInvalid`, per question) answers that do not fit their questions."""
    membership = membership_of(actor)
    if not can_answer(membership, survey):
        raise NotAllowed(_("This questionnaire is for the office's staff."), code="not_allowed")
    # The survey's row stays locked to the end: the builder cannot change a question under an
    # answer, and the first answer freezes the questions for good.
    updated = Survey.objects.filter(pk=survey.pk).update(response_count=F("response_count") + 1)
    survey = Survey.objects.get(pk=survey.pk) if updated else survey
    if not updated or not survey_is_open(survey):
        raise Refused(_("This questionnaire is not open for answers."), code="closed")
    person = None
    device_hash = address_hash = ""
    if survey.audience == Audience.STAFF:
        person = membership.person
    else:
        device_hash = _device_hash(device_token)
        address_hash = _address_hash(address)
        if address_hash:
            recent = Response.objects.filter(
                address_hash=address_hash, submitted_at__gte=clock.now() - RATE_WINDOW
            ).count()
            if recent >= settings.HUODONG_SURVEY_RATE_LIMIT:
                raise Refused(
                    _("Too many answers from this network just now; try again in a while."),
                    code="rate_limited",
                )
    parsed = _parse(survey, data)
    if parsed.errors:
        raise AnswersInvalid(
            ngettext(
                "%(count)d question needs your attention.",
                "%(count)d questions need your attention.",
                len(parsed.errors),
            )
            % {"count": len(parsed.errors)},
            errors=parsed.errors,
        )
    if not parsed.answers:
        raise AnswersInvalid(_("Answer at least one question."), errors={})
    try:
        with transaction.atomic():
            response = Response.objects.create(
                survey=survey, person=person, device_hash=device_hash, address_hash=address_hash
            )
    except IntegrityError as exc:
        raise Refused(
            _("You have already answered this questionnaire; thank you."), code="answered"
        ) from exc
    for answer in parsed.answers:
        answer.response = response
    Answer.objects.bulk_create(parsed.answers)
    _tallies_add(parsed.keys)
    return response


def _tallies_add(keys: dict[int, set[str]]) -> None:
    """+1 for each (question, key): rows made if missing, then one UPDATE for all of them."""
    AnswerTally.objects.bulk_create(
        (
            AnswerTally(question_id=question_id, key=key, count=0)
            for question_id, question_keys in keys.items()
            for key in question_keys
        ),
        ignore_conflicts=True,
    )
    condition = Q()
    for question_id, question_keys in keys.items():
        condition |= Q(question_id=question_id, key__in=sorted(question_keys))
    AnswerTally.objects.filter(condition).update(count=F("count") + 1)
