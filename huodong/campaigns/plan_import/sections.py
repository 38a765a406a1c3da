"""The prose parts of a plan: header, numbered sections, themes, phases, leading group."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from .dates import parse_exact_date, parse_span
from .parsed import ParsedLeadingGroup, ParsedPhase, ParsedTheme
from .textutil import normalize_unit, snippet, split_units

CN_ORDINAL = "[一二三四五六七八九十]+"

DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fff]{1,12}\s*[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*第?\s*\d+\s*号"
)
# The plan's own title, not the covering notice that quotes it in 《》.
TITLE = re.compile(
    r"^[^《》“”，。,：:；;]{4,60}(?:实施方案|工作方案|活动方案|方案|工作计划|实施计划|计划)$"
)
HEADING = re.compile(
    rf"^(?P<num>{CN_ORDINAL})[、.．]\s*(?P<title>[^。：:，,；;]{{2,20}}?)\s*(?:[。：:]\s*(?P<rest>.*))?$"
)
# Headings Word numbered automatically lose their 一、; recognise the usual names alone.
BARE_HEADINGS = {
    "指导思想",
    "总体要求",
    "目标任务",
    "活动主题",
    "讨论主题",
    "主题及分工",
    "讨论主题及分工",
    "基本原则",
    "方法步骤",
    "实施步骤",
    "工作步骤",
    "步骤安排",
    "时间安排",
    "进度安排",
    "主要任务",
    "工作安排",
    "保障措施",
    "组织领导",
    "工作要求",
}
SUBHEADING = re.compile(rf"^\s*[（(]\s*(?:{CN_ORDINAL}|\d+)\s*[）)]\s*")
ATTACHMENT = re.compile(r"^附\s*件")
STANDALONE_DATE = re.compile(
    r"^(?:\d{4}|[〇零○一二三四五六七八九]{4})\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月"
    r"\s*[\d一二三四五六七八九十]{1,3}\s*日$"
)
FOOTER_ISSUED = re.compile(
    r"^(?P<org>\S.{1,40}?)\s+(?P<date>\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*印\s*发$"
)
ORG_LINE = re.compile(r"^(?![（(])[^，。,：:；;！？、《》“”]{3,40}$")
THEME_QUOTED = re.compile(r"围绕[“\"「](?P<t>[^”\"」]{2,80})[”\"」](?:这一|这个)?(?:主题|总主题)")
THEME_STATED = re.compile(r"主题(?:为|是)[：:]?\s*[“\"「](?P<t>[^”\"」]{2,80})[”\"」]")
THEME_PAREN = re.compile(
    r"[（(](?P<inner>[^（()）]*(?:牵头领导|责任领导|分管领导|责任单位|牵头单位|责任部门)"
    r"[^（()）]*)[）)]\s*[。.]?\s*$"
)
THEME_NAME = re.compile(r"^(?P<name>[^，,：:。；;“”]{2,15})[，,：:]\s*")
PHASE = re.compile(
    rf"^(?:[（(]\s*(?:{CN_ORDINAL}|\d+)\s*[）)]|(?:{CN_ORDINAL}|\d+)[、.．]|第{CN_ORDINAL}阶段[：:、]?)?\s*"
    r"(?P<name>[^（()）。，,：:；;]{2,20}?)\s*[（(](?P<span>[^（()）]{2,40})[）)]"
    r"\s*[。.：:，,]?\s*(?P<text>.*)$"
)
CAMPAIGN_START_YEAR = re.compile(r"(?:从|自|于)\s*(\d{4})\s*年")
ANY_YEAR_MONTH = re.compile(r"(\d{4})\s*年\s*\d{1,2}\s*月")
NAME_SEPARATORS = re.compile(r"[、，,和及与]|同志")
# A listed member is a person's name (2-4 characters) unless it reads as a post or a unit.
PERSON_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,4}$")
POST_OR_UNIT = re.compile(
    r"^[各全每本市县区办]|(?:书记|负责人|成员|主任|领导|长|干部|人员|班子|处|室|科|局|部|中心|支部)$"
)


SECTION_KINDS: dict[str, tuple[str, ...]] = {
    "guiding": ("指导思想", "总体要求"),
    "theme": ("主题",),
    "principles": ("原则",),
    "steps": ("步骤", "阶段", "时间安排", "进度安排", "实施安排"),
    "safeguards": ("保障", "组织领导", "工作要求"),
}


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class Layout:
    """Where things are: the covering header, the plan's title, its sections, attachments."""

    header: list[str]
    title: str
    preamble: list[str]
    sections: list[Section]
    attachments: list[str]
    warnings: list[str]

    def section(self, kind: str) -> Section | None:
        keywords = SECTION_KINDS[kind]
        for section in self.sections:
            if any(k in section.title for k in keywords):
                return section
        return None

    @property
    def body(self) -> list[str]:
        return self.preamble + [p for s in self.sections for p in s.paragraphs]


def _find_title(paragraphs: list[str]) -> tuple[int, int] | None:
    """(index, paragraph count) of the plan title; a long title may wrap onto two paragraphs."""
    first_heading = next((i for i, p in enumerate(paragraphs) if HEADING.match(p)), len(paragraphs))
    for i in range(first_heading):
        if TITLE.match(paragraphs[i].replace(" ", "")):
            return i, 1
    for i in range(first_heading - 1):
        joined = (paragraphs[i] + paragraphs[i + 1]).replace(" ", "")
        if TITLE.match(joined) and len(paragraphs[i]) <= 40:
            return i, 2
    return None


def split_layout(paragraphs: list[str]) -> Layout:
    paragraphs = [p for p in paragraphs if p.strip()]
    warnings: list[str] = []
    found = _find_title(paragraphs)
    if found is None:
        title = ""
        start = 0
        warnings.append(_("The plan's title was not found."))
    else:
        start, count = found
        title = "".join(p.replace(" ", "") for p in paragraphs[start : start + count])
        start += count
    header = paragraphs[: found[0]] if found else []
    preamble: list[str] = []
    sections: list[Section] = []
    attachments: list[str] = []
    for i, text in enumerate(paragraphs[start:], start):
        if ATTACHMENT.match(text):
            attachments = paragraphs[i:]
            break
        heading = HEADING.match(text)
        bare = text.strip("：:。 ") in BARE_HEADINGS
        if heading or bare:
            name = heading["title"].strip() if heading else text.strip("：:。 ")
            sections.append(Section(name))
            if heading and heading["rest"]:
                sections[-1].paragraphs.append(heading["rest"].strip())
        elif sections:
            sections[-1].paragraphs.append(text)
        else:
            preamble.append(text)
    return Layout(header, title, preamble, sections, attachments, warnings)


@dataclass
class HeaderInfo:
    doc_number: str = ""
    issuer: str = ""
    issued: date | None = None


def parse_header(layout: Layout, all_paragraphs: list[str]) -> tuple[HeaderInfo, list[str]]:
    info = HeaderInfo()
    warnings: list[str] = []
    for text in layout.header:
        if m := DOC_NUMBER.search(text):
            info.doc_number = re.sub(r"\s+", "", m.group(0))
            break
    if not info.doc_number:
        warnings.append(_("The document number (文号) was not found in the header."))

    lines = [p for p in all_paragraphs if p.strip()]
    # The covering notice is signed before the plan starts; plans without one sign at the end.
    header_len = len(layout.header)
    candidates = list(range(header_len)) + list(range(max(header_len, len(lines) - 8), len(lines)))
    for i in candidates:
        text = lines[i].replace(" ", "")
        if STANDALONE_DATE.match(text) and (issued := parse_exact_date(text)):
            info.issued = issued
            previous = lines[i - 1].strip() if i > 0 else ""
            if ORG_LINE.match(previous) and not DOC_NUMBER.search(previous):
                info.issuer = normalize_unit(previous)
            break
    if info.issued is None or not info.issuer:
        for text in reversed(lines):
            if m := FOOTER_ISSUED.match(text.strip()):
                info.issued = info.issued or parse_exact_date(m["date"])
                info.issuer = info.issuer or normalize_unit(m["org"])
                break
    if info.issued is None:
        warnings.append(_("The issue date was not found."))
    if not info.issuer:
        warnings.append(_("The issuing office was not found."))
    return info, warnings


def campaign_year(
    layout: Layout, header: HeaderInfo, default_year: int | None
) -> tuple[int | None, list[str]]:
    """The year undated schedule entries (5.25, 5月底) belong to."""
    steps = layout.section("steps")
    for text in steps.paragraphs if steps else []:
        if m := CAMPAIGN_START_YEAR.search(text) or ANY_YEAR_MONTH.search(text):
            return int(m.group(1)), []
    if header.issued:
        return header.issued.year, []
    if m := re.search(r"[〔\[［【(（]\s*(\d{4})", header.doc_number):
        return int(m.group(1)), []
    if default_year is not None:
        return default_year, [
            _("The year was not found in the document; %(year)s was assumed.")
            % {"year": default_year}
        ]
    return None, [_("The year was not found in the document; dates without a year stay empty.")]


def parse_theme(layout: Layout) -> str:
    for text in layout.body:
        if m := THEME_QUOTED.search(text) or THEME_STATED.search(text):
            return m["t"].strip()
    return ""


def _key_values(inner: str) -> dict[str, str]:
    """牵头领导：臧广荣，责任单位：A、B -> {"牵头领导": "臧广荣", "责任单位": "A、B"}."""
    values: dict[str, str] = {}
    key = ""
    for part in re.split(r"[，,；;]", inner):
        if m := re.match(r"^\s*(?P<k>[^：:]{2,8})[：:]\s*(?P<v>.*)$", part):
            key = m["k"].strip()
            values[key] = m["v"].strip()
        elif key:
            # A unit list separated by commas continues the previous key.
            values[key] += "、" + part.strip()
    return values


def parse_themes(layout: Layout) -> tuple[list[ParsedTheme], list[str]]:
    section = layout.section("theme")
    themes: list[ParsedTheme] = []
    warnings: list[str] = []
    for text in section.paragraphs if section else layout.body:
        paren = THEME_PAREN.search(text)
        if not paren:
            continue
        values = _key_values(paren["inner"])
        body = text[: paren.start()].strip()
        name_match = THEME_NAME.match(body)
        if not name_match:
            warnings.append(
                _("A sub-theme without a name was skipped: %(text)s") % {"text": snippet(text)}
            )
            continue
        leader = next(
            (v for k, v in values.items() if k in {"牵头领导", "责任领导", "分管领导"}), ""
        )
        units = next(
            (v for k, v in values.items() if k in {"责任单位", "牵头单位", "责任部门"}), ""
        )
        themes.append(
            ParsedTheme(
                name=name_match["name"].strip(),
                text=body,
                lead_leader="、".join(split_units(leader)),
                units=split_units(units),
            )
        )
        unknown = set(values) - {
            "牵头领导",
            "责任领导",
            "分管领导",
            "责任单位",
            "牵头单位",
            "责任部门",
        }
        if unknown:
            warnings.append(
                _("Unrecognised entries in a sub-theme's assignment were ignored: %(text)s")
                % {"text": snippet(paren.group(0))}
            )
    return themes, warnings


def parse_principles(layout: Layout) -> list[str]:
    section = layout.section("principles")
    principles: list[str] = []
    for text in section.paragraphs if section else []:
        lead = SUBHEADING.sub("", text).split("。", 1)[0].strip("：: ")
        if 2 <= len(lead) <= 20:
            principles.append(lead)
    return principles


def parse_guiding_thought(layout: Layout) -> str:
    section = layout.section("guiding")
    return "\n".join(section.paragraphs) if section else ""


def parse_phases(layout: Layout, year: int | None) -> tuple[list[ParsedPhase], list[str]]:
    section = layout.section("steps")
    phases: list[ParsedPhase] = []
    warnings: list[str] = []
    for text in section.paragraphs if section else layout.body:
        m = PHASE.match(text)
        if not m:
            continue
        name = m["name"].strip()
        span = parse_span(m["span"], year)
        if span is None and not name.endswith("阶段"):
            continue
        if span is None:
            warnings.append(
                _("The dates of phase %(name)s were not understood: %(text)s")
                % {"name": name, "text": m["span"]}
            )
        start, end = span if span else (None, None)
        phases.append(ParsedPhase(name=name, start=start, end=end, text=m["text"].strip()))
    return phases, warnings


def _names(text: str) -> list[str]:
    return [n for n in (normalize_unit(p) for p in NAME_SEPARATORS.split(text)) if n]


def _first(patterns: Iterable[str], text: str) -> re.Match[str] | None:
    for pattern in patterns:
        if m := re.search(pattern, text):
            return m
    return None


def parse_leading_group(layout: Layout) -> tuple[ParsedLeadingGroup, list[str]]:
    group = ParsedLeadingGroup(members={"组长": [], "副组长": [], "成员": []})
    warnings: list[str] = []
    text = next((p for p in layout.body if "组长" in p), "")
    if not text:
        return group, [_("The leading group (领导小组) was not found.")]
    clause = r"[^，,。；;：:]"
    roles = {
        "组长": (
            rf"(?<!副)组长由({clause}+?)(?:同志)?(?:担任|兼任)",
            rf"由({clause}+?)(?:同志)?(?:担任|任)组长",
            rf"({clause}+?)(?:同志)?(?:担任|任)组长",
            rf"(?<!副)组长[：:]\s*({clause}+)",
        ),
        "副组长": (
            rf"副组长由({clause}+?)(?:同志)?(?:担任|兼任)",
            rf"由({clause}+?)(?:同志)?(?:担任|任)副组长",
            rf"({clause}+?)(?:同志)?(?:担任|任)副组长",
            rf"副组长[：:]\s*({clause}+)",
        ),
    }
    for role, patterns in roles.items():
        if m := _first(patterns, text):
            group.members[role] = _names(m.group(1))
        else:
            warnings.append(
                _("The leading group's %(role)s was not found: %(text)s")
                % {"role": role, "text": snippet(text)}
            )
    if m := _first((rf"({clause}+?)为(?:领导小组)?成员", rf"成员[：:]\s*({clause}+)"), text):
        for entry in (e.strip() for e in re.split(r"[、]", m.group(1))):
            name = normalize_unit(entry.removesuffix("同志"))
            if PERSON_NAME.match(name) and not POST_OR_UNIT.search(name):
                group.members["成员"].append(name)
            elif entry:
                group.member_descriptions.append(entry)
    if m := re.search(rf"办公室设在({clause}+)", text):
        group.office_unit = normalize_unit(m.group(1))
    director_patterns = (
        rf"({clause}+?)(?:同志)?(?:兼任|担任|任)(?:领导小组)?办公室主任",
        rf"办公室主任由({clause}+?)(?:同志)?(?:兼任|担任)",
    )
    if m := _first(director_patterns, text):
        group.office_director = normalize_unit(m.group(1))
    return group, warnings
