"""Bringing a task to a lifecycle state, and a snapshot of everything the services write."""

from __future__ import annotations

from collections.abc import Callable

from huodong.campaigns.models import Task
from huodong.core.models import AuditRecord
from huodong.notifications.models import Notification
from huodong.supervision import services
from huodong.supervision.models import (
    OverdueReason,
    ProgressReport,
    ReportAttachment,
    TaskEvent,
    TaskTracking,
)


def report(world, user=None, *, unit=None, text="进展顺利", task=None, files=()):
    """A submitted report (lead unit's by default)."""
    user = user or world["lead_head"]
    draft = services.report_create(
        actor=user, task=task or world.task, unit=unit or world.lead, text=text, files=files
    )
    return services.report_submit(actor=user, report=draft)


def to_received(world) -> None:
    services.task_receive(actor=world["lead_head"], task=world.task)


def to_in_progress(world) -> None:
    to_received(world)
    report(world)


def to_submitted(world) -> None:
    to_in_progress(world)
    services.task_submit(actor=world["lead_head"], task=world.task)


def to_returned(world) -> None:
    to_submitted(world)
    services.task_return(actor=world["director"], task=world.task, reason="材料不全")


def to_accepted(world) -> None:
    to_submitted(world)
    services.task_accept(actor=world["director"], task=world.task)


STATES: dict[str, Callable] = {
    "assigned": lambda world: None,
    "received": to_received,
    "in_progress": to_in_progress,
    "submitted": to_submitted,
    "returned": to_returned,
    "accepted": to_accepted,
}

TRANSITIONS: dict[str, Callable] = {
    "receive": lambda world, user: services.task_receive(actor=user, task=world.task),
    "submit": lambda world, user: services.task_submit(actor=user, task=world.task),
    "accept": lambda world, user: services.task_accept(actor=user, task=world.task),
    "return": lambda world, user: services.task_return(
        actor=user, task=world.task, reason="请补充签到表"
    ),
    "reopen": lambda world, user: services.task_reopen_accepted(actor=user, task=world.task),
}

# The state each transition starts from in the tests, and who may perform it.
START = {
    "receive": "assigned",
    "submit": "in_progress",
    "accept": "submitted",
    "return": "submitted",
    "reopen": "accepted",
}
ACCEPTORS = {"director", "staff", "admin", "inspector", "seat"}
ALLOWED = {
    "receive": {"lead_head", "lead_contact"},
    "submit": {"lead_head", "lead_contact"},
    "accept": ACCEPTORS,
    "return": ACCEPTORS,
    "reopen": ACCEPTORS - {"inspector"},
}
RESULT = {
    "receive": "received",
    "submit": "submitted",
    "accept": "accepted",
    "return": "returned",
    "reopen": "in_progress",
}
ALLOWED_FROM = {
    "receive": {"assigned"},
    "submit": {"in_progress", "returned"},
    "accept": {"submitted"},
    "return": {"submitted"},
    "reopen": {"accepted"},
}


def snapshot() -> tuple:
    """Everything a supervision write may change."""
    return (
        list(
            TaskTracking.objects.order_by("pk").values_list(
                "task_id",
                "status",
                "received_at",
                "submitted_at",
                "accepted_at",
                "returned_count",
                "updated_at",
            )
        ),
        list(TaskEvent.objects.order_by("pk").values_list("pk", "kind")),
        list(Task.objects.order_by("pk").values_list("pk", "completed_on")),
        list(ProgressReport.objects.order_by("pk").values_list("pk", "status", "text")),
        list(ReportAttachment.objects.order_by("pk").values_list("pk", "file")),
        list(OverdueReason.objects.order_by("pk").values_list("pk", "text")),
        AuditRecord.objects.count(),
        Notification.objects.count(),
    )


def status_of(task) -> str:
    tracking = TaskTracking.objects.filter(task=task).first()
    return tracking.status if tracking else "assigned"
