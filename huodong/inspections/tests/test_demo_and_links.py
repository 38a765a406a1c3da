import datetime as dt

import pytest
from django.urls import reverse

from huodong.campaigns.models import Campaign
from huodong.core.demo_office import DEMO_PASSWORD, build_demo_office
from huodong.inspections.models import (
    Inspection,
    Notice,
    NoticeStatus,
    OrderStatus,
    RectificationOrder,
)
from huodong.inspections.services import rectification_escalate_overdue
from huodong.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.HUODONG_TODAY = "2018-06-20"
    build_demo_office()
    # The demo office plays this part of the story itself.
    return Campaign.objects.get()


def test_the_demo_has_an_inspection_a_notice_and_an_open_order(demo):
    inspection = Inspection.objects.get()
    assert inspection.unit.name == "综合处"
    assert inspection.inspector.username == "ducha"

    notice = Notice.objects.get()
    assert notice.status == NoticeStatus.PUBLISHED
    assert notice.doc_number == "宿政管督〔2018〕1号"
    assert (notice.period_start.isoformat(), notice.period_end.isoformat()) == (
        "2018-06-01",
        "2018-06-20",
    )
    assert "第2项" in notice.body and "第6项" in notice.body
    assert "综合处" in {u.name for u in notice.units.all()}
    assert Notification.objects.filter(
        recipient__username="zonghechu", kind="notice", dedupe_key=f"notice:{notice.pk}"
    ).exists()

    order = RectificationOrder.objects.get()
    assert order.unit.name == "综合处"
    assert order.task.seq == 2
    assert order.deadline.isoformat() == "2018-06-25"
    assert order.status == OrderStatus.OPEN
    assert order.inspection == inspection


def test_the_demo_order_escalates_to_the_group_leader_after_its_deadline(demo):
    # 综合处 is in no sub-theme's units, so the 组长 臧广荣 is told.
    rectification_escalate_overdue(actor=None, campaign=demo, today=dt.date(2018, 6, 26))
    assert list(
        Notification.objects.filter(kind="escalation").values_list("recipient__username", flat=True)
    ) == ["zangguangrong"]


@pytest.mark.parametrize(
    ("username", "pages"),
    [
        ("zhongchonghao", {"inspections", "notices", "orders", "ledger"}),
        ("xuanchuan", {"inspections", "notices", "orders"}),
        ("admin", {"inspections", "notices", "orders", "ledger"}),
        ("zangguangrong", {"inspections", "notices", "orders", "ledger"}),
        ("ducha", {"inspections", "notices", "orders"}),
        ("zonghechu", {"inspections", "notices", "orders"}),
        ("chuangkou", set()),
    ],
)
def test_demo_users_reach_their_pages_from_the_campaign_home(client, demo, username, pages):
    assert client.login(username=username, password=DEMO_PASSWORD)
    home = client.get(reverse("campaigns:home", args=[demo.pk])).content.decode()
    for page in ("inspections", "notices", "orders", "ledger"):
        url = reverse(f"inspections:{page}", args=[demo.pk])
        assert (url in home) == (page in pages), page
        expected = 200 if page in pages else (404 if page == "ledger" else 403)
        assert client.get(url).status_code == expected, page


def test_demo_pages_render_for_the_unit_head(client, demo):
    assert client.login(username="zonghechu", password=DEMO_PASSWORD)
    notice = Notice.objects.get()
    order = RectificationOrder.objects.get()
    html = client.get(reverse("inspections:notice", args=[demo.pk, notice.pk])).content.decode()
    assert "宿政管督〔2018〕1号" in html
    html = client.get(reverse("inspections:order", args=[demo.pk, order.pk])).content.decode()
    assert reverse("inspections:order_answer", args=[demo.pk, order.pk]) in html
