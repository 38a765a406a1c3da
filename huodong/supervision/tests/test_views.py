"""The pages: each role that can reach them, and those who are turned away (403/404)."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from huodong.campaigns.models import Task, TaskUnit, TaskUnitRole
from huodong.core.models import AuditRecord
from huodong.supervision import services
from huodong.supervision.models import OverdueReason, ProgressReport, ReportStatus

from .conftest import PDF, PNG, ROLES, upload
from .helpers import (
    ALLOWED,
    RESULT,
    START,
    STATES,
    report,
    snapshot,
    status_of,
    to_received,
)

pytestmark = pytest.mark.django_db

WHOLE_PLAN = {"director", "staff", "admin", "inspector", "leader", "seat"}
UNIT_ACTORS = {"lead_head", "lead_contact", "co_head", "unrelated_head"}


def task_url(world, seq=1) -> str:
    return reverse("campaigns:task", args=[world.campaign.pk, seq])


def action_url(world, name: str, seq=1) -> str:
    return reverse(f"supervision:{name}", args=[world.campaign.pk, seq])


# --- The task page ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_task_page_shows_the_lifecycle_to_every_member(world, login, role):
    to_received(world)
    report(world, text="第一阶段进展")
    response = login(world[role]).get(task_url(world))
    if role == "other_director":
        assert response.status_code == 404
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="supervision"' in html
    assert 'data-status="in_progress"' in html
    sees_reports = role in WHOLE_PLAN | {"lead_head", "lead_contact", "lead_staff", "co_head"}
    assert ("第一阶段进展" in html) is sees_reports
    assert (action_url(world, "submit") in html) is (role in {"lead_head", "lead_contact"})
    assert (action_url(world, "report_new") in html) is (
        role in {"lead_head", "lead_contact", "co_head"}
    )


def test_the_task_page_offers_acceptance_to_acceptors_only(world, login):
    STATES["submitted"](world)
    for role in ROLES[:-1]:
        html = login(world[role]).get(task_url(world)).content.decode()
        assert (action_url(world, "accept") in html) is (role in ALLOWED["accept"]), role


def test_the_task_page_keeps_its_query_count_with_many_reports(
    world, login, django_assert_max_num_queries
):
    to_received(world)
    client = login(world["director"])

    def count_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(task_url(world)).status_code == 200
        return len(queries)

    report(world, files=[upload("a.pdf", PDF)])
    few = count_queries()
    for i in range(30):
        report(world, text=f"进展{i}", files=[upload("a.pdf", PDF), upload("b.png", PNG)])
    assert count_queries() == few
    with django_assert_max_num_queries(20):
        client.get(task_url(world))


# --- Transitions through the pages --------------------------------------------------------


POST_DATA = {
    "receive": lambda world: {"unit": world.lead.pk},
    "submit": lambda world: {"note": "请验收"},
    "accept": lambda world: {"note": "同意"},
    "return": lambda world: {"reason": "缺少签到表"},
    "reopen": lambda world: {},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("transition", list(POST_DATA))
def test_transitions_through_the_pages(world, login, transition, role):
    STATES[START[transition]](world)
    before = snapshot()
    response = login(world[role]).post(action_url(world, transition), POST_DATA[transition](world))
    if role in ALLOWED[transition]:
        assert response.status_code == 302
        assert response["Location"] == task_url(world) + "#supervision"
        assert status_of(world.task) == RESULT[transition]
    else:
        assert response.status_code == (404 if role == "other_director" else 403)
        assert snapshot() == before


def test_a_refused_transition_comes_back_as_a_message(world, login):
    client = login(world["director"])
    before = snapshot()
    response = client.post(action_url(world, "accept"), {}, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert snapshot() == before


def test_transitions_answer_only_post(world, login):
    client = login(world["lead_head"])
    assert client.get(action_url(world, "receive")).status_code == 405


# --- Report pages -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_who_opens_the_new_report_page(world, login, role):
    to_received(world)
    response = login(world[role]).get(action_url(world, "report_new"))
    if role in {"lead_head", "lead_contact", "co_head"}:
        assert response.status_code == 200
    else:
        assert response.status_code == (404 if role == "other_director" else 403)


def test_a_report_is_written_and_submitted_with_files(world, login):
    to_received(world)
    client = login(world["lead_contact"])
    response = client.post(
        action_url(world, "report_new"),
        {
            "unit": world.lead.pk,
            "text": "召开筹备会",
            "files": [upload("议程.pdf", PDF), upload("现场.jpg", PNG)],
            "action": "submit",
        },
    )
    assert response.status_code == 302
    submitted = ProgressReport.objects.get()
    assert submitted.status == ReportStatus.SUBMITTED
    assert sorted(a.original_name for a in submitted.attachments.all()) == ["现场.png", "议程.pdf"]
    assert status_of(world.task) == "in_progress"


def test_a_draft_is_saved_edited_and_then_frozen(world, login):
    to_received(world)
    client = login(world["lead_head"])
    client.post(
        action_url(world, "report_new"), {"unit": world.lead.pk, "text": "草稿", "action": "save"}
    )
    draft = ProgressReport.objects.get()
    url = reverse("supervision:report", args=[world.campaign.pk, draft.pk])
    assert client.post(url, {"text": "定稿", "action": "submit"}).status_code == 302
    draft.refresh_from_db()
    assert (draft.text, draft.status) == ("定稿", ReportStatus.SUBMITTED)
    # Frozen: neither the page nor the delete action changes it.
    client.post(url, {"text": "再改", "action": "save"})
    client.post(reverse("supervision:report_delete", args=[world.campaign.pk, draft.pk]))
    draft.refresh_from_db()
    assert (draft.text, draft.status) == ("定稿", ReportStatus.SUBMITTED)
    assert "再改" not in client.get(url).content.decode()


def test_a_draft_is_invisible_outside_its_unit(world, login):
    to_received(world)
    draft = services.report_create(
        actor=world["lead_head"], task=world.task, unit=world.lead, text="内部草稿"
    )
    url = reverse("supervision:report", args=[world.campaign.pk, draft.pk])
    assert login(world["lead_contact"]).get(url).status_code == 200
    for role in ("director", "co_head", "other_director"):
        assert login(world[role]).get(url).status_code == 404, role
        assert login(world[role]).post(url, {"text": "x"}).status_code == 404, role
    draft.refresh_from_db()
    assert draft.text == "内部草稿"


# --- Reasons for delay --------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_who_gives_a_reason_for_delay(world, login, role):
    before = snapshot()
    response = login(world[role]).post(
        action_url(world, "reason", seq=2), {"unit": world.lead.pk, "text": "人手不足"}
    )
    if role in {"lead_head", "lead_contact"}:
        assert response.status_code == 302
        reason = OverdueReason.objects.get()
        assert (reason.task, reason.unit, reason.text) == (world.late_task, world.lead, "人手不足")
        assert reason.author == world[role]
    else:
        assert response.status_code == (404 if role == "other_director" else 403)
        assert snapshot() == before


def test_a_new_reason_replaces_the_units_previous_one_and_the_log_keeps_both(world):
    for text in ("人手不足", "等待上级批复"):
        services.overdue_reason_give(
            actor=world["lead_head"], task=world.late_task, unit=world.lead, text=text
        )
    assert list(OverdueReason.objects.values_list("text", flat=True)) == ["等待上级批复"]
    assert list(world.late_task.supervision_events.values_list("note", flat=True)) == [
        "人手不足",
        "等待上级批复",
    ]


def test_no_reason_for_a_task_that_is_not_late(world):
    before = snapshot()
    with pytest.raises(services.TransitionRefused):
        services.overdue_reason_give(
            actor=world["lead_head"], task=world.task, unit=world.lead, text="提前说明"
        )
    assert snapshot() == before


# --- Rates --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_the_rates(world, login, role):
    response = login(world[role]).get(reverse("supervision:rates", args=[world.campaign.pk]))
    if role in WHOLE_PLAN:
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="rates-by-unit"' in html
        # The sub-theme has no responsible units: the page says so.
        assert 'id="leader-mapping-empty"' in html
    else:
        assert response.status_code == (404 if role == "other_director" else 403)


def test_a_lead_leader_sees_the_rates(world, login, make_member):
    from huodong.campaigns.models import SubTheme
    from huodong.orgs.models import Person

    user = make_member(world.office, unit=world.unrelated)
    SubTheme.objects.filter(campaign=world.campaign).update(
        lead_leader=Person.objects.get(user=user)
    )
    response = login(user).get(reverse("supervision:rates", args=[world.campaign.pk]))
    assert response.status_code == 200


# --- The overdue ledger -------------------------------------------------------------------


def ledger_url(world, **query) -> str:
    url = reverse("supervision:ledger", args=[world.campaign.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_the_ledger_and_what(world, login, role):
    services.overdue_reason_give(
        actor=world["lead_head"], task=world.late_task, unit=world.lead, text="人手不足"
    )
    response = login(world[role]).get(ledger_url(world))
    if role in WHOLE_PLAN | {"lead_head", "lead_contact"}:
        assert response.status_code == 200
        html = response.content.decode()
        assert 'data-seq="2"' in html and "人手不足" in html
        assert 'data-seq="1"' not in html  # not late
        assert (action_url(world, "reason", seq=2) in html) is (
            role in {"lead_head", "lead_contact"}
        )
    elif role in {"co_head", "unrelated_head"}:
        # A unit head sees the ledger of their own unit's tasks only.
        assert response.status_code == 200
        assert 'data-seq="2"' not in response.content.decode()
    else:
        assert response.status_code == (404 if role == "other_director" else 403)


def test_the_ledger_lists_done_late_tasks_and_filters_by_unit(world, login):
    late = Task.objects.create(
        campaign=world.campaign,
        seq=3,
        text="迟交的总结",
        due=dt.date(2018, 6, 1),
        completed_on=dt.date(2018, 6, 5),
    )
    TaskUnit.objects.create(task=late, unit=world.co, role=TaskUnitRole.LEAD)
    client = login(world["director"])
    page = client.get(ledger_url(world))
    rows = [row.task.seq for row in page.context["rows"]]
    assert rows == [2, 3]  # open ones first
    assert [r.days_late for r in page.context["rows"]] == [10, 4]
    only_co = client.get(ledger_url(world, unit=world.co.pk))
    assert [row.task.seq for row in only_co.context["rows"]] == [3]


def test_a_reason_given_on_the_ledger_returns_to_the_ledger(world, login):
    client = login(world["lead_head"])
    next_url = ledger_url(world, unit=world.lead.pk)
    response = client.post(
        action_url(world, "reason", seq=2),
        {"unit": world.lead.pk, "text": "等待批复", "next": next_url},
    )
    assert response["Location"] == next_url
    unsafe = client.post(
        action_url(world, "reason", seq=2),
        {"unit": world.lead.pk, "text": "等待批复", "next": "https://evil.example/"},
    )
    assert unsafe["Location"] == task_url(world, 2) + "#supervision"


def _count(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def grow(world, count: int) -> None:
    """Add `count` tasks, most of them overdue, each led by two units with a reason from one."""
    first = Task.objects.filter(campaign=world.campaign).count() + 100
    tasks = Task.objects.bulk_create(
        Task(
            campaign=world.campaign,
            seq=first + i,
            text=f"任务{i}",
            due=dt.date(2018, 5, 1) + dt.timedelta(days=i % 60),
            completed_on=dt.date(2018, 6, 30) if i % 7 == 0 else None,
        )
        for i in range(count)
    )
    TaskUnit.objects.bulk_create(
        TaskUnit(task=task, unit=unit, role=TaskUnitRole.LEAD, order=order)
        for task in tasks
        for order, unit in enumerate((world.lead, world.co))
    )
    OverdueReason.objects.bulk_create(
        OverdueReason(task=task, unit=world.lead, text="原因") for task in tasks
    )


def test_the_ledger_keeps_its_query_count(world, login, django_assert_max_num_queries):
    grow(world, 15)
    director = login(world["director"])
    small = _count(director, ledger_url(world))
    grow(world, 170)
    assert Task.objects.filter(campaign=world.campaign, due__lt="2018-06-20").count() > 150
    assert _count(director, ledger_url(world)) == small
    assert _count(director, ledger_url(world, page=2)) == small
    assert _count(director, ledger_url(world, unit=world.co.pk)) == small
    with django_assert_max_num_queries(15):
        director.get(ledger_url(world))
    # A unit head's ledger, scoped to their unit, stays as cheap.
    unit_head = login(world["lead_head"])
    with django_assert_max_num_queries(15):
        assert unit_head.get(ledger_url(world)).status_code == 200


def test_the_rates_page_keeps_its_query_count(world, login):
    grow(world, 15)
    client = login(world["director"])
    url = reverse("supervision:rates", args=[world.campaign.pk])
    small = _count(client, url)
    grow(world, 170)
    assert _count(client, url) == small


def test_the_ledger_exports_to_xlsx(world, login):
    services.overdue_reason_give(
        actor=world["lead_head"], task=world.late_task, unit=world.lead, text="人手不足"
    )
    response = login(world["director"]).get(
        reverse("supervision:ledger_xlsx", args=[world.campaign.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [row[0] for row in rows] == [2]
    _seq, text, due, units, _status, completed, days, reasons = rows[0]
    assert (text, due.date(), units, completed, days) == (
        "开展自查",
        dt.date(2018, 6, 10),
        "综合处",
        None,
        10,
    )
    assert reasons == "综合处：人手不足"
    assert AuditRecord.objects.filter(action="supervision.ledger_export").count() == 1


def test_the_export_follows_the_users_scope(world, login):
    response = login(world["co_head"]).get(
        reverse("supervision:ledger_xlsx", args=[world.campaign.pk])
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert list(sheet.iter_rows(min_row=3, values_only=True)) == []
    plain = login(world["plain"]).get(reverse("supervision:ledger_xlsx", args=[world.campaign.pk]))
    assert plain.status_code == 403


# --- Campaign home links ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "rates", "ledger"),
    [
        ("director", True, True),
        ("inspector", True, True),
        ("seat", True, True),
        ("lead_head", False, True),
        ("plain", False, False),
    ],
)
def test_the_campaign_home_links_to_rates_and_ledger(world, login, role, rates, ledger):
    html = login(world[role]).get(reverse("campaigns:home", args=[world.campaign.pk]))
    html = html.content.decode()
    assert (reverse("supervision:rates", args=[world.campaign.pk]) in html) is rates
    assert (reverse("supervision:ledger", args=[world.campaign.pk]) in html) is ledger
