"""The text of a Word document in reading order, shared by every feature that reads .docx text
(a reflection imported into the editor, a reference text, an essay checked from the command
line). Callers check the archive first (`plan_import.safety.open_docx_zip`)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import docx
from docx.oxml.ns import qn
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

# Content controls and custom XML wrap paragraphs without being paragraphs themselves.
_WRAPPERS = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")}


def _body_elements(parent: etree._Element) -> Iterator[etree._Element]:
    for child in parent:
        if child.tag in _WRAPPERS:
            yield from _body_elements(child)
        elif child.tag in (qn("w:p"), qn("w:tbl")):
            yield child


def docx_lines(data: bytes) -> list[str]:
    """The document's lines in body order (a table's cells one per line), as written."""
    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    for element in _body_elements(document.element.body):
        if element.tag == qn("w:p"):
            lines.extend(DocxParagraph(element, document).text.split("\n"))
        else:
            for row in DocxTable(element, document).rows:
                for cell in row.cells:
                    lines.extend(paragraph.text for paragraph in cell.paragraphs)
    return lines
