"""What the column's views share: the acting user, the office, refusals as messages or form
errors, stored files as responses."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

from django import forms
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, HttpRequest

from huodong.core.file_responses import stored_file_response
from huodong.core.view_actions import office_or_404, run_action
from huodong.orgs.models import Office, User
from huodong.orgs.permissions import Membership, membership_of
from huodong.publicity import permissions
from huodong.publicity.errors import NotAllowed, PublicityError, Refused
from huodong.publicity.models import Article, ArticleAttachment

PAGE_SIZE = 20

T = TypeVar("T")


def acting_user(request: HttpRequest) -> User:
    return cast(User, request.user)


def writer_office(request: HttpRequest) -> tuple[Membership, Office]:
    """The office whose column the user writes for; 404 for anyone who is not a writer."""
    membership = membership_of(request.user)
    return membership, office_or_404(request, membership, may=permissions.is_writer)


def reviewer_office(request: HttpRequest) -> tuple[Membership, Office]:
    membership = membership_of(request.user)
    return membership, office_or_404(request, membership, may=permissions.is_reviewer)


def act(request: HttpRequest, call: Callable[[], object], *, done: str = "") -> bool:
    return run_action(request, call, not_allowed=NotAllowed, refused=PublicityError, done=done)


def paginate(request: HttpRequest, rows, size: int = PAGE_SIZE) -> Page:
    return Paginator(rows, size).get_page(request.GET.get("page"))


def cover_response(article: Article, *, public: bool) -> FileResponse:
    """The article's cover image; 404 when it has none."""
    if not article.cover:
        raise Http404
    return stored_file_response(
        article.cover,
        content_type=article.cover_type,
        name=article.cover_name,
        size=article.cover_size,
        public=public,
    )


def attachment_response(attachment: ArticleAttachment, *, public: bool) -> FileResponse:
    return stored_file_response(
        attachment.file,
        content_type=attachment.content_type,
        name=attachment.original_name,
        size=attachment.size,
        public=public,
    )


def form_action(
    request: HttpRequest, form: forms.BaseForm, call: Callable[[], T], *, done: str
) -> T | None:
    """Run a form's service: what it returns, or None when it refused.

    `NotAllowed` answers 404; `Refused` becomes an error on the form as a whole, for the page
    to show again; success shows `done`.
    """
    try:
        result = call()
    except NotAllowed as exc:
        raise Http404 from exc
    except Refused as exc:
        form.add_error(None, exc.message)
        return None
    messages.success(request, done)
    return result
