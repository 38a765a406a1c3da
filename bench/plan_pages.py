"""The plan pages at growing size: schedule, campaign home and task page, time and SQL queries."""

import datetime as dt
from importlib import resources

from bench.figures import QueryCounts, page


def run(*, timed, p):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from huodong.campaigns.models import Task, TaskUnit, TaskUnitRole
    from huodong.campaigns.plan_import import parse_plan
    from huodong.campaigns.services import campaign_create_from_plan
    from huodong.orgs.models import Office, Role, Unit
    from huodong.orgs.services import person_create, person_grant_login, role_assign

    office = Office.objects.create(name="页面基准办公室")
    data = resources.files("huodong.campaigns").joinpath("seeds", "plan-2018-9.docx").read_bytes()
    campaign = campaign_create_from_plan(actor=None, office=office, plan=parse_plan(data, "p"))
    unit = Unit.objects.filter(office=office).first()
    person = person_create(actor=None, office=office, name="基准", unit=unit)
    person_grant_login(actor=None, person=person, username="bench", password="Bench-pass-2018")
    role_assign(actor=None, person=person, role=Role.OFFICE_DIRECTOR)
    client = Client()
    client.login(username="bench", password="Bench-pass-2018")
    phase = campaign.phases.first()
    units = list(Unit.objects.filter(office=office)[:2])

    rows = []
    counts = QueryCounts()
    for size in (15, 1_500, 15_000):
        have = campaign.tasks.count()
        tasks = Task.objects.bulk_create(
            Task(
                campaign=campaign,
                seq=100 + i,
                phase=phase,
                text=f"任务{i}",
                due=dt.date(2018, 5, 1) + dt.timedelta(days=i % 240),
            )
            for i in range(have, size)
        )
        TaskUnit.objects.bulk_create(
            TaskUnit(task=t, unit=u, role=TaskUnitRole.LEAD, order=n)
            for t in tasks
            for n, u in enumerate(units)
        )
        for label, url in (
            ("schedule page", f"/campaigns/{campaign.pk}/schedule/"),
            ("schedule filtered by light", f"/campaigns/{campaign.pk}/schedule/?light=overdue"),
            ("campaign home", f"/campaigns/{campaign.pk}/"),
            ("task page", f"/campaigns/{campaign.pk}/tasks/1/"),
        ):
            assert client.get(url).status_code == 200, url
            samples = timed(lambda url=url: client.get(url), repeat=20)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            rows.append(
                page(
                    f"{label}, {size:,} tasks",
                    samples,
                    len(queries),
                    p=p,
                    queries_constant=counts.constant(label, len(queries)),
                )
            )
    return rows
