"""`huodong generate_scale` at a tiny scale: every count as asked, every counter consistent."""

from collections import Counter
from dataclasses import asdict
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from huodong.campaigns.models import Task, TaskUnit, TaskUnitRole
from huodong.core.scale import Sizes
from huodong.engagement.models import Meeting
from huodong.orgs.models import Office, Person, Role, RoleAssignment, Unit, UnitKind, User
from huodong.participation.models import TALLY_COLUMNS, Reflection, StudyRecord, StudyTally
from huodong.participation.wordcount import word_count
from huodong.suggestions.models import Outcome, Suggestion
from huodong.surveys.models import Answer, AnswerTally, Response, Survey

pytestmark = pytest.mark.django_db

SCALE = 0.002
NAME = "规模测试（单元测试）"


def _run(*extra: str) -> str:
    out = StringIO()
    call_command("generate_scale", "--scale", str(SCALE), "--office", NAME, *extra, stdout=out)
    return out.getvalue()


def _tally_key(answer: Answer) -> str:
    if answer.is_other:
        return "x"
    if answer.option_id is not None:
        if answer.row is not None:
            return f"o{answer.option_id}r{answer.row}"
        if answer.value is not None:
            return f"o{answer.option_id}p{answer.value}"
        return f"o{answer.option_id}"
    if answer.value is not None:
        return f"v{answer.value}"
    return "t"


def test_generates_the_asked_sizes_with_consistent_counters():
    output = _run("--suggestions", "33")
    sizes = Sizes().scaled(SCALE)
    office = Office.objects.get(name=NAME)
    campaign = office.campaigns.get()

    assert Unit.objects.filter(office=office).count() == sizes.units
    assert (
        Unit.objects.filter(office=office, kind__in=(UnitKind.BRANCH, UnitKind.TEMP_BRANCH)).count()
        == sizes.branches
    )
    assert Person.objects.filter(office=office).count() == sizes.people
    assert StudyRecord.objects.filter(campaign=campaign).count() == sizes.studies
    assert Reflection.objects.filter(campaign=campaign).count() == sizes.reflections
    assert Survey.objects.filter(office=office).count() == sizes.surveys
    assert Response.objects.filter(survey__office=office).count() == sizes.answers
    assert Suggestion.objects.filter(office=office).count() == 33  # an explicit flag wins
    assert Outcome.objects.filter(office=office).count() == sizes.outcomes
    assert Meeting.objects.filter(campaign=campaign).count() == sizes.meetings
    seed_tasks = Task.objects.filter(campaign=campaign, text__startswith="专项任务").count()
    assert seed_tasks == sizes.tasks
    for stage in ("units", "people", "studies", "reflections", "answers", "suggestions"):
        assert f"  {stage}" in output
    director = RoleAssignment.objects.get(person__office=office, role=Role.OFFICE_DIRECTOR)
    assert director.person.user.check_password("Huodong@2018")

    # The study tallies agree with a recount of the records.
    counted: Counter = Counter()
    for person_id, kind in StudyRecord.objects.filter(campaign=campaign).values_list(
        "person_id", "kind"
    ):
        counted[(person_id, TALLY_COLUMNS[kind])] += 1
    tallied: Counter = Counter()
    for tally in StudyTally.objects.filter(campaign=campaign):
        for column in TALLY_COLUMNS.values():
            if getattr(tally, column):
                tallied[(tally.person_id, column)] = getattr(tally, column)
    assert tallied == counted

    # Each reflection's 字数 is its text's, about 3,000 for most.
    reflections = list(Reflection.objects.filter(campaign=campaign))
    assert all(r.word_count == word_count(r.body) for r in reflections)
    assert sum(2_700 <= r.word_count <= 3_600 for r in reflections) > len(reflections) / 2

    # Each questionnaire's tallies agree with its answers.
    for survey in Survey.objects.filter(office=office):
        expected: Counter = Counter()
        answered: dict[int, set[int]] = {}
        for answer in Answer.objects.filter(question__survey=survey):
            expected[(answer.question_id, _tally_key(answer))] += 1
            answered.setdefault(answer.question_id, set()).add(answer.response_id)
        for question_id, responses in answered.items():
            expected[(question_id, "n")] = len(responses)
        stored = Counter(
            {
                (t.question_id, t.key): t.count
                for t in AnswerTally.objects.filter(question__survey=survey)
                if t.count
            }
        )
        assert stored == expected
        assert survey.response_count == survey.responses.count() > 0

    # Outcomes with sub-outcomes show their average.
    parents = Outcome.objects.filter(office=office, parent__isnull=True).annotate(
        n=Count("children")
    )
    for parent in parents:
        children = list(Outcome.objects.filter(parent=parent).values_list("progress", flat=True))
        if children:
            assert abs(parent.progress - sum(children) / len(children)) <= 0.05


def test_refuses_an_existing_office_unless_replaced():
    _run()
    office = Office.objects.get(name=NAME)
    users = User.objects.count()
    with pytest.raises(CommandError, match="exists already"):
        _run()
    assert Office.objects.get(name=NAME).pk == office.pk
    assert User.objects.count() == users

    _run("--replace", "--seed", "7")
    assert not Office.objects.filter(pk=office.pk).exists()
    fresh = Office.objects.get(name=NAME)
    sizes = Sizes().scaled(SCALE)
    assert Person.objects.filter(office=fresh).count() == sizes.people
    assert User.objects.count() == users  # the old logins went with the old office


def test_sizes_scale_and_keep_the_plan_room():
    tiny = Sizes().scaled(0.0001)
    assert tiny.units == Sizes.MIN_UNITS
    assert all(value >= 1 for value in asdict(tiny).values())
    assert Sizes().scaled(1) == Sizes()


def test_too_few_units_for_the_plan_is_refused():
    with pytest.raises(CommandError, match="units cannot hold"):
        _run("--units", "5")
    assert not Office.objects.filter(name=NAME).exists()


def test_lead_units_get_their_own_plans_and_staff_answer_their_questionnaires():
    _run("--surveys", "3", "--answers", "900", "--unit-plan-tasks", "7")
    office = Office.objects.get(name=NAME)
    campaign = office.campaigns.get()

    leads = TaskUnit.objects.filter(task__campaign=campaign, role=TaskUnitRole.LEAD)
    planned = Counter(
        leads.filter(task__text__startswith="单位实施方案任务").values_list("unit_id", flat=True)
    )
    seed_leads = set(
        leads.exclude(task__text__startswith="单位实施方案任务")
        .exclude(task__text__startswith="专项任务")
        .values_list("unit_id", flat=True)
    )
    assert seed_leads
    assert set(planned) == seed_leads
    assert set(planned.values()) == {7}

    staff = Survey.objects.get(office=office, title="作风建设测评")
    assert staff.audience == "staff"
    people = Person.objects.filter(office=office).count()
    answered = Response.objects.filter(survey=staff)
    # Every staff answer is signed, one per person: the survey's share is capped at the staff.
    assert answered.filter(person__isnull=True).count() == 0
    assert answered.values("person").distinct().count() == answered.count() <= people
    # The director, who publishes it, is not among those answering.
    assert answered.count() == min(people - 1, (900 - 450) // 2)
    public = Survey.objects.filter(office=office).exclude(pk=staff.pk)
    assert set(public.values_list("audience", flat=True)) == {"public"}
    assert not Response.objects.filter(survey__in=public, person__isnull=False).exists()
