"""/publicity/: the column's staff pages (writers and the 宣传室).

Articles: the list with filters, the form, the page with its history and the review buttons,
the review queue, the sources to draft from, the share card. Another office's article, a draft
of someone else and a page the user's role does not open answer 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huodong.contests.models import ContestStatus, Entry, EntryStatus
from huodong.core.links import phone_url, qr_svg
from huodong.core.list_export import CHUNK, filters_of, list_export_response
from huodong.orgs.permissions import membership_of
from huodong.participation.models import Reflection
from huodong.publicity import permissions, selectors, services, share
from huodong.publicity.exports import article_columns
from huodong.publicity.forms import (
    ArticleFilterForm,
    ArticleForm,
    AttachmentForm,
    ReturnForm,
    WithdrawForm,
)
from huodong.publicity.models import Article, ArticleAttachment, ArticleStatus
from huodong.publicity.views.common import (
    act,
    acting_user,
    attachment_response,
    cover_response,
    form_action,
    paginate,
    reviewer_office,
    writer_office,
)


def _to_article(article_id: int) -> HttpResponse:
    return redirect("publicity:detail", article_id=article_id)


@login_required
@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    membership, office = writer_office(request)
    services.categories_ensure(office=office)
    form, rows, query = _listed_articles(request, office)
    page = paginate(request, rows)
    return render(
        request,
        "publicity/list.html",
        {
            "office": office,
            "form": form,
            "page": page,
            "query": urlencode(query),
            "is_reviewer": permissions.is_reviewer(membership, office.pk),
            "waiting": selectors.review_queue(office=office).count()
            if permissions.is_reviewer(membership, office.pk)
            else 0,
        },
    )


@login_required
@require_GET
def article_list_export(request: HttpRequest) -> HttpResponse:
    """The article list as .xlsx: the rows of every page, with the page's filters."""
    _membership, office = writer_office(request)
    _form, rows, _query = _listed_articles(request, office)
    return list_export_response(
        actor=request.user,
        action="publicity.export_articles",
        obj=office,
        title=_("Column articles"),
        scope=office.name,
        columns=article_columns(),
        rows=rows.iterator(chunk_size=CHUNK),
        filters=filters_of(request.GET),
    )


def _listed_articles(request: HttpRequest, office) -> tuple[ArticleFilterForm, Any, dict]:
    """The articles the list shows the user, filtered as asked, and the filters as a query."""
    form = ArticleFilterForm(request.GET or None, office=office)
    rows = selectors.articles_visible_to(user=request.user).filter(office=office)
    query: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            rows = rows.filter(status=data["status"])
            query["status"] = data["status"]
        if data["category"]:
            rows = rows.filter(category=data["category"])
            query["category"] = data["category"].pk
        if data["campaign"]:
            rows = rows.filter(campaign=data["campaign"])
            query["campaign"] = data["campaign"].pk
    return form, rows, query


def _article_fields(data: dict[str, Any]) -> dict[str, Any]:
    """What `ArticleForm` gives both `article_create` and `article_update`."""
    fields = ("title", "summary", "body_html", "category", "campaign", "task", "cover")
    return {name: data[name] for name in fields}


def _form_page(request, *, office, form, article=None, status=200):
    return render(
        request,
        "publicity/form.html",
        {"office": office, "form": form, "article": article},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def article_create(request: HttpRequest) -> HttpResponse:
    _membership, office = writer_office(request)
    services.categories_ensure(office=office)
    if request.method == "GET":
        initial = {}
        campaign = request.GET.get("campaign", "")
        if campaign.isdigit():
            initial["campaign"] = int(campaign)
        return _form_page(request, office=office, form=ArticleForm(initial=initial, office=office))
    form = ArticleForm(request.POST, request.FILES, office=office)
    if form.is_valid():
        data = form.cleaned_data
        article = form_action(
            request,
            form,
            lambda: services.article_create(
                actor=acting_user(request), office=office, **_article_fields(data)
            ),
            done=_("The draft is saved."),
        )
        if article is not None:
            return _to_article(article.pk)
    return _form_page(request, office=office, form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, article_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    article = selectors.article_for(request.user, article_id)
    if not permissions.can_edit(membership, request.user.pk, article):
        raise Http404
    office = article.office
    if request.method == "GET":
        form = ArticleForm(initial=ArticleForm.initial_for(article), office=office)
        return _form_page(request, office=office, form=form, article=article)
    form = ArticleForm(request.POST, request.FILES, office=office)
    if form.is_valid():
        data = form.cleaned_data
        if form_action(
            request,
            form,
            lambda: services.article_update(
                actor=acting_user(request),
                article=article,
                remove_cover=data["remove_cover"],
                **_article_fields(data),
            ),
            done=_("The article is saved."),
        ):
            return _to_article(article.pk)
    return _form_page(request, office=office, form=form, article=article, status=400)


@login_required
@require_GET
def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    article = selectors.article_for(request.user, article_id)
    user_id = request.user.pk
    is_reviewer = permissions.can_review(membership, article)
    return render(
        request,
        "publicity/detail.html",
        {
            "article": article,
            "attachments": list(article.attachments.all()),
            "events": list(article.events.select_related("actor__person")),
            "placements": list(article.placements.all()),
            "can_edit": permissions.can_edit(membership, user_id, article),
            "can_submit": permissions.is_author(user_id, article)
            and article.status in permissions.EDITABLE,
            "can_review": is_reviewer and article.status == ArticleStatus.SUBMITTED,
            "can_withdraw": is_reviewer and article.status == ArticleStatus.PUBLISHED,
            "can_delete": permissions.can_edit(membership, user_id, article)
            and article.status == ArticleStatus.DRAFT
            and article.submitted_at is None,
            "return_form": ReturnForm(),
            "withdraw_form": WithdrawForm(),
            "attachment_form": AttachmentForm(),
            "public_path": services.public_path(article),
        },
    )


def _article_step(
    request: HttpRequest,
    article_id: int,
    step: Callable[..., object],
    *,
    done: str,
    **params: object,
) -> HttpResponse:
    """A review button: run `step` on the visible article, then back to the article's page."""
    article = selectors.article_for(request.user, article_id)
    act(request, lambda: step(actor=acting_user(request), article=article, **params), done=done)
    return _to_article(article.pk)


@login_required
@require_POST
def article_submit(request: HttpRequest, article_id: int) -> HttpResponse:
    return _article_step(
        request, article_id, services.article_submit, done=_("The piece is sent for review.")
    )


@login_required
@require_POST
def article_publish(request: HttpRequest, article_id: int) -> HttpResponse:
    return _article_step(
        request,
        article_id,
        services.article_publish,
        done=_("The article is published on the column."),
    )


@login_required
@require_POST
def article_return(request: HttpRequest, article_id: int) -> HttpResponse:
    article = selectors.article_for(request.user, article_id)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        if not permissions.can_review(membership_of(request.user), article):
            raise Http404
        messages.error(request, _("Say what to change."))
        return _to_article(article.pk)
    act(
        request,
        lambda: services.article_return(
            actor=acting_user(request), article=article, comment=form.cleaned_data["comment"]
        ),
        done=_("The piece is returned to its writer."),
    )
    return _to_article(article.pk)


@login_required
@require_POST
def article_withdraw(request: HttpRequest, article_id: int) -> HttpResponse:
    form = WithdrawForm(request.POST)
    return _article_step(
        request,
        article_id,
        services.article_withdraw,
        reason=form.cleaned_data["reason"] if form.is_valid() else "",
        done=_("The article is withdrawn from the column."),
    )


@login_required
@require_POST
def article_delete(request: HttpRequest, article_id: int) -> HttpResponse:
    article = selectors.article_for(request.user, article_id)
    if act(
        request,
        lambda: services.article_delete(actor=acting_user(request), article=article),
        done=_("The draft is deleted."),
    ):
        return redirect("publicity:list")
    return _to_article(article.pk)


@login_required
@require_POST
def attachment_add(request: HttpRequest, article_id: int) -> HttpResponse:
    article = selectors.article_for(request.user, article_id)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        if not permissions.can_edit(membership_of(request.user), request.user.pk, article):
            raise Http404
        messages.error(request, _("Choose a file."))
        return _to_article(article.pk)
    act(
        request,
        lambda: services.article_attachment_add(
            actor=acting_user(request), article=article, upload=form.cleaned_data["file"]
        ),
        done=_("The attachment is added."),
    )
    return _to_article(article.pk)


def _attachment_for(request: HttpRequest, attachment_id: int) -> ArticleAttachment:
    attachment = ArticleAttachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    selectors.article_for(request.user, attachment.article_id)  # 404 when not visible
    return attachment


@login_required
@require_GET
def attachment_download(request: HttpRequest, attachment_id: int):
    return attachment_response(_attachment_for(request, attachment_id), public=False)


@login_required
@require_POST
def attachment_delete(request: HttpRequest, attachment_id: int) -> HttpResponse:
    attachment = _attachment_for(request, attachment_id)
    act(
        request,
        lambda: services.article_attachment_delete(
            actor=acting_user(request), attachment=attachment
        ),
        done=_("The attachment is deleted."),
    )
    return _to_article(attachment.article_id)


@login_required
@require_GET
def cover(request: HttpRequest, article_id: int):
    return cover_response(selectors.article_for(request.user, article_id), public=False)


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    _membership, office = reviewer_office(request)
    page = paginate(request, selectors.review_queue(office=office))
    return render(request, "publicity/review.html", {"office": office, "page": page})


@login_required
@require_GET
def sources(request: HttpRequest) -> HttpResponse:
    _membership, office = reviewer_office(request)
    reflections = list(
        Reflection.objects.filter(campaign__office=office, recommended_to_column=True)
        .select_related("campaign", "person__unit")
        .order_by("-reviewed_at", "-id")[:200]
    )
    entries = list(
        Entry.objects.filter(
            contest__office=office,
            award__isnull=False,
            status=EntryStatus.SUBMITTED,
            contest__status__in=[ContestStatus.DECIDED, ContestStatus.PUBLISHED],
        )
        .select_related("contest", "award", "author__unit")
        .order_by("-contest__opens_on", "contest_id", "award__rank", "number")[:200]
    )
    drafted = Article.objects.filter(office=office).exclude(status=ArticleStatus.WITHDRAWN)
    by_reflection = {
        a.reflection_id: a for a in drafted.filter(reflection_id__in=[r.pk for r in reflections])
    }
    by_entry = {a.entry_id: a for a in drafted.filter(entry_id__in=[e.pk for e in entries])}
    return render(
        request,
        "publicity/sources.html",
        {
            "office": office,
            "reflections": [(r, by_reflection.get(r.pk)) for r in reflections],
            "entries": [(e, by_entry.get(e.pk)) for e in entries],
        },
    )


def _drafted(request: HttpRequest, draft: Callable[[], Article], *, done: str) -> HttpResponse:
    """Make a draft from a source: its page when made, else back to the sources."""
    made: list[Article] = []
    act(request, lambda: made.append(draft()), done=done)
    return _to_article(made[0].pk) if made else redirect("publicity:sources")


@login_required
@require_POST
def draft_from_reflection(request: HttpRequest, reflection_id: int) -> HttpResponse:
    _membership, office = reviewer_office(request)
    reflection = Reflection.objects.filter(pk=reflection_id, campaign__office=office).first()
    if reflection is None:
        raise Http404
    return _drafted(
        request,
        lambda: services.article_draft_from_reflection(
            actor=acting_user(request), reflection=reflection
        ),
        done=_("A draft is made from the reflection; edit it and send it for review."),
    )


@login_required
@require_POST
def draft_from_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    _membership, office = reviewer_office(request)
    entry = Entry.objects.filter(pk=entry_id, contest__office=office).first()
    if entry is None:
        raise Http404
    return _drafted(
        request,
        lambda: services.article_draft_from_award(actor=acting_user(request), entry=entry),
        done=_("A draft is made from the awarded entry; edit it and send it for review."),
    )


def _published_for_share(request: HttpRequest, article_id: int) -> Article:
    article = selectors.article_for(request.user, article_id)
    if article.status != ArticleStatus.PUBLISHED:
        raise Http404
    return article


@login_required
@require_GET
def share_card(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _published_for_share(request, article_id)
    url = phone_url(request, services.public_path(article))
    return render(
        request,
        "publicity/share.html",
        {
            "article": article,
            "url": url,
            "qr": qr_svg(url, title=_("Scan to read the article")),
        },
    )


@login_required
@require_GET
def share_svg(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _published_for_share(request, article_id)
    url = phone_url(request, services.public_path(article))
    response = HttpResponse(share.card_svg(article, url), content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="column-{article.pk}.svg"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
