"""The compliance pages: who sees what (404 otherwise), filters, export, progress pages, and a
number of queries that does not grow with the office."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from huodong.campaigns.models import RequirementPeriod
from huodong.core.models import AuditRecord
from huodong.orgs.models import Person, Role, Unit, UnitKind
from huodong.participation.models import StudyRecord, StudySource
from huodong.participation.services.study_tallies import study_tallies_change
from huodong.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(settings):
    settings.HUODONG_TODAY = "2018-06-20"


@pytest.fixture
def login(client):
    def do(user):
        client.logout()
        assert client.login(username=user.username, password=TEST_PASSWORD)
        return client

    return do


def study(campaign, person, day, n=1):
    StudyRecord.objects.bulk_create(
        StudyRecord(
            campaign=campaign,
            person=person,
            kind="self",
            date=day,
            material="学习",
            source=StudySource.LOGGED,
        )
        for _ in range(n)
    )
    # Written around the services, so their tallies too.
    study_tallies_change(campaign_id=campaign.pk, records=[(person.pk, "self")] * n, by=1)


def url(name, campaign, *args):
    return reverse(f"participation:{name}", args=[campaign.pk, *args])


def names(response) -> list[str]:
    return [row.name for row in response.context["rows"]]


# --- Who sees what ---------------------------------------------------------------------------


def test_the_director_sees_every_requirement(login, org, campaign, requirements):
    study(campaign, org.person(org.staff), dt.date(2018, 6, 1), n=4)
    response = login(org.director).get(url("compliance", campaign))
    assert response.status_code == 200
    rows = {row.requirement.subject: row for row in response.context["rows"]}
    assert rows["学习活动"].summary.met == 1
    assert rows["学习成果大讨论"].period.key == "2018-06"
    body = response.content.decode()
    for requirement in requirements.values():
        assert url("requirement_compliance", campaign, requirement.pk) in body


def test_a_unit_head_sees_only_the_people_of_their_unit(login, org, campaign, requirements):
    client = login(org.unit_head)
    assert client.get(url("compliance", campaign)).status_code == 200
    response = client.get(url("requirement_compliance", campaign, requirements["studies"].pk))
    assert sorted(names(response)) == sorted(["张三", "李四", "赵书记", "钱处长"])
    # Filtering by someone else's unit is ignored, not widened.
    response = client.get(
        url("requirement_compliance", campaign, requirements["studies"].pk),
        {"unit": org.other_department.pk},
    )
    assert "王五" not in names(response)
    assert response.context["summary"].targets == 4


def test_staff_get_404_on_compliance_but_see_their_own_progress(login, org, campaign, requirements):
    client = login(org.staff)
    studies = requirements["studies"].pk
    for target in (
        url("compliance", campaign),
        url("requirement_compliance", campaign, studies),
        url("requirement_compliance_export", campaign, studies),
        url("person_progress", campaign, org.person(org.colleague).pk),
        url("requirement_create", campaign),
        url("requirement_edit", campaign, studies),
    ):
        assert client.get(target).status_code == 404, target
    assert client.post(url("requirement_remind", campaign, studies)).status_code == 404
    assert client.get(url("my_progress", campaign)).status_code == 200
    own = client.get(url("person_progress", campaign, org.person(org.staff).pk))
    assert own.status_code == 200 and own.context["own"]


def test_another_office_gets_404_and_anonymous_the_login(
    login, client, org, campaign, requirements, other_office, make_member
):
    stranger = make_member(other_office, role=Role.OFFICE_DIRECTOR, username="stranger")
    pages = [
        url("compliance", campaign),
        url("requirement_compliance", campaign, requirements["studies"].pk),
        url("requirement_compliance_export", campaign, requirements["studies"].pk),
        url("my_progress", campaign),
        url("person_progress", campaign, org.person(org.staff).pk),
        url("requirement_create", campaign),
    ]
    anonymous = client.get(pages[0])
    assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]
    other = login(stranger)
    for page in pages:
        assert other.get(page).status_code == 404, page


def test_a_manager_sees_the_progress_of_people_in_scope_only(login, org, campaign, requirements):
    client = login(org.secretary)
    assert client.get(url("person_progress", campaign, org.person(org.staff).pk)).status_code == 200
    outsider = org.person(org.outsider_staff)
    assert client.get(url("person_progress", campaign, outsider.pk)).status_code == 404
    # A person of another office, by id: 404 as well.
    assert client.get(url("person_progress", campaign, 999_999)).status_code == 404


# --- The requirement page ------------------------------------------------------------------------


def test_the_requirement_page_filters_and_orders(login, org, campaign, requirements):
    section = Unit.objects.create(
        office=campaign.office, name="一科", kind=UnitKind.DEPARTMENT, parent=org.department
    )
    newcomer = Person.objects.create(office=campaign.office, unit=section, name="孙七")
    study(campaign, org.person(org.staff), dt.date(2018, 6, 1), n=4)
    study(campaign, newcomer, dt.date(2018, 6, 1), n=2)
    client = login(org.director)
    page = url("requirement_compliance", campaign, requirements["studies"].pk)

    response = client.get(page)
    assert response.context["summary"].targets == 7
    assert names(response)[-1] == "张三"  # the one who met it comes last

    response = client.get(page, {"unit": org.department.pk})
    assert sorted(names(response)) == sorted(["张三", "李四", "赵书记", "钱处长", "孙七"])
    response = client.get(page, {"unit": org.department.pk, "short": "on"})
    assert "张三" not in names(response) and "孙七" in names(response)
    assert response.context["page"].paginator.count == 4
    row = next(r for r in response.context["rows"] if r.name == "孙七")
    assert (row.done, row.needed, row.short_by) == (2, 4, 2)
    body = response.content.decode()
    assert url("person_progress", campaign, newcomer.pk) in body
    assert 'name="unit"' in body and f'value="{org.department.pk}" selected' in body


def test_a_monthly_requirement_offers_each_month(login, org, campaign, requirements):
    requirement = requirements["studies"]
    requirement.period = RequirementPeriod.MONTH
    requirement.save()
    study(campaign, org.person(org.staff), dt.date(2018, 5, 20), n=4)
    client = login(org.director)
    page = url("requirement_compliance", campaign, requirement.pk)
    response = client.get(page)
    assert response.context["period"].key == "2018-06"
    assert response.context["summary"].met == 0
    body = response.content.decode()
    assert 'value="2018-05"' in body and 'value="2018-12"' in body
    response = client.get(page, {"period": "2018-05"})
    assert response.context["summary"].met == 1
    # An unknown period falls back to today's.
    assert client.get(page, {"period": "1999-01"}).context["period"].key == "2018-06"


def test_the_export_has_the_filtered_rows(login, org, campaign, requirements):
    study(campaign, org.person(org.staff), dt.date(2018, 6, 1), n=4)
    study(campaign, org.person(org.colleague), dt.date(2018, 6, 1), n=1)
    client = login(org.director)
    response = client.get(
        url("requirement_compliance_export", campaign, requirements["studies"].pk),
        {"unit": org.department.pk},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    people = {row[0]: row for row in rows[2:]}
    assert set(people) == {"张三", "李四", "赵书记", "钱处长"}
    _name, unit, branch, done, needed, short, _met = people["李四"]
    assert (unit, branch, done, needed, short) == ("综合处", "政管办党支部", 1, 4, 3)
    assert people["张三"][3:6] == (4, 4, 0)
    assert rows[2][0] != "张三"  # shortest first, as on the page
    assert AuditRecord.objects.filter(action="requirement.compliance_export").count() == 1
    short = client.get(
        url("requirement_compliance_export", campaign, requirements["studies"].pk),
        {"unit": org.department.pk, "short": "on"},
    )
    book = load_workbook(io.BytesIO(b"".join(short.streaming_content)), read_only=True)
    assert {row[0] for row in list(book.active.iter_rows(values_only=True))[2:]} == {
        "李四",
        "赵书记",
        "钱处长",
    }


def test_the_words_export_shows_the_longest_reflection(login, org, campaign, requirements):
    from huodong.participation.models import Reflection, ReflectionStatus

    Reflection.objects.create(
        campaign=campaign,
        person=org.person(org.staff),
        title="x",
        word_count=1820,
        status=ReflectionStatus.SUBMITTED,
        submitted_at=dt.datetime(2018, 6, 1, tzinfo=dt.UTC),
    )
    response = login(org.director).get(
        url("requirement_compliance_export", campaign, requirements["words"].pk)
    )
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    people = {row[0]: row for row in list(book.active.iter_rows(values_only=True))[2:]}
    assert people["张三"][3:6] == (1820, 3000, 880)


# --- Progress pages ------------------------------------------------------------------------------


def test_my_progress_reads_like_the_plan(login, org, campaign, requirements):
    from huodong.participation.models import Problem, Reflection, ReflectionStatus

    staff = org.person(org.staff)
    study(campaign, staff, dt.date(2018, 6, 1), n=3)
    Reflection.objects.create(
        campaign=campaign,
        person=staff,
        title="x",
        word_count=1820,
        status=ReflectionStatus.SUBMITTED,
        submitted_at=dt.datetime(2018, 6, 1, tzinfo=dt.UTC),
    )
    Problem.objects.create(
        campaign=campaign,
        branch=org.branch,
        seq=1,
        description="x",
        category="other",
        found_on=dt.date(2018, 6, 1),
    )
    response = login(org.staff).get(url("my_progress", campaign))
    body = response.content.decode()
    assert "学习" in body and "3/4" in body
    assert "心得体会" in body and "0/1" in body and "1,820/3,000" in body
    assert "问题" in body and "1/2" in body
    lines = [line for line, _link in response.context["lines"]]
    assert [line.met for line in lines] == [False, False, False]


def test_my_progress_without_requirements_or_person(login, org, campaign, make_member, office):
    # An admin login without a person of the office has no progress of their own.
    from huodong.orgs.models import User

    admin = User.objects.create_superuser("root", password=TEST_PASSWORD)
    assert login(admin).get(url("my_progress", campaign)).status_code == 404
    response = login(org.staff).get(url("my_progress", campaign))
    assert response.status_code == 200 and response.context["lines"] == []


# --- Query counts ---------------------------------------------------------------------------


def _grow(campaign, unit, n):
    people = Person.objects.bulk_create(
        Person(office=campaign.office, unit=unit, name=f"员工{i}", sort_order=1000 + i)
        for i in range(n)
    )
    for person in people:
        study(campaign, person, dt.date(2018, 6, 2), n=2)


def test_the_pages_keep_their_query_count(
    login, org, campaign, requirements, django_assert_max_num_queries
):
    client = login(org.director)
    studies = url("requirement_compliance", campaign, requirements["studies"].pk)
    pages = [
        url("compliance", campaign),
        *(url("requirement_compliance", campaign, r.pk) for r in requirements.values()),
        f"{studies}?short=on&unit={org.department.pk}",
        url("requirement_compliance_export", campaign, requirements["studies"].pk),
        url("my_progress", campaign),
        url("person_progress", campaign, org.person(org.staff).pk),
    ]

    def counts() -> list[int]:
        found = []
        for page in pages:
            with django_assert_max_num_queries(13) as queries:
                response = client.get(page)
                assert response.status_code == 200
                if response.streaming:
                    b"".join(response.streaming_content)
            found.append(len(queries))
        return found

    small = counts()
    _grow(campaign, org.department, 80)
    assert counts() == small


def test_the_draft_being_written_shows_on_ones_own_page_only(login, org, campaign, requirements):
    from huodong.participation.models import Reflection, ReflectionStatus

    Reflection.objects.create(
        campaign=campaign,
        person=org.person(org.staff),
        title="草稿",
        word_count=1820,
        status=ReflectionStatus.DRAFT,
    )
    own = login(org.staff).get(url("my_progress", campaign))
    line = next(line for line, _link in own.context["lines"] if line.is_words)
    assert (line.count_text, line.words_text, line.met) == ("0/1", "1,820/3,000", False)
    # The branch secretary sees what counts, not the private draft.
    other = login(org.secretary).get(url("person_progress", campaign, org.person(org.staff).pk))
    line = next(line for line, _link in other.context["lines"] if line.is_words)
    assert (line.count_text, line.words_text) == ("0/1", "0/3,000")
    # A draft long enough is not met until submitted.
    Reflection.objects.filter(person=org.person(org.staff)).update(word_count=2900)
    own = login(org.staff).get(url("my_progress", campaign))
    line = next(line for line, _link in own.context["lines"] if line.is_words)
    assert not line.met and line.needs_submitting
