"""Evidence files: the type is judged from the content, never from the name or the browser."""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.utils.translation import gettext_lazy as _

DEFAULT_MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024

KINDS = {
    "pdf": ("application/pdf", ".pdf"),
    "png": ("image/png", ".png"),
    "jpeg": ("image/jpeg", ".jpg"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
}


class AttachmentRefused(Exception):
    def __init__(self, message, code: str) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


@dataclass(frozen=True)
class CheckedAttachment:
    kind: str
    content_type: str
    size: int
    name: str  # the uploaded name, its extension made to match the content


def max_attachment_bytes() -> int:
    return int(getattr(settings, "HUODONG_MAX_ATTACHMENT_BYTES", DEFAULT_MAX_ATTACHMENT_BYTES))


def _office_kind(file: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def sniff(file: IO[bytes]) -> str | None:
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    kind: str | None = None
    if head.startswith(b"%PDF-"):
        kind = "pdf"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        kind = "jpeg"
    elif head.startswith(b"PK\x03\x04"):
        kind = _office_kind(file)
    file.seek(0)
    return kind


def check_attachment(upload) -> CheckedAttachment:
    """Accept PDF, PNG, JPEG, .docx and .xlsx up to HUODONG_MAX_ATTACHMENT_BYTES."""
    limit = max_attachment_bytes()
    size = upload.size
    if size is None or size > limit:
        raise AttachmentRefused(
            _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024) or 1},
            "too_large",
        )
    if size == 0:
        raise AttachmentRefused(_("The file is empty."), "empty")
    kind = sniff(upload)
    if kind is None:
        raise AttachmentRefused(
            _("Only PDF, PNG, JPEG, Word (.docx) and Excel (.xlsx) files are accepted."),
            "type",
        )
    content_type, extension = KINDS[kind]
    stem = os.path.splitext(os.path.basename(upload.name or ""))[0][:150] or "evidence"
    return CheckedAttachment(kind=kind, content_type=content_type, size=size, name=stem + extension)
