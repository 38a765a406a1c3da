import datetime as dt
from importlib import resources

import pytest

from huodong.campaigns.models import Campaign, Phase, Task, TaskUnit, TaskUnitRole
from huodong.campaigns.plan_import import parse_plan
from huodong.campaigns.services import campaign_create_from_plan
from huodong.orgs.models import Office, Unit, UnitKind


def seed_bytes(name: str) -> bytes:
    return resources.files("huodong.campaigns").joinpath("seeds", name).read_bytes()


@pytest.fixture
def seed_campaign(office: Office) -> Campaign:
    plan = parse_plan(seed_bytes("plan-2018-9.docx"), "plan-2018-9.docx")
    return campaign_create_from_plan(
        actor=None, office=office, plan=plan, source_name="plan-2018-9.docx"
    )


def grow_campaign(campaign: Campaign, *, total_tasks: int) -> None:
    """Add tasks (each with two lead units) until the campaign has `total_tasks`."""
    phase = Phase.objects.filter(campaign=campaign).first() or Phase.objects.create(
        campaign=campaign, name="阶段", start=dt.date(2018, 5, 1), end=dt.date(2018, 12, 31)
    )
    units = list(Unit.objects.filter(office=campaign.office)[:2]) or [
        Unit.objects.create(office=campaign.office, name=f"单位{i}", kind=UnitKind.DEPARTMENT)
        for i in range(2)
    ]
    start = Task.objects.filter(campaign=campaign).count()
    tasks = Task.objects.bulk_create(
        Task(
            campaign=campaign,
            seq=1000 + i,
            phase=phase,
            text=f"任务{i}",
            due=dt.date(2018, 5, 1) + dt.timedelta(days=i % 240),
        )
        for i in range(total_tasks - start)
    )
    TaskUnit.objects.bulk_create(
        TaskUnit(task=task, unit=unit, role=TaskUnitRole.LEAD, order=order)
        for task in tasks
        for order, unit in enumerate(units)
    )
