"""Turn a reader's RawDocument into a ParsedPlan."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .blocks import RawDocument
from .errors import PlanImportError
from .paragraph_tasks import parse_paragraph_tasks
from .parsed import ParsedPhase, ParsedPlan, ParsedProblem
from .phases import same_phase
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


def _merge_phases(body: list[ParsedPhase], table: list[ParsedPhase]) -> list[ParsedPhase]:
    # The body's wording wins; a phase written only as a table row is added after.
    merged = list(body)
    for phase in table:
        if not any(same_phase(p.name, phase.name) for p in merged):
            merged.append(phase)
    return merged


def strict_error(problems: list[ParsedProblem]) -> PlanImportError:
    first = problems[0]
    message = _("The plan cannot be imported until this is corrected: %(problem)s") % {
        "problem": first.message
    }
    if len(problems) > 1:
        message += " " + _("(%(count)s problems in all.)") % {"count": len(problems)}
    return PlanImportError(message, code=first.kind)


def build_plan(
    document: RawDocument, *, default_year: int | None = None, strict: bool = False
) -> ParsedPlan:
    """The plan as understood; with `strict`, a PlanImportError for the first problem."""
    warnings = list(document.warnings)
    paragraphs = [p for p in document.paragraphs if p.strip()]
    layout = split_layout(paragraphs)
    warnings.extend(layout.warnings)
    header, notes = parse_header(layout, paragraphs)
    warnings.extend(notes)
    year = campaign_year(layout, header, default_year)
    warnings.extend(year.warnings)
    phases, notes = parse_phases(layout, year.year)
    warnings.extend(notes)
    schedule = parse_tasks(document.tables, year.year, phases)
    tasks, problems, consumed = schedule.tasks, schedule.problems, set[str]()
    task_notes = schedule.warnings
    if not tasks:
        # No schedule table: the tasks may be numbered paragraphs with their assignment.
        written = parse_paragraph_tasks(layout, year.year, phases)
        tasks, problems, consumed = written.tasks, written.problems, written.consumed
        task_notes = written.warnings
    if not tasks:
        raise PlanImportError(
            _(
                "No schedule of tasks was found. The plan needs a table whose header names "
                "columns such as 序号, 工作任务, 完成时限 and 牵头单位, or numbered tasks such "
                "as “1.制定实施方案。（牵头单位：办公室；完成时间：3月15日前）”."
            ),
            code="no_tasks",
        )
    phases = _merge_phases(phases, schedule.phases)
    warnings.extend(task_notes)
    themes, notes = parse_themes(layout, skip=consumed)
    warnings.extend(notes)
    leading_group, notes = parse_leading_group(layout)
    warnings.extend(notes)
    quotas, notes = extract_quotas(tasks, [p for p in layout.body if p not in consumed])
    warnings.extend(notes)
    if strict and problems:
        raise strict_error(problems)
    return ParsedPlan(
        title=layout.title,
        doc_number=header.doc_number,
        issuer=header.issuer,
        issued=header.issued,
        year=year.year,
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
        year_source=year.source,
        problems=problems,
    )
