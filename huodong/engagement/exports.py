"""A meeting's list and the enterprise problems as .xlsx, written row by row (openpyxl
write-only) into a temporary file the response streams. Contact columns are written only when
the caller says the user may see them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import IO

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment

from huodong.campaigns.models import Campaign
from huodong.core.uploads import XLSX_TYPE
from huodong.core.xlsx_stream import header_cells, saved_for_streaming, titled_sheet
from huodong.engagement.models import EnterpriseProblem, Meeting, MeetingAttendee

EXPORT_XLSX_TYPE = XLSX_TYPE
_WRAP = Alignment(wrap_text=True, vertical="top")


def _cell(sheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.alignment = _WRAP
    if isinstance(value, dt.datetime):
        cell.value = timezone.localtime(value).replace(tzinfo=None)
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def attendees_xlsx(
    meeting: Meeting, attendees: Iterable[MeetingAttendee], *, with_contacts: bool
) -> IO[bytes]:
    header = [_("Name"), pgettext("of a person", "Organisation"), _("From outside"), _("Status")]
    widths = [14, 30, 10, 16]
    if with_contacts:
        header.append(_("Contact"))
        widths.append(22)
    header += [_("Registered"), _("Signed in")]
    widths += [18, 18]
    start = timezone.localtime(meeting.starts_at)
    book, sheet = titled_sheet(
        name=_("Attendees"),
        heading=f"{meeting.title} · {start:%Y-%m-%d %H:%M}",
        widths=widths,
        freeze_below_header=True,
    )
    sheet.append(header_cells(sheet, header, wrap=_WRAP))
    for attendee in attendees:
        values: list = [
            attendee.name,
            attendee.organisation,
            _("Yes") if attendee.is_external else "",
            attendee.get_status_display(),
        ]
        if with_contacts:
            values.append(attendee.contact)
        values += [attendee.registered_at, attendee.attended_at]
        sheet.append([_cell(sheet, value) for value in values])
    return saved_for_streaming(book)


def problems_xlsx(
    campaign: Campaign,
    problems: Iterable[EnterpriseProblem],
    *,
    with_contacts: bool,
    today: dt.date,
) -> IO[bytes]:
    header = [_("Enterprise"), _("Industrial park")]
    widths = [24, 18]
    if with_contacts:
        header += [_("Contact person"), _("Contact phone")]
        widths += [12, 16]
    header += [
        _("Visit"),
        _("Problem"),
        _("Assigned to"),
        _("Deadline"),
        _("Status"),
        _("Overdue"),
        _("Reply to the enterprise"),
        _("Resolution"),
    ]
    widths += [24, 48, 16, 12, 14, 8, 36, 36]
    book, sheet = titled_sheet(
        name=_("Enterprise problems"),
        heading=f"{campaign.title} · {_('Enterprise problems')} · {today}",
        widths=widths,
        freeze_below_header=True,
    )
    sheet.append(header_cells(sheet, header, wrap=_WRAP))
    for problem in problems:
        enterprise = problem.enterprise
        values: list = [enterprise.name, enterprise.park]
        if with_contacts:
            values += [enterprise.contact_name, enterprise.contact_phone]
        values += [
            problem.meeting.title,
            problem.description,
            problem.assigned_unit.name if problem.assigned_unit else "",
            problem.deadline,
            problem.get_status_display(),
            _("Yes") if getattr(problem, "is_overdue", False) else "",
            problem.reply,
            problem.resolution,
        ]
        sheet.append([_cell(sheet, value) for value in values])
    return saved_for_streaming(book)
