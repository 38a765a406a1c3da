"""Reading an essay or a source from disk for the command line: .txt or .docx, as plain text.

A .docx passes the same zip-bomb, size and XML-declaration checks as a Word upload
(`plan_import.safety.open_docx_zip`) before python-docx parses it.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from huodong.campaigns.plan_import.errors import PlanImportError
from huodong.campaigns.plan_import.safety import open_docx_zip
from huodong.core.docx_text import docx_lines

MAX_FILE_BYTES = 20 * 1024 * 1024
READABLE_SUFFIXES = (".txt", ".docx")
# Tried in order: utf-8-sig first so a Notepad BOM is not read as a character; gb18030 reads
# anything, so it comes last, for files saved by older Chinese Windows editors.
_TEXT_ENCODINGS = ("utf-8-sig", "gb18030")


class UnreadableFile(ValueError):
    """A file that cannot be read as text; the message says which file and why."""


def read_text_file(path: str | Path) -> str:
    """The text of a .txt (UTF-8 or GB18030) or .docx file (paragraphs joined by newlines)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in READABLE_SUFFIXES:
        raise UnreadableFile(f"{path.name}: only .txt and .docx files can be checked")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UnreadableFile(
                f"{path.name}: the file is too large ({size / 1024 / 1024:.1f} MB); "
                f"the limit is {MAX_FILE_BYTES // 1024 // 1024} MB"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"{path.name}: {exc.strerror or exc}") from exc
    # The size may have changed between stat() and the read.
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(f"{path.name}: the file is too large")
    if suffix == ".txt":
        return _decode_text(data, path.name)
    return _docx_text(data, path.name)


def _decode_text(data: bytes, name: str) -> str:
    for encoding in _TEXT_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(f"{name}: the text is neither UTF-8 nor GB18030")


def _docx_text(data: bytes, name: str) -> str:
    try:
        open_docx_zip(data).close()
        return "\n".join(docx_lines(data))
    except PlanImportError as exc:
        raise UnreadableFile(f"{name}: {exc.message}") from exc
    except (
        PackageNotFoundError,
        KeyError,
        ValueError,
        etree.LxmlError,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
    ) as exc:
        raise UnreadableFile(f"{name}: the Word document is damaged or incomplete") from exc
