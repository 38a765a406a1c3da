"""The inbox's .xlsx export: the user's own messages, as filtered, in constant queries."""

import pytest
from django.urls import reverse
from django.utils import timezone

from huodong.notifications.models import Notification, NotificationKind
from huodong.orgs.tests.test_list_exports import (  # noqa: F401  (_language_restored)
    HEADER,
    _language_restored,
    assert_flat_queries,
    data_rows,
    export_rows,
    last_audit,
    logged_in,
)

pytestmark = pytest.mark.django_db


def messages(user, n, *, read=False):
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=NotificationKind.REMINDER,
            title=f"提醒{i}",
            body="=1+1",  # never read as a formula
            read_at=timezone.now() if read else None,
        )
        for i in range(n)
    )


def test_inbox_export_is_my_messages_filtered(office, make_member, client):
    me, other = make_member(office), make_member(office)
    messages(me, 3)
    messages(me, 2, read=True)
    messages(other, 4)
    client = logged_in(client, me)
    url = reverse("notifications:inbox_export")
    rows = export_rows(client.get(url))
    assert rows[HEADER] == ("Sent", "Kind", "Title", "Text", "Read")
    assert len(rows) - HEADER - 1 == 5
    assert rows[HEADER + 1][3] == "'=1+1"
    unread = data_rows(client.get(url + "?unread=1"))
    assert len(unread) == 3 and all(row[4] is None for row in unread)
    assert last_audit("notifications.export_inbox").changes["rows"] == 3
    assert (
        url + "?unread=1"
        in client.get(reverse("notifications:inbox") + "?unread=1").content.decode()
    )


def test_inbox_export_needs_a_login(client):
    response = client.get(reverse("notifications:inbox_export"))
    assert response.status_code == 302


def test_inbox_export_keeps_its_query_count(
    office, make_member, client, django_assert_max_num_queries
):
    me = make_member(office)
    messages(me, 2)
    client = logged_in(client, me)
    assert_flat_queries(
        client,
        reverse("notifications:inbox_export"),
        lambda: messages(me, 50),
        django_assert_max_num_queries,
    )
