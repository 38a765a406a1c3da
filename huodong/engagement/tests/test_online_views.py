"""Online activity pages per role, the per-unit table in constant queries, screenshots, and the
campaign's links."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from huodong.engagement import services
from huodong.engagement.models import OnlineParticipation
from huodong.engagement.tests.conftest import exe, png
from huodong.suggestions.models import Suggestion

pytestmark = pytest.mark.django_db

DAY = dt.date(2018, 6, 15)


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def activity(campaign, org, pinned):
    return services.online_activity_create(
        actor=org.director,
        campaign=campaign,
        title="高质量发展之我见",
        starts_on=dt.date(2018, 6, 1),
        ends_on=dt.date(2018, 7, 30),
        collects_ideas=True,
    )


def url(name: str, *args) -> str:
    return reverse(f"engagement:{name}", args=args)


def test_staff_record_their_participation(client, org, activity):
    client.force_login(org.invited)
    page = client.get(url("activity", activity.pk)).content.decode()
    assert "Record my participation" in page and "By unit" not in page
    refused = client.post(url("activity", activity.pk), {"date": DAY.isoformat()})
    assert refused.status_code == 400
    assert "Give the link to your contribution" in refused.content.decode()
    wrong = client.post(
        url("activity", activity.pk), {"date": DAY.isoformat(), "screenshot": exe("shot.png")}
    )
    assert wrong.status_code == 400 and not OnlineParticipation.objects.exists()
    done = client.post(
        url("activity", activity.pk),
        {"date": DAY.isoformat(), "screenshot": png(), "text": "建议推广容缺受理。"},
    )
    assert done.status_code == 302
    row = OnlineParticipation.objects.get()
    assert client.get(url("participation_screenshot", row.pk)).status_code == 200
    client.force_login(org.staff)
    assert client.get(url("participation_screenshot", row.pk)).status_code == 404
    assert client.post(url("participation_delete", row.pk)).status_code == 404
    assert OnlineParticipation.objects.exists()


def test_the_office_sees_everyone_and_sends_ideas_to_the_pool(client, org, activity):
    row = services.online_participation_record(
        actor=org.invited, activity=activity, date=DAY, evidence_url="https://x.cn/1", text="献策"
    )
    client.force_login(org.director)
    page = client.get(url("activity", activity.pk)).content.decode()
    assert "By unit" in page and "Send to the pool" in page
    assert client.post(url("participation_to_pool", row.pk)).status_code == 302
    assert Suggestion.objects.get().online_participation == row
    assert "In the suggestion pool" in client.get(url("activity", activity.pk)).content.decode()
    client.force_login(org.leader)
    assert "By unit" in client.get(url("activity", activity.pk)).content.decode()
    assert client.post(url("participation_to_pool", row.pk)).status_code == 404


def test_only_the_office_sets_up_activities(client, org, campaign, activity):
    client.force_login(org.head)
    assert client.get(url("activity_create", campaign.pk)).status_code == 404
    assert client.get(url("activity_edit", activity.pk)).status_code == 404
    client.force_login(org.director)
    response = client.post(
        url("activity_create", campaign.pk),
        {"title": "解放思想大家谈", "url": "https://www.example.cn/djt"},
    )
    assert response.status_code == 302
    bad = client.post(url("activity_create", campaign.pk), {"title": "x", "url": "ftp://x"})
    assert bad.status_code == 200
    client.force_login(org.stranger)
    assert client.get(url("activities", campaign.pk)).status_code == 404


def test_the_activity_page_runs_in_constant_queries(
    client, org, activity, make_member, office, django_assert_max_num_queries
):
    def record(n: int, start: int) -> None:
        for i in range(start, start + n):
            user = make_member(office, unit=org.market if i % 2 else org.business)
            services.online_participation_record(
                actor=user, activity=activity, date=DAY, evidence_url=f"https://x.cn/{i}"
            )

    record(2, 0)
    client.force_login(org.director)
    client.get(url("activity", activity.pk))
    with django_assert_max_num_queries(25) as small:
        client.get(url("activity", activity.pk))
    record(12, 2)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(url("activity", activity.pk)).content.decode()
    assert page.count("data-participation=") == 14


def test_the_campaign_links(org, campaign, activity, rf: RequestFactory):
    template = Template("{% load engagement_tags %}{% engagement_links campaign %}")

    def render(user) -> str:
        request = rf.get("/")
        request.user = user
        return template.render(Context({"request": request, "campaign": campaign}))

    office_links = render(org.director)
    assert url("meetings", campaign.pk) in office_links
    assert url("problems", campaign.pk) in office_links
    assert url("activities", campaign.pk) in office_links
    staff_links = render(org.staff)
    assert url("meetings", campaign.pk) in staff_links
    assert url("problems", campaign.pk) not in staff_links
    assert render(org.stranger).strip() == ""
