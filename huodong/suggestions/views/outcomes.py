"""The outcome pages (成果转化): the tree of outcomes, one outcome with its milestones, linked
suggestions, documents and history, the forms of the office, a unit's own outcomes, and the
public column's list.

Each view finds what it shows through the selectors (404 for what the user may not read), asks
`permissions` for what it may change, and makes one service call; a refusal comes back as a
message (nothing saved), an action the user may not take as a 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huodong.core import clock
from huodong.core.list_export import CHUNK, filters_of, list_export_response
from huodong.core.view_actions import office_or_404, run_action
from huodong.orgs.models import Office, User
from huodong.orgs.permissions import Membership, membership_of
from huodong.suggestions.errors import NotAllowed, Refused
from huodong.suggestions.forms.outcomes import (
    CompleteForm,
    DocumentForm,
    FilterForm,
    LinkForm,
    MilestoneForm,
    OutcomeEditForm,
    OutcomeForm,
    ProgressForm,
)
from huodong.suggestions.list_exports import (
    outcome_tree_columns,
    tree_rows,
    unit_outcome_columns,
)
from huodong.suggestions.models import Outcome, OutcomeEvent, OutcomeStatus
from huodong.suggestions.permissions import (
    can_manage_outcomes,
    can_read_outcomes,
    can_update_outcome,
)
from huodong.suggestions.selectors import outcomes as selectors
from huodong.suggestions.services import outcomes as services

ROOTS_PER_PAGE = 20
MINE_PER_PAGE = 30


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _to_outcome(outcome_id: int, anchor: str = "") -> HttpResponse:
    url = reverse("outcomes:detail", args=[outcome_id])
    return redirect(f"{url}#{anchor}" if anchor else url)


_act = partial(run_action, not_allowed=NotAllowed, refused=Refused)


def _form_errors(form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def _check_updates(membership: Membership, outcome: Outcome) -> None:
    """404 unless the user may update the outcome (its office, or its responsible unit)."""
    if not can_update_outcome(membership, outcome.office_id, outcome.responsible_unit_id):
        raise Http404


def _updatable(request: HttpRequest, outcome_id: int) -> Outcome:
    membership = membership_of(request.user)
    outcome = selectors.outcome_get(membership, outcome_id)
    _check_updates(membership, outcome)
    return outcome


def _managed(request: HttpRequest, outcome_id: int) -> Outcome:
    membership = membership_of(request.user)
    outcome = selectors.outcome_get(membership, outcome_id)
    if not can_manage_outcomes(membership, outcome.office_id):
        raise Http404
    return outcome


def _save_outcome(
    request: HttpRequest, form, call: Callable[[], Outcome], *, done: str
) -> HttpResponse | None:
    """The outcome form's service call: the way to the outcome once saved; a refusal goes onto
    the form (None: show it again), a denial is a 404."""
    try:
        outcome = call()
    except NotAllowed as exc:
        raise Http404 from exc
    except Refused as exc:
        form.add_error(None, exc.message)
        return None
    messages.success(request, done)
    return _to_outcome(outcome.pk)


# --- The tree -----------------------------------------------------------------------------


def _tree_filters(
    request: HttpRequest, membership: Membership
) -> tuple[Office, FilterForm, dict[str, Any]]:
    """The office whose outcome tree the user reads (404 for who may not), the filter form
    and its filters, as the list and its export take them."""
    office = office_or_404(request, membership, may=can_read_outcomes)
    units = list(selectors.units_of(office))
    campaigns = list(selectors.campaigns_of(office))
    form = FilterForm(request.GET or None, units=units, campaigns=campaigns)
    return office, form, form.filters()


@login_required
@require_GET
def outcome_list(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    office, form, filters = _tree_filters(request, membership)
    roots = selectors.outcome_roots(membership, office, **filters)
    page = Paginator(roots, ROOTS_PER_PAGE).get_page(request.GET.get("page"))
    trees = selectors.outcome_trees(membership, list(page.object_list), **filters)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "suggestions/outcomes/list.html",
        {
            "office": office,
            "form": form,
            "page": page,
            "rows": tree_rows(trees),
            "filtered": any(value is not None for value in filters.values()),
            "may_manage": can_manage_outcomes(membership, office.pk),
            "has_units": bool(selectors.my_unit_ids(membership)),
            "query": query.urlencode(),
        },
    )


@login_required
@require_GET
def outcome_list_export(request: HttpRequest) -> FileResponse:
    """The outcome trees the list shows (its filters, every page) as .xlsx."""
    membership = membership_of(request.user)
    office, _form, filters = _tree_filters(request, membership)
    roots = selectors.outcome_roots(membership, office, **filters)

    def rows() -> Iterator[selectors.OutcomeNode]:
        # The page's trees a chunk of roots at a time: a fixed number of queries per chunk.
        chunk: list[Outcome] = []
        for root in roots.iterator(chunk_size=CHUNK):
            chunk.append(root)
            if len(chunk) == CHUNK:
                yield from tree_rows(selectors.outcome_trees(membership, chunk, **filters))
                chunk = []
        if chunk:
            yield from tree_rows(selectors.outcome_trees(membership, chunk, **filters))

    return list_export_response(
        actor=request.user,
        action="suggestions.export_outcomes",
        obj=office,
        title=_("Outcomes"),
        scope=office.name,
        columns=outcome_tree_columns(filtered=any(value is not None for value in filters.values())),
        rows=rows(),
        filters=filters_of(request.GET),
    )


def _unit_outcomes(request: HttpRequest) -> tuple[Office, frozenset[int], QuerySet[Outcome]]:
    membership = membership_of(request.user)
    office = office_or_404(request, membership, may=can_read_outcomes)
    unit_ids = selectors.my_unit_ids(membership)
    return office, unit_ids, selectors.outcomes_of_units(membership, office, unit_ids)


@login_required
@require_GET
def outcome_mine_export(request: HttpRequest) -> FileResponse:
    """The outcomes of the user's units, as their page lists them, as .xlsx."""
    office, _unit_ids, outcomes = _unit_outcomes(request)
    return list_export_response(
        actor=request.user,
        action="suggestions.export_unit_outcomes",
        obj=office,
        title=_("My unit's outcomes"),
        scope=office.name,
        columns=unit_outcome_columns(),
        rows=outcomes.iterator(chunk_size=CHUNK),
        filters=filters_of(request.GET),
    )


@login_required
@require_GET
def outcome_mine(request: HttpRequest) -> HttpResponse:
    """The outcomes the user's unit is responsible for (its head or contact updates them)."""
    office, unit_ids, outcomes = _unit_outcomes(request)
    page = Paginator(outcomes, MINE_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "suggestions/outcomes/mine.html",
        {"office": office, "page": page, "has_units": bool(unit_ids)},
    )


# --- Creating and editing -----------------------------------------------------------------


def _form_kwargs(office: Office, *, exclude: Outcome | None = None) -> dict[str, Any]:
    return {
        "units": selectors.units_of(office),
        "campaigns": selectors.campaigns_of(office),
        "parents": selectors.parent_choices(office, exclude=exclude),
    }


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": data["title"],
        "kind": data["kind"],
        "description": data["description"],
        "responsible_unit": data["responsible_unit"],
        "campaign": data["campaign"],
        "parent": data["parent"],
        "weight": data["weight"],
        "rollup": data["rollup"],
        "is_public": data["is_public"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def outcome_create(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    office = office_or_404(request, membership, may=can_manage_outcomes)
    initial: dict[str, Any] = {}
    parent_id = request.GET.get("parent", "")
    if parent_id.isdigit():
        parent = selectors.outcome_of_office(office, int(parent_id))
        if parent is not None:
            initial.update(
                parent=parent.pk,
                kind=parent.kind,
                campaign=parent.campaign_id,
                responsible_unit=parent.responsible_unit_id,
            )
    form = OutcomeForm(request.POST or None, initial=initial, **_form_kwargs(office))
    if request.method == "POST" and form.is_valid():
        saved = _save_outcome(
            request,
            form,
            lambda: services.outcome_create(
                actor=_user(request), office=office, **_fields(form.cleaned_data)
            ),
            done=_("The outcome is created."),
        )
        if saved is not None:
            return saved
    return render(
        request,
        "suggestions/outcomes/form.html",
        {"office": office, "form": form, "outcome": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def outcome_edit(request: HttpRequest, outcome_id: int) -> HttpResponse:
    outcome = _managed(request, outcome_id)
    office = outcome.office
    form = OutcomeEditForm(
        request.POST or None,
        initial={
            "title": outcome.title,
            "kind": outcome.kind,
            "description": outcome.description,
            "responsible_unit": outcome.responsible_unit_id,
            "campaign": outcome.campaign_id,
            "parent": outcome.parent_id,
            "weight": outcome.weight,
            "rollup": outcome.rollup,
            "is_public": outcome.is_public,
            "status": outcome.status,
        },
        **_form_kwargs(office, exclude=outcome),
    )
    if request.method == "POST" and form.is_valid():
        saved = _save_outcome(
            request,
            form,
            lambda: services.outcome_update(
                actor=_user(request),
                outcome=outcome,
                status=form.cleaned_data["status"],
                **_fields(form.cleaned_data),
            ),
            done=_("The outcome is saved."),
        )
        if saved is not None:
            return saved
    return render(
        request,
        "suggestions/outcomes/form.html",
        {"office": office, "form": form, "outcome": outcome},
    )


@login_required
@require_POST
def outcome_delete(request: HttpRequest, outcome_id: int) -> HttpResponse:
    outcome = _managed(request, outcome_id)
    parent_id = outcome.parent_id
    if _act(
        request,
        lambda: services.outcome_delete(actor=_user(request), outcome=outcome),
        done=_("The outcome “%(title)s” is deleted.") % {"title": outcome.title},
    ):
        return _to_outcome(parent_id) if parent_id else redirect("outcomes:list")
    return _to_outcome(outcome.pk)


# --- One outcome --------------------------------------------------------------------------


def _suggestion_url_pattern() -> str | None:
    """Where a linked suggestion's number leads, if the pool has a page for one."""
    try:
        return reverse("suggestions:detail", args=[999999999]).replace("999999999", "{}")
    except NoReverseMatch:
        return None


EVENT_LABELS = {
    "created": gettext_lazy("Created"),
    "updated": gettext_lazy("Edited"),
    "moved": gettext_lazy("Moved"),
    "progress": gettext_lazy("Progress"),
    "status": gettext_lazy("Status"),
    "milestone_added": gettext_lazy("Milestone added"),
    "milestone_updated": gettext_lazy("Milestone changed"),
    "milestone_deleted": gettext_lazy("Milestone deleted"),
    "milestone_done": gettext_lazy("Milestone done"),
    "milestone_reopened": gettext_lazy("Milestone reopened"),
    "linked": gettext_lazy("Suggestions linked"),
    "unlinked": gettext_lazy("Suggestion unlinked"),
    "document_added": gettext_lazy("Document added"),
    "document_deleted": gettext_lazy("Document deleted"),
}


def _event_detail(event: OutcomeEvent) -> str:
    if event.action == "progress":
        return f"{event.progress}%"
    if event.action == "status" and event.note in OutcomeStatus.values:
        return str(OutcomeStatus(event.note).label)
    if event.action == "updated":
        names = []
        for name in event.note.split(", "):
            try:
                field = Outcome._meta.get_field(name)
            except FieldDoesNotExist:  # a field since renamed: show its code
                names.append(name)
            else:
                names.append(str(getattr(field, "verbose_name", name)))
        return "、".join(names)
    if event.action == "moved" and not event.note:
        return _("made a top-level outcome")
    return event.note


def _history(outcome: Outcome) -> list[dict[str, Any]]:
    return [
        {
            "event": event,
            "label": str(EVENT_LABELS.get(event.action, event.action)),
            "detail": _event_detail(event),
        }
        for event in selectors.outcome_events(outcome)
    ]


@login_required
@require_GET
def outcome_detail(request: HttpRequest, outcome_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    outcome = selectors.outcome_get(membership, outcome_id)
    manages = can_manage_outcomes(membership, outcome.office_id)
    updates = can_update_outcome(membership, outcome.office_id, outcome.responsible_unit_id)
    milestones = selectors.outcome_milestones(outcome)
    children = selectors.outcome_children(outcome)
    depth = (
        1
        + (outcome.parent_id is not None)
        + (outcome.parent is not None and outcome.parent.parent_id is not None)
    )
    pattern = _suggestion_url_pattern()
    linked = [
        {"row": row, "url": pattern.format(row.pk) if pattern else ""}
        for row in selectors.outcome_linked_suggestions(outcome)
    ]
    return render(
        request,
        "suggestions/outcomes/detail.html",
        {
            "outcome": outcome,
            "milestones": milestones,
            "children": children,
            "linked": linked,
            "documents": selectors.outcome_documents(outcome),
            "history": _history(outcome),
            "manages": manages,
            "updates": updates,
            "computed_by_children": bool(children),
            "computed_by_milestones": not children and bool(milestones),
            "may_add_child": manages and depth < services.MAX_DEPTH,
            "may_delete": manages and not children,
            "progress_form": ProgressForm(initial={"percent": outcome.progress})
            if updates and not children and not milestones
            else None,
            "milestone_form": MilestoneForm() if updates else None,
            "complete_form": CompleteForm() if updates else None,
            "link_form": LinkForm() if manages else None,
            "linkable": selectors.linkable_suggestions(outcome.office, outcome=outcome)
            if manages
            else [],
            "document_form": DocumentForm() if updates else None,
            "max_documents": services.MAX_DOCUMENTS,
            "today": clock.today(),
        },
    )


@login_required
@require_POST
def outcome_progress(request: HttpRequest, outcome_id: int) -> HttpResponse:
    outcome = _updatable(request, outcome_id)
    form = ProgressForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the progress as a number from 0 to 100."))
        return _to_outcome(outcome.pk, "progress")
    _act(
        request,
        lambda: services.outcome_progress_set(
            actor=_user(request), outcome=outcome, percent=form.cleaned_data["percent"]
        ),
        done=_("The progress is saved."),
    )
    return _to_outcome(outcome.pk, "progress")


# --- Milestones ---------------------------------------------------------------------------


@login_required
@require_POST
def milestone_add(request: HttpRequest, outcome_id: int) -> HttpResponse:
    outcome = _updatable(request, outcome_id)
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _to_outcome(outcome.pk, "milestones")
    _act(
        request,
        lambda: services.milestone_add(actor=_user(request), outcome=outcome, **form.cleaned_data),
        done=_("The milestone is added."),
    )
    return _to_outcome(outcome.pk, "milestones")


def _milestone_action(request: HttpRequest, milestone_id: int, call, *, done: str) -> HttpResponse:
    membership = membership_of(request.user)
    milestone = selectors.outcome_milestone_get(membership, milestone_id)
    outcome = milestone.outcome
    _check_updates(membership, outcome)
    _act(request, lambda: call(milestone), done=done)
    return _to_outcome(outcome.pk, "milestones")


@login_required
@require_POST
def milestone_edit(request: HttpRequest, milestone_id: int) -> HttpResponse:
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        membership = membership_of(request.user)
        milestone = selectors.outcome_milestone_get(membership, milestone_id)
        messages.error(request, _form_errors(form))
        return _to_outcome(milestone.outcome_id, "milestones")
    return _milestone_action(
        request,
        milestone_id,
        lambda m: services.milestone_update(actor=_user(request), milestone=m, **form.cleaned_data),
        done=_("The milestone is saved."),
    )


@login_required
@require_POST
def milestone_complete(request: HttpRequest, milestone_id: int) -> HttpResponse:
    form = CompleteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _milestone_action(
        request,
        milestone_id,
        lambda m: services.milestone_complete(actor=_user(request), milestone=m, note=note),
        done=_("The milestone is marked done."),
    )


@login_required
@require_POST
def milestone_reopen(request: HttpRequest, milestone_id: int) -> HttpResponse:
    return _milestone_action(
        request,
        milestone_id,
        lambda m: services.milestone_reopen(actor=_user(request), milestone=m),
        done=_("The milestone is open again."),
    )


@login_required
@require_POST
def milestone_delete(request: HttpRequest, milestone_id: int) -> HttpResponse:
    return _milestone_action(
        request,
        milestone_id,
        lambda m: services.milestone_delete(actor=_user(request), milestone=m),
        done=_("The milestone is deleted."),
    )


# --- Suggestions --------------------------------------------------------------------------


@login_required
@require_POST
def outcome_link(request: HttpRequest, outcome_id: int) -> HttpResponse:
    outcome = _managed(request, outcome_id)
    form = LinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the numbers of the suggestions to link."))
        return _to_outcome(outcome.pk, "suggestions")
    numbers, wrong = selectors.parse_numbers(form.cleaned_data["numbers"])
    if wrong:
        messages.error(
            request,
            _("These are not suggestion numbers: %(items)s.") % {"items": "、".join(wrong)},
        )
        return _to_outcome(outcome.pk, "suggestions")
    suggestions, unknown = selectors.suggestions_by_numbers(outcome.office, numbers)
    if unknown:
        messages.error(
            request,
            _("There is no suggestion %(numbers)s; nothing was linked.")
            % {"numbers": "、".join(f"#{n}" for n in unknown)},
        )
        return _to_outcome(outcome.pk, "suggestions")
    try:
        linked = services.outcome_link_suggestions(
            actor=_user(request), outcome=outcome, suggestions=suggestions
        )
    except NotAllowed as exc:
        raise Http404 from exc
    except Refused as exc:
        messages.error(request, exc.message + " " + _("Nothing was linked."))
    else:
        if linked:
            messages.success(
                request,
                _("Linked: %(numbers)s.") % {"numbers": "、".join(f"#{s.number}" for s in linked)},
            )
        else:
            messages.info(request, _("These suggestions were already linked."))
    return _to_outcome(outcome.pk, "suggestions")


@login_required
@require_POST
def outcome_unlink(request: HttpRequest, outcome_id: int, suggestion_id: int) -> HttpResponse:
    outcome = _managed(request, outcome_id)
    suggestion = selectors.suggestion_of_office(outcome.office_id, suggestion_id)
    _act(
        request,
        lambda: services.outcome_unlink_suggestion(
            actor=_user(request), outcome=outcome, suggestion=suggestion
        ),
        done=_("Suggestion #%(number)s is unlinked.") % {"number": suggestion.number},
    )
    return _to_outcome(outcome.pk, "suggestions")


# --- Documents ----------------------------------------------------------------------------


@login_required
@require_POST
def document_add(request: HttpRequest, outcome_id: int) -> HttpResponse:
    outcome = _updatable(request, outcome_id)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return _to_outcome(outcome.pk, "documents")
    upload = form.cleaned_data["file"]
    _act(
        request,
        lambda: services.outcome_document_add(actor=_user(request), outcome=outcome, upload=upload),
        done=_("The document is added."),
    )
    return _to_outcome(outcome.pk, "documents")


@login_required
@require_GET
def document_download(request: HttpRequest, document_id: int) -> FileResponse:
    document = selectors.outcome_document_get(membership_of(request.user), document_id)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=document.original_name
    )
    response["Content-Length"] = str(document.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def document_delete(request: HttpRequest, document_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    document = selectors.outcome_document_get(membership, document_id)
    outcome = document.outcome
    _check_updates(membership, outcome)
    _act(
        request,
        lambda: services.outcome_document_delete(actor=_user(request), document=document),
        done=_("The document is deleted."),
    )
    return _to_outcome(outcome.pk, "documents")


# --- The public column --------------------------------------------------------------------


@require_GET
def outcome_public(request: HttpRequest, office_id: int) -> HttpResponse:
    """The office's public outcomes with their progress, for everyone (no login)."""
    office, campaigns = selectors.public_office(office_id)
    campaign_id = request.GET.get("campaign", "")
    campaign = next((c for c in campaigns if str(c.pk) == campaign_id), None)
    outcomes = selectors.public_outcomes(office=office, campaign=campaign)
    return render(
        request,
        "suggestions/outcomes/public.html",
        {"office": office, "campaign": campaign, "outcomes": outcomes},
    )
