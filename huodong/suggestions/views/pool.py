"""Views of the suggestion pool (意见建议).

- the office's list (filters, bulk actions, export) for those who read the pool; only the
  office's managers act on it, leaders and inspectors read it without the submitters' contacts;
- a suggestion's page: its chain (source, submitter, history, evaluations, outcomes,
  duplicates) and, for the office, the forms that move it; an evaluator sees the suggestions
  they are asked about, a staff member their own; anyone else gets 404;
- the similar-suggestion groups, with a merge of a group into one original;
- "Make a suggestion", "My suggestions" and "My evaluations" for every staff member;
- the office's statuses, categories and tags.

Each action makes one service call; a refusal (`Refused`) is shown as a message with nothing
saved, an action the user may not take answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huodong.campaigns.models import Campaign
from huodong.core import clock
from huodong.core.list_export import CHUNK, filters_of, list_export_response
from huodong.core.view_actions import office_or_404, run_action
from huodong.orgs.models import Office, User
from huodong.orgs.permissions import Membership, membership_of
from huodong.suggestions import exports
from huodong.suggestions.errors import NotAllowed, Refused
from huodong.suggestions.forms.pool import (
    AnswerForm,
    BulkForm,
    EvaluationForm,
    EvaluatorsForm,
    MergeForm,
    NameForm,
    PoolFilterForm,
    StatusForm,
    SuggestForm,
    TriageForm,
    UpdateForm,
    tag_names,
)
from huodong.suggestions.list_exports import my_evaluation_columns, my_suggestion_columns
from huodong.suggestions.models import (
    Stage,
    Suggestion,
    SuggestionCategory,
    SuggestionEvaluation,
    SuggestionSource,
    SuggestionStatus,
    SuggestionTag,
)
from huodong.suggestions.permissions import (
    can_manage_pool,
    can_read_pool,
    can_see_contacts,
    can_suggest,
)
from huodong.suggestions.selectors import pool as selectors
from huodong.suggestions.services import pool as services
from huodong.suggestions.services import pool_settings, pool_triage

PAGE_SIZE = 50
MY_PAGE_SIZE = 20
GROUPS_SHOWN = 50


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def _office(request: HttpRequest, membership: Membership, *, manage: bool = False) -> Office:
    return office_or_404(request, membership, may=can_manage_pool if manage else can_read_pool)


_act = partial(run_action, not_allowed=NotAllowed, refused=Refused)


def _category(office_id: int, category_id: int | None) -> SuggestionCategory | None:
    """The office's category chosen on a form; None for no category."""
    if not category_id:
        return None
    return SuggestionCategory.objects.filter(office_id=office_id, pk=category_id).first()


def _form_errors(request: HttpRequest, form: object) -> None:
    errors = getattr(form, "errors", {})
    for field, problems in errors.items():
        label = form.fields[field].label if field in form.fields else ""  # type: ignore[attr-defined]
        for problem in problems:
            messages.error(request, f"{label}：{problem}" if label else str(problem))


# --- The list ---------------------------------------------------------------------------------


def _filtered(request: HttpRequest, office: Office) -> tuple[PoolFilterForm, selectors.PoolChoices]:
    choices = selectors.pool_choices(office)
    form = PoolFilterForm(request.GET or None, choices=choices)
    return form, choices


def _query(form: PoolFilterForm) -> str:
    if not form.is_bound or not form.is_valid():
        return ""
    return urlencode({k: v for k, v in form.data.items() if v and k in form.fields})


@login_required
@require_GET
def pool_list(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    office = _office(request, membership)
    form, choices = _filtered(request, office)
    rows = selectors.pool_filtered(office, form.filters())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    manage = can_manage_pool(membership, office.pk)
    return render(
        request,
        "suggestions/pool/list.html",
        {
            "office": office,
            "form": form,
            "page": page,
            "suggestions": page.object_list,
            "query": _query(form),
            "can_manage": manage,
            "bulk_form": BulkForm(choices=choices) if manage else None,
            "campaigns": choices.campaigns,
        },
    )


@login_required
@require_GET
def pool_export(request: HttpRequest) -> FileResponse:
    membership = membership_of(request.user)
    office = _office(request, membership)
    form, _choices = _filtered(request, office)
    rows = selectors.pool_filtered(office, form.filters())
    with_contacts = can_see_contacts(membership, office.pk)
    today = clock.today()
    exports.pool_export_record(
        actor=request.user, office=office, count=rows.count(), with_contacts=with_contacts
    )
    body = exports.pool_xlsx(
        office,
        rows.iterator(chunk_size=exports.CHUNK),
        with_contacts=with_contacts,
        today=today,
    )
    response = FileResponse(
        body,
        as_attachment=True,
        filename=exports.export_filename(today),
        content_type=exports.POOL_XLSX_TYPE,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _ids(request: HttpRequest) -> list[int]:
    ids = []
    for value in request.POST.getlist("ids"):
        try:
            ids.append(int(value))
        except ValueError as exc:
            raise Http404 from exc
    return ids


@login_required
@require_POST
def pool_bulk(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    office = _office(request, membership, manage=True)
    choices = selectors.pool_choices(office)
    form = BulkForm(request.POST, choices=choices)
    back = reverse("suggestions:list") + (
        "?" + request.POST["back"] if request.POST.get("back") else ""
    )
    ids = _ids(request)
    if not ids:
        messages.error(request, _("Choose at least one suggestion."))
        return redirect(back)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(back)
    data = form.cleaned_data
    actor = _actor(request)
    action = data["action"]
    count = len(ids)
    done = ngettext("%(count)d suggestion changed.", "%(count)d suggestions changed.", count) % {
        "count": count
    }
    if action == "triage":
        if not data["stage"]:
            messages.error(request, _("Choose a stage."))
            return redirect(back)
        _act(
            request,
            lambda: pool_triage.suggestion_triage_bulk(
                actor=actor,
                suggestions=ids,
                stage=data["stage"],
                status=int(data["status"]) if data["status"] else None,
                reason=data["reason"],
            ),
            done=done,
        )
    elif action == "evaluators":
        _act(
            request,
            lambda: pool_triage.suggestion_evaluators_assign(
                actor=actor,
                suggestions=ids,
                evaluators=[int(pk) for pk in data["evaluators"]],
            ),
            done=done,
        )
    elif action == "tag":
        _act(
            request,
            lambda: pool_triage.suggestion_tag_add(actor=actor, suggestions=ids, name=data["tag"]),
            done=done,
        )
    else:
        category = _category(office.pk, int(data["category"]) if data["category"] else None)
        _act(
            request,
            lambda: pool_triage.suggestion_category_set(
                actor=actor, suggestions=ids, category=category
            ),
            done=done,
        )
    return redirect(back)


# --- One suggestion ---------------------------------------------------------------------------


def _visible(request: HttpRequest, pk: int) -> tuple[Suggestion, str, Membership]:
    membership = membership_of(request.user)
    found = selectors.suggestion_visible(membership, pk)
    if found is None:
        raise Http404
    suggestion, access = found
    return suggestion, access, membership


def _managed(request: HttpRequest, pk: int) -> Suggestion:
    suggestion, access, _membership = _visible(request, pk)
    if access != "manage":
        raise Http404
    return suggestion


def _try_reverse(name: str, *args: object) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def source_link(suggestion: Suggestion, membership: Membership) -> tuple[str, str]:
    """(what the suggestion came from, a link to it when the user may open it)."""
    if suggestion.survey_answer is not None:
        from huodong.surveys.permissions import can_see_results

        question = suggestion.survey_answer.question
        survey = question.survey
        url = ""
        if can_see_results(membership, survey):
            url = reverse("surveys:results_texts", args=[survey.pk, question.pk])
            if suggestion.survey_answer.is_other:
                url += "?other=1"
        return f"{survey.title} · {question.text}", url
    if suggestion.meeting is not None:
        return suggestion.meeting.title, _try_reverse("engagement:meeting", suggestion.meeting.pk)
    if suggestion.online_participation is not None:
        activity = suggestion.online_participation.activity
        return activity.title, _try_reverse("engagement:activity", activity.pk)
    return "", ""


@login_required
@require_GET
def suggestion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion, access, membership = _visible(request, pk)
    office_side = access in ("manage", "read")
    context: dict[str, object] = {
        "suggestion": suggestion,
        "access": access,
        "can_manage": access == "manage",
        "office_side": office_side,
        "sees_contact": can_see_contacts(membership, suggestion.office_id),
        "tags": list(suggestion.tags.order_by("name")),
        "channel": services.answer_channel(suggestion),
    }
    context["source_title"], context["source_url"] = source_link(suggestion, membership)
    if office_side or access == "evaluate":
        evaluations = selectors.suggestion_evaluations(suggestion)
        if access == "evaluate":
            person_id = membership.person.pk if membership.person else None
            mine = next((e for e in evaluations if e.evaluator_id == person_id), None)
            context["my_evaluation"] = mine
            context["evaluation_form"] = EvaluationForm(
                initial={
                    "opinion": mine.opinion if mine else "",
                    "recommended_stage": mine.recommended_stage if mine else "",
                }
            )
            evaluations = [mine] if mine else []
        context["evaluations"] = evaluations
    if office_side:
        context["events"] = selectors.suggestion_history(suggestion)
        context["outcomes"] = selectors.suggestion_outcomes(suggestion)
        context["duplicates"] = selectors.suggestion_duplicates(suggestion)
    if access == "manage":
        choices = selectors.pool_choices(suggestion.office)
        context["candidates"] = selectors.suggestion_candidates(suggestion)
        context["triage_form"] = TriageForm(
            choices=choices,
            initial={
                "stage": suggestion.stage if suggestion.stage in pool_triage.TRIAGE_STAGES else "",
                "status": suggestion.status_id or "",
                "reason": suggestion.reason,
            },
        )
        context["update_form"] = UpdateForm(
            categories=choices.categories,
            initial={
                "category": suggestion.category_id or "",
                "tags": "、".join(t.name for t in context["tags"]),  # type: ignore[attr-defined]
                "text": suggestion.text,
            },
        )
        context["evaluators_form"] = EvaluatorsForm(people=choices.evaluators)
        context["answer_form"] = AnswerForm(initial={"text": suggestion.answer})
        context["merge_form"] = MergeForm()
    return render(request, "suggestions/pool/detail.html", context)


def _back(suggestion: Suggestion) -> HttpResponse:
    return redirect("suggestions:detail", suggestion.pk)


def _form_action(
    request: HttpRequest,
    suggestion: Suggestion,
    form: forms.Form,
    call: Callable[[], object],
    *,
    done: str,
) -> HttpResponse:
    """A form of the suggestion's page: `call` runs only once the form is valid; its errors,
    or the service's refusal, come back as messages on the page."""
    if form.is_valid():
        _act(request, call, done=done)
    else:
        _form_errors(request, form)
    return _back(suggestion)


@login_required
@require_POST
def suggestion_triage(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = _managed(request, pk)
    form = TriageForm(request.POST, choices=selectors.pool_choices(suggestion.office))
    return _form_action(
        request,
        suggestion,
        form,
        lambda: pool_triage.suggestion_triage(
            actor=_actor(request),
            suggestion=suggestion,
            stage=form.cleaned_data["stage"],
            status=form.status_id,
            reason=form.cleaned_data["reason"],
        ),
        done=_("Saved."),
    )


@login_required
@require_POST
def suggestion_update(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = _managed(request, pk)
    choices = selectors.pool_choices(suggestion.office, with_people=False)
    form = UpdateForm(request.POST, categories=choices.categories)
    return _form_action(
        request,
        suggestion,
        form,
        lambda: services.suggestion_update(
            actor=_actor(request),
            suggestion=suggestion,
            category=_category(suggestion.office_id, form.category_id),
            tags=tag_names(form.cleaned_data["tags"]),
            text=form.cleaned_data["text"],
        ),
        done=_("Saved."),
    )


@login_required
@require_POST
def suggestion_evaluators(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = _managed(request, pk)
    choices = selectors.pool_choices(suggestion.office)
    form = EvaluatorsForm(request.POST, people=choices.evaluators)
    return _form_action(
        request,
        suggestion,
        form,
        lambda: pool_triage.suggestion_evaluators_assign(
            actor=_actor(request), suggestions=[suggestion], evaluators=form.evaluator_ids
        ),
        done=_("The evaluators were asked."),
    )


@login_required
@require_POST
def suggestion_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion, access, _membership = _visible(request, pk)
    if access not in ("evaluate", "manage", "read"):
        raise Http404
    form = EvaluationForm(request.POST)
    return _form_action(
        request,
        suggestion,
        form,
        lambda: pool_triage.evaluation_give(
            actor=_actor(request),
            suggestion=suggestion,
            opinion=form.cleaned_data["opinion"],
            recommended_stage=form.cleaned_data["recommended_stage"],
        ),
        done=_("Thank you: your opinion is recorded."),
    )


def _answer_done(suggestion: Suggestion) -> str:
    """What the office does next, by the way the answer reaches the submitter."""
    return {
        services.AnswerChannel.INBOX: _("The answer was sent to the submitter's inbox."),
        services.AnswerChannel.EMAIL: _("The answer is being sent by e-mail."),
        services.AnswerChannel.PHONE: _(
            "The answer is recorded: call the submitter at %(contact)s."
        )
        % {"contact": suggestion.submitter_contact},
        services.AnswerChannel.TRACKING: _(
            "The answer is recorded: the submitter reads it with their tracking code."
        ),
    }.get(services.answer_channel(suggestion), "")


@login_required
@require_POST
def suggestion_answer(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = _managed(request, pk)
    form = AnswerForm(request.POST)
    return _form_action(
        request,
        suggestion,
        form,
        lambda: services.suggestion_answer(
            actor=_actor(request), suggestion=suggestion, text=form.cleaned_data["text"]
        ),
        done=_answer_done(suggestion),
    )


@login_required
@require_POST
def suggestion_merge(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = _managed(request, pk)
    form = MergeForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(suggestion)
    original = Suggestion.objects.filter(
        office_id=suggestion.office_id, number=form.cleaned_data["original"]
    ).first()
    if original is None:
        messages.error(request, _("The office has no suggestion of this number."))
        return _back(suggestion)
    _act(
        request,
        lambda: pool_triage.suggestion_merge(
            actor=_actor(request), duplicate=suggestion, original=original
        ),
        done=_("Merged into no. %(number)d.") % {"number": original.number},
    )
    return _back(suggestion)


@login_required
@require_POST
def suggestion_unmerge(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = _managed(request, pk)
    _act(
        request,
        lambda: pool_triage.suggestion_unmerge(actor=_actor(request), suggestion=suggestion),
        done=_("Unmerged: it is received again on its own."),
    )
    return _back(suggestion)


# --- Similar suggestions ----------------------------------------------------------------------


@login_required
@require_GET
def similar(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    office = _office(request, membership, manage=True)
    groups, total = selectors.similar_groups(office, limit=GROUPS_SHOWN)
    return render(
        request,
        "suggestions/pool/similar.html",
        {"office": office, "groups": groups, "total": total},
    )


@login_required
@require_POST
def merge_group(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    office = _office(request, membership, manage=True)
    ids = _ids(request)
    try:
        original_id = int(request.POST.get("original", ""))
    except ValueError:
        messages.error(request, _("Choose the original suggestion."))
        return redirect("suggestions:similar")
    original = Suggestion.objects.filter(office=office, pk=original_id).first()
    if original is None:
        raise Http404
    merged: list[int] = []

    def run() -> None:
        merged.append(
            pool_triage.suggestion_merge_group(
                actor=_actor(request), original=original, duplicates=ids
            )
        )

    if _act(request, run):
        messages.success(
            request,
            ngettext(
                "%(count)d suggestion merged into no. %(number)d.",
                "%(count)d suggestions merged into no. %(number)d.",
                merged[0],
            )
            % {"count": merged[0], "number": original.number},
        )
    return redirect("suggestions:similar")


# --- The staff member's own -------------------------------------------------------------------


def _own_office(membership: Membership) -> int:
    if membership.office_id is None or not can_suggest(membership, membership.office_id):
        raise Http404
    return membership.office_id


@login_required
@require_http_methods(["GET", "POST"])
def suggest(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    office_id = _own_office(membership)
    office = Office.objects.get(pk=office_id)
    categories = list(SuggestionCategory.objects.filter(office=office).values_list("pk", "name"))
    campaign = None
    raw_campaign = request.POST.get("campaign") or request.GET.get("campaign")
    if raw_campaign:
        try:
            campaign = Campaign.objects.filter(office=office, pk=int(raw_campaign)).first()
        except ValueError:
            campaign = None
        if campaign is None:
            raise Http404
    form = SuggestForm(request.POST or None, categories=categories)
    if request.method == "POST" and form.is_valid():
        category = _category(office.pk, form.category_id)

        def run() -> None:
            services.suggestion_create(
                actor=_actor(request),
                office=office,
                campaign=campaign,
                text=form.cleaned_data["text"],
                source=SuggestionSource.STAFF,
                category=category,
                is_anonymous=form.cleaned_data["is_anonymous"],
            )

        if _act(request, run, done=_("Thank you: your suggestion is in the pool.")):
            return redirect("suggestions:mine")
    return render(
        request,
        "suggestions/pool/suggest.html",
        {"form": form, "campaign": campaign, "office": office},
    )


def _mine(request: HttpRequest) -> tuple[Membership, QuerySet[Suggestion]]:
    """The user's own suggestions (404 for who may not make one), as "My suggestions" and its
    export list them."""
    membership = membership_of(request.user)
    _own_office(membership)
    return membership, selectors.my_suggestions(membership)


def _evaluations(request: HttpRequest) -> tuple[Membership, QuerySet[SuggestionEvaluation]]:
    """What the user is asked to evaluate (404 for a login without a person)."""
    membership = membership_of(request.user)
    if membership.person is None:
        raise Http404
    return membership, selectors.my_evaluations(membership)


def _person_name(membership: Membership) -> str:
    return membership.person.name if membership.person is not None else ""


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    _membership, rows = _mine(request)
    page = Paginator(rows, MY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "suggestions/pool/mine.html", {"page": page})


@login_required
@require_GET
def mine_export(request: HttpRequest) -> FileResponse:
    """The user's own suggestions, every page of "My suggestions", as .xlsx."""
    membership, rows = _mine(request)
    return list_export_response(
        actor=request.user,
        action="suggestions.export_my_suggestions",
        obj=None,
        title=_("My suggestions"),
        scope=_person_name(membership),
        columns=my_suggestion_columns(),
        rows=rows.iterator(chunk_size=CHUNK),
        filters=filters_of(request.GET),
    )


@login_required
@require_GET
def evaluations(request: HttpRequest) -> HttpResponse:
    _membership, rows = _evaluations(request)
    page = Paginator(rows, MY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "suggestions/pool/evaluations.html", {"page": page})


@login_required
@require_GET
def evaluations_export(request: HttpRequest) -> FileResponse:
    """What the user is asked to evaluate, every page of "My evaluations", as .xlsx."""
    membership, rows = _evaluations(request)
    return list_export_response(
        actor=request.user,
        action="suggestions.export_my_evaluations",
        obj=None,
        title=_("My evaluations"),
        scope=_person_name(membership),
        columns=my_evaluation_columns(),
        rows=rows.iterator(chunk_size=CHUNK),
        filters=filters_of(request.GET),
    )


# --- Statuses, categories, tags ---------------------------------------------------------------


def _settings_action(request: HttpRequest, office: Office) -> None:
    actor = _actor(request)
    op = request.POST.get("op", "")
    target_id = request.POST.get("id", "")

    def target(model: type[SuggestionStatus] | type[SuggestionCategory] | type[SuggestionTag]):
        try:
            found = model.objects.filter(office=office, pk=int(target_id)).first()
        except ValueError:
            found = None
        if found is None:
            raise Http404
        return found

    if op == "status_create":
        form = StatusForm(request.POST)
        if form.is_valid():
            _act(
                request,
                lambda: pool_settings.suggestion_status_create(
                    actor=actor,
                    office=office,
                    stage=form.cleaned_data["stage"],
                    name=form.cleaned_data["name"],
                ),
                done=_("Saved."),
            )
        else:
            _form_errors(request, form)
        return
    if op in ("status_archive", "status_restore"):
        status = target(SuggestionStatus)
        _act(
            request,
            lambda: pool_settings.suggestion_status_archive(
                actor=actor, status=status, archived=op == "status_archive"
            ),
            done=_("Saved."),
        )
        return
    if op in ("category_delete", "tag_delete"):
        if op == "category_delete":
            category = target(SuggestionCategory)
            _act(
                request,
                lambda: pool_settings.suggestion_category_delete(actor=actor, category=category),
                done=_("Deleted."),
            )
        else:
            tag = target(SuggestionTag)
            _act(
                request,
                lambda: pool_settings.suggestion_tag_delete(actor=actor, tag=tag),
                done=_("Deleted."),
            )
        return
    form_name = NameForm(request.POST)
    if not form_name.is_valid():
        _form_errors(request, form_name)
        return
    name = form_name.cleaned_data["name"]
    if op == "category_create":
        _act(
            request,
            lambda: pool_settings.suggestion_category_create(actor=actor, office=office, name=name),
            done=_("Saved."),
        )
    elif op == "status_rename":
        status = target(SuggestionStatus)
        _act(
            request,
            lambda: pool_settings.suggestion_status_rename(actor=actor, status=status, name=name),
            done=_("Saved."),
        )
    elif op == "category_rename":
        category = target(SuggestionCategory)
        _act(
            request,
            lambda: pool_settings.suggestion_category_rename(
                actor=actor, category=category, name=name
            ),
            done=_("Saved."),
        )
    elif op == "tag_rename":
        tag = target(SuggestionTag)
        _act(
            request,
            lambda: pool_settings.suggestion_tag_rename(actor=actor, tag=tag, name=name),
            done=_("Saved."),
        )
    else:
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def pool_settings_page(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    office = _office(request, membership, manage=True)
    if request.method == "POST":
        _settings_action(request, office)
        return redirect(reverse("suggestions:settings") + _office_query(request, membership))
    statuses = list(SuggestionStatus.objects.filter(office=office))
    by_stage = [
        (Stage(stage).label, stage, [s for s in statuses if s.stage == stage])
        for stage in pool_triage.TRIAGE_STAGES
    ]
    return render(
        request,
        "suggestions/pool/settings.html",
        {
            "office": office,
            "by_stage": by_stage,
            "categories": list(SuggestionCategory.objects.filter(office=office)),
            "tags": list(SuggestionTag.objects.filter(office=office)),
            "status_form": StatusForm(),
        },
    )


def _office_query(request: HttpRequest, membership: Membership) -> str:
    office = request.POST.get("office") or request.GET.get("office")
    return f"?office={office}" if membership.is_superuser and office else ""


urlpatterns: list[URLPattern] = [
    path("", pool_list, name="list"),
    path("export.xlsx", pool_export, name="export"),
    path("bulk/", pool_bulk, name="bulk"),
    path("similar/", similar, name="similar"),
    path("similar/merge/", merge_group, name="merge_group"),
    path("settings/", pool_settings_page, name="settings"),
    path("new/", suggest, name="new"),
    path("mine/", mine, name="mine"),
    path("mine/export.xlsx", mine_export, name="mine_export"),
    path("evaluations/", evaluations, name="evaluations"),
    path("evaluations/export.xlsx", evaluations_export, name="evaluations_export"),
    path("<int:pk>/", suggestion_detail, name="detail"),
    path("<int:pk>/triage/", suggestion_triage, name="triage"),
    path("<int:pk>/update/", suggestion_update, name="update"),
    path("<int:pk>/evaluators/", suggestion_evaluators, name="evaluators"),
    path("<int:pk>/evaluate/", suggestion_evaluate, name="evaluate"),
    path("<int:pk>/answer/", suggestion_answer, name="answer"),
    path("<int:pk>/merge/", suggestion_merge, name="merge"),
    path("<int:pk>/unmerge/", suggestion_unmerge, name="unmerge"),
]
