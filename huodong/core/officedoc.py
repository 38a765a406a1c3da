"""Official documents (公文) as .docx in the layout of GB/T 9704-2012.

A4 page, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (a text block of
156 × 225 mm), the title in 2号 方正小标宋简体, the body in 3号 仿宋_GB2312, page numbers
"— 1 —" in 4号 宋体 at the outside edge (odd pages right, even pages left, one character in).
Word chooses a Chinese font from the run's eastAsia attribute, which python-docx does not set
by itself, so every run goes through `run_font`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"  # 一、 level headings
SUBHEADING_FONT = "楷体_GB2312"  # （一） level headings
PAGE_NUMBER_FONT = "宋体"
SIZE_2, SIZE_3, SIZE_4 = Pt(22), Pt(16), Pt(14)
# 22 lines of 28 characters on the text block: a fixed line pitch of about 28.9 pt.
LINE_PITCH = Pt(28.9)
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

HEADING_1 = re.compile(r"^[一二三四五六七八九十]+、")
HEADING_2 = re.compile(r"^（[一二三四五六七八九十]+）")


def run_font(run, *, east_asia: str, size: Pt, bold: bool = False) -> None:
    run.font.size = size
    run.font.bold = bold
    run.font.name = east_asia
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asia)


def new_document():
    """An empty document with the GB/T 9704 page and the body font as its default."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    style = document.styles["Normal"]
    style.font.name = BODY_FONT
    style.font.size = SIZE_3
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    _page_numbers(document)
    return document


def paragraph(
    document,
    text: str,
    *,
    font: str = BODY_FONT,
    size: Pt = SIZE_3,
    bold: bool = False,
    align=None,
    indent: bool = True,
):
    para = document.add_paragraph()
    if align is not None:
        para.alignment = align
    fmt = para.paragraph_format
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(2 * size.pt)
    if text:
        run_font(para.add_run(text), east_asia=font, size=size, bold=bold)
    return para


def _field_char(run, kind: str) -> None:
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    run._element.append(element)


def _page_number_paragraph(footer, *, align, indent_side: str) -> None:
    para = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    para.alignment = align
    # 单页码居右空一字，双页码居左空一字.
    setattr(para.paragraph_format, f"{indent_side}_indent", SIZE_4)
    run_font(para.add_run("— "), east_asia=PAGE_NUMBER_FONT, size=SIZE_4)
    begin = para.add_run()
    _field_char(begin, "begin")
    instruction = para.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = " PAGE "
    instruction._element.append(text)
    separate = para.add_run()
    _field_char(separate, "separate")
    run_font(para.add_run("1"), east_asia=PAGE_NUMBER_FONT, size=SIZE_4)
    end = para.add_run()
    _field_char(end, "end")
    run_font(para.add_run(" —"), east_asia=PAGE_NUMBER_FONT, size=SIZE_4)
    for run in (begin, instruction, separate, end):
        run_font(run, east_asia=PAGE_NUMBER_FONT, size=SIZE_4)


def _page_numbers(document) -> None:
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    section.footer.is_linked_to_previous = False
    section.even_page_footer.is_linked_to_previous = False
    _page_number_paragraph(section.footer, align=WD_ALIGN_PARAGRAPH.RIGHT, indent_side="right")
    _page_number_paragraph(
        section.even_page_footer, align=WD_ALIGN_PARAGRAPH.LEFT, indent_side="left"
    )


@dataclass(frozen=True)
class OfficialDocument:
    """What a 公文 prints: number, title, salutation-to-closing text, issuer and date."""

    doc_number: str
    title: str
    body: str  # paragraphs separated by line breaks; 一、 and （一） lines become headings
    issuer: str
    dated: str  # e.g. 2018年6月20日


def body_paragraphs(body: str) -> Iterable[str]:
    for line in body.replace("\r\n", "\n").split("\n"):
        line = line.strip()
        if line:
            yield line


def official_docx(doc: OfficialDocument) -> bytes:
    document = new_document()
    if doc.doc_number:
        paragraph(document, doc.doc_number, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        paragraph(document, "", indent=False)
    paragraph(
        document,
        doc.title,
        font=TITLE_FONT,
        size=SIZE_2,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    paragraph(document, "", indent=False)
    lines = list(body_paragraphs(doc.body))
    for n, line in enumerate(lines):
        if n == 0 and line.endswith(("：", ":")):
            # The addressees (主送机关) stand at the left margin.
            paragraph(document, line, indent=False)
        elif HEADING_1.match(line):
            paragraph(document, line, font=HEADING_FONT)
        elif HEADING_2.match(line):
            paragraph(document, line, font=SUBHEADING_FONT)
        else:
            paragraph(document, line)
    paragraph(document, "", indent=False)
    for closing in (doc.issuer, doc.dated):
        if closing:
            para = paragraph(document, closing, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
            # 右空四字 (GB/T 9704 7.3.5.1)
            para.paragraph_format.right_indent = Pt(4 * SIZE_3.pt)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def chinese_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
