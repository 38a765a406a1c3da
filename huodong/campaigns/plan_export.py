"""The plan back out: the schedule (计划安排表) as .xlsx and .docx, the whole campaign as JSON.

The .docx follows the office's own layout (GB/T 9704 page, 仿宋 body, the schedule as the
annex table with the phase column merged) and carries the plan's text in the wording the importer
reads, so an exported plan re-imports to the same plan. The .xlsx carries the campaign's other
parts on sheets of their own for the same reason.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from huodong.campaigns.lights import Light
from huodong.campaigns.models import (
    Campaign,
    LeadingGroupMember,
    LeadingGroupRole,
    Phase,
    Requirement,
    SubTheme,
    Task,
    TaskUnitRole,
)
from huodong.campaigns.plan_import.xlsx_reader import (
    BODY_SHEET,
    GROUP_SHEET,
    INFO_SHEET,
    PHASE_SHEET,
    QUOTA_SHEET,
    THEME_SHEET,
)
from huodong.campaigns.selectors import tasks_with_lights

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

SCHEDULE_HEADERS = (
    "序号",
    "阶段步骤",
    "工作任务",
    "完成时限",
    "牵头单位",
    "配合单位",
    "完成状态",
    "办结日期",
)
SCHEDULE_SHEET = "计划安排表"

GROUP_TITLES = {
    LeadingGroupRole.LEADER: "组长",
    LeadingGroupRole.DEPUTY: "副组长",
    LeadingGroupRole.MEMBER: "成员",
}
SCOPE_WORDS = {"person": "每人", "branch": "各支部", "unit": "各单位", "campaign": "活动整体"}
PERIOD_WORDS = {"": "", "month": "每月", "quarter": "每季度"}

# GB/T 9704-2012: A4, 37 mm top, 28 mm left, text block 156 × 225 mm.
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
TITLE_FONT, BODY_FONT, HEADING_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体"
SIZE_2, SIZE_3, SIZE_4, SIZE_5 = Pt(22), Pt(16), Pt(14), Pt(10.5)


@dataclass
class ScheduleRow:
    seq: int
    phase: str
    text: str
    due: dt.date | None
    due_words: str
    lead_units: list[str]
    co_units: list[str]
    status: str
    completed_on: dt.date | None


@dataclass
class CampaignExport:
    """Everything an export writes, read in a fixed number of queries."""

    campaign: Campaign
    phases: list[Phase]
    sub_themes: list[SubTheme]
    group: list[LeadingGroupMember]
    requirements: list[Requirement]
    rows: list[ScheduleRow]


def _due_words(task: Task, year: int | None) -> str:
    if task.due is None:
        return task.due_text
    if year is None or task.due.year == year:
        return f"{task.due.month}.{task.due.day}"
    return f"{task.due.year}年{task.due.month}月{task.due.day}日"


def _as_written(text: str) -> list[str]:
    return [name for name in text.split("、") if name]


def theme_units(theme: SubTheme) -> list[str]:
    return _as_written(theme.units_text) or [u.name for u in theme.units.all()]


def collect(campaign: Campaign, *, today: dt.date) -> CampaignExport:
    rows = []
    for task in tasks_with_lights(campaign, today=today).iterator(chunk_size=500):
        links = getattr(task, "unit_links", [])
        rows.append(
            ScheduleRow(
                seq=task.seq,
                phase=task.phase.name if task.phase else "",
                text=task.text,
                due=task.due,
                due_words=_due_words(task, campaign.year),
                lead_units=_as_written(task.lead_units_text)
                or [link.unit.name for link in links if link.role == TaskUnitRole.LEAD],
                co_units=_as_written(task.co_units_text)
                or [link.unit.name for link in links if link.role == TaskUnitRole.CO],
                status=str(Light(task.light).label),
                completed_on=task.completed_on,
            )
        )
    return CampaignExport(
        campaign=campaign,
        phases=list(campaign.phases.all()),
        sub_themes=list(
            campaign.sub_themes.select_related("lead_leader").prefetch_related("units")
        ),
        group=list(campaign.leading_group.all()),
        requirements=list(campaign.requirements.select_related("task")),
        rows=rows,
    )


# JSON ----------------------------------------------------------------------------------------


def campaign_to_dict(export: CampaignExport) -> dict:
    """The campaign in the shape of `import_plan --dry-run --json`, plus progress."""
    c = export.campaign
    group: dict[str, list[str] | str] = {}
    for member in export.group:
        title = GROUP_TITLES.get(LeadingGroupRole(member.role))
        if title:
            names = group.setdefault(title, [])
            assert isinstance(names, list)
            names.append(member.name)
    director = next(
        (m.name for m in export.group if m.role == LeadingGroupRole.OFFICE_DIRECTOR), ""
    )
    group["office_unit"] = c.leading_group_office.name if c.leading_group_office else ""
    group["office_director"] = director
    quotas = []
    for r in export.requirements:
        quota: dict = {"scope": r.scope, "min": r.minimum, "subject": r.subject}
        if r.period:
            quota["period"] = r.period
        quota["task_seq"] = r.task.seq if r.task else None
        quotas.append(quota)
    return {
        "title": c.title,
        "doc_number": c.doc_number,
        "issuer": c.issuer,
        "issued": c.issued.isoformat() if c.issued else None,
        "year": c.year,
        "theme": c.theme,
        "guiding_thought": c.guiding_thought,
        "principles": list(c.principles),
        "themes": [
            {
                "name": t.name,
                "lead_leader": t.lead_leader.name if t.lead_leader else t.lead_leader_name,
                "units": theme_units(t),
            }
            for t in export.sub_themes
        ],
        "phases": [
            {"name": p.name, "start": p.start.isoformat(), "end": p.end.isoformat()}
            for p in export.phases
        ],
        "tasks": [
            {
                "seq": row.seq,
                "phase": row.phase,
                "text": row.text,
                "due": row.due.isoformat() if row.due else None,
                "lead_units": row.lead_units,
                "co_units": row.co_units,
                "status": row.status,
                "completed_on": row.completed_on.isoformat() if row.completed_on else None,
            }
            for row in export.rows
        ],
        "leading_group": group,
        "quotas": quotas,
    }


# .xlsx ---------------------------------------------------------------------------------------


def schedule_xlsx(export: CampaignExport) -> bytes:
    """The schedule on its first sheet, the rest of the campaign on the following ones."""
    c = export.campaign
    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = SCHEDULE_SHEET
    sheet.append([f"{c.title}计划安排表"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(SCHEDULE_HEADERS))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(list(SCHEDULE_HEADERS))
    for row in export.rows:
        sheet.append(
            [
                row.seq,
                row.phase,
                row.text,
                row.due_words,
                "、".join(row.lead_units),
                "、".join(row.co_units),
                row.status,
                row.completed_on,
            ]
        )
    thin = Side(style="thin", color="999999")
    for cells in sheet.iter_rows(min_row=2, max_row=sheet.max_row):
        for cell in cells:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if cell.row == 2:
                cell.font = Font(bold=True)
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    for index, width in enumerate((6, 14, 60, 12, 16, 16, 10, 12), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"

    info = book.create_sheet(INFO_SHEET)
    for key, value in (
        ("标题", c.title),
        ("文号", c.doc_number),
        ("发文单位", c.issuer),
        ("发文日期", c.issued),
        ("年度", c.year),
        ("主题", c.theme),
        ("领导小组办公室", c.leading_group_office.name if c.leading_group_office else ""),
        ("指导思想", c.guiding_thought),
    ):
        info.append([key, value])
    info.column_dimensions["A"].width = 16
    info.column_dimensions["B"].width = 80

    phases = book.create_sheet(PHASE_SHEET)
    phases.append(["阶段", "开始日期", "结束日期"])
    for phase in export.phases:
        phases.append([phase.name, phase.start, phase.end])

    themes = book.create_sheet(THEME_SHEET)
    themes.append(["主题", "牵头领导", "责任单位", "内容"])
    for theme in export.sub_themes:
        themes.append(
            [
                theme.name,
                theme.lead_leader.name if theme.lead_leader else theme.lead_leader_name,
                "、".join(theme_units(theme)),
                theme.text,
            ]
        )

    group = book.create_sheet(GROUP_SHEET)
    group.append(["职务", "姓名"])
    for member in export.group:
        title = GROUP_TITLES.get(LeadingGroupRole(member.role), "办公室主任")
        group.append([title, member.name])

    quotas = book.create_sheet(QUOTA_SHEET)
    quotas.append(["范围", "数量", "事项", "周期", "任务序号"])
    for r in export.requirements:
        quotas.append(
            [
                SCOPE_WORDS.get(r.scope, r.scope),
                r.minimum,
                r.subject,
                PERIOD_WORDS.get(r.period, r.period),
                r.task.seq if r.task else None,
            ]
        )
    body = book.create_sheet(BODY_SHEET)
    for line in plan_lines(export):
        body.append([line.text])
    body.column_dimensions["A"].width = 120
    for extra in (phases, themes, group, quotas):
        for cell in extra[1]:
            cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# .docx ---------------------------------------------------------------------------------------


def _run_font(run, *, east_asia: str, size: Pt, bold: bool = False) -> None:
    run.font.size = size
    run.font.bold = bold
    run.font.name = east_asia
    # Word picks the Chinese font from eastAsia; python-docx only sets the Latin one.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asia)


def _paragraph(
    document, text: str, *, font=BODY_FONT, size=SIZE_3, bold=False, align=None, indent=True
):
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.line_spacing = Pt(28)
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(32)
    _run_font(paragraph.add_run(text), east_asia=font, size=size, bold=bold)
    return paragraph


@dataclass(frozen=True)
class PlanLine:
    style: str  # "title", "heading", "body", "center" or "right"
    text: str


def plan_lines(export: CampaignExport) -> list[PlanLine]:
    """The plan's text in the wording offices use and the importer reads back."""
    c = export.campaign
    lines: list[PlanLine] = []
    if c.doc_number:
        lines.append(PlanLine("center", c.doc_number))
    lines.append(PlanLine("title", c.title))
    if c.guiding_thought:
        lines += [PlanLine("heading", "一、指导思想"), PlanLine("body", c.guiding_thought)]
    if c.theme or export.sub_themes:
        lines.append(PlanLine("heading", "二、讨论主题及分工"))
        if c.theme:
            lines.append(PlanLine("body", f"围绕“{c.theme}”这一主题展开。"))
        for theme in export.sub_themes:
            leader = theme.lead_leader.name if theme.lead_leader else theme.lead_leader_name
            units = "、".join(theme_units(theme))
            body = theme.text or f"{theme.name}。"
            if not body.startswith(theme.name):
                body = f"{theme.name}，{body}"
            lines.append(PlanLine("body", f"{body}（牵头领导：{leader}，责任单位：{units}）"))
    if c.principles:
        lines.append(PlanLine("heading", "三、基本原则"))
        lines += [PlanLine("body", principle) for principle in c.principles]
    if export.phases:
        lines.append(PlanLine("heading", "四、方法步骤"))
        for i, phase in enumerate(export.phases):
            number = NUMERALS[i] if i < len(NUMERALS) else str(i + 1)
            span = f"{_ymd(phase.start, c.year)}至{_ymd(phase.end, c.year)}"
            lines.append(PlanLine("body", f"（{number}）{phase.name}（{span}）。{phase.text}"))
    leaders = [m.name for m in export.group if m.role == LeadingGroupRole.LEADER]
    deputies = [m.name for m in export.group if m.role == LeadingGroupRole.DEPUTY]
    director = next(
        (m.name for m in export.group if m.role == LeadingGroupRole.OFFICE_DIRECTOR), ""
    )
    if leaders or deputies or c.leading_group_office:
        lines.append(PlanLine("heading", "五、保障措施"))
        sentence = "（一）加强组织领导。成立活动领导小组"
        if leaders:
            sentence += f"，组长由{'、'.join(leaders)}同志担任"
        if deputies:
            sentence += f"，副组长由{'、'.join(deputies)}同志担任"
        sentence += "。"
        if c.leading_group_office:
            sentence += f"领导小组办公室设在{c.leading_group_office.name}"
            sentence += f"，{director}同志兼任办公室主任。" if director else "。"
        lines.append(PlanLine("body", sentence))
    if c.issuer:
        lines.append(PlanLine("right", c.issuer))
    if c.issued:
        lines.append(PlanLine("right", f"{c.issued.year}年{c.issued.month}月{c.issued.day}日"))
    return lines


NUMERALS = "一二三四五六七八九十"


def _ymd(day: dt.date, year: int | None) -> str:
    prefix = "" if year == day.year else f"{day.year}年"
    return f"{prefix}{day.month}月{day.day}日"


LINE_STYLES = {
    "title": {
        "font": TITLE_FONT,
        "size": SIZE_2,
        "align": WD_ALIGN_PARAGRAPH.CENTER,
        "indent": False,
    },
    "heading": {"font": HEADING_FONT},
    "body": {},
    "center": {"align": WD_ALIGN_PARAGRAPH.CENTER, "indent": False},
    "right": {"align": WD_ALIGN_PARAGRAPH.RIGHT, "indent": False},
}


def plan_docx(export: CampaignExport) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.orientation = WD_ORIENT.PORTRAIT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    style = document.styles["Normal"]
    style.font.name = BODY_FONT
    style.font.size = SIZE_3
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    for line in plan_lines(export):
        _paragraph(document, line.text, **LINE_STYLES[line.style])
    document.add_page_break()
    _paragraph(document, "附件", font=HEADING_FONT, indent=False)
    _paragraph(
        document,
        f"{export.campaign.title}计划安排表",
        font=TITLE_FONT,
        size=SIZE_2,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    _schedule_table(document, export.rows)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _schedule_table(document, rows: list[ScheduleRow]) -> None:
    headers = ("序号", "阶段步骤", "工作任务", "完成时限", "牵头单位", "完成状态", "办结日期")
    widths = (Mm(11), Mm(20), Mm(63), Mm(16), Mm(18), Mm(15), Mm(18))
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header, width in zip(table.rows[0].cells, headers, widths, strict=True):
        cell.width = width
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run_font(cell.paragraphs[0].add_run(header), east_asia=HEADING_FONT, size=SIZE_5)
    phase_start_cell = None
    previous_phase = None
    for row in rows:
        cells = table.add_row().cells
        values = (
            str(row.seq),
            row.phase,
            row.text,
            row.due_words,
            None,
            row.status,
            row.completed_on.isoformat() if row.completed_on else "",
        )
        for index, (cell, value, width) in enumerate(zip(cells, values, widths, strict=True)):
            cell.width = width
            if index == 4:
                # One paragraph per lead unit, as offices write two units in one cell.
                for n, unit in enumerate(row.lead_units):
                    paragraph = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
                    _run_font(paragraph.add_run(unit), east_asia=BODY_FONT, size=SIZE_5)
                continue
            if index == 1 and row.phase == previous_phase and phase_start_cell is not None:
                continue
            _run_font(cell.paragraphs[0].add_run(value), east_asia=BODY_FONT, size=SIZE_5)
        if row.phase == previous_phase and phase_start_cell is not None:
            phase_start_cell = phase_start_cell.merge(cells[1])
        else:
            phase_start_cell = cells[1]
        previous_phase = row.phase
