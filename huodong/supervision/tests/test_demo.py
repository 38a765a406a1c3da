"""The demo's supervision story, played on the demo office at 2018-06-20."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from huodong.campaigns.lights import Light
from huodong.campaigns.models import Campaign
from huodong.campaigns.selectors import tasks_with_lights
from huodong.core import clock
from huodong.core.demo_office import DEMO_PASSWORD, build_demo_office
from huodong.core.uploads import DOCX_TYPE
from huodong.orgs.models import Role, RoleAssignment
from huodong.supervision.demo import build_supervision_demo
from huodong.supervision.models import (
    EventKind,
    OverdueReason,
    ProgressReport,
    ReportStatus,
    TaskEvent,
    TaskTracking,
    TrackingStatus,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    build_demo_office()
    # The demo office plays this part of the story itself.
    return Campaign.objects.get()


def status(campaign, seq):
    return TaskTracking.objects.get(task__campaign=campaign, task__seq=seq).status


def test_tasks_in_progress_have_reports(demo):
    for seq in (7, 8, 10, 11):
        assert status(demo, seq) == TrackingStatus.IN_PROGRESS
        reports = ProgressReport.objects.filter(task__campaign=demo, task__seq=seq)
        assert [r.status for r in reports] == [ReportStatus.SUBMITTED]
    minutes = ProgressReport.objects.get(task__campaign=demo, task__seq=7).attachments.get()
    assert minutes.content_type == DOCX_TYPE
    assert minutes.original_name.endswith(".docx")
    # 业务处 and 市场处 got a head with a login to act for them.
    for username, unit in (("yewuchu", "业务处"), ("shichangchu", "市场处")):
        assert RoleAssignment.objects.filter(
            person__user__username=username, role=Role.UNIT_HEAD, unit__name=unit
        ).exists()


def test_task_2_is_overdue_with_the_reason_of_zonghechu(demo):
    task = tasks_with_lights(demo, today=clock.today()).get(seq=2)
    assert task.light == Light.OVERDUE
    reason = OverdueReason.objects.get(task=task)
    assert reason.unit.name == "综合处"
    assert reason.author.username == "zonghechu"


def test_task_6_was_returned_once_and_submitted_again(demo):
    tracking = TaskTracking.objects.get(task__campaign=demo, task__seq=6)
    assert tracking.status == TrackingStatus.SUBMITTED
    assert tracking.returned_count == 1
    events = TaskEvent.objects.filter(task=tracking.task)
    assert [e.kind for e in events] == [
        EventKind.RECEIVED,
        EventKind.REPORT,
        EventKind.SUBMITTED,
        EventKind.RETURNED,
        EventKind.REPORT,
        EventKind.SUBMITTED,
    ]
    returned = events.get(kind=EventKind.RETURNED)
    assert returned.actor.username == "zhongchonghao"
    assert "签到表" in returned.note
    # Staged on the campaign's calendar, in order, before the demo day.
    days = [timezone.localtime(e.created_at).date() for e in events]
    assert days == sorted(days)
    assert days[3] == dt.date(2018, 6, 13)
    assert days[-1] < dt.date(2018, 6, 20)


def test_the_foundations_completions_still_tell_their_story(demo):
    lights = dict(tasks_with_lights(demo, today=clock.today()).values_list("seq", "light"))
    assert {lights[seq] for seq in (1, 3, 5, 9)} == {Light.DONE_ON_TIME}
    assert lights[4] == Light.DONE_LATE


def test_the_demo_pages_show_the_story(demo, client):
    task_6 = reverse("campaigns:task", args=[demo.pk, 6])
    client.login(username="ducha", password=DEMO_PASSWORD)
    html = client.get(task_6).content.decode()
    assert reverse("supervision:accept", args=[demo.pk, 6]) in html
    assert "签到表" in html
    ledger = client.get(reverse("supervision:ledger", args=[demo.pk])).content.decode()
    assert 'data-seq="2"' in ledger and "自查范围扩大到各窗口" in ledger
    assert client.get(reverse("supervision:rates", args=[demo.pk])).status_code == 200
    client.login(username="zonghechu", password=DEMO_PASSWORD)
    html = client.get(task_6).content.decode()
    assert reverse("supervision:accept", args=[demo.pk, 6]) not in html


def test_building_it_twice_changes_nothing(demo):
    events = TaskEvent.objects.count()
    build_supervision_demo(demo)
    assert TaskEvent.objects.count() == events
