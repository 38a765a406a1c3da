"""Turn a reader's RawDocument into a ParsedPlan."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .blocks import RawDocument
from .errors import PlanImportError
from .parsed import ParsedPlan
from .quotas import extract_quotas
from .schedule import parse_tasks
from .sections import (
    campaign_year,
    parse_guiding_thought,
    parse_header,
    parse_leading_group,
    parse_phases,
    parse_principles,
    parse_theme,
    parse_themes,
    split_layout,
)


def build_plan(document: RawDocument, *, default_year: int | None = None) -> ParsedPlan:
    warnings = list(document.warnings)
    paragraphs = [p for p in document.paragraphs if p.strip()]
    layout = split_layout(paragraphs)
    warnings.extend(layout.warnings)
    header, notes = parse_header(layout, paragraphs)
    warnings.extend(notes)
    year, notes = campaign_year(layout, header, default_year)
    warnings.extend(notes)
    themes, notes = parse_themes(layout)
    warnings.extend(notes)
    phases, notes = parse_phases(layout, year)
    warnings.extend(notes)
    tasks, notes = parse_tasks(document.tables, year, phases)
    if not tasks:
        raise PlanImportError(
            _(
                "No schedule of tasks was found. The plan needs a table whose header names "
                "columns such as 序号, 工作任务, 完成时限 and 牵头单位."
            ),
            code="no_tasks",
        )
    warnings.extend(notes)
    leading_group, notes = parse_leading_group(layout)
    warnings.extend(notes)
    quotas, notes = extract_quotas(tasks, layout.body)
    warnings.extend(notes)
    return ParsedPlan(
        title=layout.title,
        doc_number=header.doc_number,
        issuer=header.issuer,
        issued=header.issued,
        year=year,
        guiding_thought=parse_guiding_thought(layout),
        theme=parse_theme(layout),
        principles=parse_principles(layout),
        themes=themes,
        phases=phases,
        tasks=tasks,
        leading_group=leading_group,
        quotas=quotas,
        warnings=warnings,
        source_text=document.plain_text(),
    )
