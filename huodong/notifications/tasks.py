"""Background tasks (django-tasks) for reminders and digests. They take ids and ISO dates, so
running one twice, on two workers at once or again after a crash, sends nothing twice."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import translation
from django_tasks import task

from huodong.campaigns.models import Campaign
from huodong.notifications.delivery import digest_recipients, send_digest
from huodong.notifications.models import Notification, NotificationKind
from huodong.notifications.reminders import ReminderKind, campaign_reminders
from huodong.notifications.services import notification_send
from huodong.orgs.models import User

logger = logging.getLogger(__name__)


@task()
def send_campaign_reminders(campaign_id: int, on: str) -> int:
    """Send the deadline reminders of one campaign due on `on` (ISO date); returns how many
    notifications it created. Each reminder is its own transaction: a crash keeps what was sent
    and a re-run sends only the rest."""
    day = dt.date.fromisoformat(on)
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        logger.info("Campaign %s is gone: no reminders", campaign_id)
        return 0
    # Stored words are in the site's language: there is no per-user language yet.
    with translation.override(settings.LANGUAGE_CODE):
        messages = campaign_reminders(campaign, on=day)
    if not messages:
        return 0
    users = User.objects.in_bulk({uid for m in messages for uid in m.reminder.recipient_ids})
    # Skip what was already sent (a re-run, another worker). Only an optimisation: the unique
    # constraint still decides for anything sent between this read and the inserts.
    done = set(
        Notification.objects.filter(
            recipient_id__in=list(users), dedupe_key__in=[m.reminder.dedupe_key for m in messages]
        ).values_list("recipient_id", "dedupe_key")
    )
    created = 0
    for message in messages:
        key = message.reminder.dedupe_key
        # Ascending ids: concurrent workers insert in the same order, so they wait, not deadlock.
        recipients = [
            users[uid]
            for uid in message.reminder.recipient_ids
            if uid in users and (uid, key) not in done
        ]
        if not recipients:
            continue
        kind = (
            NotificationKind.OVERDUE
            if message.reminder.kind == ReminderKind.OVERDUE
            else NotificationKind.REMINDER
        )
        created += len(
            notification_send(
                actor=None,
                recipients=recipients,
                kind=kind,
                title=message.title,
                body=message.body,
                url=message.url,
                dedupe_key=key,
            )
        )
    logger.info("Campaign %s on %s: %d reminders sent", campaign_id, on, created)
    return created


@task(priority=-10)
def send_daily_digests(on: str) -> int:
    """E-mail each user who chose the digest one digest for `on` (ISO date); returns how many
    digests went out."""
    day = dt.date.fromisoformat(on)
    sent = 0
    for user in digest_recipients():
        if send_digest(user, day=day):
            sent += 1
    logger.info("Digests for %s: %d sent", on, sent)
    return sent
