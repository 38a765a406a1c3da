"""The inbox (unread badge, marking read) and the e-mail preferences page."""

import re

import pytest
from django.urls import reverse

from huodong.core.models import AuditRecord
from huodong.notifications.models import Notification, NotificationPreference
from huodong.notifications.services import notification_send
from huodong.orgs.models import Role
from huodong.testing.factories import TEST_PASSWORD, UserFactory


def send(user, title: str, key: str | None = None) -> Notification:
    [notification] = notification_send(
        actor=None, recipients=[user], kind="other", title=title, dedupe_key=key
    )
    return notification


def badge(html: str) -> str | None:
    found = re.search(r'class="inbox-link">[^<]*<span class="badge"[^>]*>(\d+)</span>', html)
    return found.group(1) if found else None


def checked(html: str, name: str) -> bool:
    [tag] = re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)
    return " checked" in tag


@pytest.fixture
def member(office, make_member, client):
    user = make_member(office, role=Role.UNIT_HEAD)
    client.login(username=user.username, password=TEST_PASSWORD)
    return user


def test_the_header_shows_the_unread_count(member, client, make_member, office):
    other = make_member(office)
    send(member, "通知甲")
    send(member, "通知乙")
    send(other, "别人的通知")
    read = send(member, "看过的通知")
    Notification.objects.filter(pk=read.pk).update(read_at="2018-06-20T09:00:00+08:00")
    assert badge(client.get(reverse("home")).content.decode()) == "2"
    html = client.get(reverse("notifications:inbox")).content.decode()
    assert badge(html) == "2"
    assert "通知甲" in html and "看过的通知" in html and "别人的通知" not in html
    unread_only = client.get(reverse("notifications:inbox"), {"unread": 1}).content.decode()
    assert "看过的通知" not in unread_only and "通知乙" in unread_only
    client.post(reverse("notifications:mark_read"))
    assert badge(client.get(reverse("home")).content.decode()) is None


def test_marking_read_touches_only_ones_own_notifications(member, client, make_member, office):
    other = make_member(office)
    mine, theirs = send(member, "我的"), send(other, "别人的")
    response = client.post(
        reverse("notifications:mark_read"),
        {"id": [str(theirs.pk), str(mine.pk), "junk"], "next": "/inbox/?unread=1"},
    )
    assert response.status_code == 302 and response["Location"] == "/inbox/?unread=1"
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None
    # Only someone else's id: nothing happens.
    response = client.post(reverse("notifications:mark_read"), {"id": [str(theirs.pk)]})
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_refuses_an_outside_redirect_and_a_get(member, client):
    response = client.post(reverse("notifications:mark_read"), {"next": "//evil.example/"})
    assert response["Location"] == reverse("notifications:inbox")
    assert client.get(reverse("notifications:mark_read")).status_code == 405


def test_the_inbox_links_to_the_preferences(member, client):
    html = client.get(reverse("notifications:inbox")).content.decode()
    assert reverse("notifications:preferences") in html


@pytest.mark.parametrize("url_name", ["notifications:inbox", "notifications:preferences"])
def test_anonymous_users_are_sent_to_log_in(client, db, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    response = client.post(reverse("notifications:preferences"), {"daily_digest": "on"})
    assert response.status_code == 302
    assert not NotificationPreference.objects.exists()


@pytest.mark.parametrize(
    "role",
    [None, Role.UNIT_HEAD, Role.UNIT_CONTACT, Role.OFFICE_STAFF, Role.INSPECTOR, Role.ADMIN],
)
def test_every_logged_in_user_sets_their_own_preferences(client, office, make_member, role):
    user = make_member(office, role=role)
    other = make_member(office, role=Role.UNIT_HEAD)
    NotificationPreference.objects.create(user=other, email_each=True, daily_digest=False)
    client.login(username=user.username, password=TEST_PASSWORD)
    url = reverse("notifications:preferences")

    page = client.get(url).content.decode()
    assert checked(page, "email_each") and not checked(page, "daily_digest")

    # A forged user field changes nothing for anyone else.
    response = client.post(url, {"daily_digest": "on", "user": str(other.pk)})
    assert response.status_code == 302 and response["Location"] == url
    mine = NotificationPreference.objects.get(user=user)
    assert (mine.email_each, mine.daily_digest) == (False, True)
    theirs = NotificationPreference.objects.get(user=other)
    assert (theirs.email_each, theirs.daily_digest) == (True, False)

    page = client.get(url).content.decode()
    assert checked(page, "daily_digest") and not checked(page, "email_each")
    audit = AuditRecord.objects.get(action="notification.preferences")
    assert audit.actor == user
    assert audit.changes == {"email_each": [True, False], "daily_digest": [False, True]}


def test_a_user_without_a_person_may_set_preferences(client, db):
    user = UserFactory()
    client.login(username=user.username, password=TEST_PASSWORD)
    response = client.post(reverse("notifications:preferences"), {"email_each": "on"})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=user).email_each is True
    # Saving the same choice again records nothing new.
    client.post(reverse("notifications:preferences"), {"email_each": "on"})
    assert not AuditRecord.objects.filter(action="notification.preferences").exists()
