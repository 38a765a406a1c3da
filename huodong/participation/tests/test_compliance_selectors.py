"""Compliance counted in the database: each requirement kind of the seed, periods, filters, scope,
a person's progress, and query counts that do not grow with the data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from huodong.campaigns.models import (
    Campaign,
    Requirement,
    RequirementMeasure,
    RequirementPeriod,
    RequirementScope,
    StudyKind,
    Task,
)
from huodong.core import clock
from huodong.orgs.models import Person, Unit, UnitKind
from huodong.participation.models import (
    Problem,
    ProblemCategory,
    Reflection,
    ReflectionStatus,
    StudyRecord,
    StudySession,
    StudySource,
)
from huodong.participation.periods import Period
from huodong.participation.selectors import compliance as selectors
from huodong.participation.services.study_tallies import study_tallies_change, study_tallies_rebuild
from huodong.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2018, 6, 20)


@pytest.fixture(autouse=True)
def _today(settings):
    settings.HUODONG_TODAY = TODAY.isoformat()


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def study(campaign, person, day, kind=StudyKind.SELF):
    """A record written around the services, with its tally as they keep it."""
    record = StudyRecord.objects.create(
        campaign=campaign,
        person=person,
        kind=kind,
        date=day,
        material="学习材料",
        source=StudySource.LOGGED,
    )
    study_tallies_change(campaign_id=campaign.pk, records=[(person.pk, kind)], by=1)
    return record


JUNE_1 = D(2018, 6, 1)


def reflection(campaign, person, words, status=ReflectionStatus.SUBMITTED, day=JUNE_1):
    return Reflection.objects.create(
        campaign=campaign,
        person=person,
        title="心得",
        word_count=words,
        status=status,
        submitted_at=None if status == ReflectionStatus.DRAFT else at(day),
    )


def problem(campaign, branch, day, seq):
    return Problem.objects.create(
        campaign=campaign,
        branch=branch,
        seq=seq,
        description="问题",
        category=ProblemCategory.OTHER,
        found_on=day,
    )


def session(campaign, unit, starts, kind=StudyKind.DISCUSSION, cancelled=False):
    return StudySession.objects.create(
        campaign=campaign,
        organiser_unit=unit,
        kind=kind,
        topic="大家谈",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        sign_in_secret="s",
        cancelled_at=starts if cancelled else None,
    )


def compliance(requirement, key=None, *, scope=None, unit_ids=None):
    period = selectors.requirement_period(requirement, key, today=TODAY)
    return selectors.compliance_for(
        requirement, period, now=clock.now(), scope=scope, unit_ids=unit_ids
    )


def done_by_name(requirement, key=None, **kwargs) -> dict[str, int]:
    result = compliance(requirement, key, **kwargs)
    return {row.name: row.done for row in result.page_rows(result.rows())}


# --- Each requirement of the seed ----------------------------------------------------------


def test_studies_count_each_person_of_the_office(org, campaign, requirements):
    staff, colleague = org.person(org.staff), org.person(org.colleague)
    for day in (D(2018, 5, 3), D(2018, 5, 20), D(2018, 6, 1), D(2018, 6, 19)):
        study(campaign, staff, day)
    for day in (D(2018, 5, 3), D(2018, 6, 1), D(2018, 6, 2)):
        study(campaign, colleague, day, kind=StudyKind.GROUP)
    # Another campaign's records and another office's people do not count.
    elsewhere = Campaign.objects.create(office=campaign.office, title="别的活动")
    study(elsewhere, colleague, D(2018, 6, 3))
    PersonFactory(unit=Unit.objects.create(office=org.department.office, name="x", kind="other"))

    result = compliance(requirements["studies"])
    rows = {row.name: row for row in result.page_rows(result.rows())}
    assert rows["张三"].done == 4 and rows["张三"].met and rows["张三"].short_by == 0
    assert rows["李四"].done == 3 and not rows["李四"].met and rows["李四"].short_by == 1
    summary = result.summary()
    office_people = Person.objects.filter(office=campaign.office).count()
    assert summary.targets == office_people == len(rows)
    assert summary.met == 1
    # Everyone else has done nothing: 4 short each, 李四 1.
    assert summary.shortfall == 1 + 4 * (office_people - 2)
    assert summary.percent == f"{100 / office_people:.1f}%"


def test_studies_of_one_kind_count_only_that_kind(org, campaign, requirements):
    requirement = requirements["studies"]
    requirement.study_kind = StudyKind.GROUP
    requirement.save()
    staff = org.person(org.staff)
    study(campaign, staff, D(2018, 6, 1), kind=StudyKind.GROUP)
    study(campaign, staff, D(2018, 6, 2), kind=StudyKind.SELF)
    assert done_by_name(requirement)["张三"] == 1


def test_a_reflection_of_about_3000_characters_meets_it_from_90_percent(
    org, campaign, requirements
):
    words = requirements["words"]
    staff, colleague, outsider = (
        org.person(org.staff),
        org.person(org.colleague),
        org.person(org.outsider_staff),
    )
    reflection(campaign, staff, 2700)  # 90% of 3000: met
    reflection(campaign, colleague, 2699)  # one short of it
    reflection(campaign, colleague, 1820, status=ReflectionStatus.ACCEPTED)
    reflection(campaign, outsider, 3500, status=ReflectionStatus.RETURNED)  # returned: no
    reflection(campaign, outsider, 3200, status=ReflectionStatus.DRAFT)  # a draft: no
    result = compliance(words)
    rows = {row.name: row for row in result.page_rows(result.rows())}
    assert (rows["张三"].done, rows["张三"].best_words, rows["张三"].met) == (1, 2700, True)
    assert (rows["李四"].done, rows["李四"].best_words, rows["李四"].met) == (0, 2699, False)
    assert rows["李四"].short_by == 1  # characters to the 2700 that count as met
    assert (rows["王五"].best_words, rows["王五"].met) == (0, False)
    assert rows["王五"].short_by == 2700
    summary = result.summary()
    assert summary.met == 1
    assert summary.shortfall == 1 + 2700 * (summary.targets - 2)
    # Shortest first: nothing counted comes before 2,699.
    ordered = [row.name for row in result.page_rows(result.rows())]
    assert ordered.index("王五") < ordered.index("李四") < ordered.index("张三")

    words.tolerance_percent = 100
    words.save()
    assert not compliance(words).page_rows([compliance(words).rows().get(name="张三")])[0].met


def test_a_returned_reflection_stops_counting(org, campaign, requirements):
    staff = org.person(org.staff)
    piece = reflection(campaign, staff, 3100, status=ReflectionStatus.EXCELLENT)
    assert compliance(requirements["words"]).summary().met == 1
    Reflection.objects.filter(pk=piece.pk).update(status=ReflectionStatus.RETURNED)
    assert compliance(requirements["words"]).summary().met == 0


def test_branch_problems_count_per_party_branch(org, campaign, requirements):
    temp = Unit.objects.create(
        office=campaign.office, name="窗口临时党支部", kind=UnitKind.TEMP_BRANCH
    )
    problem(campaign, org.branch, D(2018, 5, 10), 1)
    problem(campaign, org.branch, D(2018, 6, 10), 2)
    problem(campaign, temp, D(2018, 6, 10), 1)
    result = compliance(requirements["problems"])
    rows = {row.name: row for row in result.page_rows(result.rows())}
    # Only party branches are targets; departments are not.
    assert set(rows) == {"政管办党支部", "窗口临时党支部"}
    assert (rows["政管办党支部"].done, rows["政管办党支部"].met) == (2, True)
    assert (rows["窗口临时党支部"].done, rows["窗口临时党支部"].short_by) == (1, 1)
    summary = result.summary()
    assert (summary.targets, summary.met, summary.shortfall) == (2, 1, 1)


def test_the_monthly_discussion_counts_sessions_held_in_each_month(org, campaign, requirements):
    discussion = requirements["discussion"]
    held = session(campaign, org.department, at(D(2018, 5, 25)))
    session(campaign, org.department, at(D(2018, 6, 5)), cancelled=True)
    session(campaign, org.department, at(D(2018, 6, 6)), kind=StudyKind.GROUP)
    late_today = session(campaign, org.branch, at(TODAY, 23))
    with clock.frozen_at(at(TODAY, 12)):
        assert done_by_name(discussion, "2018-05") == {campaign.title: 1}
        # Cancelled, another kind, and one that has not started yet: none counts for June.
        assert done_by_name(discussion, "2018-06") == {campaign.title: 0}
        assert done_by_name(discussion) == {campaign.title: 0}  # today's month
    with clock.frozen_at(at(TODAY, 23) + dt.timedelta(minutes=1)):
        assert done_by_name(discussion, "2018-06") == {campaign.title: 1}
    assert held.pk and late_today.pk


def test_sessions_of_a_branch_are_those_it_organised(org, campaign):
    requirement = Requirement.objects.create(
        campaign=campaign,
        scope=RequirementScope.BRANCH,
        minimum=1,
        subject="集中学习",
        measure=RequirementMeasure.SESSIONS,
        study_kind=StudyKind.GROUP,
    )
    session(campaign, org.branch, at(D(2018, 6, 1)), kind=StudyKind.GROUP)
    session(campaign, org.department, at(D(2018, 6, 1)), kind=StudyKind.GROUP)
    assert done_by_name(requirement) == {"政管办党支部": 1}


def test_a_task_requirement_follows_its_task(org, campaign):
    task = Task.objects.create(campaign=campaign, seq=1, text="召开动员大会")
    requirement = Requirement.objects.create(
        campaign=campaign,
        scope=RequirementScope.CAMPAIGN,
        minimum=1,
        subject="动员大会",
        measure=RequirementMeasure.TASK,
        task=task,
    )
    assert compliance(requirement).summary().met == 0
    Task.objects.filter(pk=task.pk).update(completed_on=D(2018, 5, 10))
    assert compliance(requirement).summary().met == 1
    requirement.scope = RequirementScope.BRANCH
    assert not selectors.is_counted(requirement)
    assert compliance(requirement).summary().met == 0


# --- Periods ------------------------------------------------------------------------------


def test_a_record_in_may_does_not_count_for_june(org, campaign, requirements):
    requirement = requirements["studies"]
    requirement.period = RequirementPeriod.MONTH
    requirement.save()
    staff = org.person(org.staff)
    study(campaign, staff, D(2018, 5, 31))
    study(campaign, staff, D(2018, 6, 1))
    study(campaign, staff, D(2018, 6, 30))
    assert done_by_name(requirement, "2018-05")["张三"] == 1
    assert done_by_name(requirement, "2018-06")["张三"] == 2
    # Without a key, the month today falls in.
    assert done_by_name(requirement)["张三"] == 2
    assert [p.key for p in selectors.requirement_periods(requirement)][:3] == [
        "2018-05",
        "2018-06",
        "2018-07",
    ]


def test_quarters_and_the_local_date_of_a_submission(org, campaign, requirements):
    requirement = Requirement.objects.create(
        campaign=campaign,
        scope=RequirementScope.PERSON,
        minimum=1,
        subject="心得体会",
        period=RequirementPeriod.QUARTER,
        measure=RequirementMeasure.REFLECTIONS,
    )
    staff = org.person(org.staff)
    # 2018-07-01 00:30 in Shanghai is still 30 June in UTC: it counts for Q3.
    Reflection.objects.create(
        campaign=campaign,
        person=staff,
        title="x",
        word_count=10,
        status=ReflectionStatus.ACCEPTED,
        submitted_at=timezone.make_aware(dt.datetime(2018, 7, 1, 0, 30)),
    )
    reflection(campaign, staff, 10, day=D(2018, 6, 30))
    assert done_by_name(requirement, "2018-Q2")["张三"] == 1
    assert done_by_name(requirement, "2018-Q3")["张三"] == 1
    assert done_by_name(requirement, "2018-Q4")["张三"] == 0


# --- Filters and scope ------------------------------------------------------------------------


def test_the_unit_filter_takes_the_units_below(org, campaign, requirements):
    section = Unit.objects.create(
        office=campaign.office, name="综合处一科", kind=UnitKind.DEPARTMENT, parent=org.department
    )
    PersonFactory(office=campaign.office, unit=section, name="孙七")
    tree = selectors.unit_tree(campaign.office_id)
    below = tree.descendants(org.department.pk)
    assert below == {org.department.pk, section.pk}
    names = set(done_by_name(requirements["studies"], unit_ids=below))
    assert names == {"张三", "李四", "赵书记", "钱处长", "孙七"}
    # A branch filter takes its members (by their branch).
    names = set(done_by_name(requirements["studies"], unit_ids=tree.descendants(org.branch.pk)))
    assert names == {"张三", "李四", "赵书记", "钱处长"}
    # In tree order, each under its parent.
    order = [node.pk for node in tree.choices(None)]
    assert order.index(section.pk) == order.index(org.department.pk) + 1
    assert tree.nodes[section.pk].depth == 1


def test_scope_limits_people_by_unit_or_branch_and_units_by_themselves(org, campaign, requirements):
    by_unit = done_by_name(requirements["studies"], scope=frozenset({org.other_department.pk}))
    assert set(by_unit) == {"王五", "仲主任"}
    by_branch = done_by_name(requirements["studies"], scope=frozenset({org.branch.pk}))
    assert set(by_branch) == {"张三", "李四", "赵书记", "钱处长"}
    assert done_by_name(requirements["problems"], scope=frozenset({org.department.pk})) == {}
    assert set(done_by_name(requirements["problems"], scope=frozenset({org.branch.pk}))) == {
        "政管办党支部"
    }


def test_short_only_and_shortest_first(org, campaign, requirements):
    for n, user in enumerate((org.staff, org.colleague, org.outsider_staff)):
        for day in range(n + 2):
            study(campaign, org.person(user), D(2018, 6, 1 + day))
    result = compliance(requirements["studies"])
    short = [row.done for row in result.page_rows(result.rows(short_only=True))]
    assert short == sorted(short) and 4 not in short and len(short) == 5
    assert [row.done for row in result.page_rows(result.rows())][-1] == 4


# --- Overview and a person's progress ----------------------------------------------------------


def test_the_overview_has_one_aggregate_per_counted_requirement(
    org, campaign, requirements, django_assert_num_queries
):
    study(campaign, org.person(org.staff), D(2018, 6, 1))
    # The requirements, one aggregate each, and whether the study tallies cover the campaign.
    with django_assert_num_queries(1 + 4 + 1):
        rows = selectors.compliance_overview(campaign, today=TODAY, now=clock.now(), scope=None)
    assert [row.label for row in rows] == ["问题", "学习", "心得体会", "学习成果大讨论"]
    assert [row.period.key for row in rows] == ["", "", "", "2018-06"]
    assert all(row.summary is not None for row in rows)


def test_short_labels():
    assert selectors.short_label("学习活动") == "学习"
    assert selectors.short_label("心得体会字数") == "心得体会"
    assert selectors.short_label("问题") == "问题"
    assert selectors.short_label("活动") == "活动"


def test_a_persons_progress(org, campaign, requirements, django_assert_max_num_queries):
    staff = Person.objects.select_related("unit", "branch").get(user=org.staff)
    for day in (1, 2, 3):
        study(campaign, staff, D(2018, 6, day))
    reflection(campaign, staff, 1820)
    problem(campaign, org.branch, D(2018, 6, 1), 1)
    with django_assert_max_num_queries(4):
        lines = selectors.person_progress(staff, campaign, today=TODAY, now=clock.now())
    by_label = {line.label: line for line in lines}
    assert list(by_label) == ["学习", "心得体会", "问题"]
    studies = by_label["学习"]
    assert (studies.count_text, studies.met, studies.short_by) == ("3/4", False, 1)
    words = by_label["心得体会"]
    assert (words.count_text, words.words_text, words.met) == ("0/1", "1,820/3,000", False)
    assert words.short_by == 880
    branch = by_label["问题"]
    assert (branch.whose, branch.count_text) == ("branch", "1/2")

    # Someone without a branch sees only their own lines.
    outsider = Person.objects.get(user=org.outsider_staff)
    assert [
        line.whose
        for line in selectors.person_progress(outsider, campaign, today=TODAY, now=clock.now())
    ] == ["person", "person"]


# --- Query counts ---------------------------------------------------------------------------


def _grow(campaign, unit, n):
    people = Person.objects.bulk_create(
        Person(office=campaign.office, unit=unit, name=f"员工{i}-{unit.pk}", sort_order=1000 + i)
        for i in range(n)
    )
    StudyRecord.objects.bulk_create(
        StudyRecord(
            campaign=campaign,
            person=p,
            kind=StudyKind.SELF,
            date=D(2018, 6, 1),
            material="x",
            source=StudySource.LOGGED,
        )
        for p in people
        for _ in range(3)
    )
    study_tallies_rebuild(campaign_id=campaign.pk)
    Reflection.objects.bulk_create(
        Reflection(
            campaign=campaign,
            person=p,
            title="x",
            word_count=2800,
            status=ReflectionStatus.ACCEPTED,
            submitted_at=at(D(2018, 6, 1)),
        )
        for p in people
    )


@pytest.mark.parametrize("size", [5, 60])
def test_query_counts_do_not_grow_with_the_data(
    org, campaign, requirements, size, django_assert_num_queries
):
    _grow(campaign, org.department, size)
    for key in ("studies", "words", "problems", "discussion"):
        result = compliance(requirements[key])
        with django_assert_num_queries(2):
            result.summary()
            result.page_rows(list(result.rows()[:50]))


def test_the_whole_campaign_counts_what_is_dated_within_it(org, campaign, requirements):
    staff = org.person(org.staff)
    study(campaign, staff, D(2018, 4, 28))  # before the campaign's first day
    study(campaign, staff, D(2018, 5, 1))
    study(campaign, staff, D(2018, 12, 31))
    period = selectors.requirement_period(requirements["studies"], None, today=TODAY)
    assert period == Period("", campaign.start, campaign.end)
    assert done_by_name(requirements["studies"])["张三"] == 2


def test_a_campaign_without_dates_counts_everything(org, campaign, requirements):
    Campaign.objects.filter(pk=campaign.pk).update(start=None, end=None)
    requirement = Requirement.objects.select_related("campaign").get(pk=requirements["words"].pk)
    reflection(campaign, org.person(org.staff), 2800, day=D(2017, 1, 1))
    assert done_by_name(requirement)["张三"] == 1


@pytest.mark.parametrize("key", ["studies", "words", "problems", "discussion"])
@pytest.mark.parametrize("short_only", [False, True])
@pytest.mark.parametrize("grouped", [False, True])
def test_one_pass_and_two_passes_agree(
    org, campaign, requirements, key, short_only, grouped, monkeypatch
):
    """PostgreSQL pages in one query with window functions, over the targets joined to their
    grouped records; SQLite in two, with a subquery per target. Same answers either way."""
    _grow(campaign, org.department, 7)
    study(campaign, org.person(org.staff), D(2018, 6, 3))
    reflection(campaign, org.person(org.colleague), 3100)
    problem(campaign, org.branch, D(2018, 6, 1), 1)
    expected = compliance(requirements[key]).summary()
    monkeypatch.setattr(selectors.Compliance, "_joins_grouped", lambda self: grouped)
    result = compliance(requirements[key], scope=None)
    assert result.summary() == expected
    for number in (1, 2, "3", "x", 99):
        one = result.page(number, per_page=4, short_only=short_only, single_pass=True)
        two = result.page(number, per_page=4, short_only=short_only, single_pass=False)
        assert one.summary == two.summary == result.summary()
        assert one.page.number == two.page.number
        assert one.page.paginator.count == two.page.paginator.count
        assert [(r.target.pk, r.done, r.best_words) for r in one.page.object_list] == [
            (r.target.pk, r.done, r.best_words) for r in two.page.object_list
        ]


def test_a_page_of_a_requirement_not_counted(org, campaign):
    requirement = Requirement.objects.create(
        campaign=campaign,
        scope=RequirementScope.UNIT,
        minimum=1,
        subject="专项整治",
        measure=RequirementMeasure.TASK,
    )
    result = compliance(requirement)
    found = result.page(1, per_page=50, single_pass=True)
    assert found.summary.met == 0 and found.summary.targets == 2  # the two departments
    assert {row.name for row in found.page.object_list} == {"综合处", "业务处"}
