"""The inbox as .xlsx columns (see huodong.core.list_export)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from huodong.core.list_export import Column


def inbox_columns() -> list[Column]:
    return [
        Column(_("Sent"), lambda n: n.created_at, 17),
        Column(_("Kind"), lambda n: n.get_kind_display(), 14),
        Column(_("Title"), lambda n: n.title, 40),
        Column(_("Text"), lambda n: n.body, 60),
        Column(_("Read"), lambda n: n.read_at, 17),
    ]
