"""The meetings list, the online activities and an activity's participations as .xlsx columns
(see huodong.core.list_export); the enterprise problems have their own export (exports.py)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from huodong.core.list_export import Column, yes_no


def meeting_columns() -> list[Column]:
    return [
        Column(_("Starts at"), lambda m: m.starts_at, 17),
        Column(_("Meeting"), lambda m: m.title, 40),
        Column(_("Kind"), lambda m: m.get_kind_display(), 12),
        Column(_("Organised by"), lambda m: m.organiser_unit.name, 20),
        Column(_("Place"), lambda m: m.place, 20),
        Column(_("Invited"), lambda m: m.invited_count, 8),
        Column(_("Registered"), lambda m: m.registered_count, 8),
        Column(_("Signed in"), lambda m: m.signed_in_count, 8),
        Column(_("Guests"), lambda m: m.guest_count, 8),
        Column(_("Counted"), lambda m: m.headcount, 8),
        Column(_("Cancelled"), lambda m: yes_no(m.cancelled_at is not None), 8),
        Column(_("On the list"), lambda m: yes_no(bool(getattr(m, "on_list", False))), 8),
    ]


def activity_columns(*, reads_all: bool) -> list[Column]:
    """The online activities list: everyone's counts only for who reads them all, as on the
    page."""
    columns = [
        Column(_("Activity"), lambda a: a.title, 40),
        Column(_("Link"), lambda a: a.url, 30),
        Column(_("From"), lambda a: a.starts_on, 12),
        Column(_("Until"), lambda a: a.ends_on, 12),
        Column(_("Collects ideas"), lambda a: yes_no(a.collects_ideas), 8),
        Column(_("Mine"), lambda a: a.my_count, 8),
    ]
    if reads_all:
        columns += [
            Column(_("Participations"), lambda a: a.total_count, 10),
            Column(_("People"), lambda a: a.people_count, 8),
        ]
    return columns


def participation_columns() -> list[Column]:
    return [
        Column(_("Date"), lambda p: p.date, 12),
        Column(_("Name"), lambda p: p.person.name, 12),
        Column(_("Unit"), lambda p: p.unit.name, 20),
        Column(_("Link"), lambda p: p.evidence_url, 30),
        Column(_("Screenshot"), lambda p: yes_no(bool(p.screenshot)), 8),
        Column(_("What was contributed"), lambda p: p.text, 60),
        Column(_("In the suggestion pool"), lambda p: yes_no(p.in_pool), 10),
    ]


def unit_count_columns() -> list[Column]:
    return [
        Column(_("Unit"), lambda c: c.unit.name, 24),
        Column(_("Participations"), lambda c: c.participations, 10),
        Column(_("People"), lambda c: c.people, 8),
    ]
