"""Every bad plan file gets a clear message in the user's language, and nothing is saved."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from docx import Document

from huodong.campaigns.models import Campaign, PlanDraft
from huodong.campaigns.plan_import.safety import OLE_MAGIC, MiB
from huodong.campaigns.tests.conftest import seed_bytes
from huodong.core.models import AuditRecord
from huodong.orgs.models import Office, Role
from huodong.testing.factories import TEST_PASSWORD


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _seed_parts() -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(seed_bytes("plan-2018-9.docx"))) as seed:
        return {info.filename: seed.read(info) for info in seed.infolist()}


def _xxe() -> bytes:
    parts = _seed_parts()
    xml = parts["word/document.xml"]
    end = xml.index(b"?>") + 2
    parts["word/document.xml"] = (
        xml[:end] + b'<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + xml[end:]
    )
    return _zip(parts)


def _macro_docx() -> bytes:
    return _zip({**_seed_parts(), "word/vbaProject.bin": b"\0" * 64})


def _docx_table(rows: list[list[str]]) -> bytes:
    document = Document()
    document.add_paragraph("关于开展作风建设活动的方案")
    table = document.add_table(rows=0, cols=4)
    for row in [["序号", "工作任务", "完成时限", "牵头单位"], *rows]:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


SEED = seed_bytes("plan-2018-9.docx")
CASES = {
    # name: (file name, bytes, words the Chinese message must contain)
    "encrypted": (
        "plan.docx",
        OLE_MAGIC + b"\0" * 512 + "EncryptedPackage".encode("utf-16-le"),
        "密码",
    ),
    "corrupt": ("plan.docx", b"PK\x03\x04" + b"\x00" * 100, "损坏"),
    "truncated": ("plan.docx", SEED[: len(SEED) // 2], "损坏"),
    "zip_bomb": (
        "plan.docx",
        _zip({"word/document.xml": b"<w:document/>", "word/bomb.xml": b"\0" * (20 * MiB)}),
        "安全",
    ),
    "xml_entities": ("plan.docx", _xxe(), "DOCTYPE"),
    "macros": ("plan.docx", _macro_docx(), "宏"),
    "doc": ("plan.doc", OLE_MAGIC + b"\0" * 2048, ".docx"),
    "wps": ("plan.wps", b"\x11\x22 not a known format", ".docx"),
    "pdf": ("plan.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
    "no_tasks": ("plan.txt", "关于开展活动的方案\n一、指导思想\n认真学习。".encode(), "未找到"),
    "missing_deadline": ("plan.docx", _docx_table([["1", "制定方案", "", "办公室"]]), "完成时限"),
    "missing_unit": ("plan.docx", _docx_table([["1", "制定方案", "5月25日", ""]]), "单位"),
}


@pytest.fixture
def office_client(client, office, make_member):
    user = make_member(office, role=Role.OFFICE_DIRECTOR)
    client.login(username=user.username, password=TEST_PASSWORD)
    return client


@pytest.mark.parametrize("case", sorted(set(CASES) - {"missing_deadline", "missing_unit"}))
def test_upload_refuses_with_a_chinese_message_and_saves_nothing(office_client, case):
    name, data, words = CASES[case]
    response = office_client.post(
        reverse("campaigns:import"), {"file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert words in html
    assert not PlanDraft.objects.exists()
    assert not Campaign.objects.exists()
    assert not AuditRecord.objects.filter(action__startswith="plan_draft").exists()


@pytest.mark.parametrize("case", ["missing_deadline", "missing_unit"])
def test_review_lists_a_missing_deadline_or_unit_with_its_row(office_client, case):
    name, data, words = CASES[case]
    response = office_client.post(
        reverse("campaigns:import"), {"file": SimpleUploadedFile(name, data)}, follow=True
    )
    html = response.content.decode()
    assert words in html and "第2行" in html
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("case", sorted(CASES))
def test_command_refuses_and_saves_nothing(db, tmp_path, case):
    name, data, _words = CASES[case]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CommandError):
        call_command("import_plan", str(path))
    assert not Campaign.objects.exists()
    assert not Office.objects.exists()


def test_review_shows_which_unit_names_exist_are_collective_or_new(office_client, office):
    from huodong.orgs.models import Unit, UnitKind

    Unit.objects.create(office=office, name="综合处", kind=UnitKind.DEPARTMENT)
    Unit.objects.create(office=office, name="税务窗口临时党支部", kind=UnitKind.TEMP_BRANCH)
    units_before = Unit.objects.filter(office=office).count()
    response = office_client.post(
        reverse("campaigns:import"),
        {"file": SimpleUploadedFile("plan.docx", seed_bytes("plan-2018-9.docx"))},
        follow=True,
    )
    html = response.content.decode()
    assert 'data-unit="综合处" data-status="existing"' in html
    assert 'data-unit="各窗口临时党支部" data-status="collective"' in html
    assert "税务窗口临时党支部" in html
    assert 'data-unit="督查处" data-status="new"' in html
    # Nothing is created before the review is confirmed.
    assert Unit.objects.filter(office=office).count() == units_before
