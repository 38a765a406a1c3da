"""An essay read from an uploaded Word .docx (a reflection imported into the editor, a contest
entry): the shared upload checks first, then its paragraphs in body order.

Each feature words its own refusals for a file that is not a .docx and for one without text;
every refusal is an `UploadRefused` with a stable code for the caller to pass on as its own.
"""

from __future__ import annotations

import zipfile
import zlib

from django.utils.translation import gettext as _
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from huodong.campaigns.plan_import.errors import PlanImportError
from huodong.campaigns.plan_import.safety import open_docx_zip
from huodong.core.docx_text import docx_lines
from huodong.core.uploads import DOCX_TYPE, Upload, UploadRefused, inspect_upload


def docx_upload_paragraphs(upload: Upload, *, not_docx: str, no_text: str) -> tuple[list[str], str]:
    """The non-blank paragraphs of an uploaded .docx, trimmed, and its cleaned file name.

    Raises UploadRefused: code "not_docx" with the message `not_docx` for any other kind of
    file, "no_text" with `no_text` for a document without text, "corrupt" for a damaged one,
    or the code of the shared upload check or the archive check that refused it.
    """
    try:
        inspected = inspect_upload(upload)
    except UploadRefused as exc:
        if exc.code == "type":
            # The shared check lists what attachments may be; here only a .docx will do.
            raise UploadRefused(not_docx, code="not_docx") from exc
        raise
    if inspected.content_type != DOCX_TYPE:
        raise UploadRefused(not_docx, code="not_docx")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        open_docx_zip(data).close()
        lines = docx_lines(data)
    except PlanImportError as exc:
        raise UploadRefused(exc.message, code=exc.code) from exc
    except (
        PackageNotFoundError,
        KeyError,
        ValueError,
        etree.LxmlError,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
    ) as exc:
        raise UploadRefused(
            _("The Word document is damaged or incomplete; save it again as .docx and retry."),
            code="corrupt",
        ) from exc
    # Leading 全角 spaces indent Chinese paragraphs; they are layout, not text.
    cleaned = (line.replace("\u00a0", " ").strip(" \t\u3000") for line in lines)
    paragraphs = [line for line in cleaned if line]
    if not paragraphs:
        raise UploadRefused(no_text, code="no_text")
    return paragraphs, inspected.name
