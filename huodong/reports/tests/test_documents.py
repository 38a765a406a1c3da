"""Report drafts: the services per role, versions, refresh, numbering, and the pages."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import reverse

from huodong.campaigns.models import Task
from huodong.campaigns.tests.conftest import seed_campaign  # noqa: F401  (fixture)
from huodong.core.models import AuditRecord
from huodong.orgs.models import Role, Unit
from huodong.reports import services
from huodong.reports.models import ReportDraft, ReportKind, ReportSection, ReportStatus
from huodong.testing.factories import TEST_PASSWORD

DEMO_DAY = dt.date(2018, 6, 20)


@pytest.fixture(autouse=True)
def _demo_day(settings):
    settings.HUODONG_TODAY = DEMO_DAY.isoformat()


@pytest.fixture
def cast(seed_campaign, office, other_office, make_member):  # noqa: F811
    unit = Unit.objects.get(office=office, name="综合处")
    office_unit = Unit.objects.get(office=office, name="宣传室")
    c = SimpleNamespace(campaign=seed_campaign, office=office)
    c.director = make_member(office, role=Role.OFFICE_DIRECTOR, unit=office_unit)
    c.staff = make_member(office, role=Role.OFFICE_STAFF, unit=office_unit)
    c.admin = make_member(office, role=Role.ADMIN, unit=office_unit)
    c.leader = make_member(office, role=Role.LEADER, unit=office_unit)
    c.inspector = make_member(office, role=Role.INSPECTOR, unit=office_unit)
    c.head = make_member(office, role=Role.UNIT_HEAD, unit=unit, role_unit=unit)
    c.plain = make_member(office, unit=unit)
    c.stranger = make_member(other_office, role=Role.OFFICE_DIRECTOR)
    return c


DRAFTERS = ("director", "staff", "admin")
READERS = ("leader", "inspector")
OUTSIDERS = ("head", "plain", "stranger")


@pytest.fixture
def login(client):
    def do(user):
        client.logout()
        if user is not None:
            assert client.login(username=user.username, password=TEST_PASSWORD)
        return client

    return do


def summary(c, actor=None) -> ReportDraft:
    return services.report_draft_create(
        actor=actor or c.director, campaign=c.campaign, kind=ReportKind.SUMMARY
    )


def brief(c, actor=None, **kwargs) -> ReportDraft:
    return services.report_draft_create(
        actor=actor or c.director, campaign=c.campaign, kind=ReportKind.BRIEF, **kwargs
    )


def texts(draft: ReportDraft) -> list[tuple[str, str]]:
    return list(
        ReportSection.objects.filter(draft=draft).order_by("order").values_list("heading", "body")
    )


def as_sections(draft: ReportDraft, **changes) -> list[services.SectionText]:
    rows = ReportSection.objects.filter(draft=draft).order_by("order")
    return [services.SectionText(heading=r.heading, body=changes.get(r.key, r.body)) for r in rows]


# --- Services per role ----------------------------------------------------------------------


@pytest.mark.parametrize("who", DRAFTERS)
def test_the_office_drafts_a_summary(cast, who):
    draft = summary(cast, getattr(cast, who))
    assert draft.kind == ReportKind.SUMMARY and draft.status == ReportStatus.DRAFT
    assert draft.title == "关于开展解放思想大讨论活动情况的总结"
    assert draft.issuer == "宿迁市政务服务管理办公室"
    assert draft.issue_number is None
    assert draft.figures["current"]["as_of"] == DEMO_DAY.isoformat()
    assert draft.figures["current"]["tasks_total"] == cast.campaign.tasks.count()
    keys = list(draft.sections.order_by("order").values_list("key", flat=True))
    assert keys == ["intro", "basic", "work", "practices", "shortcomings", "next"]
    tasks_total = str(cast.campaign.tasks.count())
    assert any(m["field"] == "tasks_total" and m["value"] == tasks_total for m in draft.mentions)
    work = draft.sections.get(key="work").body
    assert f"方案部署的{tasks_total}项任务" in work
    assert AuditRecord.objects.filter(
        action="reports.draft_create", object_id=str(draft.pk)
    ).exists()


@pytest.mark.parametrize("who", READERS + OUTSIDERS)
def test_others_may_not_draft(cast, who):
    with pytest.raises(services.NotAllowed):
        summary(cast, getattr(cast, who))
    with pytest.raises(services.NotAllowed):
        brief(cast, getattr(cast, who))
    assert not ReportDraft.objects.exists()


@pytest.mark.parametrize("who", READERS + OUTSIDERS)
def test_others_may_not_change_a_draft(cast, who):
    draft = summary(cast)
    before = texts(draft)
    actor = getattr(cast, who)
    calls = [
        lambda: services.report_draft_update(
            actor=actor,
            draft=draft,
            title="改过的标题",
            sections=as_sections(draft, intro="改过"),
            version=draft.version,
        ),
        lambda: services.report_draft_refresh_figures(actor=actor, draft=draft),
        lambda: services.report_draft_finalise(actor=actor, draft=draft),
        lambda: services.report_draft_delete(actor=actor, draft=draft),
    ]
    for call in calls:
        with pytest.raises(services.NotAllowed):
            call()
    draft.refresh_from_db()
    assert draft.title == "关于开展解放思想大讨论活动情况的总结"
    assert draft.status == ReportStatus.DRAFT and draft.version == 1
    assert texts(draft) == before


def test_briefs_are_numbered_per_campaign(cast):
    first = brief(cast)
    second = brief(cast, actor=cast.staff, period="month")
    summary(cast)
    assert (first.issue_number, second.issue_number) == (1, 2)
    assert (first.period_start, first.period_end) == (dt.date(2018, 6, 18), dt.date(2018, 6, 24))
    assert (second.period_start, second.period_end) == (dt.date(2018, 6, 1), dt.date(2018, 6, 30))
    assert first.title == "2018年6月18日至24日解放思想大讨论活动进展情况"
    assert first.issuer == "解放思想大讨论活动领导小组办公室"
    # The brief counts to today within a running week; the period's share is from the day
    # before it began.
    assert first.figures["current"]["as_of"] == "2018-06-20"
    assert first.figures["previous"]["as_of"] == "2018-06-17"


def test_a_brief_reports_what_happened_in_its_week(cast):
    task = Task.objects.filter(campaign=cast.campaign, due__isnull=False).order_by("seq").first()
    task.completed_on = dt.date(2018, 6, 19)
    task.save()
    draft = brief(cast, period_start=dt.date(2018, 6, 18))
    current, previous = draft.figures["current"], draft.figures["previous"]
    assert current["tasks_done"] - previous["tasks_done"] == 1
    period = {m["field"]: m["value"] for m in draft.mentions if m["scope"] == "period"}
    assert period["tasks_done"] == "1"
    assert "本周完成任务1项" in draft.sections.get(key="period").body
    earlier = brief(cast, period_start=dt.date(2018, 6, 11))
    period = {m["field"]: m["value"] for m in earlier.mentions if m["scope"] == "period"}
    assert period["tasks_done"] == "0"
    assert earlier.figures["current"]["as_of"] == "2018-06-17"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"period_start": dt.date(2018, 7, 2)}, "period"),
        ({"period_start": dt.date(2018, 6, 20), "period_end": dt.date(2018, 6, 10)}, "period"),
        ({"period": "year"}, "period"),
    ],
)
def test_bad_periods_are_refused(cast, kwargs, code):
    with pytest.raises(services.Refused) as refused:
        brief(cast, **kwargs)
    assert refused.value.code == code
    assert not ReportDraft.objects.exists()


def test_a_stale_save_is_refused_and_the_saved_text_kept(cast):
    draft = summary(cast)
    opened = draft.version
    services.report_draft_update(
        actor=cast.staff,
        draft=draft,
        title=draft.title,
        sections=as_sections(draft, next="同事写的下一步打算。"),
        version=opened,
    )
    saved = texts(draft)
    with pytest.raises(services.Refused) as refused:
        services.report_draft_update(
            actor=cast.director,
            draft=draft,
            title="我的标题",
            sections=as_sections(draft, next="我写的。"),
            version=opened,
        )
    assert refused.value.code == "stale"
    assert "未保存" in str(refused.value) or "not" in str(refused.value)
    draft.refresh_from_db()
    assert draft.version == opened + 1 and draft.title != "我的标题"
    assert texts(draft) == saved
    assert dict(saved)["下一步工作打算"] == "同事写的下一步打算。"


def test_editing_keeps_the_mentions_still_in_the_text(cast):
    draft = summary(cast)
    mentions = len(draft.mentions)
    services.report_draft_update(
        actor=cast.director,
        draft=draft,
        title="  关于解放思想大讨论活动的总结 ",
        sections=as_sections(draft, basic="改写的基本情况。"),
        version=1,
    )
    draft.refresh_from_db()
    assert draft.title == "关于解放思想大讨论活动的总结"
    assert draft.version == 2
    assert not any(m["section"] == "basic" for m in draft.mentions)
    assert len(draft.mentions) == mentions - 2  # units and people were in 基本情况
    basic = draft.sections.get(key="basic")
    assert basic.is_edited and not draft.sections.get(key="work").is_edited


def test_refresh_keeps_edited_sections_unless_asked(cast):
    draft = summary(cast)
    services.report_draft_update(
        actor=cast.director,
        draft=draft,
        title=draft.title,
        sections=as_sections(draft, next="我们自己写的打算。"),
        version=1,
    )
    Task.objects.filter(campaign=cast.campaign).update(completed_on=dt.date(2018, 6, 1))
    draft = services.report_draft_refresh_figures(actor=cast.director, draft=draft)
    assert draft.version == 3
    tasks_total = cast.campaign.tasks.count()
    assert draft.figures["current"]["tasks_done"] == tasks_total
    assert f"已完成并通过验收{tasks_total}项" in draft.sections.get(key="work").body
    assert draft.sections.get(key="next").body == "我们自己写的打算。"
    draft = services.report_draft_refresh_figures(
        actor=cast.director, draft=draft, overwrite_edited=True
    )
    assert draft.sections.get(key="next").body.startswith("下一步，")
    assert AuditRecord.objects.filter(action="reports.draft_refresh").count() == 2


def test_a_final_report_is_locked(cast):
    draft = summary(cast)
    draft = services.report_draft_finalise(actor=cast.director, draft=draft)
    assert draft.status == ReportStatus.FINAL and draft.finalised_at is not None
    with pytest.raises(services.Refused):
        services.report_draft_update(
            actor=cast.director,
            draft=draft,
            title="x",
            sections=as_sections(draft),
            version=draft.version,
        )
    with pytest.raises(services.Refused):
        services.report_draft_refresh_figures(actor=cast.director, draft=draft)
    services.report_draft_delete(actor=cast.director, draft=draft)
    assert not ReportDraft.objects.exists()
    assert AuditRecord.objects.filter(action="reports.draft_delete").exists()


# --- Pages ----------------------------------------------------------------------------------


def test_anonymous_goes_to_login(cast, client):
    draft = summary(cast)
    for url in (
        reverse("reports:documents", args=[cast.campaign.pk]),
        reverse("reports:document", args=[draft.pk]),
        reverse("reports:document_docx", args=[draft.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("who", DRAFTERS + READERS)
def test_the_list_for_those_who_read_reports(cast, login, who, django_assert_max_num_queries):
    summary(cast)
    brief(cast)
    client = login(getattr(cast, who))
    with django_assert_max_num_queries(20):
        response = client.get(reverse("reports:documents", args=[cast.campaign.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "关于开展解放思想大讨论活动情况的总结" in html
    assert "2018年6月18日至24日解放思想大讨论活动进展情况" in html
    assert ('id="new-report"' in html) == (who in DRAFTERS)


def test_the_list_keeps_its_query_count(cast, login, django_assert_max_num_queries):
    for _ in range(3):
        brief(cast)
    client = login(cast.leader)
    url = reverse("reports:documents", args=[cast.campaign.pk])
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for _ in range(10):
        ReportDraft.objects.create(campaign=cast.campaign, kind=ReportKind.SUMMARY, title="x")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_everyone_else_gets_404(cast, login, who):
    draft = summary(cast)
    client = login(getattr(cast, who))
    for url in (
        reverse("reports:documents", args=[cast.campaign.pk]),
        reverse("reports:document", args=[draft.pk]),
        reverse("reports:document_docx", args=[draft.pk]),
    ):
        assert client.get(url).status_code == 404
    for url in (
        reverse("reports:document_create", args=[cast.campaign.pk]),
        reverse("reports:document", args=[draft.pk]),
        reverse("reports:document_refresh", args=[draft.pk]),
        reverse("reports:document_finalise", args=[draft.pk]),
        reverse("reports:document_delete", args=[draft.pk]),
    ):
        assert client.post(url, {"what": "week"}).status_code == 404
    assert ReportDraft.objects.count() == 1


@pytest.mark.parametrize("who", READERS)
def test_readers_read_and_download_but_do_not_edit(cast, login, who):
    draft = summary(cast)
    client = login(getattr(cast, who))
    html = client.get(reverse("reports:document", args=[draft.pk])).content.decode()
    assert 'id="edit"' not in html and 'id="finalise"' not in html and 'id="delete"' not in html
    assert 'id="export"' in html and "关于开展解放思想大讨论活动情况的总结" in html
    assert client.get(reverse("reports:document_docx", args=[draft.pk])).status_code == 200
    for url in (
        reverse("reports:document_create", args=[cast.campaign.pk]),
        reverse("reports:document", args=[draft.pk]),
        reverse("reports:document_refresh", args=[draft.pk]),
        reverse("reports:document_finalise", args=[draft.pk]),
        reverse("reports:document_delete", args=[draft.pk]),
    ):
        assert client.post(url, {"what": "summary", "title": "x"}).status_code == 404
    draft.refresh_from_db()
    assert draft.version == 1 and ReportDraft.objects.count() == 1


def _post_data(draft: ReportDraft, **changes) -> dict[str, str]:
    data = {"version": str(draft.version), "title": changes.pop("title", draft.title)}
    for n, section in enumerate(draft.sections.order_by("order")):
        data[f"heading_{n}"] = section.heading
        data[f"body_{n}"] = changes.get(section.key, section.body)
    return data


def test_the_office_drafts_edits_and_finalises_through_the_pages(cast, login):
    client = login(cast.director)
    response = client.post(
        reverse("reports:document_create", args=[cast.campaign.pk]),
        {"what": "month", "day": "2018-05-15"},
    )
    draft = ReportDraft.objects.get()
    assert response["Location"] == reverse("reports:document", args=[draft.pk])
    assert (draft.period_start, draft.period_end) == (dt.date(2018, 5, 1), dt.date(2018, 5, 31))
    assert draft.figures["current"]["as_of"] == "2018-05-31"
    page = client.get(response["Location"]).content.decode()
    assert 'id="edit"' in page and 'data-snapshot="tasks_total"' in page
    response = client.post(
        reverse("reports:document", args=[draft.pk]),
        _post_data(draft, title="五月份简报", attention="请各单位抓紧。"),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "五月份简报" and draft.version == 2
    assert draft.sections.get(key="attention").body == "请各单位抓紧。"
    assert client.post(reverse("reports:document_refresh", args=[draft.pk])).status_code == 302
    assert draft.sections.get(key="attention").body == "请各单位抓紧。"
    client.post(reverse("reports:document_finalise", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == ReportStatus.FINAL
    page = client.get(reverse("reports:document", args=[draft.pk])).content.decode()
    assert 'id="edit"' not in page and "请各单位抓紧。" in page
    client.post(reverse("reports:document_delete", args=[draft.pk]))
    assert not ReportDraft.objects.exists()


def test_a_stale_save_through_the_page(cast, login):
    draft = summary(cast)
    stale = _post_data(draft, next="我写的打算。")
    services.report_draft_update(
        actor=cast.staff,
        draft=draft,
        title=draft.title,
        sections=as_sections(draft, next="同事的打算。"),
        version=1,
    )
    client = login(cast.director)
    response = client.post(reverse("reports:document", args=[draft.pk]), stale)
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="unsaved"' in html and "我写的打算。" in html and "同事的打算。" in html
    assert 'name="version" value="2"' in html
    assert draft.sections.get(key="next").body == "同事的打算。"
