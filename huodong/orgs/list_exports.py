"""The organisation page's tables as .xlsx columns (see huodong.core.list_export)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from huodong.core.list_export import Column, yes_no


def people_columns(*, show_phone: bool) -> list[Column]:
    """The people table as the page shows it; the mobile only where the page shows it."""
    columns = [
        Column(_("Name"), lambda p: p.name, 12),
        Column(_("Unit"), lambda p: p.unit.name if p.unit_id else "", 24),
        Column(_("Party branch"), lambda p: p.branch.name if p.branch_id else "", 24),
        Column(_("Position"), lambda p: p.position, 16),
        Column(_("Window"), lambda p: yes_no(p.is_window_staff), 8),
    ]
    if show_phone:
        columns.append(Column(_("Mobile"), lambda p: p.phone, 14))
    columns.append(Column(_("Login"), lambda p: p.user.username if p.user_id else "", 16))
    return columns


def unit_columns() -> list[Column]:
    """The unit tree, each unit indented under its parent."""
    return [
        Column(_("Unit"), lambda n: "\u3000" * n.depth + n.unit.name, 36),
        Column(_("Type"), lambda n: n.kind_label, 12),
        Column(_("Members"), lambda n: n.members, 10),
        Column(
            _("Branch members"),
            lambda n: n.branch_members if n.unit.is_party_branch else None,
            12,
        ),
    ]
