"""Enterprise visits: enterprises found or added by name, problems carried from assignment
through reply to resolution (and reopened by the office), each change with its event."""

from __future__ import annotations

import datetime as dt

import pytest

from huodong.core import clock
from huodong.engagement import services
from huodong.engagement.errors import NotAllowed, Refused
from huodong.engagement.models import (
    Enterprise,
    EnterpriseProblem,
    EnterpriseProblemEvent,
    MeetingKind,
)
from huodong.engagement.models import EnterpriseProblemStatus as Status
from huodong.engagement.selectors import problems_for
from huodong.engagement.tests.conftest import Org, at
from huodong.notifications.models import Notification
from huodong.orgs.permissions import membership_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(make_meeting, pinned):
    return make_meeting(
        kind=MeetingKind.PARK_VISIT, title="便民方舟进园区", park="宿迁经济技术开发区"
    )


@pytest.fixture
def enterprise(visit, org):
    return services.visit_enterprise_add(
        actor=org.head,
        meeting=visit,
        name="江苏某电子科技有限公司",
        contact_name="刘经理",
        contact_phone="0527-8888888",
    )


def assigned(visit, enterprise, org: Org, description: str, deadline: dt.date) -> EnterpriseProblem:
    """A problem the visit's organiser records, assigned to 市场处 with `deadline`."""
    return services.enterprise_problem_add(
        actor=org.head,
        meeting=visit,
        enterprise=enterprise,
        description=description,
        assigned_unit=org.market,
        deadline=deadline,
    )


def history(problem) -> list[tuple[str, str]]:
    return list(
        EnterpriseProblemEvent.objects.filter(problem=problem)
        .order_by("pk")
        .values_list("from_status", "to_status")
    )


def test_an_enterprise_is_found_by_its_name(visit, enterprise, org):
    again = services.visit_enterprise_add(
        actor=org.director, meeting=visit, name="江苏某电子科技有限公司"
    )
    assert again.pk == enterprise.pk
    assert again.contact_phone == "0527-8888888"  # kept when none is given
    assert enterprise.park == "宿迁经济技术开发区"
    assert list(visit.enterprises.all()) == [enterprise]


def test_only_a_visit_records_enterprises(make_meeting, org, pinned):
    seminar = make_meeting()
    with pytest.raises(Refused) as refused:
        services.visit_enterprise_add(actor=org.head, meeting=seminar, name="某公司")
    assert refused.value.code == "not_a_visit"
    with pytest.raises(NotAllowed):
        services.visit_enterprise_add(actor=org.invited, meeting=seminar, name="某公司")
    assert not Enterprise.objects.exists()


def test_a_problem_from_recorded_to_resolved(
    visit, enterprise, org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        problem = assigned(visit, enterprise, org, "企业用地手续办理时间长。", dt.date(2018, 6, 30))
    assert problem.status == Status.ASSIGNED
    told = Notification.objects.get(recipient=org.market_head)
    assert told.dedupe_key == f"engagement.problem.{problem.pk}.assigned.{org.market.pk}"
    services.enterprise_problem_reply(
        actor=org.market_head, problem=problem, reply="已协调国土部门，本月内办结。"
    )
    services.enterprise_problem_resolve(
        actor=org.market_head, problem=problem, resolution="6月28日已办结。"
    )
    problem.refresh_from_db()
    assert problem.status == Status.RESOLVED and problem.resolved_at is not None
    assert history(problem) == [
        (Status.RECORDED, Status.RECORDED),
        (Status.RECORDED, Status.ASSIGNED),
        (Status.ASSIGNED, Status.REPLIED),
        (Status.REPLIED, Status.RESOLVED),
    ]
    with pytest.raises(NotAllowed):
        services.enterprise_problem_reopen(actor=org.market_head, problem=problem, reason="x")
    with django_capture_on_commit_callbacks(execute=True):
        services.enterprise_problem_reopen(
            actor=org.director, problem=problem, reason="企业反映仍未解决。"
        )
    problem.refresh_from_db()
    assert problem.status == Status.ASSIGNED and problem.resolved_at is None
    assert Notification.objects.filter(recipient=org.market_head).count() == 2


def test_who_answers_a_problem(visit, enterprise, org):
    problem = services.enterprise_problem_add(
        actor=org.head, meeting=visit, enterprise=enterprise, description="融资难。"
    )
    before = (problem.status, problem.reply)
    with pytest.raises(Refused) as refused:
        services.enterprise_problem_reply(actor=org.director, problem=problem, reply="答复")
    assert refused.value.code == "not_assigned"
    services.enterprise_problem_assign(
        actor=org.head, problem=problem, unit=org.market, deadline=dt.date(2018, 7, 10)
    )
    for outsider in (org.invited, org.head, org.staff, org.stranger):
        with pytest.raises(NotAllowed):
            services.enterprise_problem_reply(actor=outsider, problem=problem, reply="答复")
    problem.refresh_from_db()
    assert problem.reply == before[1]
    # The office answers any problem.
    services.enterprise_problem_reply(actor=org.director, problem=problem, reply="答复")


@pytest.mark.parametrize(
    ("deadline", "code"),
    [(None, "deadline_required"), (dt.date(2018, 6, 1), "deadline_past")],
)
def test_an_assignment_needs_a_deadline_to_come(visit, enterprise, org, deadline, code):
    problem = services.enterprise_problem_add(
        actor=org.head, meeting=visit, enterprise=enterprise, description="融资难。"
    )
    with pytest.raises(Refused) as refused:
        services.enterprise_problem_assign(
            actor=org.head, problem=problem, unit=org.market, deadline=deadline
        )
    assert refused.value.code == code
    problem.refresh_from_db()
    assert problem.assigned_unit is None and problem.status == Status.RECORDED
    assert len(history(problem)) == 1


def test_empty_or_duplicate_problems_are_refused(visit, enterprise, org):
    with pytest.raises(Refused):
        services.enterprise_problem_add(
            actor=org.head, meeting=visit, enterprise=enterprise, description=" "
        )
    services.enterprise_problem_add(
        actor=org.head, meeting=visit, enterprise=enterprise, description="融资难。"
    )
    with pytest.raises(Refused) as refused:
        services.enterprise_problem_add(
            actor=org.head, meeting=visit, enterprise=enterprise, description="融资难。"
        )
    assert refused.value.code == "duplicate_problem"
    assert EnterpriseProblem.objects.count() == 1


def test_overdue_is_a_past_deadline_unresolved(visit, enterprise, org, campaign, settings):
    settings.HUODONG_TODAY = "2018-06-01"
    with clock.frozen_at(at("2018-06-01", "10:00")):
        late = assigned(visit, enterprise, org, "审批慢。", dt.date(2018, 6, 10))
        done = assigned(visit, enterprise, org, "停车难。", dt.date(2018, 6, 10))
        services.enterprise_problem_resolve(actor=org.director, problem=done, resolution="已解决")
        later = assigned(visit, enterprise, org, "招工难。", dt.date(2018, 6, 30))
    membership = membership_of(org.director)
    today = dt.date(2018, 6, 20)
    rows = {p.pk: p.is_overdue for p in problems_for(membership, campaign, today=today)}
    assert rows == {late.pk: True, done.pk: False, later.pk: False}
    overdue = problems_for(membership, campaign, today=today, overdue_only=True)
    assert [p.pk for p in overdue] == [late.pk]


def test_a_unit_head_sees_the_problems_of_their_unit(visit, enterprise, org, campaign):
    mine = services.enterprise_problem_add(
        actor=org.head,
        meeting=visit,
        enterprise=enterprise,
        description="A",
        assigned_unit=org.market,
        deadline=dt.date(2018, 7, 1),
    )
    services.enterprise_problem_add(
        actor=org.head,
        meeting=visit,
        enterprise=enterprise,
        description="B",
        assigned_unit=org.business,
        deadline=dt.date(2018, 7, 1),
    )
    today = dt.date(2018, 6, 20)
    seen = problems_for(membership_of(org.market_head), campaign, today=today)
    assert [p.pk for p in seen] == [mine.pk]
    # The visit's organisers see every problem of their visit; plain staff none.
    assert problems_for(membership_of(org.head), campaign, today=today).count() == 2
    assert not problems_for(membership_of(org.staff), campaign, today=today).exists()
    assert Org.person(org.staff)  # (a member of the office all the same)


def test_the_assigned_unit_is_reminded_on_the_deadline_and_while_overdue(
    visit, enterprise, org, campaign, settings
):
    from huodong.engagement.tasks import send_enterprise_problem_reminders

    settings.HUODONG_TODAY = "2018-06-01"
    with clock.frozen_at(at("2018-06-01", "10:00")):
        open_problem = assigned(visit, enterprise, org, "审批慢。", dt.date(2018, 6, 10))
        solved = assigned(visit, enterprise, org, "停车难。", dt.date(2018, 6, 10))
        services.enterprise_problem_resolve(actor=org.director, problem=solved, resolution="已解决")

    def reminders() -> list[tuple[str, str]]:
        return list(
            Notification.objects.filter(
                recipient=org.market_head, dedupe_key__startswith="enterprise-problem:"
            )
            .order_by("pk")
            .values_list("kind", "dedupe_key")
        )

    assert send_enterprise_problem_reminders.call("2018-06-09") == 0
    assert send_enterprise_problem_reminders.call("2018-06-10") == 1  # due today
    assert send_enterprise_problem_reminders.call("2018-06-10") == 0  # a re-run sends nothing
    assert send_enterprise_problem_reminders.call("2018-06-11") == 1  # overdue, each day
    assert send_enterprise_problem_reminders.call("2018-06-12") == 1
    assert reminders() == [
        ("reminder", f"enterprise-problem:{open_problem.pk}:2018-06-10"),
        ("overdue", f"enterprise-problem:{open_problem.pk}:2018-06-11"),
        ("overdue", f"enterprise-problem:{open_problem.pk}:2018-06-12"),
    ]
    # A campaign that asks for one overdue reminder only gets the first.
    campaign.remind_daily_when_overdue = False
    campaign.save(update_fields=["remind_daily_when_overdue"])
    assert send_enterprise_problem_reminders.call("2018-06-13") == 0
    assert not Notification.objects.filter(dedupe_key__contains=f":{solved.pk}:").exists()
