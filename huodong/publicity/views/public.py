"""/column/<office>/: the office's public site, without login.

The home (the newest articles by category, the public mailbox of each running campaign, the
public outcomes), the article list by category, an article, its cover and attachments. Only
published articles exist here: anything else answers 404. Each page reads a fixed number of
queries however many articles there are.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from huodong.core import clock
from huodong.publicity import selectors
from huodong.publicity.views.common import attachment_response, cover_response, paginate

PUBLIC_PAGE_SIZE = 15


def _public(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "public, max-age=60"
    return response


@require_GET
def home(request: HttpRequest, office_id: int) -> HttpResponse:
    office = selectors.public_office(office_id)
    return _public(
        render(
            request,
            "publicity/public/home.html",
            {
                "office": office,
                "sections": selectors.latest_by_category(office=office),
                "campaigns": selectors.running_campaigns(office, today=clock.today()),
            },
        )
    )


@require_GET
def article_list(request: HttpRequest, office_id: int) -> HttpResponse:
    office = selectors.public_office(office_id)
    categories = selectors.categories(office)
    rows = selectors.published_articles(office=office)
    chosen = request.GET.get("category", "")
    category = next((c for c in categories if str(c.pk) == chosen), None)
    if category is not None:
        rows = rows.filter(category=category)
    page = paginate(request, rows, PUBLIC_PAGE_SIZE)
    return _public(
        render(
            request,
            "publicity/public/list.html",
            {
                "office": office,
                "categories": categories,
                "category": category,
                "page": page,
                "query": f"category={category.pk}" if category else "",
            },
        )
    )


@require_GET
def article_detail(request: HttpRequest, office_id: int, article_id: int) -> HttpResponse:
    article = selectors.public_article(office_id, article_id)
    return _public(
        render(
            request,
            "publicity/public/article.html",
            {
                "office": article.office,
                "article": article,
                "attachments": list(article.attachments.all()),
            },
        )
    )


@require_GET
def cover(request: HttpRequest, office_id: int, article_id: int):
    return cover_response(selectors.public_article(office_id, article_id), public=True)


@require_GET
def attachment(request: HttpRequest, office_id: int, attachment_id: int):
    return attachment_response(selectors.public_attachment(office_id, attachment_id), public=True)
