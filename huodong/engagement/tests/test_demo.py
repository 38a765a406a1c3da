"""The engagement demo at 2018-06-20: seminars with guests and opinions, the park visit's
problems (one replied, one resolved, one overdue), the monthly 大家谈 over the study sessions,
and the online activities. One build, checked all at once (the demo takes a while)."""

from __future__ import annotations

from django.urls import reverse

from huodong.campaigns.models import Campaign, RequirementMeasure
from huodong.core import clock
from huodong.engagement.demo import build_engagement_demo
from huodong.engagement.models import (
    EnterpriseProblemStatus,
    Meeting,
    MeetingKind,
    OnlineActivity,
    OnlineParticipation,
)
from huodong.engagement.selectors import problems_for
from huodong.orgs.models import User
from huodong.orgs.permissions import membership_of
from huodong.participation.selectors.compliance import compliance_for, requirement_period
from huodong.suggestions.models import Suggestion, SuggestionSource


def test_the_engagement_demo(demo, client):
    campaign = Campaign.objects.get()
    build_engagement_demo(campaign)
    build_engagement_demo(campaign)  # a second call adds nothing

    seminars = Meeting.objects.filter(campaign=campaign, kind=MeetingKind.SEMINAR)
    assert seminars.count() == 2
    for seminar in seminars:
        assert seminar.minutes and seminar.files.count() == 1
        guests = seminar.attendees.filter(is_external=True)
        assert guests.count() >= 4 and not guests.filter(attended_at__isnull=True).exists()
        assert 2 <= seminar.suggestions.count() <= 3
        assert set(seminar.suggestions.values_list("source", flat=True)) == {
            SuggestionSource.MEETING
        }

    visit = Meeting.objects.get(campaign=campaign, kind=MeetingKind.PARK_VISIT)
    assert visit.park == "宿迁经济技术开发区"
    assert visit.enterprises.count() == 3
    director = User.objects.get(username="zhongchonghao")
    problems = list(problems_for(membership_of(director), campaign, today=clock.today()))
    statuses = [p.status for p in problems]
    assert len(problems) == 5
    assert statuses.count(EnterpriseProblemStatus.REPLIED) == 1
    assert statuses.count(EnterpriseProblemStatus.RESOLVED) == 1
    assert [p.is_overdue for p in problems].count(True) == 1
    assert all(p.assigned_unit_id for p in problems)

    discussions = Meeting.objects.filter(
        campaign=campaign, kind=MeetingKind.OPEN_DISCUSSION
    ).order_by("starts_at")
    assert [m.starts_at.month for m in discussions] == [5, 6, 7]
    assert all(m.study_session_id for m in discussions)
    june = discussions[1]
    assert june.headcount == 42
    assert june.attendees.filter(attended_at__isnull=False).count() == (
        june.study_session.records.filter(source__in=("sign_in", "marked")).count()
    )
    # The monthly discussion is still held once in June.
    requirement = campaign.requirements.get(measure=RequirementMeasure.SESSIONS)
    period = requirement_period(requirement, None, today=clock.today())
    assert compliance_for(requirement, period, now=clock.now(), scope=None).summary().met == 1

    assert OnlineActivity.objects.filter(campaign=campaign).count() == 3
    units = set(OnlineParticipation.objects.values_list("unit", flat=True))
    assert len(units) >= 4
    assert Suggestion.objects.filter(source=SuggestionSource.ONLINE).count() == 3

    client.force_login(director)
    for url in (
        reverse("engagement:meetings", args=[campaign.pk]),
        reverse("engagement:meeting", args=[visit.pk]),
        reverse("engagement:meeting", args=[seminars.first().pk]),
        reverse("engagement:problems", args=[campaign.pk]),
        reverse("engagement:activities", args=[campaign.pk]),
        reverse("engagement:activity", args=[OnlineActivity.objects.first().pk]),
    ):
        assert client.get(url).status_code == 200, url
