"""A reflection's text from a Word .docx, and the files that are not what they claim to be."""

from __future__ import annotations

import io
import random
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from huodong.core.models import AuditRecord
from huodong.participation.errors import NotAllowed, Refused
from huodong.participation.models import Reflection, ReflectionStatus
from huodong.participation.services.reflections import (
    reflection_create,
    reflection_import_docx,
    reflection_submit,
)
from huodong.participation.wordcount import word_count

pytestmark = pytest.mark.django_db

DRAFT_TEXT = "我原来写好的草稿，不能丢。"


@pytest.fixture(autouse=True)
def _today(settings):
    settings.HUODONG_TODAY = "2018-06-20"
    # Messages are matched in English (the msgids); the interface defaults to Chinese.
    settings.LANGUAGE_CODE = "en"


def docx_bytes(
    paragraphs=("学习心得", "　　解放思想，推动发展。", "", "第二段：GDP增长6.5%。"),
    *,
    table: list[list[str]] | None = None,
    extra: dict[str, bytes] | None = None,
    content_types: bytes | None = None,
) -> bytes:
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    out = io.BytesIO()
    document.save(out)
    if not extra and content_types is None:
        return out.getvalue()
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml" and content_types is not None:
                data = content_types
            target.writestr(info, data)
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return rebuilt.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    book = Workbook()
    book.active.append(["心得", 1])
    book.save(out)
    return out.getvalue()


def upload(data: bytes, name: str = "心得体会.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def my_draft(org, campaign) -> Reflection:
    return reflection_create(actor=org.staff, campaign=campaign, title="草稿", body=DRAFT_TEXT)


def test_a_new_reflection_from_a_word_document(org, campaign):
    reflection = reflection_import_docx(
        actor=org.staff, campaign=campaign, upload=upload(docx_bytes())
    )
    assert reflection.title == "学习心得"
    # The 全角 indent is layout, not text; empty paragraphs are dropped.
    assert reflection.body == "解放思想，推动发展。\n第二段：GDP增长6.5%。"
    assert reflection.word_count == word_count(reflection.body) == 19
    assert reflection.status == ReflectionStatus.DRAFT
    assert AuditRecord.objects.filter(action="reflection.import_docx").count() == 1


def test_a_long_first_paragraph_is_not_a_title(org, campaign):
    long_first = "这是一段很长的正文" * 10
    reflection = reflection_import_docx(
        actor=org.staff,
        campaign=campaign,
        upload=upload(docx_bytes([long_first, "第二段"]), name="我的体会.docx"),
    )
    assert reflection.title == "我的体会"
    assert reflection.body.startswith(long_first)


def test_tables_are_read_too(org, campaign):
    reflection = reflection_import_docx(
        actor=org.staff,
        campaign=campaign,
        upload=upload(docx_bytes(["题目", "正文"], table=[["问题", "措施"]])),
    )
    assert reflection.body == "正文\n问题\n措施"


def test_importing_into_a_draft_replaces_its_text(org, campaign):
    reflection = my_draft(org, campaign)
    imported = reflection_import_docx(
        actor=org.staff, reflection=reflection, upload=upload(docx_bytes()), version=1
    )
    assert imported.pk == reflection.pk and imported.title == "草稿"
    assert imported.body == "学习心得\n解放思想，推动发展。\n第二段：GDP增长6.5%。"
    assert imported.word_count == word_count(imported.body)
    assert imported.version == 2


def _macro_docx() -> bytes:
    return docx_bytes(extra={"word/vbaProject.bin": b"\x00" * 100})


def _macro_content_types() -> bytes:
    return docx_bytes(
        content_types=(
            b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            b'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            b'vnd.ms-word.document.macroEnabled.main+xml"/></Types>'
        )
    )


def _zip_bomb() -> bytes:
    return docx_bytes(extra={"word/media/big.bin": b"\x00" * (3 * 1024 * 1024)})


def _plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "not a document")
    return out.getvalue()


def _xml_entities() -> bytes:
    return docx_bytes(
        extra={"word/evil.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><x/>'}
    )


BAD_FILES = {
    "text renamed .docx": (lambda: "这是一个文本文件，改了扩展名。".encode(), "not_docx"),
    "random bytes": (lambda: random.Random(2018).randbytes(4096), "not_docx"),
    "empty file": (lambda: b"", "empty"),
    "macros (.docm)": (_macro_docx, "macros"),
    "macro-enabled content type": (_macro_content_types, "macros"),
    "zip bomb": (_zip_bomb, "zip_bomb"),
    "a plain zip": (_plain_zip, "not_docx"),
    "a spreadsheet": (xlsx_bytes, "not_docx"),
    "a PDF": (lambda: b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n", "not_docx"),
    "a damaged zip": (lambda: b"PK\x03\x04" + b"\x00" * 50, "corrupt"),
    "XML entities": (_xml_entities, "xml_entities"),
    "no text": (lambda: docx_bytes(["", "  "]), "no_text"),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_a_bad_file_leaves_the_draft_as_it_was(org, campaign, kind):
    make, code = BAD_FILES[kind]
    reflection = my_draft(org, campaign)
    name = "心得.docm" if "macro" in kind else "心得.docx"
    with pytest.raises(Refused) as refused:
        reflection_import_docx(actor=org.staff, reflection=reflection, upload=upload(make(), name))
    assert refused.value.code == code, refused.value.message
    assert refused.value.message
    reflection.refresh_from_db()
    assert (reflection.body, reflection.version, reflection.word_count) == (
        DRAFT_TEXT,
        1,
        word_count(DRAFT_TEXT),
    )
    # Nor is a new draft made from it.
    with pytest.raises(Refused):
        reflection_import_docx(actor=org.staff, campaign=campaign, upload=upload(make(), name))
    assert Reflection.objects.count() == 1


def test_an_oversized_file_is_refused(org, campaign, settings):
    settings.HUODONG_MAX_ATTACHMENT_BYTES = 1000
    reflection = my_draft(org, campaign)
    with pytest.raises(Refused) as refused:
        reflection_import_docx(actor=org.staff, reflection=reflection, upload=upload(docx_bytes()))
    assert refused.value.code == "too_large"
    assert "too large" in refused.value.message
    reflection.refresh_from_db()
    assert reflection.body == DRAFT_TEXT


def test_only_the_writers_editable_draft_takes_an_import(org, campaign):
    reflection = my_draft(org, campaign)
    with pytest.raises(NotAllowed):
        reflection_import_docx(
            actor=org.secretary, reflection=reflection, upload=upload(docx_bytes())
        )
    with pytest.raises(Refused) as refused:
        reflection_import_docx(
            actor=org.staff, reflection=reflection, upload=upload(docx_bytes()), version=7
        )
    assert refused.value.code == "stale"
    reflection_submit(actor=org.staff, reflection=reflection)
    with pytest.raises(Refused) as refused:
        reflection_import_docx(actor=org.staff, reflection=reflection, upload=upload(docx_bytes()))
    assert refused.value.code == "already_submitted"
    reflection.refresh_from_db()
    assert reflection.body == DRAFT_TEXT


# --- Through the pages --------------------------------------------------------------------


def test_the_import_page_shows_a_clear_message_and_keeps_the_draft(org, campaign, client):
    reflection = my_draft(org, campaign)
    client.force_login(org.staff)
    url = reverse("participation:reflection_import", args=[reflection.pk])
    response = client.post(url, {"version": 1, "file": upload("纯文本".encode(), "伪装.docx")})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Only Word documents (.docx) can be imported" in html
    assert DRAFT_TEXT in html  # the editor still holds the draft
    reflection.refresh_from_db()
    assert (reflection.body, reflection.version) == (DRAFT_TEXT, 1)

    response = client.post(url, {"version": 1, "file": upload(docx_bytes())})
    assert response.status_code == 302
    reflection.refresh_from_db()
    assert "解放思想，推动发展。" in reflection.body


def test_a_new_draft_from_a_document_through_the_page(org, campaign, client):
    client.force_login(org.staff)
    url = reverse("participation:reflection_create", args=[campaign.pk])
    response = client.post(url, {"action": "import", "file": upload(docx_bytes())})
    reflection = Reflection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("participation:reflection", args=[reflection.pk])
    assert reflection.title == "学习心得"

    noise = random.Random(9).randbytes(500)
    response = client.post(url, {"action": "import", "file": upload(noise)})
    assert response.status_code == 200
    assert "Only Word documents (.docx) can be imported" in response.content.decode()
    assert Reflection.objects.count() == 1
