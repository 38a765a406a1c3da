"""What an uploaded attachment really is, judged from its bytes; anything else is refused.

One rule for every attachment of the product (progress reports, rectification evidence).

Accepted: PDF, PNG, JPEG, GIF, WEBP, and .docx/.xlsx verified by their main part, without macros
and within the zip limits of the plan importer. The name the user gave is kept only for display,
cleaned, and its extension follows the detected type.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Protocol

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from huodong.campaigns.plan_import.errors import PlanImportError
from huodong.campaigns.plan_import.safety import (
    DOCX_MAIN_PART,
    XLSX_MAIN_PART,
    check_zip_limits,
)


class UploadRefused(Exception):
    """An upload that is not stored; `message` is translated, `code` is stable."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message


DEFAULT_MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_NAME_LENGTH = 120

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# content type -> (the extension a stored file gets, extensions a name may already carry)
EXTENSIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "application/pdf": (".pdf", (".pdf",)),
    "image/png": (".png", (".png",)),
    "image/jpeg": (".jpg", (".jpg", ".jpeg")),
    "image/gif": (".gif", (".gif",)),
    "image/webp": (".webp", (".webp",)),
    DOCX_TYPE: (".docx", (".docx",)),
    XLSX_TYPE: (".xlsx", (".xlsx",)),
}

_MAGIC: list[tuple[bytes, str]] = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
]
ZIP_MAGIC = b"PK\x03\x04"
_UNSAFE_NAME_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


class Upload(Protocol):
    """What the checks need of a Django UploadedFile (or a ContentFile)."""

    name: str | None
    size: int

    def seek(self, offset: int, whence: int = 0) -> int: ...

    def read(self, size: int = -1) -> bytes: ...


@dataclass(frozen=True)
class Inspected:
    content_type: str
    name: str  # cleaned, with the extension of the detected type
    size: int


def max_attachment_bytes() -> int:
    return int(getattr(settings, "HUODONG_MAX_ATTACHMENT_BYTES", DEFAULT_MAX_ATTACHMENT_BYTES))


def clean_filename(name: str, content_type: str) -> str:
    """A display name without paths or control characters, ending in the type's extension."""
    base = unicodedata.normalize("NFC", name or "")
    base = base.replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE_NAME_CHARS.sub("_", base).strip().lstrip(".").strip()
    extension, accepted = EXTENSIONS[content_type]
    stem, suffix = base, PurePosixPath(base).suffix
    if suffix.lower() in accepted:
        extension = suffix
        stem = base[: -len(suffix)]
    elif suffix.lower() in {ext for _, exts in EXTENSIONS.values() for ext in exts}:
        # A known extension of another type (a PNG named .pdf): the bytes win.
        stem = base[: -len(suffix)]
    stem = stem.strip() or _("attachment")
    return stem[: MAX_NAME_LENGTH - len(extension)] + extension


def inspect_upload(upload: Upload) -> Inspected:
    """Check an upload's size and content; raises UploadRefused."""
    limit = max_attachment_bytes()
    size = upload.size or 0
    if size <= 0:
        raise UploadRefused(_("The file is empty."), code="empty")
    if size > limit:
        raise UploadRefused(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = _sniff(head) or (_office_type(upload) if head.startswith(ZIP_MAGIC) else None)
    upload.seek(0)
    if content_type is None:
        raise UploadRefused(
            _(
                "This kind of file is not accepted. Attach Word (.docx), Excel (.xlsx), PDF "
                "or image (PNG, JPEG, GIF, WEBP) files."
            ),
            code="type",
        )
    return Inspected(
        content_type=content_type,
        name=clean_filename(upload.name or "", content_type),
        size=size,
    )


def _sniff(head: bytes) -> str | None:
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def _office_type(upload: Upload) -> str:
    """DOCX or XLSX after the zip checks; raises UploadRefused for anything else."""
    try:
        with zipfile.ZipFile(_as_file(upload)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            check_zip_limits(infos)
            if any(info.flag_bits & 0x1 for info in infos):
                raise UploadRefused(
                    _("The file is password-protected; attach it without a password."),
                    code="encrypted",
                )
            content_types = (
                archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
            )
    except PlanImportError as exc:
        raise UploadRefused(exc.message, code=exc.code) from exc
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        raise UploadRefused(
            _("The file is damaged or incomplete; save it again and attach it again."),
            code="corrupt",
        ) from exc
    if (
        any(name.lower().endswith("vbaproject.bin") for name in names)
        or b"macroenabled" in content_types.lower()
    ):
        raise UploadRefused(
            _(
                "The file contains macros, which are not accepted. Save it as a plain .docx "
                "or .xlsx."
            ),
            code="macros",
        )
    if DOCX_MAIN_PART in names:
        return DOCX_TYPE
    if XLSX_MAIN_PART in names:
        return XLSX_TYPE
    raise UploadRefused(
        _("This archive is neither a Word (.docx) nor an Excel (.xlsx) file."), code="type"
    )


def _as_file(upload: Upload) -> IO[bytes]:
    # UploadedFile and ContentFile are file-like and seekable; zipfile reads them in place.
    return upload  # type: ignore[return-value]
