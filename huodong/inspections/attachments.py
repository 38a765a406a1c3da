"""Evidence files: the product's one content check (huodong.core.uploads), in this app's terms."""

from __future__ import annotations

from dataclasses import dataclass

from huodong.core.uploads import (
    DEFAULT_MAX_ATTACHMENT_BYTES,
    DOCX_TYPE,
    XLSX_TYPE,
    UploadRefused,
    inspect_upload,
    max_attachment_bytes,
)

__all__ = [
    "DEFAULT_MAX_ATTACHMENT_BYTES",
    "AttachmentRefused",
    "CheckedAttachment",
    "check_attachment",
    "max_attachment_bytes",
]

KIND_OF_TYPE = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpeg",
    "image/gif": "gif",
    "image/webp": "webp",
    DOCX_TYPE: "docx",
    XLSX_TYPE: "xlsx",
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


def check_attachment(upload) -> CheckedAttachment:
    """Accept what the product accepts everywhere; raises AttachmentRefused."""
    try:
        inspected = inspect_upload(upload)
    except UploadRefused as exc:
        raise AttachmentRefused(exc.message, exc.code) from exc
    return CheckedAttachment(
        kind=KIND_OF_TYPE[inspected.content_type],
        content_type=inspected.content_type,
        size=inspected.size,
        name=inspected.name,
    )
