"""Every transition of the lifecycle, who may perform it, and what a refusal leaves behind."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from huodong.campaigns.lights import Light
from huodong.campaigns.selectors import task_get
from huodong.campaigns.services import task_record_completion, task_reopen
from huodong.core.models import AuditRecord
from huodong.notifications.models import Notification
from huodong.supervision import services
from huodong.supervision.errors import NotAllowed, SupervisionError, TransitionRefused
from huodong.supervision.lifecycle import Transition
from huodong.supervision.models import EventKind, TaskEvent, TaskTracking, TrackingStatus

from .conftest import ROLES, TODAY
from .helpers import (
    ALLOWED,
    ALLOWED_FROM,
    RESULT,
    START,
    STATES,
    TRANSITIONS,
    report,
    snapshot,
    status_of,
    to_accepted,
    to_submitted,
)

pytestmark = pytest.mark.django_db

ACTOR_OF = {"receive": "lead_head", "submit": "lead_head", "accept": "director"}
ACTOR_OF |= {"return": "inspector", "reopen": "staff"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("transition", list(TRANSITIONS))
def test_who_may_perform_each_transition(world, transition, role):
    STATES[START[transition]](world)
    before = snapshot()
    if role in ALLOWED[transition]:
        TRANSITIONS[transition](world, world[role])
        assert status_of(world.task) == RESULT[transition]
        event = TaskEvent.objects.order_by("pk").last()
        assert event.actor == world[role]
        assert event.to_status == RESULT[transition]
    else:
        with pytest.raises(NotAllowed):
            TRANSITIONS[transition](world, world[role])
        assert snapshot() == before


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("transition", list(TRANSITIONS))
def test_each_transition_starts_only_from_its_states(world, transition, state):
    STATES[state](world)
    actor = world[ACTOR_OF[transition]]
    before = snapshot()
    if state in ALLOWED_FROM[transition]:
        TRANSITIONS[transition](world, actor)
        assert status_of(world.task) == RESULT[transition]
    else:
        with pytest.raises(TransitionRefused):
            TRANSITIONS[transition](world, actor)
        assert snapshot() == before
        assert status_of(world.task) == state


def test_the_whole_story_is_logged_with_actor_unit_and_time(world):
    to_submitted(world)
    services.task_return(actor=world["director"], task=world.task, reason="缺少签到表")
    report(world, world["lead_contact"], text="已补充签到表")
    services.task_submit(actor=world["lead_contact"], task=world.task, note="已补充")
    services.task_accept(actor=world["inspector"], task=world.task, note="同意")
    events = list(TaskEvent.objects.filter(task=world.task))
    assert [e.kind for e in events] == [
        EventKind.RECEIVED,
        EventKind.REPORT,
        EventKind.SUBMITTED,
        EventKind.RETURNED,
        EventKind.REPORT,
        EventKind.SUBMITTED,
        EventKind.ACCEPTED,
    ]
    assert [e.actor for e in events] == [
        world["lead_head"],
        world["lead_head"],
        world["lead_head"],
        world["director"],
        world["lead_contact"],
        world["lead_contact"],
        world["inspector"],
    ]
    assert events[0].unit == world.lead
    assert events[3].note == "缺少签到表"
    assert all(timezone.is_aware(e.created_at) for e in events)
    # On a pinned day, events happen on that day.
    assert {timezone.localtime(e.created_at).date() for e in events} == {TODAY}
    tracking = TaskTracking.objects.get(task=world.task)
    assert tracking.returned_count == 1
    assert tracking.accepted_by == world["inspector"]
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {"task.receive", "task.submit", "task.return", "task.accept", "task.complete"} <= actions


def test_acceptance_records_the_completion_date_and_the_light_follows(world):
    to_accepted(world)
    world.task.refresh_from_db()
    assert world.task.completed_on == TODAY
    assert task_get(world.campaign, seq=1, today=TODAY).light == Light.DONE_ON_TIME


def test_a_late_task_accepted_today_is_done_late(world):
    services.task_receive(actor=world["lead_head"], task=world.late_task)
    report(world, task=world.late_task)
    services.task_submit(actor=world["lead_head"], task=world.late_task)
    services.task_accept(actor=world["director"], task=world.late_task)
    assert task_get(world.campaign, seq=2, today=TODAY).light == Light.DONE_LATE


def test_submitting_needs_a_report_of_the_lead_unit(world):
    services.task_receive(actor=world["lead_head"], task=world.task)
    # A co-unit's report does not start the lead unit's work.
    report(world, world["co_head"], unit=world.co)
    assert status_of(world.task) == TrackingStatus.RECEIVED
    before = snapshot()
    with pytest.raises(TransitionRefused) as refused:
        services.task_submit(actor=world["lead_head"], task=world.task)
    assert refused.value.code == "submit_from_received"
    assert snapshot() == before


def test_a_return_needs_a_reason(world):
    to_submitted(world)
    before = snapshot()
    with pytest.raises(SupervisionError) as refused:
        services.task_return(actor=world["director"], task=world.task, reason="  ")
    assert refused.value.code == "reason_required"
    assert snapshot() == before


def test_an_accepted_task_cannot_be_returned(world):
    to_accepted(world)
    before = snapshot()
    with pytest.raises(TransitionRefused):
        services.task_return(actor=world["director"], task=world.task, reason="再改改")
    assert snapshot() == before
    world.task.refresh_from_db()
    assert world.task.completed_on == TODAY


def test_reopen_withdraws_the_completion(world):
    to_accepted(world)
    services.task_reopen_accepted(actor=world["director"], task=world.task, note="需补充")
    world.task.refresh_from_db()
    assert world.task.completed_on is None
    tracking = TaskTracking.objects.get(task=world.task)
    assert tracking.status == TrackingStatus.IN_PROGRESS
    assert tracking.accepted_at is None
    # And the lead unit can carry it through again.
    services.task_submit(actor=world["lead_head"], task=world.task)
    services.task_accept(actor=world["director"], task=world.task)
    world.task.refresh_from_db()
    assert world.task.completed_on == TODAY


def test_a_completion_recorded_on_the_schedule_counts_as_accepted(world):
    task_record_completion(actor=None, task=world.task, completed_on=dt.date(2018, 6, 1))
    with pytest.raises(TransitionRefused):
        services.task_receive(actor=world["lead_head"], task=world.task)
    # The office may still reopen it from here; it was never received, so it is assigned again.
    services.task_reopen_accepted(actor=world["director"], task=world.task)
    world.task.refresh_from_db()
    assert world.task.completed_on is None
    assert status_of(world.task) == TrackingStatus.ASSIGNED


def test_a_completion_withdrawn_on_the_schedule_reopens_the_lifecycle(world):
    to_accepted(world)
    task_reopen(actor=world["director"], task=world.task)
    services.task_submit(actor=world["lead_head"], task=world.task)
    assert status_of(world.task) == TrackingStatus.SUBMITTED


def test_accepting_twice_records_one_acceptance(world):
    to_submitted(world)
    services.task_accept(actor=world["director"], task=world.task)
    with pytest.raises(TransitionRefused):
        services.task_accept(actor=world["inspector"], task=world.task)
    assert TaskEvent.objects.filter(kind=EventKind.ACCEPTED).count() == 1
    assert AuditRecord.objects.filter(action="task.complete").count() == 1
    assert TaskTracking.objects.get(task=world.task).accepted_by == world["director"]


def test_a_move_made_by_someone_else_in_between_is_refused(world):
    """The conditional update, not the earlier read, decides (as when two requests race)."""
    to_submitted(world)
    stale = TaskTracking.objects.get(task=world.task)
    services.task_accept(actor=world["director"], task=world.task)
    before = snapshot()
    with pytest.raises(TransitionRefused):
        services._move(
            stale,
            Transition.ACCEPT,
            TrackingStatus.ACCEPTED,
            actor=world["inspector"],
            kind=EventKind.ACCEPTED,
        )
    assert snapshot() == before


def _race(action, count: int = 2) -> list[str]:
    barrier = threading.Barrier(count)
    outcomes: list[str] = []

    def run() -> None:
        try:
            barrier.wait()
            action()
            outcomes.append("done")
        except TransitionRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need a server database (SQLite's test database is shared-cache)",
)
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_accepts_and_submits_record_once(world):
    from huodong.campaigns.models import Task

    to_submitted(world)
    task = Task.objects.get(pk=world.task.pk)
    outcome = _race(lambda: services.task_accept(actor=world["director"], task=task))
    assert outcome == ["done", "refused"]
    assert TaskEvent.objects.filter(kind=EventKind.ACCEPTED).count() == 1
    assert AuditRecord.objects.filter(action="task.complete").count() == 1

    services.task_reopen_accepted(actor=world["director"], task=task)
    outcome = _race(lambda: services.task_submit(actor=world["lead_head"], task=task))
    assert outcome == ["done", "refused"]
    assert TaskEvent.objects.filter(kind=EventKind.SUBMITTED).count() == 2


def test_the_office_is_told_of_a_submission_and_the_lead_unit_of_the_answer(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        to_submitted(world)
    office = {world["director"], world["staff"], world["seat"]}
    assert {n.recipient for n in Notification.objects.all()} == office
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        services.task_return(actor=world["director"], task=world.task, reason="补材料")
    notes = list(Notification.objects.all())
    assert {n.recipient for n in notes} == {world["lead_head"], world["lead_contact"]}
    assert all(n.body == "补材料" and n.url.endswith("/tasks/1/") for n in notes)
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        services.task_submit(actor=world["lead_head"], task=world.task)
        services.task_accept(actor=world["inspector"], task=world.task)
    lead = {world["lead_head"], world["lead_contact"]}
    # The lead unit's own submitter is not told about their own submission; the office is.
    accepted = TaskEvent.objects.get(kind=EventKind.ACCEPTED)
    told = Notification.objects.filter(dedupe_key=f"supervision.event.{accepted.pk}")
    assert {n.recipient for n in told} == lead


def test_nothing_is_sent_when_the_transition_is_refused(world, django_capture_on_commit_callbacks):
    to_accepted(world)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(TransitionRefused),
    ):
        services.task_accept(actor=world["director"], task=world.task)
    assert callbacks == []
