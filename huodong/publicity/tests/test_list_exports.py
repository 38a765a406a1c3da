"""The column's article list as .xlsx: the rows the writer's list shows, with its filters."""

from __future__ import annotations

from django.urls import reverse

from huodong.orgs.tests.test_list_exports import (  # noqa: F401 (fixture)
    _language_restored,
    assert_flat_queries,
    export_rows,
    last_audit,
    logged_in,
)
from huodong.publicity.models import ArticleStatus
from huodong.publicity.tests.conftest import draft, published

URL = reverse("publicity:list_export")


def test_the_export_is_the_filtered_list_as_the_user_sees_it(people, client):
    published(people, title="已发布的稿件")
    draft(people, title="综合处的草稿")
    draft(people, by=people.other_head, title="业务处的草稿")

    rows = export_rows(logged_in(client, people.head).get(URL))
    titles = {row[0] for row in rows[2:]}
    # A writer sees the published pieces and their own drafts, never another writer's draft.
    assert titles == {"已发布的稿件", "综合处的草稿"}
    assert rows[1][:4] == ("Title", "Campaign", "Category", "Status")

    rows = export_rows(client.get(URL, {"status": ArticleStatus.DRAFT}))
    assert [row[0] for row in rows[2:]] == ["综合处的草稿"]
    assert last_audit("publicity.export_articles").changes["rows"] == 1


def test_who_may_not_write_gets_no_file(people, client):
    published(people, title="本办的稿件")
    response = logged_in(client, people.plain).get(URL)
    assert response.status_code == 404
    assert "attachment" not in response.get("Content-Disposition", "")
    # Another office's director exports their own office's list: none of these articles.
    rows = export_rows(logged_in(client, people.outsider).get(URL))
    assert rows[2:] == []


def test_queries_stay_flat(people, client, django_assert_max_num_queries):
    published(people, title="第一篇")
    logged_in(client, people.director)
    assert_flat_queries(
        client,
        URL,
        lambda: [published(people, title=f"稿件{n}") for n in range(8)],
        django_assert_max_num_queries,
    )
