"""Two workers at the same moment: each reminder and each digest still goes out once."""

import threading
from collections.abc import Callable
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from huodong.notifications.models import DigestSent, Notification, NotificationPreference
from huodong.notifications.tasks import send_campaign_reminders, send_daily_digests

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent writers need a server database (SQLite's test database is shared-cache)",
    ),
    pytest.mark.usefixtures("immediate_tasks"),
]

WORKERS = 4


def at_once(work: Callable[[], object]) -> list[object]:
    """Run `work` in WORKERS threads released together, each on its own connection."""
    start = threading.Barrier(WORKERS)
    outcomes: list[object] = []

    def worker() -> None:
        try:
            start.wait()
            outcomes.append(work())
        except Exception as exc:  # reported by the assertion below
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not [o for o in outcomes if isinstance(o, Exception)]
    return outcomes


def assert_each_once(expected: int) -> None:
    pairs = list(Notification.objects.values_list("recipient_id", "dedupe_key"))
    assert len(pairs) == len(set(pairs)) == expected
    sent = [(m.to[0], m.subject) for m in mail.outbox]
    assert len(sent) == len(set(sent)) == expected


def test_workers_running_the_same_reminders_send_each_once(transactional_db, world):
    for day in ("2018-06-20", "2018-06-22", "2018-06-23"):
        created = at_once(lambda day=day: send_campaign_reminders.call(world.campaign.pk, day))
        # However the work was split, together they created the day's reminders once.
        assert sum(created) == {"2018-06-20": 5, "2018-06-22": 3, "2018-06-23": 3}[day]
    assert_each_once(11)


def test_schedulers_started_together_send_each_once(transactional_db, world, settings):
    settings.HUODONG_TODAY = "2018-06-22"
    NotificationPreference.objects.create(user=world.users["head"], daily_digest=True)
    at_once(lambda: call_command("schedule_reminders", "--now", stdout=StringIO()))
    pairs = list(Notification.objects.values_list("recipient_id", "dedupe_key"))
    assert len(pairs) == len(set(pairs)) == 5
    # The head chose the digest: only the contact's two and the second head's one are e-mailed.
    assert len(mail.outbox) == 3
    digests = at_once(lambda: send_daily_digests.call("2018-06-22"))
    assert sorted(digests) == [0] * (WORKERS - 1) + [1]
    assert DigestSent.objects.count() == 1
    assert len([m for m in mail.outbox if m.to == ["head@example.gov.cn"]]) == 1
