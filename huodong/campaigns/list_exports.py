"""The campaign list and the filtered schedule as .xlsx columns (see huodong.core.list_export).

The schedule's own download (计划安排表) is the whole plan in a shape that re-imports; this one
is the page's table with its filters: the tasks shown, with their lights."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from huodong.campaigns.lights import Light, days_late
from huodong.campaigns.models import TaskUnitRole
from huodong.core.list_export import Column, joined


def campaign_columns() -> list[Column]:
    return [
        Column(_("Title"), lambda c: c.title, 40),
        Column(_("Document number"), lambda c: c.doc_number, 20),
        Column(_("Start"), lambda c: c.start, 12),
        Column(_("End"), lambda c: c.end, 12),
        Column(_("Office"), lambda c: c.office.name, 30),
    ]


def _units(task, role: str) -> str:
    return joined(link.unit.name for link in getattr(task, "unit_links", []) if link.role == role)


def _light(task) -> str:
    light = getattr(task, "light", "")
    return str(Light(light).label) if light in Light.values else light


def schedule_columns(*, today: dt.date) -> list[Column]:
    return [
        Column(_("No."), lambda t: t.seq, 6),
        Column(_("Phase"), lambda t: t.phase.name if t.phase_id else "", 16),
        Column(_("Task"), lambda t: t.text, 60),
        Column(_("Deadline"), lambda t: t.due if t.due else t.due_text, 12),
        Column(_("Lead units"), lambda t: _units(t, TaskUnitRole.LEAD), 24),
        Column(_("Co-units"), lambda t: _units(t, TaskUnitRole.CO), 24),
        Column(_("Status"), _light, 12),
        Column(_("Completed on"), lambda t: t.completed_on, 12),
        Column(
            _("Days overdue"),
            lambda t: days_late(due=t.due, completed_on=t.completed_on, today=today) or None,
            10,
        ),
    ]
