"""Drafts from the records (recommended reflections, contest awards) and the demo."""

from __future__ import annotations

import datetime as dt

import pytest

from huodong.campaigns.models import Campaign
from huodong.contests.models import Award, Contest, ContestStatus, Entry, EntryStatus
from huodong.participation.models import Reflection, ReflectionStatus
from huodong.publicity import selectors, services
from huodong.publicity.demo import build_publicity_demo
from huodong.publicity.errors import Refused
from huodong.publicity.models import (
    Article,
    ArticleStatus,
    CategoryKey,
    Channel,
    PublicityPlacement,
)


@pytest.fixture
def sources(people):
    person = people.head.person
    reflection = Reflection.objects.create(
        campaign=people.campaign,
        person=person,
        title="推荐的心得",
        body="第一段心得。\n第二段<b>心得</b>。",
        status=ReflectionStatus.EXCELLENT,
        recommended_to_column=True,
    )
    contest = Contest.objects.create(
        office=people.office,
        campaign=people.campaign,
        title="主题征文",
        theme="解放思想",
        opens_on=dt.date(2018, 6, 1),
        closes_on=dt.date(2018, 6, 30),
        status=ContestStatus.PUBLISHED,
    )
    award = Award.objects.create(contest=contest, name="一等奖", places=1)
    entry = Entry.objects.create(
        contest=contest,
        number=1,
        title="获奖征文",
        body="征文正文。",
        author=person,
        status=EntryStatus.SUBMITTED,
        award=award,
    )
    return reflection, entry


def test_the_sources_page_drafts_from_each(people, sources, client):
    reflection, entry = sources
    client.force_login(people.staff)
    page = client.get("/publicity/sources/").content.decode()
    assert "推荐的心得" in page and "获奖征文" in page
    response = client.post(f"/publicity/sources/reflections/{reflection.pk}/draft/")
    assert response.status_code == 302
    article = Article.objects.get(reflection=reflection)
    assert article.category.key == CategoryKey.REFLECTIONS
    assert article.status == ArticleStatus.DRAFT and article.author == people.staff
    assert "<p>第二段&lt;b&gt;心得&lt;/b&gt;。</p>" in article.body_html
    client.post(f"/publicity/sources/entries/{entry.pk}/draft/")
    article = Article.objects.get(entry=entry)
    assert article.award == entry.award and article.category.key == CategoryKey.CONTEST
    assert "一等奖" in article.body_html
    # Once each.
    client.post(f"/publicity/sources/reflections/{reflection.pk}/draft/")
    assert Article.objects.filter(reflection=reflection).count() == 1


@pytest.mark.parametrize("who", ["head", "plain", "outsider"])
def test_only_the_office_drafts_from_sources(people, sources, client, who):
    reflection, entry = sources
    client.force_login(getattr(people, who))
    page = client.get("/publicity/sources/")
    if who == "outsider":  # their own office's sources, not ours
        assert page.status_code == 200 and "推荐的心得" not in page.content.decode()
    else:
        assert page.status_code == 404
    assert client.post(f"/publicity/sources/reflections/{reflection.pk}/draft/").status_code == 404
    assert client.post(f"/publicity/sources/entries/{entry.pk}/draft/").status_code == 404
    assert not Article.objects.exists()


def test_a_reflection_not_recommended_is_refused(people, sources):
    reflection, _entry = sources
    Reflection.objects.filter(pk=reflection.pk).update(recommended_to_column=False)
    with pytest.raises(Refused):
        services.article_draft_from_reflection(actor=people.director, reflection=reflection)


def test_the_demo_builder_on_a_fresh_office(people, settings):
    settings.HUODONG_TODAY = "2018-06-20"
    build_publicity_demo(people.campaign)
    articles = Article.objects.filter(office=people.office)
    published = articles.filter(status=ArticleStatus.PUBLISHED)
    assert published.count() == 6
    assert articles.filter(status=ArticleStatus.SUBMITTED).count() == 1
    assert articles.filter(status=ArticleStatus.RETURNED).count() == 1
    assert {a.category.key for a in published} == {
        CategoryKey.NEWS,
        CategoryKey.PROGRESS,
        CategoryKey.CONTEST,
        CategoryKey.REFLECTIONS,
    }
    for article in published:
        assert dt.date(2018, 5, 1) <= article.published_at.date() <= dt.date(2018, 6, 30)
    placements = PublicityPlacement.objects.filter(campaign=people.campaign)
    assert 14 <= placements.count() <= 18
    assert placements.filter(channel=Channel.WEBSITE).count() == 6
    assert placements.filter(task=people.task).count() >= 8
    assert selectors.published_articles_count(campaign=people.campaign) == 6


def test_the_demo_office_has_its_column(demo, settings):
    """`make run`'s demo office builds the column after the reflections and the contest, so a
    recommended reflection has become an article."""
    campaign = Campaign.objects.order_by("id").first()
    recommended = Reflection.objects.filter(campaign=campaign, recommended_to_column=True)
    published = Article.objects.filter(campaign=campaign, status=ArticleStatus.PUBLISHED)
    assert published.count() == 6
    assert recommended.exists()
    assert published.filter(reflection__isnull=False).exists()
    assert PublicityPlacement.objects.filter(campaign=campaign, task__isnull=False).exists()
