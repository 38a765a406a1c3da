"""Writes of supervision: the task lifecycle, progress reports, attachments, reasons for delay.

Every function checks who may act (`permissions`), takes the task's tracking row with
`select_for_update()` and moves it with a conditional update, so two people acting at once
record one transition; it writes its event and audit record in the same transaction and sends
notifications only after commit. A refusal raises a `SupervisionError` and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from huodong.campaigns.models import Campaign, Task
from huodong.campaigns.services import TaskAlreadyCompleted, task_record_completion, task_reopen
from huodong.core import clock
from huodong.core.audit import audit_record
from huodong.notifications.models import NotificationKind
from huodong.notifications.services import notification_send
from huodong.orgs.models import Unit, User
from huodong.orgs.permissions import membership_of
from huodong.supervision import selectors
from huodong.supervision.attachments import (
    MAX_ATTACHMENTS_PER_REPORT,
    Inspected,
    Upload,
    inspect_upload,
)
from huodong.supervision.clock import now
from huodong.supervision.errors import (
    AttachmentRefused,
    NotAllowed,
    SupervisionError,
    TransitionRefused,
)
from huodong.supervision.lifecycle import (
    ALLOWED_FROM,
    LEAD_REPORTING,
    Transition,
    effective_status,
)
from huodong.supervision.models import (
    EventKind,
    OverdueReason,
    ProgressReport,
    ReportAttachment,
    ReportStatus,
    TaskEvent,
    TaskTracking,
    TrackingStatus,
)
from huodong.supervision.permissions import (
    TaskUnits,
    can_accept,
    can_reopen,
    lead_units_acted_for,
    report_units_acted_for,
    task_units,
)

__all__ = [
    "AttachmentRefused",
    "NotAllowed",
    "SupervisionError",
    "TransitionRefused",
    "attachment_add",
    "attachment_delete",
    "ledger_record_export",
    "overdue_reason_give",
    "report_create",
    "report_delete",
    "report_submit",
    "report_update",
    "task_accept",
    "task_receive",
    "task_reopen_accepted",
    "task_return",
    "task_submit",
]


# --- Helpers ------------------------------------------------------------------------------


def _name(actor: User) -> str:
    person = getattr(actor, "person", None)
    return (person.name if person is not None else actor.get_username())[:150]


def _fresh_units(task: Task) -> TaskUnits:
    # Never the prefetched links of the caller's copy: decide on what the database holds now.
    return task_units(Task(pk=task.pk))


def _not_allowed() -> NotAllowed:
    return NotAllowed(_("You may not do this for this task."), code="not_allowed")


def _acting_unit(allowed: frozenset[int], unit: Unit | None) -> int:
    """The unit the actor acts for: the one asked for if allowed, else their first one."""
    if unit is not None:
        if unit.pk not in allowed:
            raise _not_allowed()
        return unit.pk
    if not allowed:
        raise _not_allowed()
    return min(allowed)


def _lock_tracking(task: Task) -> TaskTracking:
    """The task's tracking row, created if missing, locked, and in step with its completion."""
    TaskTracking.objects.get_or_create(task_id=task.pk)
    tracking = (
        TaskTracking.objects.select_for_update(of=("self", "task"))
        .select_related("task")
        .get(task_id=task.pk)
    )
    status = effective_status(
        tracking.status,
        completed_on=tracking.task.completed_on,
        received=tracking.received_at is not None,
    )
    if status != tracking.status:
        # Completion recorded or withdrawn on the schedule directly: follow it.
        TaskTracking.objects.filter(pk=tracking.pk).update(status=status)
        tracking.status = status
    return tracking


def _refusal(transition: Transition, status: str) -> TransitionRefused:
    label = TrackingStatus(status).label
    if status == TrackingStatus.ACCEPTED and transition != Transition.REOPEN:
        message = _("The task is already accepted as done; reopen it first.")
    elif transition == Transition.SUBMIT and status in (
        TrackingStatus.ASSIGNED,
        TrackingStatus.RECEIVED,
    ):
        message = _(
            "Submit a progress report of the lead unit before submitting the task for acceptance."
        )
    else:
        message = _("This cannot be done while the task is “%(status)s”.") % {"status": label}
    return TransitionRefused(message, code=f"{transition}_from_{status}")


def _move(
    tracking: TaskTracking,
    transition: Transition,
    to: str,
    *,
    actor: User,
    kind: str,
    unit_id: int | None = None,
    note: str = "",
    **fields: object,
) -> TaskEvent:
    """Move a locked tracking row; the conditional update refuses a move someone else made."""
    previous = tracking.status
    if previous not in ALLOWED_FROM[transition]:
        raise _refusal(transition, previous)
    at = now()
    moved = TaskTracking.objects.filter(pk=tracking.pk, status=previous).update(
        status=to, updated_at=at, **fields
    )
    if not moved:
        raise _refusal(transition, TaskTracking.objects.get(pk=tracking.pk).status)
    tracking.refresh_from_db()
    event = TaskEvent.objects.create(
        task_id=tracking.task_id,
        kind=kind,
        from_status=previous,
        to_status=to,
        actor=actor,
        actor_name=_name(actor),
        unit_id=unit_id,
        note=note,
        created_at=at,
    )
    audit_record(
        actor=actor,
        action=f"task.{transition}",
        obj=tracking.task,
        changes={"status": [previous, to], **({"note": note} if note else {})},
    )
    return event


def _task_url(task: Task) -> str:
    return reverse("campaigns:task", args=[task.campaign_id, task.seq])


def _notify_after_commit(
    *,
    actor: User,
    event: TaskEvent,
    recipients: Callable[[], list[User]],
    title: str,
    body: str,
    url: str,
) -> None:
    """After commit, tell the people concerned; one message per event and person, ever."""

    def send() -> None:
        notification_send(
            actor=actor,
            recipients=[user for user in recipients() if user.pk != actor.pk],
            kind=NotificationKind.TASK,
            title=title,
            body=body,
            url=url,
            dedupe_key=f"supervision.event.{event.pk}",
        )

    transaction.on_commit(send, robust=True)


def _task_title(task: Task) -> str:
    return _("Task %(seq)s") % {"seq": task.seq}


# --- The lifecycle ------------------------------------------------------------------------


@transaction.atomic
def task_receive(*, actor: User, task: Task, unit: Unit | None = None) -> TaskTracking:
    """签收: the lead unit confirms it has the task."""
    acting = lead_units_acted_for(membership_of(actor), _fresh_units(task))
    unit_id = _acting_unit(acting, unit)
    tracking = _lock_tracking(task)
    at = now()
    _move(
        tracking,
        Transition.RECEIVE,
        TrackingStatus.RECEIVED,
        actor=actor,
        kind=EventKind.RECEIVED,
        unit_id=unit_id,
        received_at=at,
        received_by=actor,
    )
    return tracking


@transaction.atomic
def task_submit(*, actor: User, task: Task, note: str = "") -> TaskTracking:
    """The lead unit submits the task for acceptance, after at least one report of its own."""
    units = _fresh_units(task)
    acting = lead_units_acted_for(membership_of(actor), units)
    unit_id = _acting_unit(acting, None)
    tracking = _lock_tracking(task)
    has_report = ProgressReport.objects.filter(
        task_id=task.pk, unit_id__in=units.lead, status=ReportStatus.SUBMITTED
    ).exists()
    if not has_report and tracking.status in ALLOWED_FROM[Transition.SUBMIT]:
        raise _refusal(Transition.SUBMIT, TrackingStatus.RECEIVED)
    event = _move(
        tracking,
        Transition.SUBMIT,
        TrackingStatus.SUBMITTED,
        actor=actor,
        kind=EventKind.SUBMITTED,
        unit_id=unit_id,
        note=note.strip(),
        submitted_at=now(),
    )
    task = tracking.task
    campaign = Campaign.objects.get(pk=task.campaign_id)
    _notify_after_commit(
        actor=actor,
        event=event,
        recipients=lambda: selectors.office_users(campaign),
        title=_("%(task)s was submitted for acceptance") % {"task": _task_title(task)},
        body=task.text[:300],
        url=_task_url(task),
    )
    return tracking


def _check_acceptor(actor: User, task: Task) -> Campaign:
    campaign = Campaign.objects.get(pk=task.campaign_id)
    if not can_accept(membership_of(actor), campaign):
        raise _not_allowed()
    return campaign


@transaction.atomic
def task_accept(*, actor: User, task: Task, note: str = "") -> TaskTracking:
    """The office or an inspector accepts the task as done; its completion date is today."""
    _check_acceptor(actor, task)
    tracking = _lock_tracking(task)
    event = _move(
        tracking,
        Transition.ACCEPT,
        TrackingStatus.ACCEPTED,
        actor=actor,
        kind=EventKind.ACCEPTED,
        note=note.strip(),
        accepted_at=now(),
        accepted_by=actor,
    )
    try:
        task_record_completion(actor=actor, task=tracking.task, completed_on=clock.today())
    except TaskAlreadyCompleted as exc:
        raise _refusal(Transition.ACCEPT, TrackingStatus.ACCEPTED) from exc
    task = tracking.task
    _notify_after_commit(
        actor=actor,
        event=event,
        recipients=lambda: selectors.lead_unit_users(task),
        title=_("%(task)s was accepted as done") % {"task": _task_title(task)},
        body=note.strip() or task.text[:300],
        url=_task_url(task),
    )
    return tracking


@transaction.atomic
def task_return(*, actor: User, task: Task, reason: str) -> TaskTracking:
    """The office or an inspector sends a submitted task back, saying why."""
    _check_acceptor(actor, task)
    reason = reason.strip()
    if not reason:
        raise SupervisionError(_("Say why the task is returned."), code="reason_required")
    tracking = _lock_tracking(task)
    event = _move(
        tracking,
        Transition.RETURN,
        TrackingStatus.RETURNED,
        actor=actor,
        kind=EventKind.RETURNED,
        note=reason,
        returned_count=F("returned_count") + 1,
    )
    task = tracking.task
    _notify_after_commit(
        actor=actor,
        event=event,
        recipients=lambda: selectors.lead_unit_users(task),
        title=_("%(task)s was returned for rework") % {"task": _task_title(task)},
        body=reason,
        url=_task_url(task),
    )
    return tracking


@transaction.atomic
def task_reopen_accepted(*, actor: User, task: Task, note: str = "") -> TaskTracking:
    """The office reopens an accepted task; its completion date is withdrawn."""
    campaign = Campaign.objects.get(pk=task.campaign_id)
    if not can_reopen(membership_of(actor), campaign):
        raise _not_allowed()
    tracking = _lock_tracking(task)
    reopened = (
        TrackingStatus.IN_PROGRESS if tracking.received_at is not None else TrackingStatus.ASSIGNED
    )
    _move(
        tracking,
        Transition.REOPEN,
        reopened,
        actor=actor,
        kind=EventKind.REOPENED,
        note=note.strip(),
        accepted_at=None,
        accepted_by=None,
    )
    if tracking.task.completed_on is not None:
        task_reopen(actor=actor, task=tracking.task)
    return tracking


# --- Progress reports and attachments -----------------------------------------------------


def _frozen() -> TransitionRefused:
    return TransitionRefused(
        _("A submitted report and its files can no longer be changed or deleted."),
        code="report_submitted",
    )


def _check_may_report(tracking: TaskTracking, units: TaskUnits, unit_id: int) -> None:
    if tracking.status == TrackingStatus.ACCEPTED:
        raise TransitionRefused(
            _("The task is already accepted as done; reopen it first."), code="task_closed"
        )
    if unit_id in units.lead and tracking.status not in LEAD_REPORTING:
        raise TransitionRefused(_("Receive the task before reporting on it."), code="not_received")


def _inspect_all(files: Sequence[Upload], *, already: int = 0) -> list[Inspected]:
    if already + len(files) > MAX_ATTACHMENTS_PER_REPORT:
        raise AttachmentRefused(
            _("A report takes at most %(n)d files.") % {"n": MAX_ATTACHMENTS_PER_REPORT},
            code="too_many",
        )
    return [inspect_upload(upload) for upload in files]


def _store(
    report: ProgressReport, files: Sequence[Upload], inspected: list[Inspected], actor: User
) -> list[ReportAttachment]:
    stored: list[ReportAttachment] = []
    try:
        for upload, info in zip(files, inspected, strict=True):
            attachment = ReportAttachment(
                report=report,
                original_name=info.name,
                size=info.size,
                content_type=info.content_type,
                uploaded_by=actor,
                uploaded_at=now(),
            )
            upload.seek(0)
            # The stored name is random (attachment_path); only the detected extension is kept.
            attachment.file.save(info.name, upload, save=False)  # type: ignore[arg-type]
            attachment.save()
            stored.append(attachment)
    except BaseException:
        for attachment in stored:
            if attachment.file.name:
                default_storage.delete(attachment.file.name)
        raise
    for attachment in stored:
        audit_record(
            actor=actor,
            action="report.attach",
            obj=report,
            changes={
                "file": attachment.original_name,
                "size": attachment.size,
                "type": attachment.content_type,
            },
        )
    return stored


def _lock_draft(actor: User, report: ProgressReport) -> tuple[ProgressReport, TaskUnits]:
    """The report, locked, if the actor acts for its unit and it is still a draft."""
    locked = ProgressReport.objects.select_for_update().get(pk=report.pk)
    units = _fresh_units(Task(pk=locked.task_id))
    if locked.unit_id not in report_units_acted_for(membership_of(actor), units):
        raise _not_allowed()
    if locked.status != ReportStatus.DRAFT:
        raise _frozen()
    return locked, units


@transaction.atomic
def report_create(
    *,
    actor: User,
    task: Task,
    unit: Unit,
    text: str = "",
    files: Sequence[Upload] = (),
) -> ProgressReport:
    """A draft report of `unit` on `task`, with its files; nothing is stored if one is refused."""
    units = _fresh_units(task)
    if unit.pk not in report_units_acted_for(membership_of(actor), units):
        raise _not_allowed()
    tracking = _lock_tracking(task)
    _check_may_report(tracking, units, unit.pk)
    inspected = _inspect_all(files)
    at = now()
    report = ProgressReport.objects.create(
        task_id=task.pk,
        unit=unit,
        author=actor,
        author_name=_name(actor),
        text=text.strip(),
        created_at=at,
        updated_at=at,
    )
    audit_record(actor=actor, action="report.create", obj=report, changes={"unit": unit.pk})
    _store(report, files, inspected, actor)
    return report


@transaction.atomic
def report_update(
    *, actor: User, report: ProgressReport, text: str, files: Sequence[Upload] = ()
) -> ProgressReport:
    """Edit a draft's text and add files to it; a submitted report is refused."""
    locked, _units = _lock_draft(actor, report)
    inspected = _inspect_all(files, already=locked.attachments.count())
    updated = ProgressReport.objects.filter(pk=locked.pk, status=ReportStatus.DRAFT).update(
        text=text.strip(), updated_at=now()
    )
    if not updated:
        raise _frozen()
    locked.refresh_from_db()
    audit_record(actor=actor, action="report.update", obj=locked, changes={"files": len(files)})
    _store(locked, files, inspected, actor)
    return locked


@transaction.atomic
def attachment_add(*, actor: User, report: ProgressReport, upload: Upload) -> ReportAttachment:
    locked, _units = _lock_draft(actor, report)
    inspected = _inspect_all([upload], already=locked.attachments.count())
    return _store(locked, [upload], inspected, actor)[0]


@transaction.atomic
def attachment_delete(*, actor: User, attachment: ReportAttachment) -> None:
    """Remove a file from a draft; the stored file goes once the deletion is committed
    (`signals`)."""
    report = ProgressReport(pk=attachment.report_id)
    locked, _units = _lock_draft(actor, report)
    row = ReportAttachment.objects.filter(pk=attachment.pk, report=locked).first()
    if row is None:
        raise _frozen()
    row.delete()
    audit_record(
        actor=actor, action="report.detach", obj=locked, changes={"file": row.original_name}
    )


@transaction.atomic
def report_delete(*, actor: User, report: ProgressReport) -> None:
    """Delete a draft with its files; a submitted report is refused."""
    locked, _units = _lock_draft(actor, report)
    deleted, _rows = ProgressReport.objects.filter(pk=locked.pk, status=ReportStatus.DRAFT).delete()
    if not deleted:
        raise _frozen()
    audit_record(
        actor=actor,
        action="report.delete",
        obj=None,
        changes={"report": locked.pk, "task": locked.task_id, "unit": locked.unit_id},
    )


@transaction.atomic
def report_submit(*, actor: User, report: ProgressReport) -> ProgressReport:
    """Submit a draft: it is frozen from now on. The lead unit's first one starts the work."""
    task = Task.objects.get(pk=report.task_id)
    tracking = _lock_tracking(task)
    locked, units = _lock_draft(actor, report)
    _check_may_report(tracking, units, locked.unit_id)
    if not locked.text.strip() and not locked.attachments.exists():
        raise SupervisionError(
            _("Write the report or attach a file before submitting it."), code="empty_report"
        )
    at = now()
    if not ProgressReport.objects.filter(pk=locked.pk, status=ReportStatus.DRAFT).update(
        status=ReportStatus.SUBMITTED, submitted_at=at, updated_at=at
    ):
        raise _frozen()
    locked.refresh_from_db()
    previous = tracking.status
    if locked.unit_id in units.lead and previous == TrackingStatus.RECEIVED:
        TaskTracking.objects.filter(pk=tracking.pk, status=previous).update(
            status=TrackingStatus.IN_PROGRESS, updated_at=at
        )
        tracking.refresh_from_db()
    TaskEvent.objects.create(
        task_id=task.pk,
        kind=EventKind.REPORT,
        from_status=previous,
        to_status=tracking.status,
        actor=actor,
        actor_name=_name(actor),
        unit_id=locked.unit_id,
        note=locked.text[:200],
        created_at=at,
    )
    audit_record(
        actor=actor,
        action="report.submit",
        obj=locked,
        changes={"task": task.pk, "status": [previous, tracking.status]},
    )
    return locked


# --- Reasons for delay and the ledger -----------------------------------------------------


@transaction.atomic
def overdue_reason_give(*, actor: User, task: Task, unit: Unit, text: str) -> OverdueReason:
    """A lead unit says why its task is overdue (or was done late); a new text replaces its
    previous one, and the event log keeps every version."""
    acting = lead_units_acted_for(membership_of(actor), _fresh_units(task))
    unit_id = _acting_unit(acting, unit)
    text = text.strip()
    if not text:
        raise SupervisionError(_("Write the reason."), code="reason_required")
    current = Task.objects.select_for_update().get(pk=task.pk)
    if not selectors.is_late(current, today=clock.today()):
        raise TransitionRefused(
            _("The task is not late; there is no delay to explain."), code="not_late"
        )
    at = now()
    reason, created = OverdueReason.objects.update_or_create(
        task=current,
        unit_id=unit_id,
        defaults={"text": text, "author": actor, "author_name": _name(actor), "updated_at": at},
        create_defaults={
            "text": text,
            "author": actor,
            "author_name": _name(actor),
            "created_at": at,
            "updated_at": at,
        },
    )
    TaskEvent.objects.create(
        task=current,
        kind=EventKind.REASON,
        actor=actor,
        actor_name=_name(actor),
        unit_id=unit_id,
        note=text,
        created_at=at,
    )
    audit_record(
        actor=actor,
        action="task.overdue_reason",
        obj=current,
        changes={"unit": unit_id, "text": text, "created": created},
    )
    return reason


@transaction.atomic
def ledger_record_export(*, actor: User, campaign: Campaign, unit_id: int | None = None) -> None:
    """Exports are audited like writes: who took the overdue ledger out, and when."""
    audit_record(
        actor=actor,
        action="supervision.ledger_export",
        obj=campaign,
        changes={"format": "xlsx", "unit": unit_id},
    )
