"""Draft → review → publish, per role: those allowed succeed, the others get 404 (or the login
page) and nothing changes."""

from __future__ import annotations

import pytest

from huodong.core.models import AuditRecord
from huodong.publicity import selectors, services
from huodong.publicity.errors import NotAllowed, Refused
from huodong.publicity.models import (
    Article,
    ArticleEvent,
    ArticleStatus,
    Channel,
    PublicityPlacement,
)
from huodong.publicity.tests.conftest import draft, pdf, png, published


def _form(people, **extra):
    data = {
        "title": "综合处推进大讨论",
        "category": people.category().pk,
        "campaign": people.campaign.pk,
        "task": "",
        "summary": "摘要",
        "body_html": "<p>正文</p>",
    }
    data.update(extra)
    return data


def test_a_unit_head_writes_for_their_unit(people, client):
    client.force_login(people.head)
    response = client.post("/publicity/new/", _form(people, cover=png()))
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.author == people.head
    assert article.unit == people.head_unit
    assert article.status == ArticleStatus.DRAFT
    assert article.cover_type == "image/png"
    assert AuditRecord.objects.filter(action="publicity.article_create").count() == 1
    assert client.get(f"/publicity/articles/{article.pk}/").status_code == 200
    assert client.get(f"/publicity/articles/{article.pk}/cover/").status_code == 200


@pytest.mark.parametrize("who", ["director", "staff", "head"])
def test_writers_open_the_form(people, client, who):
    client.force_login(getattr(people, who))
    assert client.get("/publicity/new/").status_code == 200
    assert client.get("/publicity/").status_code == 200


def test_a_plain_member_may_not_write(people, client):
    client.force_login(people.plain)
    assert client.get("/publicity/").status_code == 404
    assert client.post("/publicity/new/", _form(people)).status_code == 404
    assert not Article.objects.exists()


def test_another_office_writes_only_in_its_own_column(people, client):
    published(people, title="本办的稿件")
    client.force_login(people.outsider)
    page = client.get("/publicity/")
    assert page.status_code == 200 and "本办的稿件" not in page.content.decode()
    # Our categories and campaign are not theirs to choose.
    assert client.post("/publicity/new/", _form(people)).status_code == 400
    assert Article.objects.count() == 1


def test_anonymous_goes_to_the_login(people, client):
    response = client.post("/publicity/new/", _form(people))
    assert response.status_code == 302 and "/login" in response["Location"]
    assert not Article.objects.exists()


def test_a_cover_must_be_an_image(people):
    with pytest.raises(Refused) as refused:
        draft(people, cover=pdf())
    assert refused.value.code == "cover_not_image"
    assert not Article.objects.exists()


def test_nobody_else_sees_a_draft(people, client):
    article = draft(people)
    for who in ["director", "staff", "other_head", "plain", "outsider"]:
        client.force_login(getattr(people, who))
        assert client.get(f"/publicity/articles/{article.pk}/").status_code == 404, who
        assert article not in selectors.articles_visible_to(user=getattr(people, who))
    client.force_login(people.head)
    assert client.get(f"/publicity/articles/{article.pk}/").status_code == 200


def test_the_whole_way_through_the_pages(people, client):
    article = draft(people, cover=png())
    services.article_attachment_add(actor=people.head, article=article, upload=pdf())
    client.force_login(people.head)
    assert client.post(f"/publicity/articles/{article.pk}/submit/").status_code == 302
    article.refresh_from_db()
    assert article.status == ArticleStatus.SUBMITTED and article.submitted_at

    # The writer can no longer edit; the 宣传室 now sees it; another unit's head does not.
    assert client.get(f"/publicity/articles/{article.pk}/edit/").status_code == 404
    client.force_login(people.other_head)
    assert client.get(f"/publicity/articles/{article.pk}/").status_code == 404
    assert client.post(f"/publicity/articles/{article.pk}/publish/").status_code == 404
    client.force_login(people.head)
    assert client.post(f"/publicity/articles/{article.pk}/publish/").status_code == 404
    article.refresh_from_db()
    assert article.status == ArticleStatus.SUBMITTED  # a writer does not publish

    client.force_login(people.staff)
    page = client.get("/publicity/review/")
    assert page.status_code == 200 and article.title in page.content.decode()
    client.post(f"/publicity/articles/{article.pk}/return/", {"comment": "请补充数据"})
    article.refresh_from_db()
    assert article.status == ArticleStatus.RETURNED
    assert article.review_comment == "请补充数据"

    client.force_login(people.head)
    page = client.get(f"/publicity/articles/{article.pk}/edit/")
    assert "请补充数据" in page.content.decode()
    response = client.post(
        f"/publicity/articles/{article.pk}/edit/", _form(people, title="修改后的标题")
    )
    assert response.status_code == 302
    client.post(f"/publicity/articles/{article.pk}/submit/")

    client.force_login(people.director)
    client.post(f"/publicity/articles/{article.pk}/publish/")
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    assert article.title == "修改后的标题"
    assert article.reviewed_by == people.director
    website = PublicityPlacement.objects.get(article=article)
    assert website.channel == Channel.WEBSITE
    assert website.link.endswith(f"/column/{people.office.pk}/articles/{article.pk}/")
    assert website.campaign == people.campaign

    # Everyone of the office now sees it; the other office does not.
    for who in ["plain", "other_head"]:
        assert article in selectors.articles_visible_to(user=getattr(people, who))
    client.force_login(people.outsider)
    assert client.get(f"/publicity/articles/{article.pk}/").status_code == 404

    client.force_login(people.director)
    client.post(f"/publicity/articles/{article.pk}/withdraw/", {"reason": "内容过时"})
    article.refresh_from_db()
    assert article.status == ArticleStatus.WITHDRAWN
    actions = list(ArticleEvent.objects.filter(article=article).values_list("action", flat=True))
    assert actions == [
        "created",
        "attachment_added",
        "submitted",
        "returned",
        "edited",
        "submitted",
        "published",
        "withdrawn",
    ]
    page = client.get(f"/publicity/articles/{article.pk}/").content.decode()
    assert "内容过时" in page and "请补充数据" in page


def test_publishing_again_logs_the_website_once(people):
    article = published(people)
    services.article_withdraw(actor=people.director, article=article)
    services.article_submit(actor=people.head, article=article)
    services.article_publish(actor=people.director, article=article)
    assert PublicityPlacement.objects.filter(article=article, channel=Channel.WEBSITE).count() == 1


def test_refusals_change_nothing(people):
    article = draft(people)
    with pytest.raises(Refused) as refused:
        services.article_publish(actor=people.director, article=article)
    assert refused.value.code == "wrong_status"
    with pytest.raises(NotAllowed):
        services.article_submit(actor=people.other_head, article=article)
    with pytest.raises(NotAllowed):
        services.article_update(
            actor=people.director,
            article=article,
            title="x",
            summary="",
            body_html="",
            category=people.category(),
        )
    services.article_submit(actor=people.head, article=article)
    with pytest.raises(Refused):
        services.article_return(actor=people.director, article=article, comment="  ")
    with pytest.raises(NotAllowed):
        services.article_publish(actor=people.outsider, article=article)
    with pytest.raises(NotAllowed):
        services.article_withdraw(actor=people.plain, article=article)
    article.refresh_from_db()
    assert article.status == ArticleStatus.SUBMITTED
    assert not PublicityPlacement.objects.exists()


def test_a_unit_head_writes_only_for_their_unit(people):
    other_unit = people.other_head.person.unit
    with pytest.raises(Refused):
        draft(people, unit=other_unit)


def test_the_list_filters_and_pages(people, client):
    for number in range(25):
        draft(people, by=people.director, title=f"稿件{number}")
    published(people, title="已发布的稿件")
    client.force_login(people.director)
    page = client.get("/publicity/?status=published").content.decode()
    assert "已发布的稿件" in page and "稿件3<" not in page
    page = client.get("/publicity/?page=2").content.decode()
    assert "2 / 2" in page or "第 2" in page or "Page 2 of 2" in page


def test_only_the_writer_deletes_a_draft(people, client):
    article = draft(people)
    client.force_login(people.director)
    assert client.post(f"/publicity/articles/{article.pk}/delete/").status_code == 404
    client.force_login(people.head)
    assert client.post(f"/publicity/articles/{article.pk}/delete/").status_code == 302
    assert not Article.objects.exists()


def test_attachments_follow_the_article(people, client):
    article = draft(people)
    client.force_login(people.head)
    response = client.post(f"/publicity/articles/{article.pk}/attachments/", {"file": pdf()})
    assert response.status_code == 302
    attachment = article.attachments.get()
    assert client.get(f"/publicity/attachments/{attachment.pk}/").status_code == 200
    client.force_login(people.director)
    assert client.get(f"/publicity/attachments/{attachment.pk}/").status_code == 404
    assert client.post(f"/publicity/attachments/{attachment.pk}/delete/").status_code == 404
    assert article.attachments.count() == 1
