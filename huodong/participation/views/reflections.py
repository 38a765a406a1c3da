"""Reflections (心得体会): the writer's list and editor, the reviewers' queue and review.

Each view finds the campaign or reflection through the selectors (404 for what the user may not
see), asks `permissions`, and makes one service call; a refusal comes back as a message or a
form error, with the text the user typed kept in the form.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huodong.campaigns.models import Campaign
from huodong.core.list_export import CHUNK, filters_of, list_export_response
from huodong.orgs.permissions import Membership, membership_of
from huodong.originality.models import OriginalityDocument
from huodong.originality.permissions import can_see_report
from huodong.participation import list_exports
from huodong.participation.errors import NotAllowed, ParticipationError
from huodong.participation.forms.reflections import (
    WORDCOUNT_OUTPUT,
    ImportForm,
    QueueFilterForm,
    ReflectionForm,
    ReviewForm,
    VersionForm,
)
from huodong.participation.models import Reflection, ReflectionStatus
from huodong.participation.permissions import (
    can_review_any_reflection,
    can_review_reflection_of,
    is_writer_of,
    reflection_review_scope,
    takes_part,
)
from huodong.participation.selectors import reflections as selectors
from huodong.participation.services import reflections as services
from huodong.participation.views.common import acting_user, campaign_for

PAGE_SIZE = 30


def _writer_campaign(request: HttpRequest, campaign_id: int) -> tuple[Membership, Campaign]:
    membership, campaign = campaign_for(request, campaign_id)
    if not takes_part(membership, campaign):
        raise Http404
    return membership, campaign


def _to_reflection(reflection: Reflection) -> HttpResponse:
    return redirect("participation:reflection", reflection_id=reflection.pk)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _with_copy_ratios(queue: QuerySet[Reflection]) -> QuerySet[Reflection]:
    """The queue with each reflection's copy ratio (复制比) joined in: no extra query."""
    report = "originality_document__report__"
    return queue.annotate(
        copy_ratio=F(f"{report}ratio"),
        copy_flagged=F(f"{report}flagged"),
        copy_document_id=F(f"{report}document_id"),
    )


def _copy_ratio(reflection: Reflection) -> dict | None:
    ratio = getattr(reflection, "copy_ratio", None)
    if ratio is None:
        return None
    return {
        "percent": f"{ratio:.1%}",
        "flagged": reflection.copy_flagged,
        "document_id": reflection.copy_document_id,
    }


def _reflection_report(membership: Membership, reflection: Reflection):
    """The reflection's originality report, if there is one the user may see."""
    document = (
        OriginalityDocument.objects.filter(reflection=reflection)
        .select_related("report")
        .defer("text", "report__spans")
        .first()
    )
    report = getattr(document, "report", None) if document else None
    if report is None:
        return None
    document.reflection = reflection
    document.author = reflection.person
    document.campaign = reflection.campaign
    if not can_see_report(membership, document):
        return None
    report.percent = f"{report.ratio:.1%}"
    return report


def _editor_form(
    reflection: Reflection, target: selectors.WordTarget | None, data=None
) -> ReflectionForm:
    return ReflectionForm(
        data,
        initial={"title": reflection.title, "body": reflection.body, "version": reflection.version},
        words_needed=target.needed if target else None,
    )


def _render_reflection(
    request: HttpRequest,
    membership: Membership,
    reflection: Reflection,
    *,
    form: ReflectionForm | None = None,
    import_form: ImportForm | None = None,
    review_form: ReviewForm | None = None,
) -> HttpResponse:
    """The reflection page: the editor for its writer while editable, the text otherwise, the
    review form for a reviewer while it awaits review, and its history."""
    campaign = reflection.campaign
    target = selectors.reflection_word_target(campaign)
    writer = is_writer_of(membership, reflection.person_id)
    editable = writer and reflection.status in services.EDITABLE_STATUSES
    reviews = (
        not writer
        and reflection.status == ReflectionStatus.SUBMITTED
        and can_review_reflection_of(membership, campaign, reflection.person)
    )
    if editable and form is None:
        form = _editor_form(reflection, target)
    return render(
        request,
        "participation/reflections/detail.html",
        {
            "campaign": campaign,
            "reflection": reflection,
            "target": target,
            "met": target.met_by(reflection.word_count) if target else None,
            "is_writer": writer,
            "form": form if editable else None,
            "import_form": (import_form or ImportForm()) if editable else None,
            "review_form": (review_form or ReviewForm()) if reviews else None,
            "may_withdraw": writer and reflection.status == ReflectionStatus.SUBMITTED,
            "history": selectors.reflection_history(reflection),
            "count_output": WORDCOUNT_OUTPUT.lstrip("#"),
            "originality_report": _reflection_report(membership, reflection),
        },
    )


def _submit(request: HttpRequest, reflection: Reflection, version: int | None) -> HttpResponse:
    try:
        services.reflection_submit(
            actor=acting_user(request), reflection=reflection, version=version
        )
    except NotAllowed as exc:
        raise Http404 from exc
    except ParticipationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The reflection is submitted for review."))
    return _to_reflection(reflection)


# --- The writer ---------------------------------------------------------------------------


@login_required
@require_GET
def my_reflections(request: HttpRequest, campaign_id: int) -> HttpResponse:
    membership, campaign = _writer_campaign(request, campaign_id)
    target = selectors.reflection_word_target(campaign)
    page = Paginator(selectors.reflections_mine(membership, campaign), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        (reflection, target.met_by(reflection.word_count) if target else None)
        for reflection in page.object_list
    ]
    return render(
        request,
        "participation/reflections/mine.html",
        {
            "campaign": campaign,
            "page": page,
            "rows": rows,
            "target": target,
            "reviews": can_review_any_reflection(membership, campaign),
        },
    )


@login_required
@require_GET
def my_reflections_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """My reflections (every page) as .xlsx, without their texts."""
    membership, campaign = _writer_campaign(request, campaign_id)
    reflections = selectors.reflections_mine(membership, campaign).defer("body")
    return list_export_response(
        actor=request.user,
        action="participation.export_my_reflections",
        obj=campaign,
        title=_("My reflections"),
        scope=f"{campaign.title} · {membership.person.name if membership.person else ''}",
        columns=list_exports.my_reflection_columns(selectors.reflection_word_target(campaign)),
        rows=reflections.iterator(chunk_size=CHUNK),
    )


@login_required
@require_http_methods(["GET", "POST"])
def reflection_create(request: HttpRequest, campaign_id: int) -> HttpResponse:
    _membership, campaign = _writer_campaign(request, campaign_id)
    target = selectors.reflection_word_target(campaign)
    action = request.POST.get("action", "save")
    words_needed = target.needed if target else None
    form = ReflectionForm(
        request.POST if request.method == "POST" and action != "import" else None,
        words_needed=words_needed,
    )
    import_form = ImportForm(
        request.POST if action == "import" else None,
        request.FILES if action == "import" else None,
    )
    if request.method == "POST" and action == "import" and import_form.is_valid():
        try:
            reflection = services.reflection_import_docx(
                actor=acting_user(request),
                campaign=campaign,
                upload=import_form.cleaned_data["file"],
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except ParticipationError as exc:
            import_form.add_error("file", exc.message)
        else:
            messages.success(
                request, _("The text of the Word document is in a new draft; check it and save.")
            )
            return _to_reflection(reflection)
    elif request.method == "POST" and action != "import" and form.is_valid():
        try:
            reflection = services.reflection_create(
                actor=acting_user(request),
                campaign=campaign,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except ParticipationError as exc:
            form.add_error(None, exc.message)
        else:
            if action == "submit":
                return _submit(request, reflection, reflection.version)
            messages.success(request, _("The draft is saved."))
            return _to_reflection(reflection)
    return render(
        request,
        "participation/reflections/new.html",
        {
            "campaign": campaign,
            "form": form,
            "import_form": import_form,
            "target": target,
            "count_output": WORDCOUNT_OUTPUT.lstrip("#"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def reflection_detail(request: HttpRequest, reflection_id: int) -> HttpResponse:
    """GET shows the reflection; POST saves the writer's edits (and submits with
    action=submit)."""
    membership = membership_of(request.user)
    reflection = selectors.reflection_get(membership, reflection_id)
    if request.method == "GET":
        return _render_reflection(request, membership, reflection)
    if not is_writer_of(membership, reflection.person_id):
        raise Http404
    if reflection.status not in services.EDITABLE_STATUSES:
        messages.error(request, _("This reflection can no longer be edited."))
        return _to_reflection(reflection)
    target = selectors.reflection_word_target(reflection.campaign)
    form = _editor_form(reflection, target, data=request.POST)
    if form.is_valid():
        try:
            saved = services.reflection_save(
                actor=acting_user(request),
                reflection=reflection,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                version=form.cleaned_data["version"] or 0,
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except ParticipationError as exc:
            # The typed text stays in the form: nothing the user wrote is lost.
            form.add_error(None, exc.message)
        else:
            if request.POST.get("action") == "submit":
                return _submit(request, saved, saved.version)
            messages.success(request, _("The draft is saved."))
            return _to_reflection(saved)
    return _render_reflection(request, membership, reflection, form=form)


@login_required
@require_POST
def reflection_submit(request: HttpRequest, reflection_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    reflection = selectors.reflection_get(membership, reflection_id)
    form = VersionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    return _submit(request, reflection, version)


@login_required
@require_POST
def reflection_withdraw(request: HttpRequest, reflection_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    reflection = selectors.reflection_get(membership, reflection_id)
    try:
        services.reflection_withdraw(actor=acting_user(request), reflection=reflection)
    except NotAllowed as exc:
        raise Http404 from exc
    except ParticipationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The reflection is back to a draft; you may edit it again."))
    return _to_reflection(reflection)


@login_required
@require_POST
def reflection_import(request: HttpRequest, reflection_id: int) -> HttpResponse:
    """Replace a draft's text with that of an uploaded Word .docx."""
    membership = membership_of(request.user)
    reflection = selectors.reflection_get(membership, reflection_id)
    if not is_writer_of(membership, reflection.person_id):
        raise Http404
    import_form = ImportForm(request.POST, request.FILES)
    if import_form.is_valid():
        try:
            services.reflection_import_docx(
                actor=acting_user(request),
                reflection=reflection,
                upload=import_form.cleaned_data["file"],
                version=import_form.cleaned_data["version"],
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except ParticipationError as exc:
            import_form.add_error("file", exc.message)
        else:
            messages.success(request, _("The text of the Word document is imported."))
            return _to_reflection(reflection)
    return _render_reflection(request, membership, reflection, import_form=import_form)


# --- Reviewers ----------------------------------------------------------------------------


@login_required
@require_POST
def reflection_review(request: HttpRequest, reflection_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    reflection = selectors.reflection_get(membership, reflection_id)
    if not can_review_reflection_of(membership, reflection.campaign, reflection.person):
        raise Http404
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.reflection_review(
                actor=acting_user(request),
                reflection=reflection,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
                recommend=form.cleaned_data["recommend"],
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except ParticipationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The review is recorded and the writer is told."))
            return redirect("participation:reflection_queue", campaign_id=reflection.campaign_id)
    return _render_reflection(request, membership, reflection, review_form=form)


def _queue(request: HttpRequest, campaign_id: int):
    membership, campaign = campaign_for(request, campaign_id)
    scope = reflection_review_scope(membership, campaign)
    if scope is not None and not scope:
        raise Http404
    form = QueueFilterForm(
        request.GET or None,
        units=selectors.review_queue_units(membership, campaign, scope=scope),
    )
    status, unit_id = form.filters()
    queue = selectors.review_queue(
        membership, campaign, status=status, unit_id=unit_id, scope=scope
    )
    return campaign, form, _with_copy_ratios(queue)


@login_required
@require_GET
def reflection_queue_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The review queue as filtered (every page) as .xlsx, without the texts."""
    campaign, _form, queue = _queue(request, campaign_id)
    return list_export_response(
        actor=request.user,
        action="participation.export_reflection_queue",
        obj=campaign,
        title=_("Reflections to review"),
        scope=campaign.title,
        columns=list_exports.queue_columns(selectors.reflection_word_target(campaign)),
        rows=queue.defer("body").iterator(chunk_size=CHUNK),
        filters=filters_of(request.GET),
    )


@login_required
@require_GET
def reflection_queue(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign, form, queue = _queue(request, campaign_id)
    target = selectors.reflection_word_target(campaign)
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        (
            reflection,
            target.met_by(reflection.word_count) if target else None,
            _copy_ratio(reflection),
        )
        for reflection in page.object_list
    ]
    return render(
        request,
        "participation/reflections/queue.html",
        {
            "campaign": campaign,
            "form": form,
            "page": page,
            "rows": rows,
            "target": target,
            "query": _query_without_page(request),
        },
    )


urlpatterns = [
    path("c/<int:campaign_id>/reflections/", my_reflections, name="my_reflections"),
    path("c/<int:campaign_id>/reflections/new/", reflection_create, name="reflection_create"),
    path(
        "c/<int:campaign_id>/reflections/export.xlsx",
        my_reflections_export,
        name="my_reflections_export",
    ),
    path(
        "c/<int:campaign_id>/reflections/review/export.xlsx",
        reflection_queue_export,
        name="reflection_queue_export",
    ),
    path("c/<int:campaign_id>/reflections/review/", reflection_queue, name="reflection_queue"),
    path("reflections/<int:reflection_id>/", reflection_detail, name="reflection"),
    path("reflections/<int:reflection_id>/submit/", reflection_submit, name="reflection_submit"),
    path(
        "reflections/<int:reflection_id>/withdraw/",
        reflection_withdraw,
        name="reflection_withdraw",
    ),
    path("reflections/<int:reflection_id>/review/", reflection_review, name="reflection_review"),
    path("reflections/<int:reflection_id>/import/", reflection_import, name="reflection_import"),
]
