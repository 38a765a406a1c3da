"""/column/<office>/feed.atom: the office's newest published articles as an Atom feed."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from huodong.orgs.models import Office
from huodong.publicity import selectors
from huodong.publicity.models import Article

FEED_SIZE = 20


class ColumnFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, office_id: int) -> Office:  # type: ignore[override]
        return selectors.public_office(office_id)

    def title(self, obj: Office) -> str:
        return _("%(office)s · Column") % {"office": obj.name}

    def link(self, obj: Office) -> str:
        return reverse("column:home", args=[obj.pk])

    def subtitle(self, obj: Office) -> str:
        return _("The newest articles of the public column.")

    def items(self, obj: Office) -> list[Article]:
        return list(selectors.published_articles(office=obj)[:FEED_SIZE])

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.summary or item.title

    def item_link(self, item: Article) -> str:
        return reverse("column:article", args=[item.office_id, item.pk])

    def item_pubdate(self, item: Article) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Article) -> dt.datetime | None:
        return item.published_at

    def item_categories(self, item: Article) -> list[str]:
        return [item.category.name]
