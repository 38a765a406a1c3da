"""The study tallies: every service that writes study records keeps them in step, whole-campaign
requirements read them (and only while they count exactly the period's records), and a recount
repairs them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from huodong.campaigns.models import (
    Campaign,
    Requirement,
    RequirementMeasure,
    RequirementPeriod,
    RequirementScope,
    StudyKind,
)
from huodong.core import clock
from huodong.participation.errors import Refused
from huodong.participation.models import TALLY_COLUMNS, StudyRecord, StudyTally
from huodong.participation.selectors import compliance as selectors
from huodong.participation.services import study as services
from huodong.participation.services.study_tallies import study_tallies_change

from .test_study_helpers import DAY, frozen, make_session, moment, person, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(settings):
    settings.HUODONG_TODAY = DAY.isoformat()


def recount() -> dict[tuple[int, int], tuple[int, ...]]:
    """What the tallies should say, counted from the records."""
    counts: dict[tuple[int, int], list[int]] = {}
    kinds = list(TALLY_COLUMNS)
    for campaign_id, person_id, kind in StudyRecord.objects.values_list(
        "campaign_id", "person_id", "kind"
    ):
        row = counts.setdefault((campaign_id, person_id), [0] * len(kinds))
        row[kinds.index(kind)] += 1
    return {key: tuple(row) for key, row in counts.items()}


def tallies() -> dict[tuple[int, int], tuple[int, ...]]:
    """The tallies, without the rows of people whose records were all taken back."""
    columns = list(TALLY_COLUMNS.values())
    return {
        (campaign_id, person_id): tuple(counts)
        for campaign_id, person_id, *counts in StudyTally.objects.values_list(
            "campaign_id", "person_id", *columns
        )
        if any(counts)
    }


def log(user, campaign, material, *, kind=StudyKind.SELF, day=DAY):
    return services.study_record_log(
        actor=user, campaign=campaign, kind=kind, date=day, material=material
    )


def studies_requirement(campaign, *, scope=RequirementScope.PERSON, kind="", period=""):
    return Requirement.objects.create(
        campaign=campaign,
        order=9,
        scope=scope,
        minimum=4,
        subject="学习活动",
        period=period,
        measure=RequirementMeasure.STUDIES,
        study_kind=kind,
    )


def done(requirement, key=None) -> dict[str, int]:
    """Each target's count, read both ways the pages read it (they must agree): annotated on
    the targets, and ranked in one query with the totals."""
    requirement = Requirement.objects.select_related("campaign").get(pk=requirement.pk)
    period = selectors.requirement_period(requirement, key, today=DAY)
    result = selectors.compliance_for(requirement, period, now=clock.now(), scope=None)
    annotated = {row.name: row.done for row in result.page_rows(result.rows())}
    ranked = {row.name: row.done for row in result.page(1, per_page=50).page.object_list}
    assert annotated == ranked
    return annotated


def test_every_write_path_keeps_the_tallies_in_step(settings, org, campaign):
    staff, colleague, secretary = person(org.staff), person(org.colleague), person(org.secretary)
    first = log(org.staff, campaign, "学习党章")
    log(org.staff, campaign, "学习准则")
    log(org.colleague, campaign, "专题辅导录像", kind=StudyKind.LECTURE)
    assert tallies() == recount()
    assert tallies()[(campaign.pk, staff.pk)] == (2, 0, 0, 0)

    services.study_record_delete(actor=org.staff, record=first)
    assert tallies()[(campaign.pk, staff.pk)] == (1, 0, 0, 0)

    session = make_session(org, campaign, invite=[org.staff, org.colleague, org.secretary])
    sign_in(settings, org.staff, session, moment(14, 1))
    assert tallies()[(campaign.pk, staff.pk)] == (1, 1, 0, 0)

    with frozen(settings, moment(15)):
        marked = services.session_mark_attendance(
            actor=org.secretary, session=session, person_ids=[staff.pk, colleague.pk, secretary.pk]
        )
        assert marked == sorted([colleague.pk, secretary.pk])
        # Marking again adds nothing: those present are left as they are.
        services.session_mark_attendance(
            actor=org.secretary, session=session, person_ids=[colleague.pk]
        )
        assert tallies() == recount()
        services.session_unmark(actor=org.secretary, session=session, person_id=secretary.pk)
    assert (campaign.pk, secretary.pk) not in tallies()
    assert tallies() == recount()

    lecture = make_session(org, campaign, kind=StudyKind.LECTURE, start=(9, 0), end=(10, 0))
    with frozen(settings, moment(11)):
        services.session_makeup_file(actor=org.colleague, session=lecture, date=DAY)
    assert tallies()[(campaign.pk, colleague.pk)] == (0, 1, 2, 0)
    assert tallies() == recount()


def test_a_refused_write_leaves_the_tallies_as_they_were(settings, org, campaign):
    log(org.staff, campaign, "学习党章")
    before = tallies()
    with pytest.raises(Refused):
        log(org.staff, campaign, "学习党章")  # the same study twice
    with pytest.raises(Refused):
        log(org.staff, campaign, "学习", day=dt.date(2019, 1, 2))  # after the campaign
    session = make_session(org, campaign)
    sign_in(settings, org.staff, session, moment(14, 1))
    after_sign_in = tallies()
    with pytest.raises(Refused):
        sign_in(settings, org.staff, session, moment(14, 2))
    assert tallies() == after_sign_in != before
    assert tallies() == recount()


def test_whole_campaign_requirements_read_the_tallies(org, campaign):
    requirement = studies_requirement(campaign)
    staff = person(org.staff)
    log(org.staff, campaign, "学习党章")
    log(org.staff, campaign, "学习准则")
    assert done(requirement)["张三"] == 2
    # Proof that the page reads the tally and not the records: a tally set by hand shows.
    StudyTally.objects.filter(person=staff).update(self_studies=7)
    assert done(requirement)["张三"] == 7
    # A month is counted from the records.
    monthly = studies_requirement(campaign, period=RequirementPeriod.MONTH)
    assert done(monthly, "2018-06")["张三"] == 2
    assert done(monthly, "2018-05")["张三"] == 0


def test_a_kind_counts_its_own_column(org, campaign):
    lectures = studies_requirement(campaign, kind=StudyKind.LECTURE)
    log(org.staff, campaign, "学习党章")
    log(org.staff, campaign, "专题辅导录像", kind=StudyKind.LECTURE)
    log(org.staff, campaign, "专题辅导讲稿", kind=StudyKind.LECTURE)
    assert done(lectures)["张三"] == 2
    assert done(studies_requirement(campaign))["张三"] == 3
    # Nobody else has studied: no tally, and 0.
    assert done(lectures)["李四"] == 0


def test_branches_and_units_sum_their_members_tallies(org, campaign):
    log(org.staff, campaign, "学习党章")
    log(org.staff, campaign, "学习准则")
    log(org.colleague, campaign, "学习党章")
    log(org.outsider_staff, campaign, "学习党章")
    branch = studies_requirement(campaign, scope=RequirementScope.BRANCH)
    unit = studies_requirement(campaign, scope=RequirementScope.UNIT)
    whole = studies_requirement(campaign, scope=RequirementScope.CAMPAIGN)
    assert done(branch)[org.branch.name] == 3
    assert done(unit)[org.department.name] == 3
    assert done(unit)[org.other_department.name] == 1
    assert list(done(whole).values()) == [4]


def test_records_outside_moved_campaign_dates_are_not_counted(org, campaign):
    requirement = studies_requirement(campaign)
    log(org.staff, campaign, "五月的学习", day=dt.date(2018, 5, 2))
    log(org.staff, campaign, "六月的学习")
    assert done(requirement)["张三"] == 2
    # The plan is re-applied with a later start: the May study is outside the campaign now,
    # so the tallies (which count it) are not read.
    Campaign.objects.filter(pk=campaign.pk).update(start=dt.date(2018, 6, 1))
    assert done(requirement)["张三"] == 1
    Campaign.objects.filter(pk=campaign.pk).update(end=dt.date(2018, 6, 19))
    assert done(requirement)["张三"] == 0
    # A campaign without dates has every record in its one period.
    Campaign.objects.filter(pk=campaign.pk).update(start=None, end=None)
    assert done(requirement)["张三"] == 2


def test_the_tally_check_is_one_query_per_page(org, campaign, django_assert_max_num_queries):
    requirement = studies_requirement(campaign)
    log(org.staff, campaign, "学习党章")
    requirement = Requirement.objects.select_related("campaign").get(pk=requirement.pk)
    period = selectors.requirement_period(requirement, None, today=DAY)
    with django_assert_max_num_queries(3):
        # The check, then the page with its totals, then the page's people.
        result = selectors.compliance_for(requirement, period, now=clock.now(), scope=None)
        result.page(1, per_page=50)


def test_the_recount_command_repairs_the_tallies(org, campaign):
    log(org.staff, campaign, "学习党章")
    log(org.colleague, campaign, "学习党章", kind=StudyKind.GROUP)
    right = tallies()
    StudyTally.objects.filter(person=person(org.staff)).update(self_studies=9)
    StudyTally.objects.filter(person=person(org.colleague)).delete()
    StudyTally.objects.create(campaign=campaign, person=person(org.director), lectures=3)
    assert tallies() != right

    call_command("recount_study_tallies", campaign=[campaign.pk])
    assert tallies() == right == recount()
    call_command("recount_study_tallies")
    assert tallies() == right
    with pytest.raises(CommandError, match="No campaign 999"):
        call_command("recount_study_tallies", campaign=[999])


def test_a_tally_changes_by_one_record_at_a_time(campaign, org):
    with pytest.raises(ValueError):
        study_tallies_change(
            campaign_id=campaign.pk, records=[(person(org.staff).pk, StudyKind.SELF)], by=2
        )
    study_tallies_change(campaign_id=campaign.pk, records=[], by=1)
    assert not StudyTally.objects.exists()
