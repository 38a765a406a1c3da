import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from huodong.campaigns.models import Campaign
from huodong.core import clock
from huodong.inspections.models import UNCLOSED_STATUSES, RectificationOrder
from huodong.inspections.services import rectification_escalate_overdue


class Command(BaseCommand):
    help = (
        "Escalate rectification orders past their deadline and not closed to the lead leader "
        "(or the group leader). Safe to run repeatedly: each order escalates once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Judge deadlines at this date (YYYY-MM-DD).")

    def handle(self, *args, date: str | None = None, **options):
        try:
            today = dt.date.fromisoformat(date) if date else clock.today()
        except ValueError as exc:
            raise CommandError(f"--date: {date!r} is not a date like 2018-06-20") from exc
        campaign_ids = (
            RectificationOrder.objects.filter(
                status__in=UNCLOSED_STATUSES, deadline__lt=today, escalated_at__isnull=True
            )
            .values_list("campaign_id", flat=True)
            .distinct()
        )
        escalated = unreachable = 0
        for campaign in Campaign.objects.filter(pk__in=list(campaign_ids)).order_by("pk"):
            # Inboxes speak the product's language, not the command's (English).
            with translation.override(settings.LANGUAGE_CODE):
                result = rectification_escalate_overdue(actor=None, campaign=campaign, today=today)
            escalated += len(result.escalated)
            unreachable += len(result.unreachable)
            for order in result.unreachable:
                self.stderr.write(
                    f"order {order.pk} ({order.unit}): no lead leader or group leader with a login"
                )
        self.stdout.write(f"{today.isoformat()}: {escalated} order(s) escalated")
        if unreachable:
            self.stdout.write(f"{unreachable} overdue order(s) had nobody to escalate to")
