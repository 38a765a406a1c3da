"""Views of the questionnaires: the office's list, and building, publishing and copying one.

Every page and action is for those who `can_manage_surveys` of the survey's office (the list
also for those who see results); anyone else gets 404. Each action makes one service call; a
refusal (`Refused`) is shown, with nothing saved. Once a survey has answers its questions are
frozen: the page says so, offers a copy, and hides the editing actions (the services refuse
them anyway).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huodong.core import clock
from huodong.core.list_export import CHUNK, filters_of, list_export_response
from huodong.core.view_actions import office_or_404, run_action
from huodong.orgs.models import Office, User
from huodong.orgs.permissions import Membership, membership_of
from huodong.surveys import services
from huodong.surveys.errors import NotAllowed, Refused
from huodong.surveys.forms import (
    CopyForm,
    MoveForm,
    OptionsForm,
    PublishForm,
    QuestionForm,
    SectionForm,
    SurveyForm,
    WordingForm,
)
from huodong.surveys.list_exports import survey_columns
from huodong.surveys.models import (
    CHOICE_KINDS,
    OPTION_KINDS,
    Option,
    Question,
    Section,
    Survey,
)
from huodong.surveys.permissions import RESULT_ROLES, can_manage_surveys
from huodong.surveys.selectors import survey_managed, surveys_visible_to
from huodong.surveys.services.answering import survey_is_open

PAGE_SIZE = 20
TEMPLATES_SHOWN = 50


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


# --- Status (display only) ----------------------------------------------------------------


def _status(survey: Survey) -> tuple[str, str]:
    """(code, label) of where the survey stands, from its fields."""
    if survey.is_template:
        return "template", _("Template")
    if survey.published_at is None:
        return "draft", _("Draft")
    if survey_is_open(survey):
        return "open", _("Open for answers")
    now = clock.now()
    if survey.closes_at is not None and survey.closes_at <= now:
        return "closed", _("Closed")
    return "scheduled", _("Not yet open")


def _with_status(survey: Survey) -> Survey:
    survey.status, survey.status_label = _status(survey)  # type: ignore[attr-defined]
    return survey


# --- Who may ------------------------------------------------------------------------------


def _may_list(membership: Membership) -> bool:
    return membership.is_superuser or (
        membership.office_id is not None and bool(membership.roles & RESULT_ROLES)
    )


def _may_manage_own_office(membership: Membership) -> bool:
    return membership.is_superuser or (
        membership.office_id is not None and can_manage_surveys(membership, membership.office_id)
    )


def _office(request: HttpRequest, membership: Membership) -> Office:
    """The office a new survey belongs to (a superuser may choose); 404 for non-managers."""
    return office_or_404(request, membership, may=can_manage_surveys)


def _managed_survey(request: HttpRequest, survey_id: int) -> Survey:
    survey = survey_managed(membership_of(request.user), survey_id)
    if survey is None:
        raise Http404
    return survey


def _managed_question(request: HttpRequest, survey_id: int, question_id: int) -> Question:
    survey = _managed_survey(request, survey_id)
    question = Question.objects.filter(pk=question_id, survey=survey).first()
    if question is None:
        raise Http404
    question.survey = survey
    return question


def _act(request: HttpRequest, call: Callable[[], object], *, done: str = "") -> None:
    """Run a builder service for a button on the build page: a refusal becomes a message on
    the page it returns to, an action the user may not take a 404."""
    run_action(request, call, not_allowed=NotAllowed, refused=Refused, done=done)


def _to_build(survey: Survey, anchor: str = "") -> HttpResponse:
    response = redirect("surveys:build", survey_id=survey.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


# --- The list -----------------------------------------------------------------------------


def _visible(membership: Membership) -> QuerySet[Survey]:
    """The surveys (and templates) the list shows; 404 for who may not see it."""
    if not _may_list(membership):
        raise Http404
    return surveys_visible_to(membership).select_related("campaign")


@login_required
@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    visible = _visible(membership)
    page = Paginator(visible.filter(is_template=False), PAGE_SIZE).get_page(request.GET.get("page"))
    for survey in page.object_list:
        _with_status(survey)
    return render(
        request,
        "surveys/build/list.html",
        {
            "page": page,
            "templates": list(visible.filter(is_template=True)[:TEMPLATES_SHOWN]),
            "can_manage": _may_manage_own_office(membership),
        },
    )


@login_required
@require_GET
def survey_list_export(request: HttpRequest) -> FileResponse:
    """The questionnaires the list shows (every page, not the templates) as .xlsx."""
    membership = membership_of(request.user)
    listed = _visible(membership).filter(is_template=False)
    office = (
        Office.objects.filter(pk=membership.office_id).first()
        if membership.office_id is not None
        else None
    )

    def public_link(survey: Survey) -> str:
        if survey.published_at is None:
            return ""
        return request.build_absolute_uri(
            reverse("surveys_public:answer", kwargs={"key": survey.public_key})
        )

    return list_export_response(
        actor=request.user,
        action="surveys.export_surveys",
        obj=office,
        title=_("Questionnaires"),
        scope=office.name if office is not None else _("All"),
        columns=survey_columns(status=lambda s: _status(s)[1], public_link=public_link),
        rows=listed.iterator(chunk_size=CHUNK),
        filters=filters_of(request.GET),
    )


# --- A new survey -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def survey_new(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    office = _office(request, membership)
    form = SurveyForm(request.POST or None, office_id=office.pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey = services.survey_create(
                actor=_actor(request),
                office=office,
                title=data["title"],
                description=data["description"],
                audience=data["audience"],
                campaign=data["campaign"],
                is_template=data["is_template"],
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Questionnaire created; now add its questions."))
            return _to_build(survey)
    return render(request, "surveys/build/new.html", {"form": form, "office": office})


# --- The builder --------------------------------------------------------------------------


@dataclass
class _SectionView:
    section: Section
    questions: list[Question] = field(default_factory=list)
    form: QuestionForm | None = None
    error: str = ""


def _build_page(
    request: HttpRequest,
    survey: Survey,
    *,
    question_form: tuple[int, QuestionForm, str] | None = None,
    section_form: SectionForm | None = None,
    publish_form: PublishForm | None = None,
    errors: dict[str, str] | None = None,
) -> HttpResponse:
    """The builder: sections, questions in order with their options and conditions, and the
    forms. A bound form (with its error) comes back in place of a blank one."""
    _with_status(survey)
    frozen = bool(survey.response_count)
    sections = [_SectionView(section) for section in survey.sections.order_by("position", "id")]
    by_section = {view.section.pk: view for view in sections}
    questions = list(survey.questions.order_by("section__position", "position", "id"))
    options: dict[int, list[Option]] = {}
    for option in Option.objects.filter(question__survey=survey).order_by("position", "id"):
        options.setdefault(option.question_id, []).append(option)
    # Numbered in the order people see them; a condition reads "Q3 = 满意".
    option_refs: dict[int, tuple[Question, Option]] = {}
    for number, question in enumerate(questions, start=1):
        question.number = number  # type: ignore[attr-defined]
        question.option_list = options.get(question.pk, [])  # type: ignore[attr-defined]
        question.dependents = []  # type: ignore[attr-defined]
        for option in question.option_list:  # type: ignore[attr-defined]
            option_refs[option.pk] = (question, option)
        by_section[question.section_id].questions.append(question)
    for question in questions:
        question.condition = ""  # type: ignore[attr-defined]
        if question.show_if_id in option_refs:
            source, option = option_refs[question.show_if_id]
            question.condition = _condition_label(source, option)  # type: ignore[attr-defined]
            source.dependents.append(question.number)  # type: ignore[attr-defined]
    if not frozen:
        earlier: list[tuple[int, str]] = []
        for view in sections:
            for question in view.questions:
                if question.kind in CHOICE_KINDS:
                    earlier.extend(
                        (option.pk, _condition_label(question, option))
                        for option in question.option_list  # type: ignore[attr-defined]
                    )
            view.form = QuestionForm(conditions=list(earlier), prefix=f"s{view.section.pk}")
            if question_form is not None and question_form[0] == view.section.pk:
                view.form, view.error = question_form[1], question_form[2]
    publish_form = publish_form or PublishForm(
        initial={"opens_at": survey.opens_at, "closes_at": survey.closes_at}
    )
    return render(
        request,
        "surveys/build/build.html",
        {
            "survey": survey,
            "frozen": frozen,
            "sections": sections,
            "question_count": len(questions),
            "option_kinds": [str(kind) for kind in OPTION_KINDS],
            "section_form": section_form or SectionForm(),
            "publish_form": publish_form,
            "copy_form": CopyForm(),
            "errors": errors or {},
        },
    )


def _condition_label(question: Question, option: Option) -> str:
    return _("Q%(number)d = %(option)s") % {
        "number": question.number,  # type: ignore[attr-defined]
        "option": option.label,
    }


def _frozen(request: HttpRequest, survey: Survey, refused: Refused) -> HttpResponse:
    """A frozen survey's page has no forms to show the refusal beside: it becomes a message."""
    messages.error(request, refused.message)
    return _to_build(survey)


@login_required
@require_GET
def survey_build(request: HttpRequest, survey_id: int) -> HttpResponse:
    return _build_page(request, _managed_survey(request, survey_id))


@login_required
@require_POST
def section_add(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = _managed_survey(request, survey_id)
    form = SectionForm(request.POST)
    if not form.is_valid():
        return _build_page(request, survey, section_form=form)
    try:
        section = services.section_add(
            actor=_actor(request),
            survey=survey,
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
        )
    except NotAllowed as exc:
        raise Http404 from exc
    except Refused as exc:
        if exc.code == "frozen":
            return _frozen(request, survey, exc)
        return _build_page(request, survey, section_form=form, errors={"section": exc.message})
    messages.success(request, _("Section added."))
    return _to_build(survey, f"section-{section.pk}")


@login_required
@require_POST
def question_add(request: HttpRequest, survey_id: int, section_id: int) -> HttpResponse:
    survey = _managed_survey(request, survey_id)
    section = Section.objects.filter(pk=section_id, survey=survey).first()
    if section is None:
        raise Http404
    section.survey = survey
    # The conditions offered: the options of choice questions shown before this section ends.
    conditions = [
        (option.pk, option.label)
        for option in Option.objects.filter(
            question__survey=survey,
            question__kind__in=CHOICE_KINDS,
            question__section__position__lte=section.position,
        )
    ]
    form = QuestionForm(request.POST, conditions=conditions, prefix=f"s{section.pk}")
    if not form.is_valid():
        error = _("Check the fields marked below.")
        return _build_page(request, survey, question_form=(section.pk, form, error))
    show_if_id = form.cleaned_data["show_if"]
    try:
        question = services.question_add(
            actor=_actor(request),
            section=section,
            show_if=Option.objects.filter(pk=show_if_id).first() if show_if_id else None,
            **form.service_kwargs(),
        )
    except NotAllowed as exc:
        raise Http404 from exc
    except Refused as exc:
        if exc.code == "frozen":
            return _frozen(request, survey, exc)
        return _build_page(request, survey, question_form=(section.pk, form, exc.message))
    messages.success(request, _("Question added."))
    return _to_build(survey, f"question-{question.pk}")


@login_required
@require_POST
def question_move(request: HttpRequest, survey_id: int, question_id: int) -> HttpResponse:
    question = _managed_question(request, survey_id, question_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        raise Http404
    by = form.cleaned_data["by"]
    _act(request, lambda: services.question_move(actor=_actor(request), question=question, by=by))
    return _to_build(question.survey, f"question-{question.pk}")


@login_required
@require_POST
def question_delete(request: HttpRequest, survey_id: int, question_id: int) -> HttpResponse:
    question = _managed_question(request, survey_id, question_id)
    _act(
        request,
        lambda: services.question_delete(actor=_actor(request), question=question),
        done=_("Question deleted."),
    )
    return _to_build(question.survey)


@login_required
@require_POST
def question_options(request: HttpRequest, survey_id: int, question_id: int) -> HttpResponse:
    question = _managed_question(request, survey_id, question_id)
    form = OptionsForm(request.POST)
    if question.kind not in OPTION_KINDS:
        raise Http404
    if not form.is_valid():
        messages.error(request, _("A choice needs at least two options."))
        return _to_build(question.survey, f"question-{question.pk}")
    _act(
        request,
        lambda: services.option_labels_set(
            actor=_actor(request), question=question, labels=form.labels_list()
        ),
        done=_("Options saved."),
    )
    return _to_build(question.survey, f"question-{question.pk}")


@login_required
@require_POST
def question_wording(request: HttpRequest, survey_id: int, question_id: int) -> HttpResponse:
    """The question's wording and hint: editable even once answered (see `question_reword`)."""
    question = _managed_question(request, survey_id, question_id)
    form = WordingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the question."))
        return _to_build(question.survey, f"question-{question.pk}")
    _act(
        request,
        lambda: services.question_reword(
            actor=_actor(request),
            question=question,
            text=form.cleaned_data["text"],
            help_text=form.cleaned_data["help_text"],
        ),
        done=_("Wording saved."),
    )
    return _to_build(question.survey, f"question-{question.pk}")


# --- Publishing, closing, copying ---------------------------------------------------------


@login_required
@require_POST
def survey_publish(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = _managed_survey(request, survey_id)
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _build_page(request, survey, publish_form=form)
    try:
        services.survey_publish(
            actor=_actor(request),
            survey=survey,
            opens_at=form.cleaned_data["opens_at"],
            closes_at=form.cleaned_data["closes_at"],
        )
    except NotAllowed as exc:
        raise Http404 from exc
    except Refused as exc:
        return _build_page(request, survey, publish_form=form, errors={"publish": exc.message})
    messages.success(request, _("Published."))
    return _to_build(survey)


@login_required
@require_POST
def survey_close(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = _managed_survey(request, survey_id)
    _act(
        request,
        lambda: services.survey_close(actor=_actor(request), survey=survey),
        done=_("Closed: no more answers are taken."),
    )
    return _to_build(survey)


@login_required
@require_POST
def survey_copy(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = _managed_survey(request, survey_id)
    form = CopyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The title of the copy is too long."))
        return _to_build(survey)
    try:
        copy = services.survey_copy(
            actor=_actor(request),
            survey=survey,
            title=form.cleaned_data["title"],
            as_template=form.cleaned_data["as_template"],
        )
    except NotAllowed as exc:
        raise Http404 from exc
    except Refused as exc:
        messages.error(request, exc.message)
        return _to_build(survey)
    messages.success(request, _("Copied: this is the new draft."))
    return _to_build(copy)


# --- Preview ------------------------------------------------------------------------------


@login_required
@require_GET
def survey_preview(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = _managed_survey(request, survey_id)
    return render(request, "surveys/build/preview.html", {"survey": _with_status(survey)})


urlpatterns: list[URLPattern] = [
    path("", survey_list, name="list"),
    path("export.xlsx", survey_list_export, name="list_export"),
    path("new/", survey_new, name="create"),
    path("<int:survey_id>/", survey_build, name="build"),
    path("<int:survey_id>/preview/", survey_preview, name="preview"),
    path("<int:survey_id>/sections/add/", section_add, name="section_add"),
    path(
        "<int:survey_id>/sections/<int:section_id>/questions/add/",
        question_add,
        name="question_add",
    ),
    path("<int:survey_id>/questions/<int:question_id>/move/", question_move, name="question_move"),
    path(
        "<int:survey_id>/questions/<int:question_id>/delete/",
        question_delete,
        name="question_delete",
    ),
    path(
        "<int:survey_id>/questions/<int:question_id>/options/",
        question_options,
        name="question_options",
    ),
    path(
        "<int:survey_id>/questions/<int:question_id>/wording/",
        question_wording,
        name="question_wording",
    ),
    path("<int:survey_id>/publish/", survey_publish, name="publish"),
    path("<int:survey_id>/close/", survey_close, name="close"),
    path("<int:survey_id>/copy/", survey_copy, name="copy"),
]
