"""The publicity log: who records and deletes, the counts per channel, the export, the task tag,
the dashboard's selectors; and the share card."""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET

import pytest
from django.template import Context, Template
from openpyxl import load_workbook

from huodong.publicity import selectors, services
from huodong.publicity.errors import NotAllowed, Refused
from huodong.publicity.models import Channel, PublicityPlacement
from huodong.publicity.tests.conftest import draft, published


def _add(people, **extra):
    fields = {
        "actor": people.director,
        "office": people.office,
        "campaign": people.campaign,
        "channel": Channel.WECHAT,
        "date": dt.date(2018, 6, 1),
        "title": "公众号推送",
    }
    fields.update(extra)
    return services.placement_add(**fields)


def test_the_office_and_the_writer_record_placements(people, client):
    article = published(people)  # by the unit head; the website line is recorded
    client.force_login(people.head)
    url = f"/publicity/campaigns/{people.campaign.pk}/log/add/"
    response = client.post(
        url,
        {
            "article": article.pk,
            "channel": Channel.WEIBO,
            "date": "2018-06-02",
            "link": "https://weibo.com/x",
            "task": people.task.pk,
        },
    )
    assert response.status_code == 302
    placement = PublicityPlacement.objects.get(channel=Channel.WEIBO)
    assert placement.title == article.title and placement.task == people.task

    # Another unit's head may not log a piece that is not theirs, nor delete its lines.
    client.force_login(people.other_head)
    response = client.post(
        url, {"article": article.pk, "channel": Channel.APP, "date": "2018-06-02"}
    )
    assert response.status_code == 404
    assert client.post(f"/publicity/placements/{placement.pk}/delete/").status_code == 404
    client.force_login(people.plain)
    assert client.get(f"/publicity/campaigns/{people.campaign.pk}/log/").status_code == 404
    client.force_login(people.outsider)
    assert client.get(f"/publicity/campaigns/{people.campaign.pk}/log/").status_code == 404
    assert PublicityPlacement.objects.count() == 2

    client.force_login(people.head)
    assert client.post(f"/publicity/placements/{placement.pk}/delete/").status_code == 302
    client.force_login(people.staff)
    response = client.post(
        url, {"title": "报纸报道", "channel": Channel.NEWSPAPER, "date": "2018-06-03"}
    )
    assert response.status_code == 302
    assert PublicityPlacement.objects.count() == 2


def test_links_are_http_only(people):
    for link in ["javascript:alert(1)", "data:text/html,x", "ftp://x.example/a", "www.x.cn"]:
        with pytest.raises(Refused):
            _add(people, link=link)
    assert not PublicityPlacement.objects.exists()
    assert _add(people, link="https://mp.weixin.qq.com/s/abc").link


def test_refusals(people):
    with pytest.raises(Refused):
        _add(people, article=draft(people))  # not published
    with pytest.raises(NotAllowed):
        _add(people, actor=people.plain)
    with pytest.raises(NotAllowed):
        _add(people, actor=people.outsider)
    article = published(people)
    with pytest.raises(Refused):
        _add(people, article=article, channel=Channel.WEBSITE)
    assert PublicityPlacement.objects.count() == 1


def test_the_log_page_counts_filters_and_exports(people, client, django_assert_max_num_queries):
    article = published(people, task=people.task, title="首篇")
    for day in range(1, 6):
        _add(people, date=dt.date(2018, 6, day), task=people.task if day % 2 else None)
    _add(people, channel=Channel.TV, title="电视新闻", date=dt.date(2018, 6, 9))
    client.force_login(people.director)
    url = f"/publicity/campaigns/{people.campaign.pk}/log/"
    with django_assert_max_num_queries(20):
        page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "电视新闻" in html and "首篇" in html
    filtered = client.get(url + f"?task={people.task.pk}").content.decode()
    assert "电视新闻" not in filtered

    response = client.get(f"/publicity/campaigns/{people.campaign.pk}/log.xlsx?channel=wechat")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][0] == "序号" or rows[1][0] == "No."
    assert len(rows) == 2 + 5
    assert article.title not in [r[3] for r in rows[2:]]  # its line is the website's


def test_the_dashboard_selectors(people):
    published(people)
    _add(people, date=dt.date(2018, 6, 1))
    _add(people, date=dt.date(2018, 7, 1))
    counts = selectors.placements_by_channel(campaign=people.campaign)
    assert counts[Channel.WECHAT] == 2 and counts[Channel.WEBSITE] == 1 and counts[Channel.TV] == 0
    assert list(counts) == list(Channel.values)
    early = selectors.placements_by_channel(campaign=people.campaign, until=dt.date(2018, 6, 15))
    assert early[Channel.WECHAT] == 1
    assert selectors.published_articles_count(campaign=people.campaign) == 1
    assert (
        selectors.published_articles_count(campaign=people.campaign, until=dt.date(2000, 1, 1)) == 0
    )


def test_the_task_tag(people):
    _add(people, task=people.task)
    _add(people, task=people.task, channel=Channel.WEIBO)
    html = Template("{% load publicity_tags %}{% publicity_for_task task %}").render(
        Context({"task": people.task})
    )
    assert f"/publicity/campaigns/{people.campaign.pk}/log/?task={people.task.pk}" in html
    assert "2" in html


def test_the_share_card(people, client):
    article = published(people, title="分享卡片的标题", summary="分享卡片的摘要")
    public = f"/column/{people.office.pk}/articles/{article.pk}/"
    client.force_login(people.staff)
    page = client.get(f"/publicity/articles/{article.pk}/share/").content.decode()
    assert "分享卡片的标题" in page and "分享卡片的摘要" in page
    assert 'class="qr"' in page and "<path" in page
    assert public in page
    response = client.get(f"/publicity/articles/{article.pk}/share.svg")
    assert response["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = response.content.decode()
    assert "分享卡片的标题" in text and public in text
    assert root.find("{http://www.w3.org/2000/svg}svg") is not None  # the QR code

    other = draft(people, by=people.staff)
    assert client.get(f"/publicity/articles/{other.pk}/share/").status_code == 404
    client.force_login(people.outsider)
    assert client.get(f"/publicity/articles/{article.pk}/share/").status_code == 404
