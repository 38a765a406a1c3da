"""Task lights: one rule, computed in the database so lists can filter and paginate by it."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils.translation import gettext_lazy as _


class Light(models.TextChoices):
    DONE_ON_TIME = "done_on_time", _("Done on time")
    DONE_LATE = "done_late", _("Done late")
    OVERDUE = "overdue", _("Overdue")
    DUE_SOON = "due_soon", _("Due soon")
    PENDING = "pending", _("Not yet due")
    NOT_STARTED = "not_started", _("Not started")


def light_expression(*, today: dt.date, warning_days: int) -> Case:
    """SQL for a task's light; precedence: done, overdue, due soon, phase not begun, pending."""
    done = Q(completed_on__isnull=False)
    return Case(
        When(
            done & (Q(due__isnull=True) | Q(completed_on__lte=F("due"))),
            then=Value(Light.DONE_ON_TIME),
        ),
        When(done, then=Value(Light.DONE_LATE)),
        When(due__lt=today, then=Value(Light.OVERDUE)),
        When(due__lte=today + dt.timedelta(days=warning_days), then=Value(Light.DUE_SOON)),
        When(phase__start__gt=today, then=Value(Light.NOT_STARTED)),
        default=Value(Light.PENDING),
        output_field=models.CharField(max_length=16),
    )


def days_late(*, due: dt.date | None, completed_on: dt.date | None, today: dt.date) -> int:
    """Days past the deadline: until completion if done, until today if still open."""
    if due is None:
        return 0
    end = completed_on or today
    return max((end - due).days, 0)
