"""Reads of the column and the publicity log, scoped to what the reader may see.

`published_articles` and `articles_visible_to` are also what the open API serves.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils import timezone

from huodong.campaigns.models import Campaign
from huodong.orgs.models import Office
from huodong.orgs.permissions import Membership, membership_of
from huodong.publicity import permissions
from huodong.publicity.models import (
    Article,
    ArticleAttachment,
    ArticleCategory,
    ArticleStatus,
    Channel,
    PublicityPlacement,
)

NEWEST_FIRST = ("-published_at", "-id")


def published_articles(*, office: Office | int) -> QuerySet[Article]:
    """The office's published articles, newest first (what the public sees)."""
    office_id = office if isinstance(office, int) else office.pk
    return (
        Article.objects.filter(office_id=office_id, status=ArticleStatus.PUBLISHED)
        .select_related("category")
        .order_by(*NEWEST_FIRST)
    )


def articles_visible_to(*, user: Any) -> QuerySet[Article]:
    """Every article the user may see (see `permissions`): their office's published ones, their
    own, and for the 宣传室 everything but other writers' drafts."""
    membership = membership_of(user)
    user_id = user.pk if getattr(user, "is_authenticated", False) else None
    rows = Article.objects.select_related("category", "campaign", "author", "unit")
    if membership.is_superuser:
        return rows.filter(~Q(status=ArticleStatus.DRAFT) | Q(author_id=user_id)).order_by(
            "-updated_at", "-id"
        )
    if membership.office_id is None:
        return rows.none()
    condition = permissions.visible_filter(membership, user_id, membership.office_id)
    if condition is None:
        return rows.none()
    return rows.filter(Q(office_id=membership.office_id) & condition).order_by("-updated_at", "-id")


def article_for(user: Any, article_id: int) -> Article:
    """One article the user may see; 404 otherwise."""
    article = articles_visible_to(user=user).filter(pk=article_id).first()
    if article is None:
        raise Http404
    return article


def categories(office: Office | int) -> list[ArticleCategory]:
    office_id = office if isinstance(office, int) else office.pk
    return list(ArticleCategory.objects.filter(office_id=office_id).order_by("order", "id"))


def review_queue(*, office: Office) -> QuerySet[Article]:
    return (
        Article.objects.filter(office=office, status=ArticleStatus.SUBMITTED)
        .select_related("category", "campaign", "author", "unit")
        .order_by("submitted_at", "id")
    )


# --- Public -------------------------------------------------------------------------------


def public_office(office_id: int) -> Office:
    office = Office.objects.filter(pk=office_id).first()
    if office is None:
        raise Http404
    return office


def latest_by_category(*, office: Office, per_category: int = 5) -> list[tuple[Any, list]]:
    """The newest published articles of each category, in the categories' order (two queries)."""
    cats = categories(office)
    ranked = (
        published_articles(office=office)
        .annotate(
            place=Window(
                RowNumber(),
                partition_by=[F("category_id")],
                order_by=[F("published_at").desc(), F("id").desc()],
            )
        )
        .filter(place__lte=per_category)
    )
    grouped: dict[int, list[Article]] = {}
    for article in ranked:
        grouped.setdefault(article.category_id, []).append(article)
    return [(category, grouped[category.pk]) for category in cats if category.pk in grouped]


def public_article(office_id: int, article_id: int) -> Article:
    """A published article of the office, with its category; 404 for anything else."""
    article = (
        published_articles(office=office_id)
        .select_related("office", "unit")
        .filter(pk=article_id)
        .first()
    )
    if article is None:
        raise Http404
    return article


def public_attachment(office_id: int, attachment_id: int) -> ArticleAttachment:
    attachment = (
        ArticleAttachment.objects.select_related("article")
        .filter(
            pk=attachment_id,
            article__office_id=office_id,
            article__status=ArticleStatus.PUBLISHED,
        )
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment


def running_campaigns(office: Office, *, today: dt.date) -> list[Campaign]:
    return list(
        Campaign.objects.filter(office=office, start__lte=today, end__gte=today).order_by(
            "-start", "-id"
        )
    )


# --- The publicity log --------------------------------------------------------------------


def placements(
    *,
    campaign: Campaign,
    channel: str = "",
    task_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[PublicityPlacement]:
    rows = PublicityPlacement.objects.filter(campaign=campaign).select_related(
        "article", "task", "recorded_by"
    )
    if channel:
        rows = rows.filter(channel=channel)
    if task_id is not None:
        rows = rows.filter(task_id=task_id)
    if date_from is not None:
        rows = rows.filter(date__gte=date_from)
    if date_to is not None:
        rows = rows.filter(date__lte=date_to)
    return rows.order_by("-date", "-id")


def channel_counts(rows: QuerySet[PublicityPlacement]) -> dict[str, int]:
    """Every channel (in the channels' order) with its number of placements in `rows`."""
    counts = {value: 0 for value in Channel.values}
    for row in rows.order_by().values("channel").annotate(n=Count("id")):
        counts[row["channel"]] = row["n"]
    return counts


def placements_by_channel(*, campaign: Campaign, until: dt.date | None = None) -> dict[str, int]:
    """For the dashboard: the campaign's placements per channel (every channel, zeros too), up
    to and including `until`."""
    rows = PublicityPlacement.objects.filter(campaign=campaign)
    if until is not None:
        rows = rows.filter(date__lte=until)
    return channel_counts(rows)


def placements_for_task(task_id: int) -> dict[str, int]:
    return channel_counts(PublicityPlacement.objects.filter(task_id=task_id))


def published_articles_count(*, campaign: Campaign, until: dt.date | None = None) -> int:
    """For the dashboard: the campaign's articles published (and not withdrawn) by `until`."""
    rows = Article.objects.filter(campaign=campaign, status=ArticleStatus.PUBLISHED)
    if until is not None:
        end = timezone.make_aware(dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
        rows = rows.filter(published_at__lt=end)
    return rows.count()


def placement_for(membership: Membership, placement_id: int) -> PublicityPlacement:
    placement = (
        PublicityPlacement.objects.select_related("article", "campaign")
        .filter(pk=placement_id)
        .first()
    )
    if placement is None or not permissions.is_writer(membership, placement.office_id):
        raise Http404
    return placement
