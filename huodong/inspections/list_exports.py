"""The 督查 lists as .xlsx columns (see huodong.core.list_export): inspections, notices,
rectification orders and the accountability ledger, each as its page shows it."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from huodong.campaigns.models import TaskUnitRole
from huodong.core.list_export import Column, day, joined, yes_no
from huodong.inspections.models import OrderStatus


def _inspected(inspection) -> str:
    parts = [inspection.unit.name] if inspection.unit_id else []
    if inspection.task_id:
        task = _("Task %(seq)s") % {"seq": inspection.task.seq}
        if not inspection.unit_id:
            leads = joined(
                link.unit.name
                for link in getattr(inspection.task, "unit_links", [])
                if link.role == TaskUnitRole.LEAD
            )
            task = f"{task}（{leads}）" if leads else task
        parts.append(task)
    return " · ".join(parts)


def _inspector(inspection) -> str:
    user = inspection.inspector
    if user is None:
        return ""
    person = getattr(user, "person", None)
    return person.name if person is not None else user.username


def inspection_columns() -> list[Column]:
    return [
        Column(_("Date"), lambda i: i.inspected_on, 12),
        Column(_("Inspected"), _inspected, 30),
        Column(_("Rating"), lambda i: i.get_rating_display(), 10),
        Column(_("Findings"), lambda i: i.findings, 60),
        Column(_("Inspector"), _inspector, 12),
    ]


def notice_columns() -> list[Column]:
    return [
        Column(_("Document number"), lambda n: n.doc_number, 22),
        Column(_("Title"), lambda n: n.title, 40),
        Column(_("Start"), lambda n: n.period_start, 12),
        Column(_("End"), lambda n: n.period_end, 12),
        Column(_("Units concerned"), lambda n: joined(u.name for u in n.units.all()), 30),
        Column(_("Status"), lambda n: n.get_status_display(), 10),
        Column(_("Published"), lambda n: day(n.published_at), 12),
    ]


def order_columns(*, today: dt.date) -> list[Column]:
    return [
        Column(_("Unit"), lambda o: o.unit.name, 16),
        Column(_("Problem"), lambda o: o.problem, 50),
        Column(_("Required measures"), lambda o: o.measures_required, 40),
        Column(_("Task"), lambda o: o.task.seq if o.task_id else None, 8),
        Column(_("Deadline"), lambda o: o.deadline, 12),
        Column(
            _("Overdue"),
            lambda o: yes_no(o.status != OrderStatus.CLOSED and o.deadline < today),
            8,
        ),
        Column(_("Status"), lambda o: o.get_status_display(), 10),
        Column(_("Escalated"), lambda o: day(o.escalated_at), 12),
    ]


def _linked(entry) -> str:
    parts = []
    if entry.task_id:
        parts.append(_("Task %(seq)s") % {"seq": entry.task.seq})
    if entry.order_id:
        parts.append(_("Order to %(unit)s") % {"unit": entry.order.unit.name})
    return "\n".join(parts)


def ledger_columns() -> list[Column]:
    return [
        Column(_("Date"), lambda e: e.decided_on, 12),
        Column(_("Unit"), lambda e: e.unit.name if e.unit_id else "", 16),
        Column(_("Person"), lambda e: e.person.name if e.person_id else "", 12),
        Column(_("Reason"), lambda e: e.reason, 50),
        Column(_("Linked to"), _linked, 20),
        Column(
            _("Measure"),
            lambda e: (
                e.get_measure_display() + (f"：{e.measure_detail}" if e.measure_detail else "")
            ),
            30,
        ),
        Column(_("Decided by"), lambda e: e.decided_by, 16),
    ]
