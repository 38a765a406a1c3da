"""The daily digest: once a day, only to those who chose it, instead of one e-mail each."""

import datetime as dt

import pytest
from django.core import mail

from huodong.notifications.delivery import send_digest
from huodong.notifications.models import DigestSent, Notification, NotificationPreference
from huodong.notifications.services import notification_send
from huodong.notifications.tasks import send_daily_digests

pytestmark = pytest.mark.usefixtures("immediate_tasks")


def emails_to(username: str) -> list:
    return [m for m in mail.outbox if m.to == [f"{username}@example.gov.cn"]]


@pytest.fixture
def digest_for_head(world):
    NotificationPreference.objects.create(user=world.users["head"], daily_digest=True)
    NotificationPreference.objects.create(
        user=world.users["second_head"], email_each=False, daily_digest=False
    )


def test_digest_replaces_each_email_and_goes_out_once_a_day(
    world, run_day, digest_for_head, settings
):
    settings.LANGUAGE_CODE = "en"
    run_day("2018-06-20")
    # The contact is e-mailed each reminder; the head (digest) and second head (no e-mail) not.
    assert len(emails_to("contact")) == 2
    assert emails_to("head") == [] and emails_to("second_head") == []

    run_day("2018-06-20", "--digest")
    [digest] = emails_to("head")
    assert digest.subject == "2 unread notifications (2018-06-20)"
    assert "- Due in 7 days: 1. 开展大学习大调研" in digest.body
    assert "- Due in 2 days: 2. 召开专题座谈会" in digest.body
    assert f"http://127.0.0.1:8000/campaigns/{world.campaign.pk}/tasks/1/" in digest.body
    assert "http://127.0.0.1:8000/inbox/preferences/" in digest.body
    # Nobody else gets a digest: not the default user, not the one who wants no e-mail.
    assert len(emails_to("contact")) == 2 and emails_to("second_head") == []
    assert list(DigestSent.objects.values_list("user__username", "day", "notifications")) == [
        ("head", dt.date(2018, 6, 20), 2)
    ]

    run_day("2018-06-20", "--digest")
    run_day("2018-06-20", "--digest", "--now")
    assert len(emails_to("head")) == 1

    run_day("2018-06-22", "--digest")
    [_, second] = emails_to("head")
    # Only what arrived since the last digest: task 2 due today.
    assert second.subject == "1 unread notification (2018-06-22)"
    assert "Due today: 2. 召开专题座谈会" in second.body
    assert "1. 开展大学习大调研" not in second.body


def test_read_notifications_are_left_out_and_an_empty_day_sends_nothing(
    world, run_day, digest_for_head
):
    run_day("2018-06-20")
    Notification.objects.filter(recipient=world.users["head"]).update(
        read_at=dt.datetime(2018, 6, 20, 9, tzinfo=dt.UTC)
    )
    run_day("2018-06-20", "--digest")
    assert emails_to("head") == []
    assert not DigestSent.objects.exists()
    # Something new later the same day: the day's digest can still go out.
    notification_send(
        actor=None, recipients=[world.users["head"]], kind="other", title="通知", dedupe_key="x"
    )
    assert send_daily_digests.call("2018-06-20") == 1
    assert len(emails_to("head")) == 1


def test_the_digest_row_and_the_email_go_together(world, digest_for_head, monkeypatch):
    notification_send(
        actor=None, recipients=[world.users["head"]], kind="other", title="通知", dedupe_key="x"
    )

    def mail_server_down(**kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr("huodong.notifications.delivery.send_mail", mail_server_down)
    with pytest.raises(ConnectionRefusedError):
        send_digest(world.users["head"], day=dt.date(2018, 6, 20))
    assert not DigestSent.objects.exists()
    assert Notification.objects.get(dedupe_key="x").emailed_at is None
    monkeypatch.undo()
    assert send_digest(world.users["head"], day=dt.date(2018, 6, 20)) == 1
    assert send_digest(world.users["head"], day=dt.date(2018, 6, 20)) == 0
    assert len(emails_to("head")) == 1


def test_no_digest_without_an_email_address(world, digest_for_head):
    head = world.users["head"]
    head.email = ""
    head.save()
    notification_send(actor=None, recipients=[head], kind="other", title="通知", dedupe_key="x")
    assert send_daily_digests.call("2018-06-20") == 0
    assert mail.outbox == []
