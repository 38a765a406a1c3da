"""The plan back out as .xlsx, .docx and JSON, and in again to the same plan."""

import datetime as dt
import io
import json

import openpyxl
import pytest
from django.urls import reverse
from docx import Document
from docx.shared import Mm

from huodong.campaigns.models import Task
from huodong.campaigns.plan_export import (
    campaign_to_dict,
    collect,
    plan_docx,
    schedule_xlsx,
)
from huodong.campaigns.plan_import import parse_plan
from huodong.campaigns.tests.test_import_service import expected
from huodong.core.models import AuditRecord
from huodong.orgs.models import Role
from huodong.testing.factories import TEST_PASSWORD

TODAY = dt.date(2018, 6, 20)
PLAN_KEYS = (
    "title",
    "doc_number",
    "issuer",
    "issued",
    "year",
    "themes",
    "phases",
    "leading_group",
    "quotas",
)


def comparable(plan: dict) -> dict:
    """The parts of a plan the round trip must keep, in the expected file's shapes."""
    out = {key: plan[key] for key in PLAN_KEYS}
    out["tasks"] = [{k: t[k] for k in ("seq", "phase", "due", "lead_units")} for t in plan["tasks"]]
    return out


@pytest.fixture
def export(seed_campaign):
    Task.objects.filter(campaign=seed_campaign, seq=1).update(completed_on=dt.date(2018, 5, 24))
    return collect(seed_campaign, today=TODAY)


def test_json_has_the_import_shape(export):
    data = campaign_to_dict(export)
    assert comparable(data) == comparable(expected())
    assert data["tasks"][0]["status"] == "按期完成"
    assert data["tasks"][0]["completed_on"] == "2018-05-24"


@pytest.mark.parametrize("writer", [schedule_xlsx, plan_docx], ids=["xlsx", "docx"])
def test_exports_re_import_to_the_same_plan(export, writer):
    data = writer(export)
    name = "plan.xlsx" if writer is schedule_xlsx else "plan.docx"
    plan = parse_plan(data, name, strict=True)
    assert comparable(plan.to_dict()) == comparable(expected())
    assert [t.text for t in plan.tasks] == [t.text for t in Task.objects.order_by("seq")]


def test_xlsx_schedule_sheet(export):
    book = openpyxl.load_workbook(io.BytesIO(schedule_xlsx(export)))
    sheet = book["计划安排表"]
    assert sheet["A2"].value == "序号" and sheet["G2"].value == "完成状态"
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 15
    assert rows[1][4] == "综合处、督查处"
    assert rows[0][6] == "按期完成" and rows[0][7].date() == dt.date(2018, 5, 24)
    assert rows[1][6] == "已逾期"
    assert {"活动信息", "活动阶段", "讨论主题", "领导小组", "量化要求", "方案正文"} <= set(
        book.sheetnames
    )


def test_docx_has_the_official_layout(export):
    document = Document(io.BytesIO(plan_docx(export)))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert abs(section.top_margin - Mm(37)) < Mm(0.5)
    assert abs(section.left_margin - Mm(28)) < Mm(0.5)
    table = document.tables[-1]
    header = [c.text for c in table.rows[0].cells]
    assert header == [
        "序号",
        "阶段步骤",
        "工作任务",
        "完成时限",
        "牵头单位",
        "完成状态",
        "办结日期",
    ]
    assert [p.text for p in table.rows[2].cells[4].paragraphs] == ["综合处", "督查处"]
    # The phase column is merged down each phase, as the office prints it.
    assert table.rows[1].cells[1]._tc is table.rows[6].cells[1]._tc
    assert table.rows[1].cells[5].text == "按期完成"
    title = next(p for p in document.paragraphs if p.text == export.campaign.title)
    assert title.runs[0].font.size.pt == 22


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("campaigns:export_xlsx", "spreadsheetml"),
        ("campaigns:export_docx", "wordprocessingml"),
        ("campaigns:export_json", "application/json"),
    ],
)
def test_members_download_exports(
    seed_campaign, office, make_member, client, name, content_type, settings
):
    settings.HUODONG_TODAY = "2018-06-20"
    user = make_member(office)
    client.login(username=user.username, password=TEST_PASSWORD)
    response = client.get(reverse(name, args=[seed_campaign.pk]))
    assert response.status_code == 200
    assert content_type in response["Content-Type"]
    assert response["Content-Disposition"].startswith("attachment;")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if name == "campaigns:export_json":
        assert comparable(json.loads(body)) == comparable(expected())
    assert AuditRecord.objects.filter(action="campaign.export", actor=user).count() == 1


def test_other_office_and_anonymous_cannot_export(seed_campaign, other_office, make_member, client):
    url = reverse("campaigns:export_xlsx", args=[seed_campaign.pk])
    assert client.get(url).status_code == 302
    user = make_member(other_office, role=Role.OFFICE_DIRECTOR)
    client.login(username=user.username, password=TEST_PASSWORD)
    assert client.get(url).status_code == 404
    assert not AuditRecord.objects.filter(action="campaign.export").exists()
