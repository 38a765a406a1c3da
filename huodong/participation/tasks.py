"""Background tasks (django-tasks) of participation. They take ids and keys, so running one twice,
on two workers at once or again after a crash, sends nothing twice."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from huodong.campaigns.models import Requirement
from huodong.core import clock
from huodong.core.audit import audit_record
from huodong.notifications.delivery import email_after_commit
from huodong.notifications.models import Notification, NotificationKind
from huodong.orgs.models import User
from huodong.participation.errors import NotAllowed
from huodong.participation.selectors import compliance as selectors
from huodong.participation.services.compliance import remind_scope, reminder_compliance

logger = logging.getLogger(__name__)

# Notifications inserted per transaction: a crash keeps what was sent, a re-run sends the rest.
CHUNK = 1_000


def _chunks(items: Sequence[Notification]) -> Iterator[Sequence[Notification]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _insert(
    notifications: Sequence[Notification], *, actor: User | None, key: str, title: str
) -> int:
    """Insert one chunk, skipping who already has the key; returns how many were new."""
    with transaction.atomic():
        recipients = [n.recipient_id for n in notifications]
        done = set(
            Notification.objects.filter(recipient_id__in=recipients, dedupe_key=key).values_list(
                "recipient_id", flat=True
            )
        )
        new = [n for n in notifications if n.recipient_id not in done]
        if not new:
            return 0
        # The unique (recipient, dedupe_key) constraint still decides for a concurrent worker.
        Notification.objects.bulk_create(new, ignore_conflicts=True)
        ids = list(
            Notification.objects.filter(
                recipient_id__in=[n.recipient_id for n in new], dedupe_key=key
            ).values_list("pk", flat=True)
        )
        audit_record(
            actor=actor,
            action="notification.send",
            obj=None,
            changes={
                "kind": NotificationKind.REQUIREMENT,
                "title": title,
                "recipients": len(new),
                "key": key,
            },
        )
        email_after_commit(ids)
    return len(new)


def _person_notifications(
    compliance: selectors.Compliance, *, key: str, title: str
) -> list[Notification]:
    requirement = compliance.requirement
    period = compliance.period.label
    url = reverse("participation:my_progress", args=[requirement.campaign_id])
    label = selectors.short_label(requirement.subject)
    words = compliance.words_needed
    notifications = []
    for short in selectors.short_people(compliance):
        if words is not None:
            body = _(
                "Your longest reflection that counts has %(best)s of %(minimum)s characters "
                "(%(needed)s count as met) for %(period)s."
            ) % {
                "best": f"{short.best_words or 0:,}",
                "minimum": f"{requirement.minimum:,}",
                "needed": f"{words:,}",
                "period": period,
            }
        else:
            body = _("%(label)s: %(done)s of %(needed)s for %(period)s; %(short)s more to go.") % {
                "label": label,
                "done": short.done,
                "needed": compliance.needed,
                "period": period,
                "short": max(0, compliance.needed - short.done),
            }
        notifications.append(
            Notification(
                recipient_id=short.user_id,
                kind=NotificationKind.REQUIREMENT,
                title=title[:200],
                body=body,
                url=url[:300],
                dedupe_key=key,
            )
        )
    return notifications


def _unit_notifications(
    compliance: selectors.Compliance, *, key: str, title: str
) -> list[Notification]:
    requirement = compliance.requirement
    url = reverse(
        "participation:requirement_compliance", args=[requirement.campaign_id, requirement.pk]
    )
    query = f"?period={compliance.period.key}&short=1" if compliance.period.key else "?short=1"
    notifications = []
    for user_id, units in selectors.short_units_by_user(compliance).items():
        listed = "、".join(f"{name} {done}/{compliance.needed}" for name, done in units[:20])
        if len(units) > 20:
            listed += _(" and %(count)s more") % {"count": len(units) - 20}
        body = _("Short of “%(subject)s” for %(period)s: %(units)s.") % {
            "subject": requirement.subject,
            "period": compliance.period.label,
            "units": listed,
        }
        notifications.append(
            Notification(
                recipient_id=user_id,
                kind=NotificationKind.REQUIREMENT,
                title=title[:200],
                body=body,
                url=(url + query)[:300],
                dedupe_key=key,
            )
        )
    return notifications


@task()
def send_requirement_reminders(
    requirement_id: int, period_key: str, unit_id: int | None, actor_id: int | None
) -> int:
    """Remind those short of a requirement in a period (within a unit and its descendants, if
    given), as `actor` may: recomputes who is short now. Returns how many were sent."""
    requirement = (
        Requirement.objects.select_related("campaign", "task").filter(pk=requirement_id).first()
    )
    if requirement is None or not selectors.is_remindable(requirement):
        return 0
    actor = User.objects.filter(pk=actor_id, is_active=True).first() if actor_id else None
    if actor_id and actor is None:
        logger.info("Requirement %s: the reminding user is gone, nothing sent", requirement_id)
        return 0
    try:
        scope = remind_scope(actor, requirement, unit_id) if actor is not None else None
    except NotAllowed:
        logger.info("Requirement %s: user %s may no longer remind", requirement_id, actor_id)
        return 0
    compliance = reminder_compliance(
        requirement, period_key=period_key, unit_id=unit_id, scope=scope
    )
    key = selectors.reminder_key(requirement, compliance.period, clock.today())
    # Stored words are in the site's language: there is no per-user language yet.
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Not yet met: %(subject)s (%(period)s)") % {
            "subject": requirement.subject,
            "period": compliance.period.label,
        }
        if selectors.reminds_people(requirement):
            notifications = _person_notifications(compliance, key=key, title=title)
        else:
            notifications = _unit_notifications(compliance, key=key, title=title)
    sent = sum(
        _insert(chunk, actor=actor, key=key, title=title) for chunk in _chunks(notifications)
    )
    logger.info("Requirement %s (%s): %d reminders sent", requirement_id, period_key, sent)
    return sent
