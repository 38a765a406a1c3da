"""The plan import pages: upload, review beside the source, confirm; re-import with a diff."""

import dataclasses
import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile
from django.urls import reverse

from huodong.campaigns.models import (
    Campaign,
    PlanDraft,
    PlanDraftStatus,
    Task,
    TaskUnit,
    TaskUnitRole,
)
from huodong.campaigns.plan_drafts import plan_from_dict
from huodong.campaigns.plan_import import ParsedTask
from huodong.campaigns.services import (
    plan_draft_create,
    plan_draft_update,
    task_record_completion,
)
from huodong.campaigns.tests.conftest import seed_bytes
from huodong.campaigns.tests.review_helpers import (
    form_data,
    revised_seed_text,
    seed_text,
    task_index,
)
from huodong.core.models import AuditRecord
from huodong.orgs.models import Role, Unit
from huodong.testing.factories import TEST_PASSWORD, UserFactory

MANAGER_ROLES = [Role.ADMIN, Role.OFFICE_DIRECTOR, Role.OFFICE_STAFF]
NON_MANAGER_ROLES = [Role.LEADER, Role.INSPECTOR, Role.UNIT_HEAD, Role.BRANCH_SECRETARY, None]
IMPORT_URL = reverse("campaigns:import")


@pytest.fixture(autouse=True)
def _demo_day(settings):
    settings.HUODONG_TODAY = "2018-06-20"


@pytest.fixture
def login(client):
    def do(user):
        assert client.login(username=user.username, password=TEST_PASSWORD)
        return client

    return do


@pytest.fixture
def member(office, make_member):
    """A login of `office` holding `role` (unit-scoped roles hold for their own unit)."""

    def make(role):
        unit = Unit.objects.filter(office=office, name="综合处").first()
        if unit is None:
            unit = Unit.objects.create(office=office, name="综合处", kind="department")
        scoped = role in (Role.UNIT_HEAD, Role.BRANCH_SECRETARY, Role.UNIT_CONTACT)
        return make_member(office, role=role, unit=unit, role_unit=unit if scoped else None)

    return make


def docx_upload(name="plan-2018-9.docx", data=None):
    return SimpleUploadedFile(name, seed_bytes("plan-2018-9.docx") if data is None else data)


def upload(client, url=IMPORT_URL, **post):
    return client.post(url, post)


def new_draft(office, **kwargs) -> PlanDraft:
    return plan_draft_create(
        actor=None,
        office=office,
        source_name="plan-2018-9.docx",
        data_or_text=seed_bytes("plan-2018-9.docx"),
        **kwargs,
    )


def review_url(draft) -> str:
    return reverse("campaigns:draft_review", args=[draft.pk])


def review_form(client, draft) -> dict[str, str]:
    response = client.get(review_url(draft))
    assert response.status_code == 200
    return form_data(response.content.decode())


# --- Upload, review, confirm ---------------------------------------------------------------


@pytest.mark.parametrize("role", MANAGER_ROLES)
def test_upload_review_confirm_creates_the_campaign(office, member, login, role):
    client = login(member(role))
    page = client.get(IMPORT_URL)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()

    response = upload(client, file=docx_upload())
    draft = PlanDraft.objects.get()
    assert response.status_code == 302
    assert response["Location"] == review_url(draft)
    assert draft.office == office and draft.source_name == "plan-2018-9.docx"
    assert not Campaign.objects.exists()

    html = client.get(review_url(draft)).content.decode()
    # The source beside the parsed plan: every task a row, the table's words on the left.
    assert html.count('data-row="task"') == 16  # 15 tasks and one blank row to add
    assert "市政管办解放思想大讨论活动计划安排表" in html
    assert 'class="card review-source"' in html
    data = form_data(html)
    assert data["plan-title"] == "关于开展解放思想大讨论活动的方案"
    assert data["tasks-TOTAL_FORMS"] == "16"
    assert data["tasks-1-lead_units"] == "综合处、督查处"

    response = client.post(review_url(draft), {**data, "action": "apply"})
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:home", args=[campaign.pk])
    assert campaign.office == office
    assert campaign.tasks.count() == 15
    assert campaign.phases.count() == 4
    assert campaign.requirements.count() == 5
    assert campaign.source_name == "plan-2018-9.docx"
    draft.refresh_from_db()
    assert draft.status == PlanDraftStatus.APPLIED and draft.result == campaign
    assert AuditRecord.objects.filter(action="campaign.import", object_id=str(campaign.pk)).exists()
    assert AuditRecord.objects.filter(action="plan_draft.apply").count() == 1


def test_edited_fields_are_what_gets_created(office, member, login):
    client = login(member(Role.OFFICE_DIRECTOR))
    draft = new_draft(office)
    data = review_form(client, draft)
    i = task_index(data, 6)
    data[f"tasks-{i}-due"] = "2018-06-22"
    data[f"tasks-{i}-lead_units"] = "综合处、宣传室"
    data[f"tasks-{i}-co_units"] = "督查处"
    data["plan-warning_days"] = "5"
    data["phases-0-name"] = "动员阶段"  # a renamed phase keeps its tasks
    # Delete task 15, add a task 16 in the blank row.
    data[f"tasks-{task_index(data, 15)}-DELETE"] = "on"
    data.update(
        {
            "tasks-15-seq": "16",
            "tasks-15-phase": "实践转化阶段",
            "tasks-15-text": "开展总结评比。",
            "tasks-15-due": "2018-12-20",
            "tasks-15-lead_units": "宣传室",
        }
    )
    response = client.post(review_url(draft), {**data, "action": "apply"})
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.warning_days == 5
    task = Task.objects.get(campaign=campaign, seq=6)
    assert task.due == dt.date(2018, 6, 22)
    links = list(TaskUnit.objects.filter(task=task).select_related("unit"))
    assert [link.unit.name for link in links if link.role == TaskUnitRole.LEAD] == [
        "综合处",
        "宣传室",
    ]
    assert [link.unit.name for link in links if link.role == TaskUnitRole.CO] == ["督查处"]
    assert task.phase.name == "动员阶段"
    assert sorted(campaign.tasks.values_list("seq", flat=True)) == [*range(1, 15), 16]
    added = Task.objects.get(campaign=campaign, seq=16)
    assert (added.text, added.due, added.phase.name) == (
        "开展总结评比。",
        dt.date(2018, 12, 20),
        "实践转化阶段",
    )
    # Fields the screen does not show survive the edit (the phase's text).
    assert campaign.phases.get(name="动员阶段").text.startswith("全面动员部署")


def test_save_keeps_the_edits_in_the_draft_for_any_server(office, member, login):
    client = login(member(Role.OFFICE_STAFF))
    draft = new_draft(office)
    data = review_form(client, draft)
    data[f"tasks-{task_index(data, 2)}-text"] = "改过的任务"
    data["group-deputies"] = "魏旭光、刘宝春"
    response = client.post(review_url(draft), {**data, "action": "save"})
    assert response.status_code == 302 and response["Location"] == review_url(draft)
    draft.refresh_from_db()
    assert draft.status == PlanDraftStatus.OPEN
    plan = plan_from_dict(draft.parsed)
    assert next(t for t in plan.tasks if t.seq == 2).text == "改过的任务"
    assert plan.leading_group.members["副组长"] == ["魏旭光", "刘宝春"]
    assert not Campaign.objects.exists()
    # Another manager of the office opens it (a fresh session: nothing kept in the process).
    client.logout()
    other = login(member(Role.OFFICE_DIRECTOR))
    again = review_form(other, draft)
    assert again[f"tasks-{task_index(again, 2)}-text"] == "改过的任务"


def test_pasted_text_is_imported(office, member, login):
    client = login(member(Role.OFFICE_DIRECTOR))
    response = upload(client, text=seed_text())
    draft = PlanDraft.objects.get()
    assert response["Location"] == review_url(draft)
    assert draft.source_name == ""
    data = review_form(client, draft)
    client.post(review_url(draft), {**data, "action": "apply"})
    assert Campaign.objects.get().tasks.count() == 15


@pytest.mark.parametrize(
    ("post", "code"),
    [
        ({"file": ("plan.pdf", b"%PDF-1.7\n%binary")}, "pdf"),
        ({"file": ("plan.docx", b"")}, "empty"),
        ({"file": ("plan.txt", b"   \n  ")}, "empty"),
        ({"text": "这不是一个方案。"}, "no_tasks"),
        ({}, "nothing"),
    ],
)
def test_bad_uploads_show_the_reason_and_save_nothing(office, member, login, post, code):
    client = login(member(Role.OFFICE_DIRECTOR))
    if "file" in post:
        name, data = post["file"]
        post = {"file": SimpleUploadedFile(name, data)}
    response = upload(client, **post)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-code="{code}"' in html
    assert 'class="errorlist' in html or "msg msg-error" in html
    assert not PlanDraft.objects.exists()
    assert not AuditRecord.objects.filter(action="plan_draft.create").exists()


def test_too_large_upload_is_refused_before_reading(office, member, login, settings, monkeypatch):
    settings.HUODONG_MAX_IMPORT_BYTES = 1000
    client = login(member(Role.OFFICE_DIRECTOR))
    document = io.BytesIO(seed_bytes("plan-2018-9.docx"))
    document.name = "plan-2018-9.docx"

    def never_read(*args, **kwargs):  # pragma: no cover - reached only on failure
        raise AssertionError("an oversize upload was read")

    # The server's copy of the upload; the test client sends a plain BytesIO.
    monkeypatch.setattr(InMemoryUploadedFile, "read", never_read)
    response = upload(client, file=document)
    assert 'data-code="too_large"' in response.content.decode()
    monkeypatch.undo()
    response = upload(client, text="字" * 400)
    assert 'data-code="too_large"' in response.content.decode()
    assert not PlanDraft.objects.exists()


def test_validation_errors_are_shown_and_nothing_is_saved(office, member, login):
    client = login(member(Role.OFFICE_DIRECTOR))
    draft = new_draft(office)
    stored = dict(draft.parsed)
    data = review_form(client, draft)
    data["plan-title"] = ""
    data[f"tasks-{task_index(data, 3)}-due"] = "not a date"
    data[f"tasks-{task_index(data, 5)}-seq"] = "4"  # a number used twice
    data["phases-1-end"] = "2018-05-01"  # before its start
    data["quotas-0-task_seq"] = "99"
    for action in ("apply", "save"):
        response = client.post(review_url(draft), {**data, "action": action})
        assert response.status_code == 200
        html = response.content.decode()
        assert 'data-review="invalid"' in html
        assert html.count('class="errorlist') >= 5
    draft.refresh_from_db()
    assert draft.parsed == stored and draft.status == PlanDraftStatus.OPEN
    assert not Campaign.objects.exists()


def test_errors_speak_the_users_language(office, member, login):
    client = login(member(Role.OFFICE_DIRECTOR))
    draft = new_draft(office)
    data = review_form(client, draft)
    data["plan-title"] = ""
    html = client.post(review_url(draft), {**data, "action": "save"}).content.decode()
    assert "这个字段是必填项。" in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.post(review_url(draft), {**data, "action": "save"}).content.decode()
    assert "This field is required." in html


def test_double_confirm_creates_one_campaign(office, member, login):
    client = login(member(Role.OFFICE_DIRECTOR))
    draft = new_draft(office)
    data = {**review_form(client, draft), "action": "apply"}
    first = client.post(review_url(draft), data)
    second = client.post(review_url(draft), data)
    campaign = Campaign.objects.get()
    assert first["Location"] == second["Location"] == reverse("campaigns:home", args=[campaign.pk])
    assert campaign.tasks.count() == 15
    assert AuditRecord.objects.filter(action="campaign.import").count() == 1
    # The applied draft now leads to its campaign.
    assert client.get(review_url(draft))["Location"] == reverse(
        "campaigns:home", args=[campaign.pk]
    )


def test_a_stale_page_does_not_overwrite_a_newer_save(office, member, login):
    client = login(member(Role.OFFICE_DIRECTOR))
    draft = new_draft(office)
    data = review_form(client, draft)
    first = {**data, f"tasks-{task_index(data, 1)}-text": "第一位审核人", "action": "save"}
    assert client.post(review_url(draft), first).status_code == 302
    stale = {**data, f"tasks-{task_index(data, 1)}-text": "第二位审核人", "action": "apply"}
    response = client.post(review_url(draft), stale)
    assert response["Location"] == review_url(draft)
    draft.refresh_from_db()
    assert plan_from_dict(draft.parsed).tasks[0].text == "第一位审核人"
    assert not Campaign.objects.exists()


def test_discard(office, member, login):
    client = login(member(Role.OFFICE_DIRECTOR))
    draft = new_draft(office)
    response = client.post(review_url(draft), {"action": "discard"})
    assert response["Location"] == IMPORT_URL
    draft.refresh_from_db()
    assert draft.status == PlanDraftStatus.DISCARDED
    assert not Campaign.objects.exists()
    assert draft.pk not in [
        int(pk) for pk in re.findall(r'data-draft="(\d+)"', client.get(IMPORT_URL).content.decode())
    ]


def test_problems_are_listed_with_their_snippets(office, member, login):
    client = login(member(Role.OFFICE_DIRECTOR))
    text = seed_text().replace(
        "在便民方舟发放调查问卷，广泛征集意见。\n\t5.31\n",
        "在便民方舟发放调查问卷，广泛征集意见。\n\t\n",
    )
    upload(client, text=text)
    draft = PlanDraft.objects.get()
    plan = plan_from_dict(draft.parsed)
    assert plan.warnings, "the importer should notice the missing deadline"
    html = client.get(review_url(draft)).content.decode()
    assert 'id="problems"' in html
    for problem in getattr(plan, "problems", []):
        assert f'data-problem="{problem.kind}"' in html
        if problem.snippet:
            assert problem.snippet in html
    for warning in plan.warnings:
        assert warning in html


def test_year_source_is_shown_where_known(office, member, login):
    client = login(member(Role.OFFICE_DIRECTOR))
    draft = new_draft(office)
    plan = plan_from_dict(draft.parsed)
    if not hasattr(plan, "year_source"):
        pytest.skip("the importer does not say where the year came from yet")
    plan = dataclasses.replace(plan, year_source="从2018年5月开始到年底")
    plan_draft_update(actor=None, draft=draft, plan=plan)
    html = client.get(review_url(draft)).content.decode()
    assert "data-year-source" in html and "从2018年5月开始到年底" in html


# --- Who may --------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(office, seed_campaign, client):
    draft = new_draft(office)
    for url in (
        IMPORT_URL,
        review_url(draft),
        reverse("campaigns:reimport", args=[seed_campaign.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", NON_MANAGER_ROLES)
def test_others_of_the_office_cannot_import_or_review(office, seed_campaign, member, login, role):
    draft = new_draft(office)
    reimport = new_draft(office, campaign=seed_campaign)
    stored = dict(draft.parsed)
    client = login(member(role))
    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client, file=docx_upload()).status_code == 403
    assert upload(client, text=seed_text()).status_code == 403
    for d in (draft, reimport):
        assert client.get(review_url(d)).status_code == 404
        for action in ("save", "apply", "discard"):
            assert client.post(review_url(d), {"action": action}).status_code == 404
    reimport_url = reverse("campaigns:reimport", args=[seed_campaign.pk])
    assert client.get(reimport_url).status_code == 404
    assert client.post(reimport_url, {"file": docx_upload()}).status_code == 404
    assert PlanDraft.objects.count() == 2
    draft.refresh_from_db()
    assert draft.status == PlanDraftStatus.OPEN and draft.parsed == stored
    assert Campaign.objects.count() == 1
    # Neither page offers the import.
    assert IMPORT_URL not in client.get(reverse("campaigns:list")).content.decode()
    assert (
        reimport_url
        not in client.get(reverse("campaigns:home", args=[seed_campaign.pk])).content.decode()
    )


def test_another_offices_manager_sees_nothing(
    office, other_office, seed_campaign, make_member, login
):
    draft = new_draft(office)
    reimport = new_draft(office, campaign=seed_campaign)
    client = login(make_member(other_office, role=Role.OFFICE_DIRECTOR))
    for d in (draft, reimport):
        assert client.get(review_url(d)).status_code == 404
        assert client.post(review_url(d), {"action": "apply"}).status_code == 404
    assert client.get(reverse("campaigns:reimport", args=[seed_campaign.pk])).status_code == 404
    # Their own import page lists none of this office's drafts and saves to their own office.
    assert 'data-draft="' not in client.get(IMPORT_URL).content.decode()
    upload(client, file=docx_upload())
    assert PlanDraft.objects.filter(office=other_office).count() == 1
    assert Campaign.objects.count() == 1


def test_a_login_without_a_person_is_refused(db, client):
    user = UserFactory()
    client.login(username=user.username, password=TEST_PASSWORD)
    assert client.get(IMPORT_URL).status_code == 403


def test_superuser_imports_for_a_chosen_office(office, other_office, client):
    user = UserFactory(is_superuser=True, is_staff=True)
    client.login(username=user.username, password=TEST_PASSWORD)
    html = client.get(IMPORT_URL, {"office": other_office.pk}).content.decode()
    assert 'name="office"' in html
    response = client.post(IMPORT_URL, {"office": office.pk, "file": docx_upload()})
    draft = PlanDraft.objects.get()
    assert draft.office == office
    assert client.get(response["Location"]).status_code == 200


def test_links_to_the_import(office, seed_campaign, member, login):
    client = login(member(Role.OFFICE_DIRECTOR))
    assert IMPORT_URL in client.get(reverse("campaigns:list")).content.decode()
    home = client.get(reverse("campaigns:home", args=[seed_campaign.pk])).content.decode()
    assert reverse("campaigns:reimport", args=[seed_campaign.pk]) in home


def test_home_page_links_to_the_import_when_there_is_no_campaign(office, member, login):
    client = login(member(Role.OFFICE_STAFF))
    assert IMPORT_URL in client.get(reverse("home")).content.decode()
    client.logout()
    client = login(member(Role.INSPECTOR))
    assert IMPORT_URL not in client.get(reverse("home")).content.decode()


# --- Re-import ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", MANAGER_ROLES)
def test_reimport_shows_the_diff_and_keeps_progress(seed_campaign, member, login, role):
    for seq, day in (
        (1, dt.date(2018, 5, 24)),
        (4, dt.date(2018, 6, 2)),
        (14, dt.date(2018, 6, 5)),
    ):
        task_record_completion(actor=None, task=seed_campaign.tasks.get(seq=seq), completed_on=day)
    client = login(member(role))
    url = reverse("campaigns:reimport", args=[seed_campaign.pk])
    assert client.get(url).status_code == 200
    revised = SimpleUploadedFile("plan-2018-9-rev.txt", revised_seed_text().encode("utf-8"))
    response = client.post(url, {"file": revised})
    draft = PlanDraft.objects.get()
    assert draft.campaign == seed_campaign
    assert response["Location"] == review_url(draft)

    html = client.get(review_url(draft)).content.decode()
    assert re.findall(r'data-diff="task-(\w+)" data-seq="(\d+)"', html) == [
        ("added", "16"),
        ("removed", "14"),
        ("changed", "4"),
    ]
    assert 'data-fields="due due_text"' in html
    # Removing task 14 loses its recorded completion: said in red before anything happens.
    assert 'data-seq="14" data-progress="lost"' in html
    assert 'class="msg msg-error"' in html
    assert "2018-06-02" in html  # the changed task's completion is kept, and the page says so
    assert 'data-diff="header"' not in html

    response = client.post(review_url(draft), {**form_data(html), "action": "apply"})
    assert response["Location"] == reverse("campaigns:home", args=[seed_campaign.pk])
    assert Campaign.objects.count() == 1
    tasks = {t.seq: t for t in Task.objects.filter(campaign=seed_campaign)}
    assert sorted(tasks) == [*range(1, 14), 15, 16]
    assert tasks[1].completed_on == dt.date(2018, 5, 24)
    assert tasks[4].completed_on == dt.date(2018, 6, 2)
    assert tasks[4].due == dt.date(2018, 6, 10)
    assert tasks[16].completed_on is None
    seed_campaign.refresh_from_db()
    assert seed_campaign.source_name == "plan-2018-9-rev.txt"


def test_reimport_of_the_same_plan_changes_nothing(seed_campaign, member, login):
    task_record_completion(
        actor=None, task=seed_campaign.tasks.get(seq=3), completed_on=dt.date(2018, 5, 29)
    )
    client = login(member(Role.OFFICE_DIRECTOR))
    url = reverse("campaigns:reimport", args=[seed_campaign.pk])
    client.post(url, {"file": docx_upload()})
    draft = PlanDraft.objects.get()
    html = client.get(review_url(draft)).content.decode()
    assert 'data-diff="empty"' in html
    before = list(Task.objects.filter(campaign=seed_campaign).values_list("pk", "completed_on"))
    client.post(review_url(draft), {**form_data(html), "action": "apply"})
    after = list(Task.objects.filter(campaign=seed_campaign).values_list("pk", "completed_on"))
    assert after == before


# --- Queries --------------------------------------------------------------------------------


def bigger_plan(draft, total):
    plan = plan_from_dict(draft.parsed)
    plan.tasks += [
        ParsedTask(
            seq=100 + i,
            phase="学习讨论阶段",
            text=f"第{i}项任务",
            due=dt.date(2018, 6, 1) + dt.timedelta(days=i % 60),
            due_text="",
            lead_units=["综合处", "督查处"],
            co_units=["宣传室"],
        )
        for i in range(total - len(plan.tasks))
    ]
    return plan


@pytest.mark.parametrize("reimport", [False, True], ids=["new", "reimport"])
def test_review_page_runs_a_fixed_number_of_queries(
    office, seed_campaign, member, login, django_assert_max_num_queries, reimport
):
    client = login(member(Role.OFFICE_DIRECTOR))
    draft = new_draft(office, campaign=seed_campaign if reimport else None)
    url = review_url(draft)
    client.get(url)  # warm the session
    with django_assert_max_num_queries(20) as small:
        response = client.get(url)
    assert response.content.decode().count('data-row="task"') == 16
    draft = plan_draft_update(actor=None, draft=draft, plan=bigger_plan(draft, 150))
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    html = response.content.decode()
    assert html.count('data-row="task"') == 151
    if reimport:
        assert html.count('data-diff="task-added"') == 135
