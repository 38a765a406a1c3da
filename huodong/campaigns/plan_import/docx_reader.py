"""Read a .docx into the reader-neutral block model, in body order (paragraphs and tables)."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator

import docx
from django.utils.translation import gettext as _
from docx.document import Document as DocxDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

from .blocks import Block, Paragraph, RawDocument, Table
from .errors import PlanImportError
from .safety import open_docx_zip
from .textutil import clean_line, snippet

# Content controls and custom-XML wrappers hide ordinary paragraphs one level down.
_WRAPPERS = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")}


def read_docx(data: bytes) -> RawDocument:
    open_docx_zip(data).close()
    try:
        document = docx.Document(io.BytesIO(data))
        warnings: list[str] = []
        blocks = list(_blocks(document, warnings))
    except (
        PackageNotFoundError,
        KeyError,
        ValueError,
        etree.LxmlError,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
    ) as exc:
        raise PlanImportError(
            _(
                "The Word document is damaged or incomplete (%(reason)s). Open it in Word or "
                "WPS, save it again as .docx and upload it again."
            )
            % {"reason": str(exc) or exc.__class__.__name__},
            code="corrupt",
        ) from exc
    return RawDocument(blocks=blocks, warnings=warnings)


def _body_elements(parent: etree._Element) -> Iterator[etree._Element]:
    for child in parent:
        if child.tag in _WRAPPERS:
            yield from _body_elements(child)
        elif child.tag in (qn("w:p"), qn("w:tbl")):
            yield child


def _blocks(document: DocxDocument, warnings: list[str]) -> Iterator[Block]:
    body = document.element.body
    for element in _body_elements(body):
        if element.tag == qn("w:p"):
            # A soft line break (Shift+Enter) separates lines as much as a new paragraph does.
            for line in DocxParagraph(element, document).text.split("\n"):
                yield Paragraph(clean_line(line))
        else:
            yield _table(DocxTable(element, document), warnings)


def _table(table: DocxTable, warnings: list[str]) -> Table:
    rows: list[list[str]] = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            if cell.tables:
                warnings.append(
                    _("A table nested inside a table cell was ignored: %(text)s")
                    % {"text": snippet(cell.tables[0]._element.xpath("string(.)"))}
                )
            lines = (clean_line(p.text) for p in cell.paragraphs)
            cells.append("\n".join(line for line in lines if line))
        rows.append(cells)
    return Table(rows=rows)
