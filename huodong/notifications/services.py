"""Sending notifications into inboxes (and, after commit, by e-mail)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from huodong.core.audit import audit_record
from huodong.notifications.models import Notification, NotificationPreference
from huodong.orgs.models import User


@transaction.atomic
def notification_send(
    *,
    actor: User | None,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str | None = None,
) -> list[Notification]:
    """Put a message in each recipient's inbox; returns the ones actually created.

    With a dedupe_key, a recipient who already has that key gets nothing new, however many
    workers send at the same time: the unique constraint decides, not a prior read.
    """
    created: list[Notification] = []
    for user in {u.pk: u for u in recipients}.values():
        notification = Notification(
            recipient=user,
            kind=kind,
            title=title[:200],
            body=body,
            url=url[:300],
            dedupe_key=dedupe_key,
        )
        try:
            # A savepoint per row: a duplicate aborts only its own insert. On PostgreSQL a
            # concurrent insert of the same key waits for the first and then fails here.
            with transaction.atomic():
                notification.save()
        except IntegrityError:
            continue
        created.append(notification)
    if created:
        audit_record(
            actor=actor,
            action="notification.send",
            obj=None,
            changes={"kind": kind, "title": title, "recipients": len(created), "key": dedupe_key},
        )
        from huodong.notifications.delivery import email_after_commit

        email_after_commit([n.pk for n in created])
    return created


@transaction.atomic
def notification_mark_read(*, actor: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the actor's own notifications read (all of them when no ids are given)."""
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())


@transaction.atomic
def notification_preference_update(
    *, actor: User, email_each: bool, daily_digest: bool
) -> NotificationPreference:
    """Set how the actor's own notifications are e-mailed."""
    preference, _ = NotificationPreference.objects.select_for_update().get_or_create(user=actor)
    before = {"email_each": preference.email_each, "daily_digest": preference.daily_digest}
    after = {"email_each": email_each, "daily_digest": daily_digest}
    if before != after:
        preference.email_each = email_each
        preference.daily_digest = daily_digest
        preference.save(update_fields=["email_each", "daily_digest", "updated_at"])
        audit_record(
            actor=actor,
            action="notification.preferences",
            obj=preference,
            changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
        )
    return preference
