"""Background tasks (django-tasks) of the suggestion pool. They take ids and are idempotent."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django_tasks import task

from huodong.core import clock
from huodong.suggestions.models import SubmitterEmail


@task()
def send_submitter_emails(email_ids: list[int]) -> int:
    """Send the e-mails to submitters not sent yet; each goes once, whoever runs this and
    however often. A failing mail server fails the task and leaves the e-mail unsent."""
    sent = 0
    for email_id in email_ids:
        with transaction.atomic():
            email = (
                SubmitterEmail.objects.select_for_update()
                .filter(pk=email_id, sent_at__isnull=True)
                .first()
            )
            if email is None:
                continue
            send_mail(
                subject=email.subject,
                message=email.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[email.to],
            )
            email.sent_at = clock.now()
            email.save(update_fields=["sent_at"])
            sent += 1
    return sent
