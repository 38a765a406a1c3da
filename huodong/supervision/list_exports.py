"""The on-time rates page as .xlsx columns (see huodong.core.list_export)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from huodong.core.list_export import Column


def rate_columns(first: str) -> list[Column]:
    return [
        Column(first, lambda r: r.label, 30),
        Column(_("Due"), lambda r: r.due, 8),
        Column(_("Done on time"), lambda r: r.on_time, 10),
        Column(_("Done late"), lambda r: r.late, 10),
        Column(_("Overdue"), lambda r: r.overdue, 10),
        Column(_("On-time rate"), lambda r: r.rate, 12, number_format="0.0%"),
    ]
