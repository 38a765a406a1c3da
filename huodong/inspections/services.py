"""Writes of a campaign's supervision: inspections, notices, rectification orders and the
accountability ledger. Views check who may act (permissions.py); these check that the object is
in a state that allows the act, with conditional updates so that two concurrent requests make
one change, never two."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huodong.campaigns.models import Campaign, Task
from huodong.core import clock
from huodong.core.audit import audit_record
from huodong.inspections.attachments import check_attachment
from huodong.inspections.models import (
    ANSWERABLE_STATUSES,
    UNCLOSED_STATUSES,
    AccountabilityEntry,
    AccountabilityMeasure,
    Inspection,
    InspectionRating,
    Notice,
    NoticeStatus,
    OrderAction,
    OrderStatus,
    RectificationAnswer,
    RectificationEvent,
    RectificationOrder,
)
from huodong.inspections.notice_text import notice_draft_text
from huodong.inspections.selectors import (
    escalation_recipients,
    notice_facts,
    notice_next_doc_number,
    unit_contacts,
)
from huodong.notifications.models import NotificationKind
from huodong.notifications.services import notification_send
from huodong.orgs.models import Person, Unit, User


class SupervisionError(Exception):
    """A write refused because of the object's state or the data; nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TransitionRefused(SupervisionError):
    pass


class DocNumberTaken(SupervisionError):
    pass


def _user(actor) -> User | None:
    return actor if getattr(actor, "is_authenticated", False) else None


def _check_campaign_links(
    campaign: Campaign, *, unit: Unit | None = None, task: Task | None = None
) -> None:
    if unit is not None and unit.office_id != campaign.office_id:
        raise SupervisionError(_("The unit does not belong to the campaign's office."))
    if task is not None and task.campaign_id != campaign.pk:
        raise SupervisionError(_("The task does not belong to this campaign."))


# Inspections ---------------------------------------------------------------------------------


@transaction.atomic
def inspection_record(
    *,
    actor: User | None,
    campaign: Campaign,
    inspected_on: dt.date,
    findings: str,
    rating: str,
    unit: Unit | None = None,
    task: Task | None = None,
) -> Inspection:
    if unit is None and task is None:
        raise SupervisionError(_("Choose the unit or the task that was inspected."))
    if rating not in InspectionRating.values:
        raise SupervisionError(_("Choose a rating."))
    _check_campaign_links(campaign, unit=unit, task=task)
    inspection = Inspection.objects.create(
        campaign=campaign,
        unit=unit,
        task=task,
        inspected_on=inspected_on,
        findings=findings.strip(),
        rating=rating,
        inspector=_user(actor),
    )
    audit_record(
        actor=actor,
        action="inspection.record",
        obj=inspection,
        changes={
            "unit": unit.name if unit else None,
            "task": task.seq if task else None,
            "date": inspected_on.isoformat(),
            "rating": rating,
        },
    )
    return inspection


# Notices -------------------------------------------------------------------------------------

NUMBER_ATTEMPTS = 5


@transaction.atomic
def notice_draft_create(
    *,
    actor: User | None,
    campaign: Campaign,
    period_start: dt.date,
    period_end: dt.date,
    issued_on: dt.date | None = None,
) -> Notice:
    """Draft a notice for the period from the campaign's data, with the next document number."""
    if period_start > period_end:
        raise SupervisionError(_("The period must end on or after its first day."))
    issued_on = issued_on or clock.today()
    facts = notice_facts(campaign, period_start=period_start, period_end=period_end)
    text = notice_draft_text(facts)
    notice = None
    for _attempt in range(NUMBER_ATTEMPTS):
        number = notice_next_doc_number(campaign.office, campaign=campaign, year=issued_on.year)
        try:
            with transaction.atomic():
                notice = Notice.objects.create(
                    campaign=campaign,
                    office_id=campaign.office_id,
                    period_start=period_start,
                    period_end=period_end,
                    title=text.title,
                    doc_number=number,
                    body=text.body,
                    issuer=text.issuer,
                    issued_on=issued_on,
                    created_by=_user(actor),
                )
        except IntegrityError:
            continue  # someone took that number meanwhile: suggest the next one
        break
    if notice is None:
        # Leave the number to the office rather than fail the draft.
        notice = Notice.objects.create(
            campaign=campaign,
            office_id=campaign.office_id,
            period_start=period_start,
            period_end=period_end,
            title=text.title,
            body=text.body,
            issuer=text.issuer,
            issued_on=issued_on,
            created_by=_user(actor),
        )
    notice.units.set(facts.unit_ids)
    audit_record(
        actor=actor,
        action="notice.draft",
        obj=notice,
        changes={
            "period": [period_start.isoformat(), period_end.isoformat()],
            "doc_number": notice.doc_number,
            "units": len(facts.unit_ids),
        },
    )
    return notice


@transaction.atomic
def notice_update(
    *,
    actor: User | None,
    notice: Notice,
    title: str,
    doc_number: str,
    body: str,
    issuer: str,
    issued_on: dt.date | None,
    units: list[Unit],
) -> Notice:
    """Edit a draft. A published notice is read-only."""
    locked = Notice.objects.select_for_update().get(pk=notice.pk)
    if locked.status != NoticeStatus.DRAFT:
        raise TransitionRefused(_("A published notice can no longer be changed."))
    for unit in units:
        if unit.office_id != locked.office_id:
            raise SupervisionError(_("The unit does not belong to the campaign's office."))
    values = {
        "title": title.strip(),
        "doc_number": doc_number.strip(),
        "body": body,
        "issuer": issuer.strip(),
        "issued_on": issued_on,
    }
    changed = [name for name, value in values.items() if getattr(locked, name) != value]
    try:
        with transaction.atomic():
            Notice.objects.filter(pk=locked.pk, status=NoticeStatus.DRAFT).update(
                **values, updated_at=timezone.now()
            )
    except IntegrityError as exc:
        raise DocNumberTaken(
            _("The document number %(number)s is already used by another notice of the office.")
            % {"number": values["doc_number"]}
        ) from exc
    locked.units.set(units)
    for name, value in values.items():
        setattr(notice, name, value)
    audit_record(
        actor=actor,
        action="notice.update",
        obj=notice,
        changes={"fields": changed, "doc_number": values["doc_number"], "units": len(units)},
    )
    return notice


@transaction.atomic
def notice_publish(*, actor: User | None, notice: Notice) -> Notice:
    """Publish a draft to the units concerned: their heads and contacts are notified."""
    locked = Notice.objects.select_for_update().get(pk=notice.pk)
    if locked.status != NoticeStatus.DRAFT:
        raise TransitionRefused(_("This notice was already published."))
    if not locked.doc_number or not locked.title.strip():
        raise SupervisionError(_("Give the notice a title and a document number first."))
    now = timezone.now()
    updated = Notice.objects.filter(pk=locked.pk, status=NoticeStatus.DRAFT).update(
        status=NoticeStatus.PUBLISHED, published_at=now, published_by=_user(actor)
    )
    if not updated:
        raise TransitionRefused(_("This notice was already published."))
    notice.status, notice.published_at = NoticeStatus.PUBLISHED, now
    notice.published_by = _user(actor)
    unit_ids = list(locked.units.values_list("pk", flat=True))
    sent = notification_send(
        actor=actor,
        recipients=unit_contacts(unit_ids),
        kind=NotificationKind.NOTICE,
        title=f"{locked.doc_number} {locked.title}",
        body=_("A notice concerning your unit was published."),
        url=reverse("inspections:notice", args=[locked.campaign_id, locked.pk]),
        dedupe_key=f"notice:{locked.pk}",
    )
    audit_record(
        actor=actor,
        action="notice.publish",
        obj=notice,
        changes={"doc_number": locked.doc_number, "units": len(unit_ids), "notified": len(sent)},
    )
    return notice


@transaction.atomic
def notice_record_export(*, actor: User | None, notice: Notice) -> None:
    audit_record(actor=actor, action="notice.export", obj=notice, changes={"format": "docx"})


# Rectification orders ------------------------------------------------------------------------


def _event(
    order: RectificationOrder, *, actor: User | None, action: str, note: str = ""
) -> RectificationEvent:
    user = _user(actor)
    return RectificationEvent.objects.create(
        order=order,
        action=action,
        actor=user,
        actor_label=(user.get_username() if user else "system")[:150],
        note=note,
    )


def _order_url(order: RectificationOrder) -> str:
    return reverse("inspections:order", args=[order.campaign_id, order.pk])


def _notify_unit(
    order: RectificationOrder, *, actor: User | None, event: RectificationEvent, title: str
) -> None:
    notification_send(
        actor=actor,
        recipients=unit_contacts([order.unit_id]),
        kind=NotificationKind.RECTIFICATION,
        title=title,
        body=order.problem[:500],
        url=_order_url(order),
        dedupe_key=f"order:{order.pk}:event:{event.pk}",
    )


def _transition(
    order: RectificationOrder,
    *,
    actor: User | None,
    allowed_from: tuple[str, ...],
    to: str,
    action: str,
    note: str = "",
    **extra,
) -> RectificationEvent:
    """Move the order from one of `allowed_from` to `to`, or refuse and change nothing."""
    updated = RectificationOrder.objects.filter(pk=order.pk, status__in=allowed_from).update(
        status=to, **extra
    )
    if not updated:
        raise TransitionRefused(
            _("This order is no longer in a state that allows this; reload the page.")
        )
    previous = order.status
    order.status = to
    for name, value in extra.items():
        setattr(order, name, value)
    event = _event(order, actor=actor, action=action, note=note)
    audit_record(
        actor=actor,
        action=f"rectification.{action}",
        obj=order,
        changes={"status": [previous, to], "note": note},
    )
    return event


@transaction.atomic
def order_issue(
    *,
    actor: User | None,
    campaign: Campaign,
    unit: Unit,
    problem: str,
    measures_required: str,
    deadline: dt.date,
    task: Task | None = None,
    inspection: Inspection | None = None,
) -> RectificationOrder:
    _check_campaign_links(campaign, unit=unit, task=task)
    if inspection is not None and inspection.campaign_id != campaign.pk:
        raise SupervisionError(_("The inspection does not belong to this campaign."))
    order = RectificationOrder.objects.create(
        campaign=campaign,
        unit=unit,
        task=task,
        inspection=inspection,
        problem=problem.strip(),
        measures_required=measures_required.strip(),
        deadline=deadline,
        issued_by=_user(actor),
    )
    event = _event(order, actor=actor, action=OrderAction.ISSUED)
    audit_record(
        actor=actor,
        action="rectification.issue",
        obj=order,
        changes={
            "unit": unit.name,
            "deadline": deadline.isoformat(),
            "task": task.seq if task else None,
            "inspection": inspection.pk if inspection else None,
        },
    )
    _notify_unit(
        order,
        actor=actor,
        event=event,
        title=_("Rectification order to %(unit)s, due %(deadline)s")
        % {"unit": unit.name, "deadline": deadline.isoformat()},
    )
    return order


@transaction.atomic
def order_answer(
    *,
    actor: User | None,
    order: RectificationOrder,
    text: str,
    attachment: UploadedFile | None = None,
) -> RectificationAnswer:
    """The unit's answer: the measures taken and optional evidence (checked by content)."""
    if not text.strip():
        raise SupervisionError(_("Describe the measures taken."))
    checked = check_attachment(attachment) if attachment is not None else None
    event = _transition(
        order,
        actor=actor,
        allowed_from=ANSWERABLE_STATUSES,
        to=OrderStatus.ANSWERED,
        action=OrderAction.ANSWERED,
    )
    answer = RectificationAnswer(order=order, text=text.strip(), submitted_by=_user(actor))
    if checked is not None and attachment is not None:
        answer.attachment_name = checked.name
        answer.attachment_type = checked.content_type
        answer.attachment_size = checked.size
        answer.attachment.save(checked.name, attachment, save=False)
    answer.save()
    issuer = order.issued_by if order.issued_by_id else None
    if issuer is not None:
        notification_send(
            actor=actor,
            recipients=[issuer],
            kind=NotificationKind.RECTIFICATION,
            title=_("%(unit)s answered a rectification order") % {"unit": order.unit.name},
            body=answer.text[:500],
            url=_order_url(order),
            dedupe_key=f"order:{order.pk}:event:{event.pk}",
        )
    return answer


@transaction.atomic
def order_return(
    *, actor: User | None, order: RectificationOrder, reason: str
) -> RectificationOrder:
    """Send an answered order back to the unit, with the reasons."""
    if not reason.strip():
        raise SupervisionError(_("Give the reasons for sending the order back."))
    event = _transition(
        order,
        actor=actor,
        allowed_from=(OrderStatus.ANSWERED,),
        to=OrderStatus.RETURNED,
        action=OrderAction.RETURNED,
        note=reason.strip(),
    )
    _notify_unit(
        order,
        actor=actor,
        event=event,
        title=_("A rectification order was sent back to %(unit)s") % {"unit": order.unit.name},
    )
    return order


@transaction.atomic
def order_close(
    *, actor: User | None, order: RectificationOrder, note: str = ""
) -> RectificationOrder:
    """Verify the unit's answer and close the order (销号)."""
    event = _transition(
        order,
        actor=actor,
        allowed_from=(OrderStatus.ANSWERED,),
        to=OrderStatus.CLOSED,
        action=OrderAction.CLOSED,
        note=note.strip(),
        closed_at=timezone.now(),
    )
    _notify_unit(
        order,
        actor=actor,
        event=event,
        title=_("A rectification order of %(unit)s was closed") % {"unit": order.unit.name},
    )
    return order


@dataclass
class EscalationResult:
    escalated: list[RectificationOrder] = field(default_factory=list)
    # Overdue orders nobody could be told about (no lead leader or 组长 with a login).
    unreachable: list[RectificationOrder] = field(default_factory=list)


@transaction.atomic
def rectification_escalate_overdue(
    *, actor: User | None, campaign: Campaign, today: dt.date
) -> EscalationResult:
    """Send each order past its deadline and not closed up to the lead leader, once.

    The lead leader is the one of a sub-theme whose units include the order's unit; failing
    that, the group leader (组长). Running twice, or on two workers at once, escalates each order
    once: the conditional update on `escalated_at` lets one run through, and the notification's
    dedupe key `escalation:order:<id>` keeps the inbox to one message per recipient.
    """
    result = EscalationResult()
    overdue = list(
        RectificationOrder.objects.filter(
            campaign=campaign,
            status__in=UNCLOSED_STATUSES,
            deadline__lt=today,
            escalated_at__isnull=True,
        )
        .select_related("unit")
        .order_by("deadline", "id")
    )
    if not overdue:
        return result
    by_unit, group_leaders = escalation_recipients(campaign)
    for order in overdue:
        recipients = by_unit.get(order.unit_id) or group_leaders
        if not recipients:
            result.unreachable.append(order)
            continue
        now = timezone.now()
        claimed = RectificationOrder.objects.filter(pk=order.pk, escalated_at__isnull=True).update(
            escalated_at=now
        )
        if not claimed:
            continue
        order.escalated_at = now
        days = (today - order.deadline).days
        names = "、".join(
            Person.objects.filter(user__in=recipients).values_list("name", flat=True)
        ) or "、".join(u.get_username() for u in recipients)
        _event(
            order,
            actor=actor,
            action=OrderAction.ESCALATED,
            note=_("%(days)s days past the deadline; sent to %(names)s")
            % {"days": days, "names": names},
        )
        audit_record(
            actor=actor,
            action="rectification.escalate",
            obj=order,
            changes={"days_overdue": days, "recipients": names},
        )
        notification_send(
            actor=actor,
            recipients=recipients,
            kind=NotificationKind.ESCALATION,
            title=_("Overdue rectification order: %(unit)s, due %(deadline)s")
            % {"unit": order.unit.name, "deadline": order.deadline.isoformat()},
            body=order.problem[:500],
            url=_order_url(order),
            dedupe_key=f"escalation:order:{order.pk}",
        )
        result.escalated.append(order)
    return result


# Accountability ------------------------------------------------------------------------------


@transaction.atomic
def accountability_record(
    *,
    actor: User | None,
    campaign: Campaign,
    reason: str,
    measure: str,
    decided_by: str,
    decided_on: dt.date,
    unit: Unit | None = None,
    person: Person | None = None,
    task: Task | None = None,
    order: RectificationOrder | None = None,
    measure_detail: str = "",
) -> AccountabilityEntry:
    if unit is None and person is None:
        raise SupervisionError(_("Name the unit or the person held to account."))
    if measure not in AccountabilityMeasure.values:
        raise SupervisionError(_("Choose a measure."))
    if measure == AccountabilityMeasure.OTHER and not measure_detail.strip():
        raise SupervisionError(_("Describe the measure."))
    _check_campaign_links(campaign, unit=unit, task=task)
    if person is not None and person.office_id != campaign.office_id:
        raise SupervisionError(_("The person does not belong to the campaign's office."))
    if order is not None and order.campaign_id != campaign.pk:
        raise SupervisionError(_("The order does not belong to this campaign."))
    entry = AccountabilityEntry.objects.create(
        campaign=campaign,
        unit=unit,
        person=person,
        reason=reason.strip(),
        task=task,
        order=order,
        measure=measure,
        measure_detail=measure_detail.strip(),
        decided_by=decided_by.strip(),
        decided_on=decided_on,
        recorded_by=_user(actor),
    )
    audit_record(
        actor=actor,
        action="accountability.record",
        obj=entry,
        changes={
            "unit": unit.name if unit else None,
            "person": person.name if person else None,
            "measure": measure,
            "decided_on": decided_on.isoformat(),
        },
    )
    return entry
