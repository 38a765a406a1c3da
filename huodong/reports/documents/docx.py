"""The brief and the summary as .docx in the office's layout (`huodong.core.officedoc`: A4,
GB/T 9704 margins, 方正小标宋 title, 仿宋 body, 黑体 一、 headings, page numbers).

The summary prints as an official document: title, body, issuer and date at the end (右空四字).
The brief prints under the classic 简报 masthead: the red title, 第N期, the issuer and date
over a red rule, then its own title and sections.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable

from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor

from huodong.core.officedoc import (
    BODY_FONT,
    HEADING_FONT,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    PAGE_WIDTH,
    SIZE_2,
    SIZE_3,
    SUBHEADING_FONT,
    TITLE_FONT,
    chinese_date,
    new_document,
    paragraph,
    run_font,
)
from huodong.reports.documents.drafting import NUMERALS, masthead
from huodong.reports.models import ReportDraft, ReportKind, body_paragraphs

RED = RGBColor(0xE0, 0x00, 0x00)
MASTHEAD_MAX = Pt(42)
TEXT_WIDTH = Emu(PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT)
# （一）强化学习教育。… : the sub-heading up to its full stop in 楷体, the rest in 仿宋.
SUBHEADING_LEAD = re.compile(r"^(（[一二三四五六七八九十]+）[^。！？]{0,40}[。！？])(.*)$")


def _body_paragraph(document, text: str) -> None:
    match = SUBHEADING_LEAD.match(text)
    if match is None:
        paragraph(document, text)
        return
    para = paragraph(document, "")
    run_font(para.add_run(match.group(1)), east_asia=SUBHEADING_FONT, size=SIZE_3)
    if match.group(2):
        run_font(para.add_run(match.group(2)), east_asia=BODY_FONT, size=SIZE_3)


def _sections(document, sections: Iterable) -> None:
    number = 0
    for section in sections:
        if section.heading:
            heading = section.heading
            if not re.match(r"^[一二三四五六七八九十]+、", heading):
                heading = f"{NUMERALS[number % len(NUMERALS)]}、{heading}"
            number += 1
            paragraph(document, heading, font=HEADING_FONT)
        for text in body_paragraphs(section.body):
            _body_paragraph(document, text)


def _title(document, title: str) -> None:
    paragraph(
        document,
        title,
        font=TITLE_FONT,
        size=SIZE_2,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )


def _save(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def document_date(draft: ReportDraft, today: dt.date) -> dt.date:
    """A final report is dated the day it was finalised; a draft the day it is exported."""
    if draft.finalised_at is not None:
        return timezone.localtime(draft.finalised_at).date()
    return today


def summary_docx(draft: ReportDraft, *, dated: dt.date) -> bytes:
    document = new_document()
    _title(document, draft.title)
    paragraph(document, "", indent=False)
    _sections(document, draft.sections.all())
    paragraph(document, "", indent=False)
    for closing in (draft.issuer, chinese_date(dated)):
        if closing:
            para = paragraph(document, closing, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
            para.paragraph_format.right_indent = Pt(4 * SIZE_3.pt)  # 右空四字
    return _save(document)


def _red_rule(para) -> None:
    """A red line under the paragraph: the rule between the masthead and the text."""
    p_pr = para._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "18")  # eighths of a point
    bottom.set(qn("w:space"), "4")
    bottom.set(qn("w:color"), str(RED))
    borders.append(bottom)
    p_pr.append(borders)


def brief_docx(draft: ReportDraft, *, dated: dt.date) -> bytes:
    document = new_document()
    name = masthead(draft.campaign.title)
    size = Pt(min(MASTHEAD_MAX.pt, int(TEXT_WIDTH.pt / max(len(name), 1))))
    head = paragraph(document, "", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    head.paragraph_format.line_spacing = Pt(size.pt * 1.4)
    head.paragraph_format.space_before = Pt(24)
    run = head.add_run(name)
    run_font(run, east_asia=TITLE_FONT, size=size)
    run.font.color.rgb = RED
    paragraph(document, "", indent=False)
    paragraph(
        document,
        f"第{draft.issue_number or 1}期",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    line = paragraph(document, "", indent=False)
    line.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH - Mm(1), WD_TAB_ALIGNMENT.RIGHT)
    run_font(
        line.add_run(f"{draft.issuer}编\t{chinese_date(dated)}"), east_asia=BODY_FONT, size=SIZE_3
    )
    _red_rule(line)
    paragraph(document, "", indent=False)
    _title(document, draft.title)
    paragraph(document, "", indent=False)
    _sections(document, draft.sections.all())
    return _save(document)


def report_docx(draft: ReportDraft, *, dated: dt.date) -> bytes:
    if draft.kind == ReportKind.BRIEF:
        return brief_docx(draft, dated=dated)
    return summary_docx(draft, dated=dated)


def file_name(draft: ReportDraft) -> str:
    """`<title>.docx`, without the characters Windows refuses in a file name."""
    title = re.sub(r'[\\/:*?"<>|\r\n\t]+', " ", draft.title).strip() or "report"
    return f"{title[:120]}.docx"
