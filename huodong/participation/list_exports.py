"""The participation lists as .xlsx columns (see huodong.core.list_export): my study records,
the study sessions, my reflections and the reflection review queue, as their pages show them."""

from __future__ import annotations

from django.utils.translation import gettext as _

from huodong.core.list_export import Column, yes_no
from huodong.participation.models import StudySource
from huodong.participation.selectors.reflections import WordTarget


def study_record_columns() -> list[Column]:
    return [
        Column(_("Date"), lambda r: r.date, 12),
        Column(_("Kind"), lambda r: r.get_kind_display(), 12),
        Column(_("Material or topic"), lambda r: r.material, 40),
        Column(_("Minutes"), lambda r: r.duration_minutes, 8),
        Column(_("Notes"), lambda r: r.notes, 40),
        Column(_("Recorded by"), lambda r: r.get_source_display(), 12),
    ]


def _my_part(session) -> str:
    source = getattr(session, "my_source", None) or ""
    if source:
        return str(StudySource(source).label)
    return _("Invited") if getattr(session, "is_invited", False) else ""


def session_columns() -> list[Column]:
    return [
        Column(_("Starts at"), lambda s: s.starts_at, 17),
        Column(_("Ends at"), lambda s: s.ends_at, 17),
        Column(_("Session"), lambda s: s.topic, 40),
        Column(_("Kind"), lambda s: s.get_kind_display(), 12),
        Column(_("Organised by"), lambda s: s.organiser_unit.name, 20),
        Column(_("Place"), lambda s: s.place, 20),
        Column(_("Speaker"), lambda s: s.speaker, 12),
        Column(_("Present"), lambda s: s.present_count, 8),
        Column(_("Invited"), lambda s: s.invitee_count, 8),
        Column(_("Cancelled"), lambda s: yes_no(s.cancelled_at is not None), 8),
        Column(_("Me"), _my_part, 12),
    ]


def _met(target: WordTarget | None):
    def value(reflection) -> str:
        if target is None:
            return ""
        return _("met") if target.met_by(reflection.word_count) else _("short")

    return value


def my_reflection_columns(target: WordTarget | None) -> list[Column]:
    return [
        Column(_("Title"), lambda r: r.title, 40),
        Column(_("Characters (字数)"), lambda r: r.word_count, 10),
        Column(_("Required length"), _met(target), 10),
        Column(_("Status"), lambda r: r.get_status_display(), 10),
        Column(_("Recommended"), lambda r: yes_no(r.recommended_to_column), 10),
        Column(_("Submitted"), lambda r: r.submitted_at, 17),
        Column(_("Last saved"), lambda r: r.updated_at, 17),
    ]


def _copy_ratio(reflection):
    ratio = getattr(reflection, "copy_ratio", None)
    return float(ratio) if ratio is not None else None


def queue_columns(target: WordTarget | None) -> list[Column]:
    return [
        Column(_("Writer"), lambda r: r.person.name, 12),
        Column(_("Unit"), lambda r: r.person.unit.name, 20),
        Column(_("Party branch"), lambda r: r.person.branch.name if r.person.branch_id else "", 20),
        Column(_("Title"), lambda r: r.title, 40),
        Column(_("Characters (字数)"), lambda r: r.word_count, 10),
        Column(_("Required length"), _met(target), 10),
        Column(_("Copy ratio"), _copy_ratio, 10, number_format="0.0%"),
        Column(
            _("Suspected plagiarism"),
            lambda r: yes_no(bool(getattr(r, "copy_flagged", False))),
            10,
        ),
        Column(_("Status"), lambda r: r.get_status_display(), 10),
        Column(_("Submitted"), lambda r: r.submitted_at, 17),
    ]
