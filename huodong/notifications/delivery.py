"""E-mail for notifications, sent by a background task once the sending transaction commits."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from huodong.notifications.models import Notification


def email_after_commit(notification_ids: list[int]) -> None:
    if notification_ids:
        transaction.on_commit(lambda: deliver_notification_emails.enqueue(notification_ids))


@task()
def deliver_notification_emails(notification_ids: list[int]) -> int:
    """Idempotent: a notification is e-mailed once, whoever runs this and however often."""
    sent = 0
    for notification_id in notification_ids:
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update()
                .select_related("recipient")
                .filter(pk=notification_id, emailed_at__isnull=True)
                .first()
            )
            if notification is None or not notification.recipient.email:
                continue
            send_mail(
                subject=notification.title,
                message=f"{notification.body}\n\n{notification.url}".strip(),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[notification.recipient.email],
            )
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
            sent += 1
    return sent
