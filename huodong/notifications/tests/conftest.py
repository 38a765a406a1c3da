import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO

import pytest
from django.core.management import call_command

from huodong.campaigns.models import Campaign, Task, TaskUnit, TaskUnitRole
from huodong.campaigns.tests.conftest import seed_campaign  # noqa: F401 (a fixture)
from huodong.notifications.models import Notification
from huodong.orgs.models import Office, Role, Unit, UnitKind, User

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def immediate_tasks(settings):
    """Run enqueued tasks at once, in this process, as a worker would."""
    settings.TASKS = IMMEDIATE


@dataclass
class World:
    """A campaign of four tasks and the people around their units.

    Task 1 (due 2018-06-27): lead 综合处, co-unit 业务处.
    Task 2 (due 2018-06-22): lead 综合处 and 督查处.
    Task 3 (due 2018-06-25): lead 综合处, already completed.
    Task 4: lead 综合处, every month, no single deadline.
    """

    office: Office
    campaign: Campaign
    lead: Unit
    second_lead: Unit
    co: Unit
    other: Unit
    tasks: dict[int, Task]
    users: dict[str, User]

    def user(self, name: str) -> User:
        return self.users[name]


def _unit(office: Office, name: str) -> Unit:
    return Unit.objects.create(office=office, name=name, kind=UnitKind.DEPARTMENT)


@pytest.fixture
def world(office, make_member) -> World:
    lead, second_lead = _unit(office, "综合处"), _unit(office, "督查处")
    co, other = _unit(office, "业务处"), _unit(office, "市场处")
    campaign = Campaign.objects.create(
        office=office,
        title="解放思想大讨论活动",
        start=dt.date(2018, 5, 20),
        end=dt.date(2018, 12, 31),
    )
    specs = {
        1: ("开展大学习大调研", dt.date(2018, 6, 27), None, [lead], [co]),
        2: ("召开专题座谈会", dt.date(2018, 6, 22), None, [lead, second_lead], []),
        3: ("制定实施方案", dt.date(2018, 6, 25), dt.date(2018, 6, 10), [lead], []),
        4: ("每月报送工作信息", None, None, [lead], []),
    }
    tasks = {}
    for seq, (text, due, completed_on, leads, cos) in specs.items():
        task = Task.objects.create(
            campaign=campaign, seq=seq, text=text, due=due, completed_on=completed_on
        )
        for order, unit in enumerate(leads):
            TaskUnit.objects.create(task=task, unit=unit, role=TaskUnitRole.LEAD, order=order)
        for order, unit in enumerate(cos):
            TaskUnit.objects.create(task=task, unit=unit, role=TaskUnitRole.CO, order=order)
        tasks[seq] = task
    people = {
        "head": (Role.UNIT_HEAD, lead, lead),
        "contact": (Role.UNIT_CONTACT, lead, lead),
        "second_head": (Role.UNIT_HEAD, second_lead, second_lead),
        "co_head": (Role.UNIT_HEAD, co, co),
        "co_contact": (Role.UNIT_CONTACT, co, co),
        "other_head": (Role.UNIT_HEAD, other, other),
        "secretary": (Role.BRANCH_SECRETARY, lead, lead),
        "staff": (None, lead, None),
        "office_staff": (Role.OFFICE_STAFF, other, None),
    }
    users = {}
    for username, (role, unit, role_unit) in people.items():
        user = make_member(office, role=role, unit=unit, role_unit=role_unit, username=username)
        user.email = f"{username}@example.gov.cn"
        user.save(update_fields=["email"])
        users[username] = user
    return World(office, campaign, lead, second_lead, co, other, tasks, users)


def received(since_id: int = 0) -> set[tuple[str, str | None]]:
    """(username, dedupe key) of the notifications created after `since_id`."""
    return set(
        Notification.objects.filter(pk__gt=since_id).values_list(
            "recipient__username", "dedupe_key"
        )
    )


def last_id() -> int:
    return Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.fixture
def run_day(settings, django_capture_on_commit_callbacks) -> Callable[..., str]:
    """Move the clock to `day` and run the scheduler as cron would; returns its output."""

    def run(day: str, *args: str) -> str:
        settings.HUODONG_TODAY = day
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("schedule_reminders", *args, stdout=out)
        return out.getvalue()

    return run
