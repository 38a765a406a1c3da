"""The public column: only published articles exist there, the feed is valid Atom, and each
page reads a fixed number of queries."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from huodong.publicity import services
from huodong.publicity.models import ArticleStatus, CategoryKey
from huodong.publicity.tests.conftest import draft, pdf, png, published

ATOM = "{http://www.w3.org/2005/Atom}"


def _in_every_state(people):
    """One article per state, each with a cover and an attachment."""
    made = {}
    for state in ["draft", "submitted", "returned", "withdrawn", "published"]:
        article = draft(people, title=f"状态{state}稿件", cover=png())
        services.article_attachment_add(actor=people.head, article=article, upload=pdf())
        if state != "draft":
            services.article_submit(actor=people.head, article=article)
        if state == "returned":
            services.article_return(actor=people.director, article=article, comment="改")
        if state in ("withdrawn", "published"):
            services.article_publish(actor=people.director, article=article)
        if state == "withdrawn":
            services.article_withdraw(actor=people.director, article=article)
        article.refresh_from_db()
        assert article.status == state
        made[state] = article
    return made


def test_unpublished_pieces_are_invisible_to_the_public(people, client):
    made = _in_every_state(people)
    office_id = people.office.pk
    pages = [
        client.get(f"/column/{office_id}/").content.decode(),
        client.get(f"/column/{office_id}/articles/").content.decode(),
        client.get(f"/column/{office_id}/feed.atom").content.decode(),
    ]
    for state, article in made.items():
        visible = state == ArticleStatus.PUBLISHED
        for page in pages:
            assert (article.title in page) is visible, (state, page[:200])
        expected = 200 if visible else 404
        assert client.get(f"/column/{office_id}/articles/{article.pk}/").status_code == expected
        assert (
            client.get(f"/column/{office_id}/articles/{article.pk}/cover/").status_code == expected
        )
        attachment = article.attachments.get()
        assert (
            client.get(f"/column/{office_id}/attachments/{attachment.pk}/").status_code == expected
        )


def test_another_offices_address_shows_nothing(people, client):
    article = published(people)
    other = people.other_office.pk
    assert client.get(f"/column/{other}/articles/{article.pk}/").status_code == 404
    assert article.title not in client.get(f"/column/{other}/").content.decode()
    assert client.get("/column/99999/").status_code == 404


def test_the_home_links_the_mailbox_and_the_outcomes(people, client, settings):
    settings.HUODONG_TODAY = "2018-06-20"
    published(people, title="新闻一则")
    published(people, title="心得一篇", category=people.category(CategoryKey.REFLECTIONS))
    page = client.get(f"/column/{people.office.pk}/").content.decode()
    assert f"/mailbox/{people.campaign.pk}/" in page
    assert f"/outcomes/public/{people.office.pk}/" in page
    assert "新闻一则" in page and "心得一篇" in page
    assert "print.css" in page


def test_the_list_filters_by_category(people, client):
    published(people, title="新闻一则")
    published(people, title="心得一篇", category=people.category(CategoryKey.REFLECTIONS))
    reflections = people.category(CategoryKey.REFLECTIONS)
    page = client.get(f"/column/{people.office.pk}/articles/?category={reflections.pk}")
    html = page.content.decode()
    assert "心得一篇" in html and "新闻一则" not in html


def test_the_feed_is_valid_atom_newest_first(people, client):
    for number in range(23):
        published(people, title=f"第{number}篇", summary=f"摘要{number}")
    response = client.get(f"/column/{people.office.pk}/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}title").text
    assert root.find(f"{ATOM}id").text
    assert root.find(f"{ATOM}updated").text
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 20
    assert entries[0].find(f"{ATOM}title").text == "第22篇"
    for entry in entries:
        for tag in ("id", "title", "updated", "link"):
            assert entry.find(f"{ATOM}{tag}") is not None
        assert "/column/" in entry.find(f"{ATOM}link").get("href")


@pytest.mark.parametrize("count", [2, 25])
def test_public_pages_keep_their_queries(people, client, django_assert_max_num_queries, count):
    articles = [
        published(people, title=f"稿件{n}", cover=png() if n % 2 else None) for n in range(count)
    ]
    services.article_attachment_add(
        actor=people.director, article=draft(people, by=people.director), upload=pdf()
    )
    office_id = people.office.pk
    last = articles[-1]
    for url, limit in [
        (f"/column/{office_id}/", 4),
        (f"/column/{office_id}/articles/", 4),
        (f"/column/{office_id}/articles/{last.pk}/", 2),
        (f"/column/{office_id}/feed.atom", 2),
    ]:
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200, url


def test_phone_pages_do_not_scroll_sideways(people, live_server, browser):
    from huodong.conftest import new_browser_page

    long_body = "<p>" + "政务服务" * 200 + "</p><p>https://example.gov.cn/" + "a" * 200 + "</p>"
    long_body += "<table><tr>" + "<td>很宽的表格单元格内容</td>" * 20 + "</tr></table>"
    article = published(people, title="很长的标题" * 10, body=long_body, summary="摘要" * 100)
    page = new_browser_page(browser, phone=True)
    try:
        for url in [
            f"/column/{people.office.pk}/articles/",
            f"/column/{people.office.pk}/articles/{article.pk}/",
            f"/column/{people.office.pk}/",
        ]:
            page.goto(live_server.url + url)
            wide = page.evaluate("document.documentElement.scrollWidth")
            inner = page.evaluate("window.innerWidth")
            assert wide <= inner, (url, wide, inner)
    finally:
        page.context.close()
