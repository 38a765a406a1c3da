"""E-mail for notifications, sent by background tasks once the sending transaction commits.

Each notification is e-mailed at most once, by whichever path gets to it first: the task enqueued
when it was sent, the sweep of the scheduler (after a worker died holding that task) or its
recipient's daily digest. Each path locks the row and re-checks `emailed_at` before sending.
A crash between the mail server accepting a message and the commit can still repeat that one
e-mail; nothing else can.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django_tasks import task

from huodong.notifications.models import DigestSent, Notification, NotificationPreference
from huodong.orgs.models import User

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
# The sweep retries e-mails this recent; older ones are left to the inbox.
SWEEP_WINDOW = dt.timedelta(days=2)
DIGEST_MAX_ITEMS = 100

_deliver_inline: ContextVar[bool] = ContextVar("huodong_deliver_inline", default=False)


@contextlib.contextmanager
def delivering_inline() -> Iterator[None]:
    """E-mail in this process after each commit instead of enqueueing (for `--now`)."""
    token = _deliver_inline.set(True)
    try:
        yield
    finally:
        _deliver_inline.reset(token)


def email_after_commit(notification_ids: list[int]) -> None:
    if not notification_ids:
        return
    ids = list(notification_ids)
    if _deliver_inline.get():
        # A mail server that is down must not fail the run: the next sweep retries.
        transaction.on_commit(lambda: deliver_notification_emails.call(ids), robust=True)
    else:
        transaction.on_commit(lambda: deliver_notification_emails.enqueue(ids))


def absolute_url(path: str) -> str:
    if not path or "://" in path:
        return path
    base = str(getattr(settings, "HUODONG_BASE_URL", "") or DEFAULT_BASE_URL).rstrip("/")
    return f"{base}/{path.lstrip('/')}"


def wants_each_email(user_id: int) -> bool:
    preference = NotificationPreference.objects.filter(user_id=user_id).first()
    return preference is None or preference.wants_each_email


def _email_text(notification: Notification) -> str:
    parts = [notification.body.strip(), absolute_url(notification.url)]
    return "\n\n".join(part for part in parts if part)


@task()
def deliver_notification_emails(notification_ids: list[int]) -> int:
    """Idempotent: a notification is e-mailed once, whoever runs this and however often.

    Recipients who chose the daily digest, or no e-mail, are skipped; their notifications stay
    un-e-mailed for the digest.
    """
    sent = 0
    for notification_id in notification_ids:
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(of=("self",))
                .select_related("recipient")
                .filter(pk=notification_id, emailed_at__isnull=True)
                .first()
            )
            if notification is None:
                continue
            recipient = notification.recipient
            if not (recipient.email and recipient.is_active and wants_each_email(recipient.pk)):
                continue
            send_mail(
                subject=notification.title,
                message=_email_text(notification),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[recipient.email],
            )
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
            sent += 1
    return sent


@task()
def deliver_pending_emails() -> int:
    """Sweep: e-mail recent unread notifications whose delivery task never ran to the end."""
    since = timezone.now() - SWEEP_WINDOW
    ids = list(
        Notification.objects.filter(
            emailed_at__isnull=True, read_at__isnull=True, created_at__gte=since
        )
        .exclude(recipient__email="")
        .order_by("id")
        .values_list("pk", flat=True)
    )
    return deliver_notification_emails.call(ids)


def digest_recipients() -> list[User]:
    return list(
        User.objects.filter(notification_preference__daily_digest=True, is_active=True)
        .exclude(email="")
        .order_by("pk")
    )


def send_digest(user: User, *, day: dt.date) -> int:
    """E-mail `user` one digest for `day` of their unread notifications not yet e-mailed.

    Returns how many notifications it listed (0: nothing sent). The DigestSent row is inserted in
    the same transaction as the e-mail is sent, so one digest per user and day gets through; a
    failure to send rolls it back for a retry. Notifications arriving after the day's digest wait
    for the next one.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                receipt = DigestSent.objects.create(user=user, day=day)
        except IntegrityError:
            return 0
        pending = list(
            Notification.objects.select_for_update()
            .filter(recipient=user, read_at__isnull=True, emailed_at__isnull=True)
            .order_by("created_at", "id")
        )
        if not pending:
            # No digest today after all: let a later run the same day try again.
            transaction.set_rollback(True)
            return 0
        with translation.override(settings.LANGUAGE_CODE):
            subject = ngettext(
                "%(count)d unread notification (%(day)s)",
                "%(count)d unread notifications (%(day)s)",
                len(pending),
            ) % {"count": len(pending), "day": day.isoformat()}
            lines = [gettext("Your unread notifications:"), ""]
            for notification in pending[:DIGEST_MAX_ITEMS]:
                lines.append(f"- {notification.title}")
                if notification.url:
                    lines.append(f"  {absolute_url(notification.url)}")
            if len(pending) > DIGEST_MAX_ITEMS:
                more = len(pending) - DIGEST_MAX_ITEMS
                lines.append(gettext("… and %(count)d more in your inbox.") % {"count": more})
            lines += [
                "",
                gettext("Inbox: %(url)s") % {"url": absolute_url(reverse("notifications:inbox"))},
                gettext("Change how you are e-mailed: %(url)s")
                % {"url": absolute_url(reverse("notifications:preferences"))},
            ]
        send_mail(
            subject=subject,
            message="\n".join(lines),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[user.email],
        )
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
            emailed_at=timezone.now()
        )
        receipt.notifications = len(pending)
        receipt.save(update_fields=["notifications"])
    return len(pending)
