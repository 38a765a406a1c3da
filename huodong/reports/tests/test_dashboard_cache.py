"""The dashboard's cache: a second visit is served from it; any write, a public answer, the next
day or another language is counted afresh, at once or (within the stale window) by one
background refresh while the page says newer records are being counted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from huodong.orgs.models import Role
from huodong.participation.services.study import study_record_log
from huodong.reports.dashboard_cache import dashboard_view
from huodong.reports.figures import campaign_figures, figure_text
from huodong.reports.tasks import dashboard_refresh
from huodong.reports.tests.test_dashboard import parse
from huodong.reports.tests.test_figures import TODAY, build_small
from huodong.surveys.models import Response, Survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def small(office, make_member, settings):
    settings.HUODONG_TODAY = TODAY.isoformat()
    # Exact by default here: every visit after a write counts afresh.
    settings.HUODONG_DASHBOARD_STALE_SECONDS = 0
    return build_small(office, make_member)


def _visit(client, campaign) -> tuple[dict[str, list[str]], int]:
    """The page's figures and how many SQL queries it took."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("reports:dashboard", args=[campaign.pk]))
    assert response.status_code == 200
    return parse(response.content.decode()).figures, len(captured)


def test_the_cache_is_shared_by_every_app_server():
    assert isinstance(caches["default"], DatabaseCache)


def test_second_visit_is_served_from_the_cache(small, client):
    client.force_login(small.director)
    first, computed = _visit(client, small.campaign)
    again, served = _visit(client, small.campaign)
    assert again == first
    # Session, user, membership, campaign, the data's state and the cache read.
    assert served <= computed - 15
    view = dashboard_view(
        small.campaign, today=TODAY, now=dt.datetime(2018, 6, 20, 12, tzinfo=dt.UTC)
    )
    assert view.from_cache and view.current


def test_a_write_is_shown_at_the_next_visit(small, client, make_member):
    client.force_login(small.director)
    before, _ = _visit(client, small.campaign)
    writer = make_member(small.office, unit=small.units["zonghe"])
    study_record_log(
        actor=writer, campaign=small.campaign, date=TODAY, material="《习近平谈治国理政》"
    )
    after, _ = _visit(client, small.campaign)
    figures = campaign_figures(campaign=small.campaign, until=TODAY)
    assert after["study_records"] == [figure_text(figures, "study_records")]
    assert after["study_records"] != before["study_records"]


def test_a_public_answer_is_shown_at_the_next_visit(small, client):
    """The public's answers are not audited: the cache's key follows them all the same."""
    client.force_login(small.director)
    before, _ = _visit(client, small.campaign)
    survey = Survey.objects.get(campaign=small.campaign, title="满意度调查")
    Response.objects.create(survey=survey, submitted_at=dt.datetime(2018, 6, 20, 9, tzinfo=dt.UTC))
    after, _ = _visit(client, small.campaign)
    assert int(after["survey_responses"][0]) == int(before["survey_responses"][0]) + 1


def test_the_next_day_is_computed_afresh(small, client, settings):
    client.force_login(small.director)
    before, _ = _visit(client, small.campaign)
    settings.HUODONG_TODAY = "2018-07-20"
    later, _ = _visit(client, small.campaign)
    figures = campaign_figures(campaign=small.campaign, until=dt.date(2018, 7, 20))
    assert later["tasks_overdue"] == [figure_text(figures, "tasks_overdue")]
    assert later["as_of"] == [figure_text(figures, "as_of")] != before["as_of"]


def test_each_language_has_its_own_entry(small, client):
    client.force_login(small.director)
    chinese = client.get(reverse("reports:dashboard", args=[small.campaign.pk]))
    english = client.get(
        reverse("reports:dashboard", args=[small.campaign.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "按期完成" in chinese.content.decode()
    assert "按期完成" not in english.content.decode()
    assert "Done on time" in english.content.decode()


def test_another_campaign_never_reads_this_ones_entry(small, other_office, make_member, client):
    client.force_login(small.director)
    _visit(client, small.campaign)
    other = build_small(other_office, make_member)
    client.force_login(other.director)
    figures, _ = _visit(client, other.campaign)
    expected = campaign_figures(campaign=other.campaign, until=TODAY)
    assert figures["tasks_total"] == [figure_text(expected, "tasks_total")]


def test_only_those_who_see_the_dashboard_get_it_from_the_cache(small, client, make_member):
    client.force_login(small.director)
    _visit(client, small.campaign)
    staff = make_member(small.office, role=Role.UNIT_CONTACT, unit=small.units["window"])
    client.force_login(staff)
    assert client.get(reverse("reports:dashboard", args=[small.campaign.pk])).status_code == 404


def test_within_the_stale_window_one_refresh_counts_the_new_records(
    small, client, make_member, settings, django_capture_on_commit_callbacks
):
    settings.HUODONG_DASHBOARD_STALE_SECONDS = 300
    client.force_login(small.director)
    before, _ = _visit(client, small.campaign)
    writer = make_member(small.office, unit=small.units["zonghe"])
    study_record_log(actor=writer, campaign=small.campaign, date=TODAY, material="《之江新语》")
    page = reverse("reports:dashboard", args=[small.campaign.pk])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(page)
        second = client.get(page)
    # Both screens show the figures counted before the write, and say so; one refresh is queued.
    for response in (first, second):
        html = response.content.decode()
        assert "data-counting-newer" in html
        assert parse(html).figures["study_records"] == before["study_records"]
    queued = DBTaskResult.objects.filter(task_path__endswith="dashboard_refresh")
    assert queued.count() == 1
    assert queued.get().args_kwargs["args"] == [small.campaign.pk, "2018-06-20", "zh-hans"]

    dashboard_refresh.call(small.campaign.pk, "2018-06-20", "zh-hans")
    after = client.get(page).content.decode()
    assert "data-counting-newer" not in after
    figures = campaign_figures(campaign=small.campaign, until=TODAY)
    assert parse(after).figures["study_records"] == [figure_text(figures, "study_records")]
    assert parse(after).figures["study_records"] != before["study_records"]


def test_a_refresh_for_a_day_gone_by_stores_nothing(small, client):
    dashboard_refresh.call(small.campaign.pk, "2018-06-19", "zh-hans")
    dashboard_refresh.call(999_999, "2018-06-20", "zh-hans")
    view = dashboard_view(
        small.campaign, today=TODAY, now=dt.datetime(2018, 6, 20, 12, tzinfo=dt.UTC)
    )
    assert not view.from_cache
