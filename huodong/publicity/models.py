"""The public column (专栏) and the publicity log (宣传报道台账).

An article goes draft → submitted (待审核) → published, or back to its writer (returned, with the
reviewer's comment) to be edited and submitted again; a published one can be withdrawn. Its body
is stored already sanitised (`huodong.publicity.sanitize`). Only published articles reach the
public: pages, feed, cover and attachments.

A placement is one outing of a piece on one channel (the website, WeChat, Weibo, the app, a
newspaper, TV) with its date and link; publishing an article records its website placement.
Placements may count for the plan's publicity task.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huodong.campaigns.models import Campaign, Task
from huodong.core import clock
from huodong.core.models import StoredFile, random_stored_name
from huodong.orgs.models import Office, Unit


class CategoryKey(models.TextChoices):
    """The default categories every office gets; an office may add its own (no key)."""

    NEWS = "news", "新闻动态"
    REFLECTIONS = "reflections", "心得推荐"
    CONTEST = "contest", "征文获奖"
    PROGRESS = "progress", "工作进展"


class ArticleCategory(models.Model):
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="article_categories")
    name = models.CharField(_("name"), max_length=40)
    key = models.CharField(max_length=12, choices=CategoryKey.choices, blank=True, default="")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("column category")
        verbose_name_plural = _("column categories")
        ordering = ["office", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["office", "name"], name="article_category_name_unique"),
            models.UniqueConstraint(
                fields=["office", "key"], condition=~Q(key=""), name="article_category_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting review")
    RETURNED = "returned", _("Returned for revision")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def cover_path(instance: Article, filename: str) -> str:
    return random_stored_name("column/covers", filename)


class Article(models.Model):
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="articles")
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    category = models.ForeignKey(
        ArticleCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="articles",
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    body_html = models.TextField(_("text"), blank=True)  # always sanitised by the services
    cover = models.FileField(upload_to=cover_path, max_length=200, blank=True)
    cover_name = models.CharField(max_length=200, blank=True)
    cover_size = models.PositiveBigIntegerField(null=True, blank=True)
    cover_type = models.CharField(max_length=100, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("of a text", "author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The unit a unit head or contact wrote for (their progress news); shown as the source.
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Where the piece came from, if it was drafted from a record.
    reflection = models.ForeignKey(
        "participation.Reflection",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="column_articles",
    )
    award = models.ForeignKey(
        "contests.Award",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="column_articles",
    )
    entry = models.ForeignKey(
        "contests.Entry",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="column_articles",
    )
    task = models.ForeignKey(
        Task,
        verbose_name=_("counted for task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )

    class Meta:
        verbose_name = _("column article")
        verbose_name_plural = _("column articles")
        ordering = ["-published_at", "-updated_at", "-id"]
        indexes = [
            models.Index(fields=["office", "status", "published_at"], name="article_public"),
            models.Index(fields=["campaign", "status"], name="article_campaign_status"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED


def attachment_path(instance: ArticleAttachment, filename: str) -> str:
    return random_stored_name("column/attachments", filename)


class ArticleAttachment(StoredFile):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)

    class Meta(StoredFile.Meta):
        verbose_name = _("article attachment")
        verbose_name_plural = _("article attachments")


class ArticleEvent(models.Model):
    """The history of an article: created, edited, submitted, returned, published, withdrawn."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    comment = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.action}"


class Channel(models.TextChoices):
    WEBSITE = "website", _("Website")
    WECHAT = "wechat", _("WeChat")
    WEIBO = "weibo", _("Weibo")
    APP = "app", _("News app")
    NEWSPAPER = "newspaper", _("Newspaper")
    TV = "tv", _("TV")


class PublicityPlacement(models.Model):
    """One outing of a piece on one channel (宣传报道台账 line)."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="placements")
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="placements"
    )
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="placements"
    )
    title = models.CharField(_("title"), max_length=200)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    date = models.DateField(_("date"))
    link = models.URLField(_("link"), max_length=500, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    task = models.ForeignKey(
        Task,
        verbose_name=_("counted for task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="placements",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("publicity placement")
        verbose_name_plural = _("publicity placements")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["campaign", "channel", "date"], name="placement_channel")]
        constraints = [
            models.UniqueConstraint(
                fields=["article"],
                condition=Q(channel="website", article__isnull=False),
                name="placement_website_once_per_article",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.title}"
