"""Problem ledgers through their services: numbering, rules, transitions and verification."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.db import connection

from huodong.core.models import AuditRecord
from huodong.notifications.models import Notification, NotificationKind
from huodong.orgs.models import Person, Role, Unit, UnitKind, User
from huodong.participation.errors import NotAllowed, Refused
from huodong.participation.models import Problem, ProblemCategory, ProblemEvent, ProblemStatus
from huodong.participation.services.problems import (
    problem_advance,
    problem_create,
    problem_reject_verification,
    problem_update,
    problem_verify,
)

FOUND_ON = dt.date(2018, 5, 20)


@pytest.fixture(autouse=True)
def _today(settings):
    settings.HUODONG_TODAY = "2018-06-20"
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def inspector(office, make_member) -> User:
    return make_member(office, role=Role.INSPECTOR, username="inspector", name="督查员")


def add(org, campaign, *, actor=None, branch=None, **fields) -> Problem:
    values = {
        "description": "部分干部存在骄傲自满情绪",
        "category": ProblemCategory.COMPLACENCY,
        "cause": "满足于已有成绩",
        "measures": "",
        "responsible": None,
        "deadline": dt.date(2018, 7, 31),
        "found_on": FOUND_ON,
        **fields,
    }
    return problem_create(
        actor=actor or org.secretary, campaign=campaign, branch=branch or org.branch, **values
    )


def fresh(problem: Problem) -> Problem:
    return Problem.objects.get(pk=problem.pk)


def snapshot() -> list[tuple]:
    return [
        (p.pk, p.seq, p.description, p.status, p.measures, p.responsible_id, p.verification_note)
        for p in Problem.objects.order_by("pk")
    ] + [("events", ProblemEvent.objects.count())]


def to_rectified(org, problem: Problem) -> Problem:
    problem_update(
        actor=org.secretary,
        problem=problem,
        description=problem.description,
        category=problem.category,
        cause=problem.cause,
        measures="开展专题学习，建立台账",
        responsible=problem.responsible,
        deadline=problem.deadline,
        found_on=problem.found_on,
    )
    problem_advance(actor=org.secretary, problem=problem, to_status=ProblemStatus.RECTIFYING)
    return problem_advance(actor=org.secretary, problem=problem, to_status=ProblemStatus.RECTIFIED)


pytestmark = pytest.mark.django_db


# --- Recording problems -------------------------------------------------------------------


def test_problems_are_numbered_per_branch(org, campaign, office):
    other = Unit.objects.create(office=office, name="窗口临时党支部", kind=UnitKind.TEMP_BRANCH)
    first = add(org, campaign)
    second = add(org, campaign, actor=org.director, description="积极性不高")
    elsewhere = add(org, campaign, actor=org.director, branch=other)
    assert (first.seq, second.seq, elsewhere.seq) == (1, 2, 1)
    assert first.status == ProblemStatus.FOUND and first.created_by == org.secretary
    assert AuditRecord.objects.filter(action="problem.create").count() == 3


@pytest.mark.parametrize("role", ["staff", "colleague", "unit_head", "outsider_staff"])
def test_only_the_ledgers_keepers_add(org, campaign, role):
    with pytest.raises(NotAllowed):
        add(org, campaign, actor=getattr(org, role))
    assert not Problem.objects.exists()


def test_another_office_cannot_add(org, campaign, other_office, make_member):
    stranger = make_member(other_office, role=Role.OFFICE_DIRECTOR, username="stranger")
    with pytest.raises(NotAllowed):
        add(org, campaign, actor=stranger)
    foreign_branch = Unit.objects.create(office=other_office, name="外支部", kind=UnitKind.BRANCH)
    with pytest.raises(NotAllowed):
        add(org, campaign, actor=org.director, branch=foreign_branch)
    assert not Problem.objects.exists()


def test_problems_belong_to_party_branches(org, campaign):
    with pytest.raises(Refused) as refused:
        add(org, campaign, actor=org.director, branch=org.department)
    assert refused.value.code == "not_a_branch"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"found_on": dt.date(2018, 6, 21)}, "found_in_future"),
        ({"found_on": dt.date(2018, 4, 30)}, "found_outside_campaign"),
        ({"deadline": dt.date(2018, 5, 1)}, "deadline_before_found"),
        ({"category": "laziness"}, "category"),
        ({"description": "   "}, "required"),
        ({"cause": "因" * 5001}, "too_long"),
    ],
)
def test_bad_input_is_refused(org, campaign, fields, code):
    with pytest.raises(Refused) as refused:
        add(org, campaign, **fields)
    assert refused.value.code == code
    assert refused.value.message
    assert not Problem.objects.exists()


def test_the_responsible_person_is_of_the_office_and_is_told(
    org, campaign, other_office, make_member, django_capture_on_commit_callbacks
):
    stranger = Person.objects.get(user=make_member(other_office, username="stranger"))
    with pytest.raises(Refused) as refused:
        add(org, campaign, responsible=stranger)
    assert refused.value.code == "responsible_outside"

    with django_capture_on_commit_callbacks(execute=True):
        problem = add(org, campaign, responsible=org.person(org.staff))
    note = Notification.objects.get()
    assert (note.recipient, note.kind) == (org.staff, NotificationKind.PROBLEM)
    assert note.url.endswith(f"/problems/{problem.pk}/")


def test_a_problem_is_edited_by_its_keepers_until_closed(org, campaign, inspector):
    problem = add(org, campaign)
    edits = {
        "description": "改后的描述",
        "category": ProblemCategory.TIMIDITY,
        "cause": "原因",
        "measures": "措施",
        "responsible": org.person(org.colleague),
        "deadline": dt.date(2018, 8, 31),
        "found_on": FOUND_ON,
    }
    with pytest.raises(NotAllowed):
        problem_update(actor=org.staff, problem=problem, **edits)
    updated = problem_update(actor=org.secretary, problem=problem, **edits)
    assert (updated.description, updated.category) == ("改后的描述", ProblemCategory.TIMIDITY)
    audit = AuditRecord.objects.get(action="problem.update")
    assert audit.changes["category"] == ["complacency", "timidity"]

    problem_advance(actor=org.secretary, problem=problem, to_status=ProblemStatus.RECTIFYING)
    problem_advance(actor=org.secretary, problem=problem, to_status=ProblemStatus.RECTIFIED)
    problem_verify(actor=inspector, problem=problem, note="已核实")
    before = snapshot()
    with pytest.raises(Refused) as refused:
        problem_update(actor=org.director, problem=problem, **{**edits, "cause": "再改"})
    assert refused.value.code == "closed"
    assert snapshot() == before


# --- Transitions --------------------------------------------------------------------------


def test_the_keepers_move_a_problem_through_rectification(org, campaign):
    problem = add(org, campaign)
    with pytest.raises(Refused) as refused:
        problem_advance(actor=org.secretary, problem=problem, to_status=ProblemStatus.RECTIFIED)
    assert refused.value.code == "rectified_from_found"

    moved = problem_advance(
        actor=org.secretary, problem=problem, to_status=ProblemStatus.RECTIFYING, note="已部署"
    )
    assert moved.status == ProblemStatus.RECTIFYING
    with pytest.raises(Refused) as refused:
        problem_advance(actor=org.director, problem=problem, to_status=ProblemStatus.RECTIFYING)
    assert refused.value.code == "already"

    # Rectified needs the measures written down.
    with pytest.raises(Refused) as refused:
        problem_advance(actor=org.secretary, problem=problem, to_status=ProblemStatus.RECTIFIED)
    assert refused.value.code == "measures_required"
    assert fresh(problem).status == ProblemStatus.RECTIFYING

    with pytest.raises(Refused) as refused:
        problem_advance(actor=org.director, problem=problem, to_status=ProblemStatus.CLOSED)
    assert refused.value.code == "bad_transition"

    events = list(ProblemEvent.objects.values_list("from_status", "to_status", "note", "actor"))
    assert events == [("found", "rectifying", "已部署", org.secretary.pk)]
    assert AuditRecord.objects.filter(action="problem.rectifying").count() == 1


@pytest.mark.parametrize("role", ["staff", "unit_head", "outsider_staff", "colleague"])
def test_others_do_not_move_a_problem(org, campaign, role):
    problem = add(org, campaign)
    before = snapshot()
    with pytest.raises(NotAllowed):
        problem_advance(
            actor=getattr(org, role), problem=problem, to_status=ProblemStatus.RECTIFYING
        )
    assert snapshot() == before


def test_only_the_office_and_inspectors_verify(
    org, campaign, inspector, django_capture_on_commit_callbacks
):
    problem = add(org, campaign, responsible=org.person(org.staff))
    with pytest.raises(Refused) as refused:
        problem_verify(actor=org.director, problem=problem)
    assert refused.value.code == "closed_from_found"
    to_rectified(org, problem)
    before = snapshot()
    for role in ("secretary", "staff", "unit_head"):
        with pytest.raises(NotAllowed):
            problem_verify(actor=getattr(org, role), problem=problem)
        with pytest.raises(NotAllowed):
            problem_reject_verification(actor=getattr(org, role), problem=problem, note="x")
    assert snapshot() == before

    with django_capture_on_commit_callbacks(execute=True):
        closed = problem_verify(actor=inspector, problem=problem, note="经核查已整改到位")
    assert closed.status == ProblemStatus.CLOSED
    assert (closed.verified_by, closed.verification_note) == (inspector, "经核查已整改到位")
    assert closed.verified_at is not None
    told = {n.recipient for n in Notification.objects.filter(kind=NotificationKind.PROBLEM)}
    assert {org.staff, org.secretary} <= told
    with pytest.raises(Refused) as refused:
        problem_verify(actor=org.director, problem=problem)
    assert refused.value.code == "already"


def test_a_rejected_verification_goes_back_to_rectifying(org, campaign):
    problem = to_rectified(org, add(org, campaign))
    before = snapshot()
    with pytest.raises(Refused) as refused:
        problem_reject_verification(actor=org.director, problem=problem, note="  ")
    assert refused.value.code == "note_required"
    assert snapshot() == before

    back = problem_reject_verification(actor=org.director, problem=problem, note="台账不全")
    assert back.status == ProblemStatus.RECTIFYING
    assert back.verification_note == "台账不全"
    again = problem_advance(actor=org.secretary, problem=problem, to_status=ProblemStatus.RECTIFIED)
    assert problem_verify(actor=org.director, problem=again).status == ProblemStatus.CLOSED
    statuses = list(ProblemEvent.objects.values_list("from_status", "to_status"))
    assert statuses == [
        ("found", "rectifying"),
        ("rectifying", "rectified"),
        ("rectified", "rectifying"),
        ("rectifying", "rectified"),
        ("rectified", "closed"),
    ]
    assert AuditRecord.objects.filter(action="problem.reject_verification").count() == 1
    assert AuditRecord.objects.filter(action="problem.verify").count() == 1


# --- At the same moment -------------------------------------------------------------------


def at_once(work: Callable[[], object], workers: int = 4) -> list[object]:
    start = threading.Barrier(workers)
    outcomes: list[object] = []

    def worker() -> None:
        try:
            start.wait()
            outcomes.append(work())
        except Exception as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


concurrent = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need a server database (SQLite's test database is shared-cache)",
)


@concurrent
def test_problems_added_at_once_get_distinct_numbers(transactional_db, org, campaign):
    def work() -> int:
        actor = User.objects.get(pk=org.secretary.pk)
        return add(org, campaign, actor=actor).seq

    outcomes = at_once(work)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sorted(outcomes) == [1, 2, 3, 4]  # type: ignore[type-var]


@concurrent
def test_two_keepers_advancing_at_once_record_one_transition(transactional_db, org, campaign):
    problem = add(org, campaign)

    def work() -> str:
        actor = User.objects.get(pk=org.secretary.pk)
        return problem_advance(
            actor=actor, problem=Problem(pk=problem.pk), to_status=ProblemStatus.RECTIFYING
        ).status

    outcomes = at_once(work)
    refusals = [o for o in outcomes if isinstance(o, Refused)]
    assert len(refusals) == 3 and {r.code for r in refusals} == {"already"}
    assert ProblemEvent.objects.count() == 1
    assert fresh(problem).status == ProblemStatus.RECTIFYING
