"""Background tasks (django-tasks) of the engagement app. They take ISO dates and are
idempotent: each reminder carries a dedupe key, so a re-run or a second worker sends nothing
twice."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from huodong.engagement.models import OPEN_PROBLEM_STATUSES, EnterpriseProblem
from huodong.engagement.services.enterprises import unit_users
from huodong.notifications.models import NotificationKind
from huodong.notifications.services import notification_send

logger = logging.getLogger(__name__)


def problems_to_remind(on: dt.date) -> list[EnterpriseProblem]:
    """The enterprise problems whose unit is reminded on `on`: due that day, or overdue — every
    day while overdue where the campaign asks for it (as for its tasks), else on the first day."""
    return list(
        EnterpriseProblem.objects.filter(
            status__in=OPEN_PROBLEM_STATUSES, assigned_unit__isnull=False
        )
        .filter(
            Q(deadline=on)
            | Q(deadline__lt=on, meeting__campaign__remind_daily_when_overdue=True)
            | Q(deadline=on - dt.timedelta(days=1))
        )
        .select_related("assigned_unit", "enterprise")
        .order_by("pk")
    )


@task()
def send_enterprise_problem_reminders(on: str) -> int:
    """Remind the assigned units' heads and contacts of their enterprise problems due or overdue
    on `on` (ISO date); returns how many notifications it created."""
    day = dt.date.fromisoformat(on)
    created = 0
    # Stored words are in the site's language: there is no per-user language yet.
    with translation.override(settings.LANGUAGE_CODE):
        for problem in problems_to_remind(day):
            assert problem.assigned_unit is not None and problem.deadline is not None
            overdue = problem.deadline < day
            title = (
                _("Overdue: the problem of %(enterprise)s was due on %(day)s")
                if overdue
                else _("Due today: the problem of %(enterprise)s")
            ) % {"enterprise": problem.enterprise.name, "day": problem.deadline.isoformat()}
            created += len(
                notification_send(
                    actor=None,
                    recipients=unit_users(problem.assigned_unit),
                    kind=NotificationKind.OVERDUE if overdue else NotificationKind.REMINDER,
                    title=title,
                    body=problem.description[:200],
                    url=reverse("engagement:problem", args=[problem.pk]),
                    dedupe_key=f"enterprise-problem:{problem.pk}:{on}",
                )
            )
    logger.info("Enterprise problems on %s: %d reminders sent", on, created)
    return created
