"""The prose parts of a plan: header, numbered sections, themes, phases, leading group."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from .dates import parse_exact_date
from .fields import field_for_key, key_values, starts_with_key
from .parsed import ParsedLeadingGroup, ParsedPhase, ParsedTheme
from .people import person_names, without_brackets
from .phases import CN_ORDINAL, match_phase
from .textutil import normalize_unit, snippet, split_units

DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fff]{1,12}\s*[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*第?\s*\d+\s*号"
)
# The plan's own title, not the covering notice that quotes it in 《》.
TITLE = re.compile(
    r"^[^《》，。,：:；;]{4,60}(?:实施方案|工作方案|活动方案|方案|工作计划|实施计划|计划)$"
)
HEADING = re.compile(
    rf"^(?P<num>{CN_ORDINAL})[、.．]\s*(?P<title>[^。：:，,；;]{{2,20}}?)\s*(?:[。：:]\s*(?P<rest>.*))?$"
)
# Headings Word numbered automatically lose their 一、; recognise the usual names alone.
BARE_HEADINGS = {
    "指导思想",
    "总体要求",
    "目标任务",
    "工作目标",
    "活动主题",
    "讨论主题",
    "主题及分工",
    "讨论主题及分工",
    "基本原则",
    "工作原则",
    "方法步骤",
    "实施步骤",
    "工作步骤",
    "步骤安排",
    "时间安排",
    "进度安排",
    "活动安排",
    "主要任务",
    "重点任务",
    "工作安排",
    "保障措施",
    "组织领导",
    "组织保障",
    "工作要求",
}
SUBHEADING = re.compile(rf"^\s*[（(]\s*(?:{CN_ORDINAL}|\d+)\s*[）)]\s*")
# Any list marker a sub-theme or principle may start with: （一） (1) 1. 1、 ① 一是.
ITEM_PREFIX = re.compile(
    rf"^\s*(?:[（(]\s*(?:{CN_ORDINAL}|\d+)\s*[）)]|\d{{1,2}}\s*[.、．](?!\d)|[①-⑳]|{CN_ORDINAL}是)\s*"
)
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
# 开展“解放思想、担当作为”主题实践活动: the campaign is named after its theme.
THEME_CAMPAIGN = re.compile(r"开展[“\"「](?P<t>[^”\"」]{2,40})[”\"」]主题")
ASSIGNMENT_PAREN = re.compile(r"[（(](?P<inner>[^（()）]*[：:][^（()）]*)[）)]\s*[。.；;]?\s*$")
THEME_NAME = re.compile(
    r"^[“\"「]?(?P<name>[^，,：:。；;“”\"「」（()）]{2,15})[”\"」]?\s*(?:[，,：:。；;]|$)"
)
PRINCIPLE_ITEM = re.compile(rf"{ITEM_PREFIX.pattern}[^。，,：:；;]{{2,16}}原则\s*[。：:；;]")
# 活动从2021年3月开始 anywhere in the body; only sentences about the campaign count, so a
# preamble's 自2018年起，我局… does not set the year.
CAMPAIGN_START = re.compile(
    r"(?:从|自)\s*(?P<y>\d{4})\s*年[^，。；;]{0,20}?(?:开始|起|启动|开展|至|到|—)"
)
CAMPAIGN_WORDS = re.compile(r"活动|本次|此次|这次|主题教育|专项行动|专项整治")
STEPS_YEAR = re.compile(r"(?:从|自|于)\s*(?P<y>\d{4})\s*年|(?P<y2>\d{4})\s*年\s*\d{1,2}\s*月")
TITLE_YEAR = re.compile(r"(?P<y>(?:19|20)\d{2})\s*(?:年|—|-|～|至)")


SECTION_KINDS: dict[str, tuple[str, ...]] = {
    "guiding": ("指导思想", "总体要求"),
    "theme": ("主题",),
    "principles": ("原则",),
    "steps": ("步骤", "阶段", "时间安排", "进度安排", "实施安排", "活动安排", "工作安排"),
    "safeguards": ("保障", "组织领导", "工作要求"),
}


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    # The heading line as written (一、动员部署阶段（3月1日—3月15日）), which may itself be a
    # phase heading.
    line: str = ""


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

    def lines(self) -> list[tuple[str, Section | None]]:
        """Every line of the plan after its title, headings included, with its section."""
        result: list[tuple[str, Section | None]] = [(p, None) for p in self.preamble]
        for section in self.sections:
            result.append((section.line, section))
            result.extend((p, section) for p in section.paragraphs)
        return result


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
            sections.append(Section(name, line=text))
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
    issued_text: str = ""


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
            info.issued_text = text
            previous = lines[i - 1].strip() if i > 0 else ""
            if ORG_LINE.match(previous) and not DOC_NUMBER.search(previous):
                info.issuer = normalize_unit(previous)
            break
    if info.issued is None or not info.issuer:
        for text in reversed(lines):
            if m := FOOTER_ISSUED.match(text.strip()):
                if info.issued is None:
                    info.issued = parse_exact_date(m["date"])
                    info.issued_text = re.sub(r"\s+", "", m["date"])
                info.issuer = info.issuer or normalize_unit(m["org"])
                break
    if info.issued is None:
        warnings.append(_("The issue date was not found."))
    if not info.issuer:
        warnings.append(_("The issuing office was not found."))
    return info, warnings


def _clause(text: str, start: int, end: int) -> str:
    """The clause around text[start:end], for showing where a year came from."""
    sentence_start = max((m.end() for m in re.finditer(r"[。；;！？]", text[:start])), default=0)
    sentence_end = next(
        (m.start() + end for m in re.finditer(r"[。；;！？]", text[end:])), len(text)
    )
    clause_start = max((m.end() for m in re.finditer(r"[，,]", text[:start])), default=0)
    clause_end = next((m.start() + end for m in re.finditer(r"[，,]", text[end:])), len(text))
    clause = text[max(clause_start, sentence_start) : min(clause_end, sentence_end)].strip()
    if len(clause) < 6:
        clause = text[sentence_start:sentence_end].strip()
    return snippet(clause)


@dataclass
class YearFound:
    year: int | None
    source: str  # the words it was read from; empty when assumed or unknown
    warnings: list[str] = field(default_factory=list)


def campaign_year(layout: Layout, header: HeaderInfo, default_year: int | None) -> YearFound:
    """The year undated schedule entries (5.25, 5月底) belong to, and where it was found.

    The campaign's own words come first (活动从2021年3月开始, a phase's dates), then the title,
    then the issue date: a plan signed in December may well run the next year.
    """
    steps = layout.section("steps")
    for text in steps.paragraphs if steps else []:
        if m := STEPS_YEAR.search(text):
            return YearFound(int(m["y"] or m["y2"]), _clause(text, m.start(), m.end()))
    for text in layout.body:
        for m in CAMPAIGN_START.finditer(text):
            clause = _clause(text, m.start(), m.end())
            if CAMPAIGN_WORDS.search(text[: m.end()]):
                return YearFound(int(m["y"]), clause)
    for text, _section in layout.lines():
        heading = match_phase(text, None)
        if heading and heading.named_as_phase and heading.phase.start:
            return YearFound(heading.phase.start.year, snippet(text))
    if m := TITLE_YEAR.search(layout.title):
        return YearFound(int(m["y"]), layout.title)
    if header.issued:
        return YearFound(header.issued.year, header.issued_text or header.issued.isoformat())
    if m := re.search(r"[〔\[［【(（]\s*(\d{4})", header.doc_number):
        return YearFound(int(m.group(1)), header.doc_number)
    if default_year is not None:
        return YearFound(
            default_year,
            "",
            [
                _("The year was not found in the document; %(year)s was assumed.")
                % {"year": default_year}
            ],
        )
    return YearFound(
        None, "", [_("The year was not found in the document; dates without a year stay empty.")]
    )


def parse_theme(layout: Layout) -> str:
    for text in layout.body:
        if m := THEME_QUOTED.search(text) or THEME_STATED.search(text):
            return m["t"].strip()
    for text in [layout.title, *layout.body]:
        if m := THEME_CAMPAIGN.search(text):
            return m["t"].strip()
    # 一、活动主题 followed by the theme alone on its line, without quotes.
    section = layout.section("theme")
    if section and section.paragraphs:
        first = section.paragraphs[0].strip().strip('“”"「」。')
        if 2 <= len(first) <= 30 and not re.search(r"[。；;：:（(]", first):
            return first
    return ""


@dataclass
class _Assignment:
    leader: str = ""
    units: str = ""
    has_due: bool = False
    unknown: bool = False


def _theme_assignment(inner: str) -> _Assignment | None:
    """牵头领导：臧广荣，责任单位：A、B; None if it names neither leader nor units."""
    found = _Assignment()
    for key, value in key_values(inner):
        name = field_for_key(key)
        if name == "leaders":
            found.leader = value
        elif name in {"lead", "co"}:
            found.units = f"{found.units}、{value}" if found.units else value
        elif name == "due":
            found.has_due = True
        else:
            found.unknown = True
    if not (found.leader or found.units):
        return None
    return found


def _leader_names(text: str) -> str:
    names = person_names(text) or split_units(without_brackets(text))
    return "、".join(names)


def parse_themes(layout: Layout, skip: Iterable[str] = ()) -> tuple[list[ParsedTheme], list[str]]:
    """Sub-themes with their lead leader and units.

    In a theme section every listed item is a sub-theme, its assignment in parentheses at
    the end or on the next line; elsewhere only paragraphs ending in such an assignment are.
    """
    section = layout.section("theme")
    skipped = set(skip)
    paragraphs = [p for p in (section.paragraphs if section else layout.body) if p not in skipped]
    themes: list[ParsedTheme] = []
    warnings: list[str] = []
    i = 0
    while i < len(paragraphs):
        text = paragraphs[i]
        i += 1
        if starts_with_key(text):
            continue  # an assignment line already read with the theme above it
        numbered = ITEM_PREFIX.match(text)
        body = text[numbered.end() :] if numbered else text
        assignment: _Assignment | None = None
        written = ""
        if paren := ASSIGNMENT_PAREN.search(body):
            assignment = _theme_assignment(paren["inner"])
            if assignment:
                written = paren.group(0)
                body = body[: paren.start()].strip()
        if (
            assignment is None
            and section
            and i < len(paragraphs)
            and starts_with_key(paragraphs[i])
        ):
            line = paragraphs[i].strip().strip("（()）")
            assignment = _theme_assignment(line)
            written = line
        if assignment is None and not (section and numbered):
            continue
        if assignment is not None and assignment.has_due:
            continue  # a task written as a paragraph, not a sub-theme
        name_match = THEME_NAME.match(body)
        if not name_match:
            warnings.append(
                _("A sub-theme without a name was skipped: %(text)s") % {"text": snippet(text)}
            )
            continue
        assignment = assignment or _Assignment()
        themes.append(
            ParsedTheme(
                name=name_match["name"].strip(),
                text=body,
                lead_leader=_leader_names(assignment.leader),
                units=split_units(assignment.units),
            )
        )
        if assignment.unknown:
            warnings.append(
                _("Unrecognised entries in a sub-theme's assignment were ignored: %(text)s")
                % {"text": snippet(written)}
            )
    return themes, warnings


def _principle(text: str) -> str | None:
    text = ITEM_PREFIX.sub("", text).strip()
    if text.endswith(("：", ":")):
        return None  # 坚持以下原则： introduces the list
    head = re.split(r"[。：:；;]", text, maxsplit=1)[0].strip()
    if 2 <= len(head) <= 20:
        return head
    if text.startswith("坚持"):
        head = re.split(r"[，,]", text, maxsplit=1)[0].strip()
        if len(head) <= 20:
            return head
    if (end := head.find("原则")) != -1 and end <= 18:
        return head[: end + 2]
    return None


def parse_principles(layout: Layout) -> list[str]:
    section = layout.section("principles")
    if section:
        paragraphs = section.paragraphs
    else:
        # No section of its own: principles written as （一）实事求是原则。… anywhere.
        paragraphs = [p for p in layout.body if PRINCIPLE_ITEM.match(p)]
    principles: list[str] = []
    for text in paragraphs:
        if (lead := _principle(text)) and lead not in principles:
            principles.append(lead)
    return principles


def parse_guiding_thought(layout: Layout) -> str:
    section = layout.section("guiding")
    if section:
        return "\n".join(section.paragraphs)
    # Plans without the heading state it in the opening paragraph: 以…为指导.
    return next((p for p in layout.preamble if "为指导" in p), "")


def parse_phases(layout: Layout, year: int | None) -> tuple[list[ParsedPhase], list[str]]:
    """Phases from the steps section (or the whole body), including headings that are phases.

    Inside the steps section a name with a range of dates is enough; elsewhere the words
    must say 阶段, so a dated item of another section is not taken for a phase.
    """
    steps = layout.section("steps")
    phases: list[ParsedPhase] = []
    warnings: list[str] = []
    for text, section in layout.lines():
        heading = match_phase(text, year)
        if heading is None:
            continue
        in_steps = steps is None or section is steps
        if not (heading.named_as_phase or (in_steps and heading.is_range)):
            continue
        phase = heading.phase
        if any(p.name == phase.name for p in phases):
            continue
        if phase.end is None:
            warnings.append(
                _("The dates of phase %(name)s were not understood: %(text)s")
                % {"name": phase.name, "text": heading.span_text}
            )
        phases.append(phase)
    return phases, warnings


_POST_END = re.compile(r"(?:负责人|书记|成员|主任|同志|干部|人员|领导|班子|长)$")
_LABEL_SPACES = ((re.compile(r"(副?)组\s+长"), r"\1组长"), (re.compile(r"成\s+员"), "成员"))
_GROUP_LINE = re.compile(r"^(?:常务)?(?:副)?组长|^成员|^(?:领导小组)?办公室|^办公室主任")


def _group_text(layout: Layout) -> str:
    """The leading group's paragraph, plus the 组长：/副组长：/成员： lines that follow it."""
    body = [_squeeze_labels(p) for p in layout.body]
    start = next(
        (i for i, p in enumerate(body) if "组长" in p or ("领导小组" in p and "成立" in p)), None
    )
    if start is None:
        return ""
    parts = [body[start]]
    for text in body[start + 1 : start + 12]:
        if not _GROUP_LINE.match(ITEM_PREFIX.sub("", text)):
            break
        parts.append(text)
    return "。".join(p.rstrip("。；;") for p in parts)


def _squeeze_labels(text: str) -> str:
    for pattern, replacement in _LABEL_SPACES:
        text = pattern.sub(replacement, text)
    return text


def _first(patterns: Iterable[str], text: str) -> re.Match[str] | None:
    for pattern in patterns:
        if m := re.search(pattern, text):
            return m
    return None


_CLAUSE = r"[^，,。；;：:]"
_ROLE_PATTERNS: dict[str, tuple[str, ...]] = {
    "组长": (
        rf"(?<!副)组长由({_CLAUSE}+?)(?:同志)?(?:担任|兼任)",
        rf"以({_CLAUSE}+?)(?:同志)?为组长",
        rf"由({_CLAUSE}+?)(?:同志)?(?:担任|任)组长",
        rf"({_CLAUSE}+?)(?:同志)?(?:担任|任|为)组长",
        rf"(?<![副检])组长[：:]\s*({_CLAUSE}+)",
    ),
    "副组长": (
        rf"副组长由({_CLAUSE}+?)(?:同志)?(?:担任|兼任)",
        rf"(?<!副)组长[、，,]\s*({_CLAUSE}+?)(?:同志)?(?:为|任|担任)副组长",
        rf"由({_CLAUSE}+?)(?:同志)?(?:担任|任)副组长",
        rf"({_CLAUSE}+?)(?:同志)?(?:担任|任|为)副组长",
        rf"副组长[：:]\s*({_CLAUSE}+)",
    ),
}
_MEMBER_PATTERNS = (
    rf"({_CLAUSE}+?)为(?:领导小组)?成员",
    rf"成员由({_CLAUSE}+?)组成",
    rf"成员[：:]\s*({_CLAUSE}+)",
)
_UNIT_CLAUSE = r"[^，,。；;：:（）()\s]"
_OFFICE_PATTERNS = (rf"办公室[^。；;，,]*?设在({_UNIT_CLAUSE}+)", rf"下设办公室于({_UNIT_CLAUSE}+)")
_DIRECTOR_PATTERNS = (
    rf"由({_CLAUSE}+?)(?:同志)?(?:兼任|担任|任)(?:领导小组)?办公室主任",
    rf"办公室主任由({_CLAUSE}+?)(?:同志)?(?:兼任|担任)",
    rf"({_CLAUSE}+?)(?:同志)?(?:兼任|担任|任)(?:领导小组)?办公室主任",
    rf"办公室主任[：:]\s*({_CLAUSE}+)",
)


def parse_leading_group(layout: Layout) -> tuple[ParsedLeadingGroup, list[str]]:
    group = ParsedLeadingGroup(members={"组长": [], "副组长": [], "成员": []})
    warnings: list[str] = []
    written = _group_text(layout)
    if "组长" not in written:
        return group, [_("The leading group (领导小组) was not found.")]
    # Posts in brackets (王立新（局党组书记、局长）) would break the clauses apart.
    text = without_brackets(written)
    for role, patterns in _ROLE_PATTERNS.items():
        m = _first(patterns, text)
        names = person_names(m.group(1)) if m else []
        if names:
            group.members[role] = names
        else:
            warnings.append(
                _("The leading group's %(role)s was not found: %(text)s")
                % {"role": role, "text": snippet(m.group(1) if m else written)}
            )
    if m := _first(_MEMBER_PATTERNS, text):
        pending = ""
        for entry in (e.strip() for e in re.split(r"[、，,]", m.group(1))):
            names = person_names(entry)
            if names:
                group.members["成员"].extend(n for n in names if n not in group.members["成员"])
            elif entry and not _POST_END.search(entry):
                # 各科室、各分局主要负责人: the units share the post named after the last one.
                pending = f"{pending}、{entry}" if pending else entry
            elif entry:
                group.member_descriptions.append(f"{pending}、{entry}" if pending else entry)
                pending = ""
        if pending:
            group.member_descriptions.append(pending)
    if m := _first(_OFFICE_PATTERNS, written):
        group.office_unit = normalize_unit(m.group(1))
    if m := _first(_DIRECTOR_PATTERNS, text):
        names = person_names(m.group(1))
        group.office_director = names[0] if names else normalize_unit(m.group(1))
    return group, warnings
