"""Refuse what must not reach a parser: wrong formats, oversized files, zip bombs, XML entities.

Everything here looks only at bytes and the zip's central directory, so a hostile upload is
turned away before python-docx/lxml ever see it.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from enum import Enum
from pathlib import PurePath

from django.utils.translation import gettext as _

from .errors import PlanImportError

MiB = 1024 * 1024
MAX_BYTES = 10 * MiB
MAX_UNCOMPRESSED = 50 * MiB
MAX_RATIO = 100
# Tiny parts full of repeated markup compress extremely well without being dangerous, so the
# ratio is judged only once there is enough data for a bomb to matter.
RATIO_FLOOR = 1 * MiB
MAX_MEMBERS = 2000

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
PDF_MAGIC = b"%PDF"
RTF_MAGIC = b"{\\rtf"
DOCX_MAIN_PART = "word/document.xml"
XLSX_MAIN_PART = "xl/workbook.xml"

_MARKUP = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml|<!DOCTYPE\s+html|<html|<\?mso-application|MIME-Version:)",
    re.IGNORECASE,
)
_XML_DECLARATIONS = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_XML_DECLARATIONS_TEXT = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


class Format(Enum):
    # DOCX stands for any zip-based Office file until open_office_zip looks inside.
    DOCX = "docx"
    XLSX = "xlsx"
    TEXT = "text"


def _extension(filename: str) -> str:
    return PurePath(filename or "").suffix.lower()


def _mib(size: int) -> str:
    return f"{size / MiB:.1f}"


def detect_format(data: bytes, filename: str, *, max_bytes: int = MAX_BYTES) -> Format:
    """Which reader fits `data`; raises PlanImportError for anything we will not read."""
    if not data or not data.strip():
        raise PlanImportError(_("The file is empty."), code="empty")
    if len(data) > max_bytes:
        raise PlanImportError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": _mib(len(data)), "limit": _mib(max_bytes)},
            code="too_large",
        )
    ext = _extension(filename)
    if data.startswith(OLE_MAGIC):
        raise _ole_error(data, ext)
    # Readers accept a PDF whose header comes after some junk within the first KiB.
    if data.lstrip()[:4] == PDF_MAGIC or (ext == ".pdf" and PDF_MAGIC in data[:1024]):
        raise PlanImportError(
            _(
                "PDF files cannot be read. Open the original document in Word or WPS, save it "
                "as .docx and upload it again; without the original, copy the plan's text and "
                "paste it."
            ),
            code="pdf",
        )
    if data.startswith(RTF_MAGIC):
        raise PlanImportError(
            _("RTF files cannot be read. Save the document as .docx and upload it again."),
            code="rtf",
        )
    if data.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)):
        return Format.DOCX
    if ext == ".wps":
        raise _wps_error()
    if _MARKUP.match(data[:512]):
        # Word's "web page" and "Word 2003 XML" saves are often named .doc; read as text they
        # would come out as tags.
        raise PlanImportError(
            _(
                "This file is a web page or XML saved from Word, not a .docx. Open it in Word "
                "or WPS, save it as .docx and upload it again."
            ),
            code="markup",
        )
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        if ext in {".docx", ".doc"}:
            raise _corrupt_error(_("not a zip archive"))
        raise PlanImportError(
            _("The file is neither a Word (.docx) document nor a text file."), code="unknown"
        )
    return Format.TEXT


def _wps_error() -> PlanImportError:
    return PlanImportError(
        _(
            "WPS (.wps) files cannot be read. Open the file in WPS, save it as a Word "
            "document (.docx) and upload it again."
        ),
        code="wps",
    )


def _ole_error(data: bytes, ext: str) -> PlanImportError:
    # Office stores a password-protected .docx as an OLE container holding these streams.
    if (
        "EncryptedPackage".encode("utf-16-le") in data
        or "EncryptionInfo".encode("utf-16-le") in data
    ):
        return PlanImportError(
            _(
                "This Word document is password-protected. Remove the password, save it "
                "as .docx and upload it again."
            ),
            code="encrypted",
        )
    if ext == ".wps":
        return _wps_error()
    return PlanImportError(
        _(
            "This is an old Word (.doc) file, which cannot be read. Open it in Word or WPS, "
            "save it as .docx and upload it again."
        ),
        code="doc",
    )


def _corrupt_error(reason: str) -> PlanImportError:
    return PlanImportError(
        _(
            "The Word document is damaged or incomplete (%(reason)s). Open it in Word or WPS, "
            "save it again as .docx and upload it again."
        )
        % {"reason": reason},
        code="corrupt",
    )


def open_docx_zip(data: bytes) -> zipfile.ZipFile:
    """The docx archive after size, ratio and XML-declaration checks; raises PlanImportError."""
    archive, kind = open_office_zip(data)
    if kind is not Format.DOCX:
        archive.close()
        raise _not_a_docx({"xl/workbook.xml"})
    return archive


def open_office_zip(data: bytes) -> tuple[zipfile.ZipFile, Format]:
    """A checked .docx or .xlsx archive and which of the two it is; raises PlanImportError."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        raise _corrupt_error(str(exc) or exc.__class__.__name__) from exc
    check_zip_limits(infos)
    names = {info.filename for info in infos}
    if DOCX_MAIN_PART in names:
        kind = Format.DOCX
    elif XLSX_MAIN_PART in names:
        kind = Format.XLSX
    else:
        raise _not_a_docx(names)
    if any(info.flag_bits & 0x1 for info in infos):
        raise PlanImportError(
            _("The archive is password-protected and cannot be read."), code="encrypted"
        )
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise PlanImportError(
            _(
                "The file contains macros, which are not accepted. Save it as a plain .docx "
                "or .xlsx file and upload it again."
            ),
            code="macros",
        )
    check_xml_parts(archive)
    return archive, kind


def _not_a_docx(names: set[str]) -> PlanImportError:
    if XLSX_MAIN_PART in names:
        return PlanImportError(
            _("This is a spreadsheet (.xlsx), not a plan document. Upload the plan as .docx."),
            code="xlsx",
        )
    if "content.xml" in names and "mimetype" in names:
        return PlanImportError(
            _("OpenDocument files cannot be read. Save the document as .docx and upload it again."),
            code="odt",
        )
    return PlanImportError(
        _("The archive is not a Word (.docx) document: it has no word/document.xml."),
        code="not_docx",
    )


def check_zip_limits(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip bomb using only the sizes declared in the central directory.

    zipfile stops decompressing a member at its declared size, so the declared sizes bound
    what any later read can produce.
    """
    if len(infos) > MAX_MEMBERS:
        raise PlanImportError(
            _("The document has too many parts (%(count)s); it was refused as unsafe.")
            % {"count": len(infos)},
            code="zip_bomb",
        )
    total = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos)
    if total > MAX_UNCOMPRESSED:
        raise PlanImportError(
            _(
                "The document would unpack to %(size)s MB, more than the %(limit)s MB allowed; "
                "it was refused as unsafe."
            )
            % {"size": _mib(total), "limit": _mib(MAX_UNCOMPRESSED)},
            code="zip_bomb",
        )
    worst = max(
        [total / max(packed, 1) if total > RATIO_FLOOR else 0.0]
        + [i.file_size / max(i.compress_size, 1) for i in infos if i.file_size > RATIO_FLOOR]
    )
    if worst > MAX_RATIO:
        raise PlanImportError(
            _(
                "The document is compressed %(ratio)d times, far more than a real document "
                "(limit %(limit)d); it was refused as unsafe."
            )
            % {"ratio": int(worst), "limit": MAX_RATIO},
            code="zip_bomb",
        )


def _has_declarations(raw: bytes) -> bool:
    if _XML_DECLARATIONS.search(raw):
        return True
    # A UTF-16 part would hide the ASCII byte pattern from the search above.
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:64]:
        for encoding in ("utf-16", "utf-16-le", "utf-16-be"):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _XML_DECLARATIONS_TEXT.search(text):
                return True
    return False


def check_xml_parts(archive: zipfile.ZipFile) -> None:
    """Refuse DOCTYPE/ENTITY in any XML part: Word never writes them, attackers do (XXE)."""
    for info in archive.infolist():
        if info.is_dir():
            continue
        name = info.filename.lower()
        if not (name.endswith((".xml", ".rels", ".vml")) or "[content_types]" in name):
            continue
        try:
            raw = archive.read(info)
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError) as exc:
            raise _corrupt_error(str(exc) or exc.__class__.__name__) from exc
        if _has_declarations(raw):
            raise PlanImportError(
                _(
                    "The document contains XML declarations (DOCTYPE/ENTITY) that Word never "
                    "writes (in %(part)s); it was refused as unsafe."
                )
                % {"part": info.filename},
                code="xml_entities",
            )
