"""Building a questionnaire: sections, questions and options, publishing, copying.

A survey with answers is frozen: its questions and options can no longer be added, changed,
moved or deleted (the answers point at them), so the office copies it to make a new version.
Every function checks who may act and writes its audit record in the same transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from huodong.campaigns.models import Campaign
from huodong.core import clock
from huodong.core.audit import audit_record
from huodong.orgs.models import Office, User
from huodong.orgs.permissions import membership_of
from huodong.surveys.errors import NotAllowed, Refused
from huodong.surveys.models import (
    CHOICE_KINDS,
    OPTION_KINDS,
    Audience,
    Option,
    Question,
    QuestionKind,
    Section,
    Survey,
)
from huodong.surveys.permissions import can_manage_surveys

MAX_OPTIONS = 50
MAX_ROWS = 30
MAX_TEXT_LIMIT = 20_000
MAX_SCALE_POINTS = 11


def _not_allowed() -> NotAllowed:
    return NotAllowed(_("You may not change this questionnaire."), code="not_allowed")


def _check_manager(actor: User, office_id: int) -> None:
    if not can_manage_surveys(membership_of(actor), office_id):
        raise _not_allowed()


def _locked(survey: Survey) -> Survey:
    """The survey's row, locked: a first answer and an edit cannot cross."""
    return Survey.objects.select_for_update().get(pk=survey.pk)


def _check_not_frozen(survey: Survey) -> None:
    if survey.response_count:
        raise Refused(
            _(
                "This questionnaire already has answers; its questions can no longer change. "
                "Copy it to make a new version."
            ),
            code="frozen",
        )


@transaction.atomic
def survey_create(
    *,
    actor: User,
    office: Office,
    title: str,
    description: str = "",
    audience: str = Audience.PUBLIC,
    campaign: Campaign | None = None,
    is_template: bool = False,
) -> Survey:
    _check_manager(actor, office.pk)
    title = title.strip()
    if not title:
        raise Refused(_("Give the questionnaire a title."), code="title_missing")
    if audience not in Audience.values:
        raise Refused(_("Choose who answers the questionnaire."), code="audience")
    if campaign is not None and campaign.office_id != office.pk:
        raise _not_allowed()
    survey = Survey.objects.create(
        office=office,
        campaign=campaign,
        title=title[:200],
        description=description.strip(),
        audience=audience,
        is_template=is_template,
        public_key=secrets.token_urlsafe(12),
        created_by=actor,
    )
    Section.objects.create(survey=survey, position=1)
    audit_record(actor=actor, action="survey.create", obj=survey, changes={"title": title})
    return survey


@transaction.atomic
def section_add(*, actor: User, survey: Survey, title: str = "", description: str = "") -> Section:
    _check_manager(actor, survey.office_id)
    survey = _locked(survey)
    _check_not_frozen(survey)
    last = survey.sections.aggregate(last=Max("position"))["last"] or 0
    section = Section.objects.create(
        survey=survey, position=last + 1, title=title.strip()[:200], description=description
    )
    audit_record(actor=actor, action="survey.section_add", obj=survey, changes={"title": title})
    return section


def _clean_labels(labels: Sequence[str], *, limit: int, what: str) -> list[str]:
    cleaned = [label.strip()[:300] for label in labels if label.strip()]
    if len(cleaned) > limit:
        raise Refused(
            _("At most %(limit)d %(what)s.") % {"limit": limit, "what": what}, code="too_many"
        )
    if len(set(cleaned)) != len(cleaned):
        raise Refused(_("Two options have the same text."), code="duplicate_option")
    return cleaned


@transaction.atomic
def question_add(
    *,
    actor: User,
    section: Section,
    kind: str,
    text: str,
    required: bool = False,
    help_text: str = "",
    options: Sequence[str] = (),
    rows: Sequence[str] = (),
    max_choices: int | None = None,
    max_length: int | None = None,
    scale: tuple[int, int] = (1, 5),
    scale_labels: tuple[str, str] = ("", ""),
    has_other: bool = False,
    show_if: Option | None = None,
) -> Question:
    """A question at the end of its section. `show_if`: shown only when that option of an
    earlier question was chosen."""
    survey = _locked(section.survey)
    _check_manager(actor, survey.office_id)
    _check_not_frozen(survey)
    text = text.strip()
    if not text:
        raise Refused(_("Write the question."), code="text_missing")
    if kind not in QuestionKind.values:
        raise Refused(_("Choose the type of question."), code="kind")
    labels = _clean_labels(options, limit=MAX_OPTIONS, what=_("options"))
    if kind in OPTION_KINDS and len(labels) < 2:
        raise Refused(_("A choice needs at least two options."), code="options_missing")
    row_labels = _clean_labels(rows, limit=MAX_ROWS, what=_("rows"))
    if kind == QuestionKind.MATRIX and not row_labels:
        raise Refused(_("A matrix needs at least one row."), code="rows_missing")
    if (
        kind == QuestionKind.MULTIPLE
        and max_choices is not None
        and not 1 <= max_choices <= len(labels) + has_other
    ):
        raise Refused(
            _("The most choices allowed must be between 1 and the number of options."),
            code="max_choices",
        )
    if max_length is not None and not 1 <= max_length <= MAX_TEXT_LIMIT:
        raise Refused(
            _("A character limit must be between 1 and %(limit)d.") % {"limit": MAX_TEXT_LIMIT},
            code="max_length",
        )
    low, high = scale
    if kind == QuestionKind.RATING and not (high > low and high - low + 1 <= MAX_SCALE_POINTS):
        raise Refused(
            _("A rating scale needs between 2 and %(points)d points.")
            % {"points": MAX_SCALE_POINTS},
            code="scale",
        )
    last = survey.questions.aggregate(last=Max("position"))["last"] or 0
    if show_if is not None:
        condition = (
            Question.objects.select_related("section").filter(pk=show_if.question_id).first()
        )
        if (
            condition is None
            or condition.survey_id != survey.pk
            or condition.kind not in CHOICE_KINDS
            or condition.section.position > section.position
        ):
            raise Refused(
                _("A question can depend only on an earlier choice question of this survey."),
                code="condition",
            )
    question = Question.objects.create(
        survey=survey,
        section=section,
        position=last + 1,
        kind=kind,
        text=text[:500],
        help_text=help_text.strip()[:500],
        required=required,
        max_choices=max_choices if kind == QuestionKind.MULTIPLE else None,
        max_length=max_length
        if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)
        else None,
        scale_min=low,
        scale_max=high,
        scale_min_label=scale_labels[0][:50],
        scale_max_label=scale_labels[1][:50],
        has_other=has_other and kind in CHOICE_KINDS,
        rows=row_labels if kind == QuestionKind.MATRIX else [],
        show_if=show_if,
    )
    if kind in OPTION_KINDS:
        Option.objects.bulk_create(
            Option(question=question, position=number, label=label)
            for number, label in enumerate(labels, start=1)
        )
    audit_record(
        actor=actor,
        action="survey.question_add",
        obj=survey,
        changes={"question": question.pk, "kind": kind, "text": text},
    )
    return question


@transaction.atomic
def option_labels_set(*, actor: User, question: Question, labels: Sequence[str]) -> None:
    """Replace a question's options (before any answer). An option whose text stays keeps its
    identity, so the questions shown only after it keep their condition; an option that a
    condition depends on cannot be removed."""
    survey = _locked(question.survey)
    _check_manager(actor, survey.office_id)
    _check_not_frozen(survey)
    cleaned = _clean_labels(labels, limit=MAX_OPTIONS, what=_("options"))
    if question.kind in OPTION_KINDS and len(cleaned) < 2:
        raise Refused(_("A choice needs at least two options."), code="options_missing")
    current = {option.label: option for option in question.options.all()}
    removed = [option.pk for label, option in current.items() if label not in cleaned]
    if Question.objects.filter(show_if_id__in=removed).exists():
        raise Refused(
            _("Another question is shown only after an option you removed; change it first."),
            code="option_in_condition",
        )
    Option.objects.filter(pk__in=removed).delete()
    kept, created = [], []
    for number, label in enumerate(cleaned, start=1):
        option = current.get(label)
        if option is None:
            created.append(Option(question=question, position=number, label=label))
        else:
            option.position = number
            kept.append(option)
    Option.objects.bulk_update(kept, ["position"])
    Option.objects.bulk_create(created)
    audit_record(
        actor=actor,
        action="survey.options_set",
        obj=survey,
        changes={"question": question.pk, "options": cleaned},
    )


@transaction.atomic
def question_reword(*, actor: User, question: Question, text: str, help_text: str = "") -> Question:
    """Change a question's wording and hint, answers or not: a typo fixed does not change what
    the answers mean (its type, options and rules stay frozen)."""
    survey = _locked(question.survey)
    _check_manager(actor, survey.office_id)
    text = text.strip()
    if not text:
        raise Refused(_("Write the question."), code="text_missing")
    before = {"text": question.text, "help_text": question.help_text}
    question.text = text[:500]
    question.help_text = help_text.strip()[:500]
    question.save(update_fields=["text", "help_text"])
    audit_record(
        actor=actor,
        action="survey.question_reword",
        obj=survey,
        changes={"question": question.pk, "before": before, "text": question.text},
    )
    return question


@transaction.atomic
def question_delete(*, actor: User, question: Question) -> None:
    survey = _locked(question.survey)
    _check_manager(actor, survey.office_id)
    _check_not_frozen(survey)
    audit_record(
        actor=actor,
        action="survey.question_delete",
        obj=survey,
        changes={"question": question.pk, "text": question.text},
    )
    question.delete()


def _in_order(survey: Survey) -> list[Question]:
    """The survey's questions as people see them: section by section."""
    return list(survey.questions.order_by("section__position", "section_id", "position", "id"))


@transaction.atomic
def question_move(*, actor: User, question: Question, by: int) -> None:
    """Move a question one place up (`by` -1) or down (1) in the order people see; past the
    edge of its section it joins the neighbouring section. A question never moves above the
    question it depends on, nor below one that depends on it."""
    survey = _locked(question.survey)
    _check_manager(actor, survey.office_id)
    _check_not_frozen(survey)
    ordered = _in_order(survey)
    index = next(i for i, q in enumerate(ordered) if q.pk == question.pk)
    other_index = index + (1 if by > 0 else -1)
    if not 0 <= other_index < len(ordered):
        return
    mine, other = ordered[index], ordered[other_index]
    if mine.section_id != other.section_id:
        # Across a section's edge, one step is joining the next section at its near end.
        mine.section_id = other.section_id
    else:
        upper, lower = (other, mine) if other_index < index else (mine, other)
        if lower.show_if_id is not None and lower.show_if_id in set(
            upper.options.values_list("pk", flat=True)
        ):
            raise Refused(
                _("A question cannot come before the question it depends on."), code="order"
            )
        ordered[index], ordered[other_index] = other, mine
    for number, item in enumerate(ordered, start=1):
        item.position = number
    Question.objects.bulk_update(ordered, ["position", "section"])
    audit_record(
        actor=actor, action="survey.question_move", obj=survey, changes={"question": question.pk}
    )


@transaction.atomic
def survey_publish(
    *,
    actor: User,
    survey: Survey,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
) -> Survey:
    survey = _locked(survey)
    _check_manager(actor, survey.office_id)
    if survey.is_template:
        raise Refused(_("A template is not answered; copy it first."), code="template")
    if not survey.questions.exists():
        raise Refused(_("Add at least one question first."), code="empty")
    if opens_at and closes_at and closes_at <= opens_at:
        raise Refused(_("The questionnaire must close after it opens."), code="dates")
    survey.opens_at = opens_at
    survey.closes_at = closes_at
    survey.published_at = survey.published_at or clock.now()
    survey.save(update_fields=["opens_at", "closes_at", "published_at"])
    audit_record(
        actor=actor,
        action="survey.publish",
        obj=survey,
        changes={
            "opens_at": opens_at.isoformat() if opens_at else None,
            "closes_at": closes_at.isoformat() if closes_at else None,
        },
    )
    return survey


@transaction.atomic
def survey_close(*, actor: User, survey: Survey) -> Survey:
    survey = _locked(survey)
    _check_manager(actor, survey.office_id)
    survey.closes_at = clock.now()
    survey.save(update_fields=["closes_at"])
    audit_record(actor=actor, action="survey.close", obj=survey)
    return survey


@transaction.atomic
def survey_copy(
    *, actor: User, survey: Survey, title: str = "", as_template: bool = False
) -> Survey:
    """A new draft with the same sections, questions, options and conditions, no answers."""
    _check_manager(actor, survey.office_id)
    copy = Survey.objects.create(
        office_id=survey.office_id,
        campaign_id=survey.campaign_id,
        title=(title.strip() or _("%(title)s (copy)") % {"title": survey.title})[:200],
        description=survey.description,
        audience=survey.audience,
        is_template=as_template,
        copied_from=survey,
        public_key=secrets.token_urlsafe(12),
        created_by=actor,
    )
    sections = {}
    for section in survey.sections.all():
        sections[section.pk] = Section.objects.create(
            survey=copy,
            position=section.position,
            title=section.title,
            description=section.description,
        )
    options: dict[int, Option] = {}
    questions = list(survey.questions.prefetch_related("options").order_by("position", "id"))
    pending_conditions: list[tuple[Question, int]] = []
    for question in questions:
        new = Question.objects.create(
            survey=copy,
            section=sections[question.section_id],
            position=question.position,
            kind=question.kind,
            text=question.text,
            help_text=question.help_text,
            required=question.required,
            max_choices=question.max_choices,
            max_length=question.max_length,
            scale_min=question.scale_min,
            scale_max=question.scale_max,
            scale_min_label=question.scale_min_label,
            scale_max_label=question.scale_max_label,
            has_other=question.has_other,
            rows=list(question.rows),
        )
        for option in question.options.all():
            options[option.pk] = Option.objects.create(
                question=new, position=option.position, label=option.label
            )
        if question.show_if_id is not None:
            pending_conditions.append((new, question.show_if_id))
    for new, old_option in pending_conditions:
        if old_option in options:
            new.show_if = options[old_option]
            new.save(update_fields=["show_if"])
    audit_record(
        actor=actor,
        action="survey.copy",
        obj=copy,
        changes={"from": survey.pk, "template": as_template},
    )
    return copy
