"""Attachments: size limit, type from the bytes, and downloads only for those who see reports."""

import os

import pytest
from django.urls import reverse
from django.utils import translation

from huodong.core.uploads import (
    DEFAULT_MAX_ATTACHMENT_BYTES,
    DOCX_TYPE,
    XLSX_TYPE,
    clean_filename,
    max_attachment_bytes,
)
from huodong.supervision import services
from huodong.supervision.attachments import inspect_upload
from huodong.supervision.errors import AttachmentRefused
from huodong.supervision.models import ProgressReport, ReportAttachment

from .conftest import EXE, GIF, JPEG, PDF, PNG, ROLES, WEBP, docx_bytes, upload, xlsx_bytes
from .helpers import report, snapshot, to_received

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "data", "content_type", "stored_name"),
    [
        ("方案.pdf", PDF, "application/pdf", "方案.pdf"),
        ("照片.PNG", PNG, "image/png", "照片.PNG"),
        ("照片.jpeg", JPEG, "image/jpeg", "照片.jpeg"),
        ("动图.gif", GIF, "image/gif", "动图.gif"),
        ("图.webp", WEBP, "image/webp", "图.webp"),
        ("总结.docx", docx_bytes(), DOCX_TYPE, "总结.docx"),
        ("台账.xlsx", xlsx_bytes(), XLSX_TYPE, "台账.xlsx"),
        # The bytes decide, not the name: a PNG called .pdf is a PNG, and is named so.
        ("扫描件.pdf", PNG, "image/png", "扫描件.png"),
        ("总结.xlsx", docx_bytes(), DOCX_TYPE, "总结.docx"),
        ("无扩展名", PDF, "application/pdf", "无扩展名.pdf"),
    ],
)
def test_accepted_kinds_are_recognised_by_their_content(name, data, content_type, stored_name):
    inspected = inspect_upload(upload(name, data, content_type="text/html"))
    assert inspected.content_type == content_type
    assert inspected.name == stored_name
    assert inspected.size == len(data)


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("setup.docx", EXE, "type"),
        ("报告.pdf", b"<html><script>alert(1)</script></html>", "type"),
        ("报告.txt", "纯文本".encode(), "type"),
        ("宏.docx", docx_bytes(extra={"word/vbaProject.bin": b"\x00" * 100}), "macros"),
        (
            "宏.docx",
            docx_bytes(
                content_types=b'<?xml version="1.0"?><Types>'
                b'<Override PartName="/word/document.xml" '
                b'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/>'
                b"</Types>"
            ),
            "macros",
        ),
        (
            "炸弹.docx",
            docx_bytes(extra={"word/media/big.bin": b"\x00" * (3 * 1024 * 1024)}),
            "zip_bomb",
        ),
        ("压缩包.docx", b"PK\x03\x04" + b"\x00" * 50, "corrupt"),
        ("空.pdf", b"", "empty"),
    ],
)
def test_other_files_are_refused(name, data, code):
    with pytest.raises(AttachmentRefused) as refused:
        inspect_upload(upload(name, data))
    assert refused.value.code == code


def test_a_plain_zip_is_neither_docx_nor_xlsx():
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(AttachmentRefused) as refused:
        inspect_upload(upload("伪装.docx", out.getvalue()))
    assert refused.value.code == "type"


def test_the_size_limit_comes_from_the_setting(settings):
    del settings.HUODONG_MAX_ATTACHMENT_BYTES
    assert max_attachment_bytes() == DEFAULT_MAX_ATTACHMENT_BYTES == 20 * 1024 * 1024
    settings.HUODONG_MAX_ATTACHMENT_BYTES = 1000
    inspect_upload(upload("小.pdf", PDF + b" " * (1000 - len(PDF))))
    with pytest.raises(AttachmentRefused) as refused:
        inspect_upload(upload("大.pdf", PDF + b" " * 1000))
    assert refused.value.code == "too_large"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\张三\\总结.pdf", "总结.pdf"),
        ("a\x00b\nc.pdf", "a_b_c.pdf"),
        ('<script>"x".pdf', "_script_x_.pdf"),
        ("...", "attachment.pdf"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
    ],
)
def test_file_names_are_cleaned(given, expected):
    with translation.override("en"):
        assert clean_filename(given, "application/pdf") == expected


def test_a_stored_file_gets_a_random_name_and_the_detected_extension(world):
    to_received(world)
    submitted = report(world, files=[upload("扫描件.pdf", PNG)])
    attachment = submitted.attachments.get()
    assert attachment.content_type == "image/png"
    assert attachment.original_name == "扫描件.png"
    stored = os.path.basename(attachment.file.name)
    assert stored.endswith(".png")
    assert "扫描件" not in stored and len(stored) == 32 + len(".png")
    assert attachment.file.read() == PNG


def test_one_refused_file_stores_nothing(world, settings):
    to_received(world)
    before = snapshot()
    with pytest.raises(AttachmentRefused):
        services.report_create(
            actor=world["lead_head"],
            task=world.task,
            unit=world.lead,
            text="带附件",
            files=[upload("好.pdf", PDF), upload("坏.docx", EXE)],
        )
    assert snapshot() == before
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


# --- Downloads ----------------------------------------------------------------------------

SEES_REPORTS = {
    "lead_head",
    "lead_contact",
    "lead_staff",
    "co_head",
    "director",
    "staff",
    "admin",
    "inspector",
    "leader",
    "seat",
}


@pytest.fixture
def attachment(world) -> ReportAttachment:
    to_received(world)
    return report(world, files=[upload("工作总结.docx", docx_bytes())]).attachments.get()


def download_url(attachment: ReportAttachment) -> str:
    campaign_id = attachment.report.task.campaign_id
    return reverse("supervision:attachment", args=[campaign_id, attachment.pk])


@pytest.mark.parametrize("role", ROLES)
def test_downloads_go_only_to_those_who_see_the_tasks_reports(world, attachment, login, role):
    response = login(world[role]).get(download_url(attachment))
    if role not in SEES_REPORTS:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_TYPE
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E5%B7%A5%E4%BD%9C%E6%80%BB%E7%BB%93.docx" in disposition
    assert b"".join(response.streaming_content) == docx_bytes_of(attachment)


def docx_bytes_of(attachment: ReportAttachment) -> bytes:
    with attachment.file.open("rb") as handle:
        return handle.read()


def test_a_drafts_files_are_for_its_unit_only(world, login):
    to_received(world)
    draft = services.report_create(
        actor=world["lead_head"],
        task=world.task,
        unit=world.lead,
        files=[upload("草稿.pdf", PDF)],
    )
    url = download_url(draft.attachments.get())
    assert login(world["lead_contact"]).get(url).status_code == 200
    for role in ("director", "inspector", "co_head", "lead_staff"):
        assert login(world[role]).get(url).status_code == 404, role


def test_the_campaign_in_the_address_must_match(world, attachment, login, office):
    from huodong.campaigns.models import Campaign

    other = Campaign.objects.create(office=office, title="另一个活动")
    url = reverse("supervision:attachment", args=[other.pk, attachment.pk])
    assert login(world["director"]).get(url).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, attachment):
    response = client.get(download_url(attachment))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_refused_upload_through_the_page_shows_why_and_stores_nothing(world, login):
    to_received(world)
    client = login(world["lead_head"])
    url = reverse("supervision:report_new", args=[world.campaign.pk, world.task.seq])
    response = client.post(
        url,
        {
            "unit": world.lead.pk,
            "text": "附上材料",
            "files": [upload("setup.docx", EXE)],
            "action": "submit",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["files"]
    assert not ProgressReport.objects.exists()
