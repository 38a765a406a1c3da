"""Run daily from cron: enqueue the day's deadline reminders (and the digest) for the workers."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from huodong.core import clock
from huodong.engagement.tasks import send_enterprise_problem_reminders
from huodong.notifications.delivery import deliver_pending_emails, delivering_inline
from huodong.notifications.selectors import campaigns_to_remind
from huodong.notifications.tasks import send_campaign_reminders, send_daily_digests


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--date: {value!r} is not a date like 2018-06-20") from exc


class Command(BaseCommand):
    help = (
        "Enqueue one reminder task per campaign with reminders due on a day (default: today), "
        "for `huodong db_worker`. Safe to run any number of times: nothing is sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day, YYYY-MM-DD (default: today).")
        parser.add_argument(
            "--now",
            action="store_true",
            help="Run the tasks in this process instead of enqueueing them (no worker needed).",
        )
        parser.add_argument(
            "--digest",
            action="store_true",
            help="Also send the day's digest to those who chose one.",
        )

    def handle(self, *args, date: str | None, now: bool, digest: bool, **options):
        day = _date(date) if date else clock.today()
        on = day.isoformat()
        campaigns = campaigns_to_remind(day)
        if now:
            with delivering_inline():
                sent = sum(send_campaign_reminders.call(c.pk, on) for c in campaigns)
                self.stdout.write(f"{on}: {sent} reminders sent for {len(campaigns)} campaign(s)")
                problems = send_enterprise_problem_reminders.call(on)
                self.stdout.write(f"{on}: {problems} enterprise problem reminder(s) sent")
                if digest:
                    self.stdout.write(f"{on}: {send_daily_digests.call(on)} digest(s) sent")
                deliver_pending_emails.call()
            return
        for campaign in campaigns:
            send_campaign_reminders.enqueue(campaign.pk, on)
        send_enterprise_problem_reminders.enqueue(on)
        self.stdout.write(f"{on}: reminder tasks enqueued for {len(campaigns)} campaign(s)")
        if digest:
            send_daily_digests.enqueue(on)
            self.stdout.write(f"{on}: digest task enqueued")
        # Picks up e-mails whose delivery task died with its worker.
        deliver_pending_emails.using(priority=-20).enqueue()
