import io
import zipfile

import pytest
from django.utils import translation

from huodong.campaigns.plan_import import PlanImportError, parse_plan
from huodong.campaigns.plan_import.safety import OLE_MAGIC, MiB

from .helpers import SEED_DOCX, SEED_TXT


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _refused(data: bytes, filename: str, **kwargs) -> PlanImportError:
    with pytest.raises(PlanImportError) as info:
        parse_plan(data, filename, **kwargs)
    assert info.value.message == str(info.value)
    return info.value


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _seed_with(part: str, transform) -> bytes:
    with zipfile.ZipFile(SEED_DOCX) as seed:
        parts = {info.filename: seed.read(info) for info in seed.infolist()}
    parts[part] = transform(parts[part])
    return _zip(parts)


def test_empty_file():
    error = _refused(b"", "plan.docx")
    assert error.code == "empty"
    assert "empty" in error.message


def test_whitespace_only_file_is_empty():
    assert _refused(b" \r\n\t\n", "plan.txt").code == "empty"


def test_old_doc():
    error = _refused(OLE_MAGIC + b"\0" * 2048, "plan.doc")
    assert error.code == "doc"
    assert ".doc" in error.message and ".docx" in error.message


def test_wps_container():
    error = _refused(OLE_MAGIC + b"\0" * 2048, "plan.wps")
    assert error.code == "wps"
    assert "WPS" in error.message and ".docx" in error.message


def test_wps_by_name_when_content_is_not_a_docx():
    assert _refused(b"\x11\x22binary-ish but not a known format", "plan.wps").code == "wps"


def test_encrypted_docx():
    data = OLE_MAGIC + b"\0" * 512 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 512
    error = _refused(data, "plan.docx")
    assert error.code == "encrypted"
    assert "password" in error.message


def test_pdf():
    error = _refused(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "plan.pdf")
    assert error.code == "pdf"
    assert "PDF" in error.message


def test_truncated_docx():
    data = SEED_DOCX.read_bytes()
    error = _refused(data[: len(data) // 2], "plan.docx")
    assert error.code == "corrupt"
    assert "damaged" in error.message


def test_zip_that_is_not_a_docx():
    error = _refused(_zip({"readme.txt": b"hello"}), "plan.docx")
    assert error.code == "not_docx"


def test_too_large():
    data = SEED_TXT.read_bytes()
    error = _refused(data, "plan.txt", max_bytes=1024)
    assert error.code == "too_large"
    assert "limit" in error.message


def test_zip_bomb_by_ratio():
    # 20 MiB of zeros deflates to about 20 KiB: under the size cap, far over the ratio cap.
    data = _zip({"word/document.xml": b"<w:document/>", "word/bomb.xml": b"\0" * (20 * MiB)})
    assert len(data) < 1 * MiB
    error = _refused(data, "plan.docx")
    assert error.code == "zip_bomb"
    assert "unsafe" in error.message


def test_zip_bomb_by_total_size():
    data = _zip({"word/document.xml": b"<w:document/>", "word/bomb.xml": b"\0" * (51 * MiB)})
    error = _refused(data, "plan.docx")
    assert error.code == "zip_bomb"
    assert "50.0 MB" in error.message


def test_xml_entities_refused():
    def inject(xml: bytes) -> bytes:
        declaration_end = xml.index(b"?>") + 2
        doctype = b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        return xml[:declaration_end] + doctype + xml[declaration_end:]

    error = _refused(_seed_with("word/document.xml", inject), "plan.docx")
    assert error.code == "xml_entities"
    assert "DOCTYPE" in error.message and "word/document.xml" in error.message


def test_xml_entities_in_utf16_part_refused():
    def reencode(xml: bytes) -> bytes:
        text = xml.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
        declaration_end = text.index("?>") + 2
        text = text[:declaration_end] + '<!DOCTYPE x [<!ENTITY a "b">]>' + text[declaration_end:]
        return text.encode("utf-16")

    assert _refused(_seed_with("word/document.xml", reencode), "plan.docx").code == ("xml_entities")


def test_text_without_schedule():
    text = "关于开展学习活动的实施方案\n一、指导思想\n认真学习。\n二、工作要求\n抓好落实。\n"
    error = _refused(text.encode("utf-8"), "plan.txt")
    assert error.code == "no_tasks"
    assert "schedule" in error.message


def test_docx_without_schedule():
    import docx

    document = docx.Document()
    document.add_paragraph("关于开展学习活动的实施方案")
    document.add_paragraph("一、指导思想")
    buffer = io.BytesIO()
    document.save(buffer)
    assert _refused(buffer.getvalue(), "plan.docx").code == "no_tasks"


def test_binary_garbage():
    assert _refused(b"\x00\x01\x02\x03" * 100, "plan.txt").code == "unknown"
