"""An entry's text read from a Word .docx, and the files refused (PDF, programs, too large)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from huodong.contests import services
from huodong.contests.errors import Refused
from huodong.contests.models import Entry, EntryStatus
from huodong.contests.tests.conftest import PUBLIC_NAME, chinese

pytestmark = pytest.mark.django_db


def docx_bytes(paragraphs) -> bytes:
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(data: bytes, name: str = "征文.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def test_the_text_comes_from_the_word_document(contest, people):
    body = chinese(3, 300)
    entry = services.entry_save(
        actor=people.author,
        contest=contest,
        title="",
        body="typed text is replaced",
        upload=upload(docx_bytes(["澄心致远", "　　" + body[:150], "", body[150:]])),
        submit=True,
    )
    assert entry.title == "澄心致远"
    assert entry.body == body[:150] + "\n" + body[150:]
    assert (entry.word_count, entry.status, entry.number) == (300, EntryStatus.SUBMITTED, 1)


@pytest.mark.parametrize(
    ("data", "name"), [(PDF, "征文.pdf"), (EXE, "征文.exe"), (EXE, "征文.docx"), (b"text", "a.txt")]
)
def test_other_files_are_refused_and_nothing_is_saved(contest, people, data, name):
    with pytest.raises(Refused) as refused:
        services.entry_save(
            actor=people.author, contest=contest, title="题目", upload=upload(data, name)
        )
    assert refused.value.code == "not_docx"
    assert ".docx" in refused.value.message
    assert not Entry.objects.exists()


def test_a_file_above_the_limit_is_refused(contest, people, settings):
    settings.HUODONG_MAX_ATTACHMENT_BYTES = 1000
    with pytest.raises(Refused) as refused:
        services.entry_save(
            actor=people.author,
            contest=contest,
            title="题目",
            upload=upload(docx_bytes([chinese(1, 300)])),
        )
    assert refused.value.code == "too_large"
    assert not Entry.objects.exists()


def test_an_upload_refused_on_the_page_keeps_the_draft(client, contest, people):
    services.entry_save(actor=people.author, contest=contest, title="草稿", body=chinese(1, 50))
    client.force_login(people.author)
    response = client.post(
        reverse("contests:my_entry", args=[contest.pk]),
        {"title": "新题目", "body": "", "file": upload(PDF, "征文.pdf"), "action": "submit"},
    )
    assert response.status_code == 400
    assert "Only Word documents (.docx)" in response.content.decode()
    entry = Entry.objects.get()
    assert (entry.title, entry.status, entry.word_count) == ("草稿", EntryStatus.DRAFT, 50)


def send_public_form(client, contest, file, **fields):
    """The public entry form, its token taken from the page, sent with `file`."""
    url = reverse("contests_public:enter", args=[contest.public_key])
    token = client.get(url).context["form"]["token"].value()
    data = {
        "token": token,
        "name": PUBLIC_NAME,
        "organisation": "某协会",
        "contact": "13900000000",
        "title": "市民征文",
        "file": file,
    }
    return client.post(url, {**data, **fields})


def test_the_public_uploads_a_word_document(client, contest):
    response = send_public_form(client, contest, upload(docx_bytes([chinese(2, 260)])), body="")
    entry = Entry.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/receipt/{entry.receipt_code}/")
    assert entry.word_count == 260 and entry.title == "市民征文"


def test_the_public_may_not_upload_a_program(client, contest):
    response = send_public_form(client, contest, upload(EXE, "征文.exe"))
    assert response.status_code == 400
    assert "Only Word documents (.docx)" in response.content.decode()
    assert not Entry.objects.exists()
