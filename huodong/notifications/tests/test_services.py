"""notification_send: idempotent per recipient and key; e-mail after commit, as each one wants."""

import pytest
from django.core import mail

from huodong.core.models import AuditRecord
from huodong.notifications.models import Notification, NotificationPreference
from huodong.notifications.services import notification_mark_read, notification_send
from huodong.testing.factories import UserFactory

pytestmark = pytest.mark.usefixtures("immediate_tasks")


@pytest.fixture
def users(db):
    return [UserFactory(email=f"u{n}@example.gov.cn") for n in range(3)]


def send(recipients, key="k", **extra):
    return notification_send(
        actor=None, recipients=recipients, kind="other", title="标题", dedupe_key=key, **extra
    )


def test_a_key_reaches_each_recipient_once(users):
    a, b, c = users
    assert len(send([a, b, a])) == 2
    assert [n.recipient for n in send([a, b, c])] == [c]
    assert send([a, b, c]) == []
    assert Notification.objects.filter(dedupe_key="k").count() == 3
    # Another key, or no key at all, is another message.
    assert len(send([a], key="other")) == 1
    assert len(send([a], key=None)) == 1
    assert len(send([a], key=None)) == 1
    assert Notification.objects.filter(recipient=a).count() == 4


def test_only_what_was_created_is_audited(users):
    send(users[:2])
    send(users[:2])
    [audit] = AuditRecord.objects.filter(action="notification.send")
    assert audit.actor_label == "system"
    assert audit.changes["recipients"] == 2 and audit.changes["key"] == "k"


def test_email_goes_out_after_commit_once(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send(users[:2], url="/campaigns/1/tasks/2/", body="正文")
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == ["u0@example.gov.cn", "u1@example.gov.cn"]
    assert mail.outbox[0].body == "正文\n\nhttp://127.0.0.1:8000/campaigns/1/tasks/2/"
    for callback in callbacks:  # a task run twice
        callback()
    assert len(mail.outbox) == 2


def test_email_follows_each_recipients_preference(users, django_capture_on_commit_callbacks):
    a, b, c = users
    NotificationPreference.objects.create(user=b, email_each=False)
    NotificationPreference.objects.create(user=c, daily_digest=True)
    no_address = UserFactory(email="")
    with django_capture_on_commit_callbacks(execute=True):
        send([a, b, c, no_address])
    assert [m.to for m in mail.outbox] == [[a.email]]
    # Not e-mailed: left for a digest.
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 3


def test_mark_read_only_touches_the_actors_own(users):
    a, b, _ = users
    [mine] = send([a])
    [theirs] = send([b])
    assert notification_mark_read(actor=a, notification_ids=[mine.pk, theirs.pk]) == 1
    assert notification_mark_read(actor=a, notification_ids=[theirs.pk]) == 0
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    send([a], key="second")
    assert notification_mark_read(actor=a) == 1
