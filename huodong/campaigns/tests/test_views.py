import datetime as dt

import pytest
from django.urls import reverse

from huodong.campaigns.models import Task
from huodong.campaigns.tests.conftest import grow_campaign
from huodong.core.models import AuditRecord
from huodong.orgs.models import Role, Unit
from huodong.testing.factories import TEST_PASSWORD

DEMO_DAY = "2018-06-20"


@pytest.fixture(autouse=True)
def _demo_day(settings):
    settings.HUODONG_TODAY = DEMO_DAY


@pytest.fixture
def login(client):
    def do(user):
        assert client.login(username=user.username, password=TEST_PASSWORD)
        return client

    return do


# Every role of the office may read the plan: it is sent to every unit.
READER_ROLES = [
    Role.ADMIN,
    Role.OFFICE_DIRECTOR,
    Role.OFFICE_STAFF,
    Role.LEADER,
    Role.INSPECTOR,
    Role.UNIT_HEAD,
    Role.BRANCH_SECRETARY,
    None,  # plain staff
]
MANAGER_ROLES = [Role.ADMIN, Role.OFFICE_DIRECTOR, Role.OFFICE_STAFF]
NON_MANAGER_ROLES = [Role.LEADER, Role.INSPECTOR, Role.UNIT_HEAD, Role.BRANCH_SECRETARY, None]


def plan_urls(campaign):
    return [
        reverse("campaigns:home", args=[campaign.pk]),
        reverse("campaigns:schedule", args=[campaign.pk]),
        reverse("campaigns:task", args=[campaign.pk, 1]),
        reverse("campaigns:list"),
    ]


@pytest.mark.parametrize("role", READER_ROLES)
def test_office_members_read_the_plan(seed_campaign, office, make_member, login, role):
    unit = Unit.objects.get(office=office, name="综合处")
    client = login(
        make_member(
            office,
            role=role,
            unit=unit,
            role_unit=unit if role in (Role.UNIT_HEAD, Role.BRANCH_SECRETARY) else None,
        )
    )
    for url in plan_urls(seed_campaign):
        assert client.get(url).status_code == 200, url


def test_anonymous_is_sent_to_login(seed_campaign, client):
    for url in plan_urls(seed_campaign):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_another_office_sees_nothing(seed_campaign, other_office, make_member, login):
    client = login(make_member(other_office, role=Role.OFFICE_DIRECTOR))
    for url in plan_urls(seed_campaign)[:3]:
        assert client.get(url).status_code == 404, url
    assert seed_campaign.title not in client.get(reverse("campaigns:list")).content.decode()
    response = client.post(
        reverse("campaigns:task_complete", args=[seed_campaign.pk, 2]),
        {"completed_on": "2018-06-01"},
    )
    assert response.status_code == 404
    assert Task.objects.get(campaign=seed_campaign, seq=2).completed_on is None


def test_schedule_shows_fifteen_tasks_with_lead_units_and_lights(
    seed_campaign, office, make_member, login
):
    client = login(make_member(office, role=Role.OFFICE_DIRECTOR))
    html = client.get(reverse("campaigns:schedule", args=[seed_campaign.pk])).content.decode()
    assert html.count('data-seq="') == 15
    assert "综合处<br>督查处" in html
    assert 'data-light="overdue"' in html
    assert 'data-light="not_started"' in html


def test_schedule_filters_by_phase_unit_and_light(seed_campaign, office, make_member, login):
    client = login(make_member(office, role=Role.OFFICE_STAFF))
    url = reverse("campaigns:schedule", args=[seed_campaign.pk])
    phase = seed_campaign.phases.get(name="实践转化阶段")
    html = client.get(url, {"phase": phase.pk}).content.decode()
    assert html.count('data-seq="') == 2
    unit = Unit.objects.get(office=office, name="督查处")
    html = client.get(url, {"unit": unit.pk}).content.decode()
    assert sorted(int(s) for s in _seqs(html)) == [2, 3]
    html = client.get(url, {"light": "not_started"}).content.decode()
    assert sorted(int(s) for s in _seqs(html)) == [13, 14, 15]
    # Nonsense filters are ignored rather than failing the page.
    assert client.get(url, {"phase": "x", "light": "purple"}).status_code == 200


def _seqs(html):
    import re

    return re.findall(r'data-seq="(\d+)"', html)


@pytest.mark.parametrize("role", MANAGER_ROLES)
def test_managers_record_completion(seed_campaign, office, make_member, login, role):
    client = login(make_member(office, role=role))
    url = reverse("campaigns:task_complete", args=[seed_campaign.pk, 2])
    response = client.post(url, {"completed_on": "2018-06-03"})
    assert response.status_code == 302
    task = Task.objects.get(campaign=seed_campaign, seq=2)
    assert task.completed_on == dt.date(2018, 6, 3)
    assert AuditRecord.objects.filter(action="task.complete", object_id=str(task.pk)).exists()
    # A second submit (double click, second tab) records nothing new.
    client.post(url, {"completed_on": "2018-06-09"})
    task.refresh_from_db()
    assert task.completed_on == dt.date(2018, 6, 3)
    assert AuditRecord.objects.filter(action="task.complete").count() == 1


@pytest.mark.parametrize("role", NON_MANAGER_ROLES)
def test_others_cannot_record_completion(seed_campaign, office, make_member, login, role):
    client = login(make_member(office, role=role))
    for name in ("campaigns:task_complete", "campaigns:task_reopen"):
        response = client.post(
            reverse(name, args=[seed_campaign.pk, 2]), {"completed_on": "2018-06-03"}
        )
        assert response.status_code == 404
    assert Task.objects.get(campaign=seed_campaign, seq=2).completed_on is None
    assert client.get(reverse("campaigns:copy", args=[seed_campaign.pk])).status_code == 404


def test_bad_completion_date_changes_nothing(seed_campaign, office, make_member, login):
    client = login(make_member(office, role=Role.OFFICE_STAFF))
    url = reverse("campaigns:task_complete", args=[seed_campaign.pk, 2])
    response = client.post(url, {"completed_on": "not a date"}, follow=True)
    assert Task.objects.get(campaign=seed_campaign, seq=2).completed_on is None
    assert "完成日期" in response.content.decode() or "date" in response.content.decode()


def test_reopen(seed_campaign, office, make_member, login):
    client = login(make_member(office, role=Role.OFFICE_DIRECTOR))
    client.post(
        reverse("campaigns:task_complete", args=[seed_campaign.pk, 1]),
        {"completed_on": "2018-05-20"},
    )
    client.post(reverse("campaigns:task_reopen", args=[seed_campaign.pk, 1]))
    assert Task.objects.get(campaign=seed_campaign, seq=1).completed_on is None


def test_unknown_task_is_404(seed_campaign, office, make_member, login):
    client = login(make_member(office))
    assert client.get(reverse("campaigns:task", args=[seed_campaign.pk, 99])).status_code == 404
    assert client.get(reverse("campaigns:home", args=[999999])).status_code == 404


@pytest.mark.parametrize("name", ["campaigns:home", "campaigns:schedule", "campaigns:task"])
def test_pages_run_a_fixed_number_of_queries(
    seed_campaign, office, make_member, login, django_assert_max_num_queries, name
):
    client = login(make_member(office, role=Role.OFFICE_DIRECTOR))
    args = [seed_campaign.pk, 1] if name == "campaigns:task" else [seed_campaign.pk]
    url = reverse(name, args=args)
    client.get(url)  # warm the session
    # The home's rows of links (meetings, suggestions, contests) each ask once who may see them.
    with django_assert_max_num_queries(17) as small:
        assert client.get(url).status_code == 200
    grow_campaign(seed_campaign, total_tasks=1500)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_home_runs_a_fixed_number_of_queries(
    seed_campaign, office, make_member, login, django_assert_max_num_queries
):
    unit = Unit.objects.get(office=office, name="综合处")
    client = login(make_member(office, role=Role.UNIT_HEAD, unit=unit, role_unit=unit))
    client.get(reverse("home"))
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("home"))
    grow_campaign(seed_campaign, total_tasks=1500)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("home"))
