"""One click reminds those short: after commit, once a day, only by those who may."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from huodong.core.models import AuditRecord
from huodong.notifications.models import Notification, NotificationKind
from huodong.orgs.models import Person, Role, Unit, UnitKind
from huodong.participation.errors import NotAllowed, Refused
from huodong.participation.models import StudyRecord, StudySource
from huodong.participation.services.compliance import requirement_remind_short
from huodong.participation.services.study_tallies import study_tallies_change
from huodong.participation.tasks import send_requirement_reminders
from huodong.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.HUODONG_TODAY = "2018-06-20"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def study(campaign, person, n):
    StudyRecord.objects.bulk_create(
        StudyRecord(
            campaign=campaign,
            person=person,
            kind="self",
            date=dt.date(2018, 6, 1),
            material="学习",
            source=StudySource.LOGGED,
        )
        for _ in range(n)
    )
    # Written around the services, so their tallies too.
    study_tallies_change(campaign_id=campaign.pk, records=[(person.pk, "self")] * n, by=1)


def reminded() -> set[str]:
    return set(
        Notification.objects.filter(kind=NotificationKind.REQUIREMENT).values_list(
            "recipient__username", flat=True
        )
    )


def remind(actor, requirement, *, unit_id=None, period_key=""):
    return requirement_remind_short(
        actor=actor, requirement=requirement, period_key=period_key, unit_id=unit_id
    )


EVERYONE_SHORT = {"colleague", "outsider", "secretary", "head", "director"}


def test_the_director_reminds_everyone_short_once_a_day(
    org, campaign, requirements, settings, django_capture_on_commit_callbacks
):
    study(campaign, org.person(org.staff), 4)  # met: not reminded
    study(campaign, org.person(org.colleague), 3)
    Person.objects.create(office=campaign.office, unit=org.department, name="无账号")
    studies = requirements["studies"]

    with django_capture_on_commit_callbacks(execute=True):
        outcome = remind(org.director, studies)
    assert outcome.enqueued
    assert (outcome.plan.short, outcome.plan.unreachable, outcome.plan.to_send) == (6, 1, 5)
    assert reminded() == EVERYONE_SHORT
    note = Notification.objects.get(recipient=org.colleague)
    assert note.url == reverse("participation:my_progress", args=[campaign.pk])
    assert "学习" in note.body and "3" in note.body and "4" in note.body
    assert note.dedupe_key == f"participation.requirement.{studies.pk}.all.2018-06-20"

    # A second click the same day sends nothing new, and says so.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = remind(org.director, studies)
    assert not again.enqueued and callbacks == []
    assert (again.plan.already, again.plan.to_send) == (5, 0)
    assert Notification.objects.count() == 5

    # The next day, those still short are reminded again.
    settings.HUODONG_TODAY = "2018-06-21"
    with django_capture_on_commit_callbacks(execute=True):
        assert remind(org.director, studies).enqueued
    assert Notification.objects.count() == 10
    assert AuditRecord.objects.filter(action="requirement.remind").count() == 3


def test_nothing_is_enqueued_before_the_commit(
    org, campaign, requirements, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        remind(org.director, requirements["studies"])
    assert len(callbacks) == 1
    assert not Notification.objects.exists()
    # The task recomputes who is short when it runs: 李四 has caught up meanwhile.
    study(campaign, org.person(org.colleague), 4)
    with django_capture_on_commit_callbacks(execute=True):
        callbacks[0]()
    assert reminded() == EVERYONE_SHORT - {"colleague"} | {"staff"}


def test_running_the_task_twice_sends_once(org, campaign, requirements):
    studies = requirements["studies"]
    first = send_requirement_reminders.call(studies.pk, "", None, org.director.pk)
    assert first == 6
    assert send_requirement_reminders.call(studies.pk, "", None, org.director.pk) == 0
    assert Notification.objects.count() == 6


def test_words_reminders_say_how_long_the_reflection_is(org, campaign, requirements):
    from huodong.participation.models import Reflection, ReflectionStatus

    Reflection.objects.create(
        campaign=campaign,
        person=org.person(org.staff),
        title="x",
        word_count=1820,
        status=ReflectionStatus.SUBMITTED,
        submitted_at=dt.datetime(2018, 6, 1, tzinfo=dt.UTC),
    )
    send_requirement_reminders.call(requirements["words"].pk, "", None, org.director.pk)
    note = Notification.objects.get(recipient=org.staff)
    assert "1,820" in note.body and "3,000" in note.body and "2,700" in note.body


def test_a_unit_head_reminds_only_their_own_people(
    org, campaign, requirements, django_capture_on_commit_callbacks
):
    studies = requirements["studies"]
    with django_capture_on_commit_callbacks(execute=True):
        outcome = remind(org.unit_head, studies)
    assert outcome.plan.short == 4
    assert reminded() == {"staff", "colleague", "secretary", "head"}
    with pytest.raises(NotAllowed):
        remind(org.unit_head, studies, unit_id=org.other_department.pk)


def test_staff_and_viewers_may_not_remind(
    org, campaign, requirements, make_member, office, django_capture_on_commit_callbacks
):
    inspector = make_member(office, role=Role.INSPECTOR, unit=org.other_department)
    with django_capture_on_commit_callbacks(execute=True):
        for user in (org.staff, inspector):
            with pytest.raises(NotAllowed):
                remind(user, requirements["studies"])
    assert not Notification.objects.exists()
    assert not AuditRecord.objects.filter(action="requirement.remind").exists()


def test_the_campaign_as_a_whole_has_nobody_to_remind(org, campaign, requirements):
    with pytest.raises(Refused) as refused:
        remind(org.director, requirements["discussion"], period_key="2018-06")
    assert refused.value.code == "not_remindable"


def test_a_short_branch_is_reminded_through_its_secretary(
    org, campaign, requirements, django_capture_on_commit_callbacks
):
    Unit.objects.create(office=campaign.office, name="无人支部", kind=UnitKind.BRANCH)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = remind(org.director, requirements["problems"])
    assert (outcome.plan.short, outcome.plan.unreachable, outcome.plan.recipients) == (2, 1, 1)
    assert reminded() == {"secretary"}
    note = Notification.objects.get()
    assert "政管办党支部 0/2" in note.body
    assert note.url.startswith(
        reverse(
            "participation:requirement_compliance",
            args=[campaign.pk, requirements["problems"].pk],
        )
    )


def test_the_remind_button(client, org, campaign, requirements, django_capture_on_commit_callbacks):
    assert client.login(username=org.director.username, password=TEST_PASSWORD)
    studies = requirements["studies"]
    page = reverse("participation:requirement_compliance", args=[campaign.pk, studies.pk])
    button = reverse("participation:requirement_remind", args=[campaign.pk, studies.pk])
    body = client.get(page).content.decode()
    assert button in body and "6" in body  # everyone is short
    assert client.get(button).status_code == 405

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(button, {"period": "", "unit": ""}, follow=True)
    assert response.redirect_chain[-1][0].startswith(page)
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    assert Notification.objects.count() == 6
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(button, {"period": ""}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["info"]
    assert Notification.objects.count() == 6

    assert client.login(username=org.staff.username, password=TEST_PASSWORD)
    assert client.post(button).status_code == 404
