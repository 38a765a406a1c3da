import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from huodong.campaigns.models import LeadingGroupMember, LeadingGroupRole, SubTheme
from huodong.campaigns.tests.conftest import grow_campaign
from huodong.core.models import AuditRecord
from huodong.inspections import services
from huodong.inspections.models import (
    OrderAction,
    OrderStatus,
    RectificationAnswer,
    RectificationEvent,
    RectificationOrder,
)
from huodong.notifications.models import Notification
from huodong.orgs.models import Unit

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def _docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return out.getvalue()


def url(name, order, *extra):
    return reverse(f"inspections:{name}", args=[order.campaign_id, order.pk, *extra])


def state(order):
    """Everything a transition could touch."""
    order = RectificationOrder.objects.values().get(pk=order.pk)
    return (
        order,
        RectificationAnswer.objects.count(),
        RectificationEvent.objects.count(),
        Notification.objects.count(),
    )


# Issuing ---------------------------------------------------------------------------------------


def _issue_data(cast, **extra):
    return {
        "unit": cast.unit.pk,
        "task": cast.task2.pk,
        "problem": "问题清单未形成",
        "measures_required": "召开专题会",
        "deadline": "2018-06-25",
        **extra,
    }


@pytest.mark.parametrize("who", ["director", "staff", "admin", "inspector", "seat_director"])
def test_the_office_and_inspectors_issue_orders(cast, login, who):
    client = login(getattr(cast, who))
    response = client.post(
        reverse("inspections:order_new", args=[cast.campaign.pk]), _issue_data(cast)
    )
    order = RectificationOrder.objects.get()
    assert response["Location"] == url("order", order)
    assert order.status == OrderStatus.OPEN
    assert order.task == cast.task2
    assert order.issued_by == getattr(cast, who)
    event = order.events.get()
    assert (event.action, event.actor) == (OrderAction.ISSUED, getattr(cast, who))
    # The unit's head and contact are told.
    assert set(
        Notification.objects.filter(kind="rectification").values_list("recipient", flat=True)
    ) == {cast.head.pk, cast.contact.pk}
    assert AuditRecord.objects.filter(action="rectification.issue").count() == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("head", 403),
        ("contact", 403),
        ("other_head", 403),
        ("plain", 403),
        ("leader", 403),
        ("group_leader", 403),
        ("outsider", 404),
    ],
)
def test_others_may_not_issue_orders(cast, login, who, status):
    client = login(getattr(cast, who))
    new = reverse("inspections:order_new", args=[cast.campaign.pk])
    assert client.get(new).status_code == status
    assert client.post(new, _issue_data(cast)).status_code == status
    assert not RectificationOrder.objects.exists()


def test_an_order_can_link_an_inspection(cast, login):
    inspection = services.inspection_record(
        actor=cast.inspector,
        campaign=cast.campaign,
        unit=cast.unit,
        inspected_on=dt.date(2018, 6, 18),
        findings="问题",
        rating="poor",
    )
    client = login(cast.inspector)
    client.post(
        reverse("inspections:order_new", args=[cast.campaign.pk]),
        _issue_data(cast, inspection=inspection.pk),
    )
    assert RectificationOrder.objects.get().inspection == inspection
    html = client.get(
        reverse("inspections:inspection", args=[cast.campaign.pk, inspection.pk])
    ).content.decode()
    assert "问题" in html and "2018-06-25" in html


# Reading ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who",
    ["director", "staff", "admin", "inspector", "leader", "group_member", "head", "contact"],
)
def test_readers_of_an_order(cast, login, order, who):
    client = login(getattr(cast, who))
    assert client.get(url("order", order)).status_code == 200
    listing = client.get(reverse("inspections:orders", args=[cast.campaign.pk]))
    assert f'data-order="{order.pk}"' in listing.content.decode()


@pytest.mark.parametrize(("who", "list_status"), [("other_head", 200), ("plain", 403)])
def test_other_units_do_not_see_the_order(cast, login, order, who, list_status):
    client = login(getattr(cast, who))
    assert client.get(url("order", order)).status_code == 404
    listing = client.get(reverse("inspections:orders", args=[cast.campaign.pk]))
    assert listing.status_code == list_status
    assert f'data-order="{order.pk}"' not in listing.content.decode()


def test_another_office_and_anonymous_see_nothing(cast, login, client, order):
    outsider = login(cast.outsider)
    assert outsider.get(url("order", order)).status_code == 404
    assert outsider.get(reverse("inspections:orders", args=[cast.campaign.pk])).status_code == 404
    client.logout()
    assert client.get(url("order", order)).status_code == 302


def test_the_lead_leader_of_the_units_sub_theme_reads_its_orders(cast, login, order, make_member):
    lead = make_member(cast.campaign.office, unit=cast.other_unit)
    theme = SubTheme.objects.filter(campaign=cast.campaign).first()
    theme.lead_leader = lead.person
    theme.save()
    client = login(lead)
    assert client.get(url("order", order)).status_code == 404
    theme.units.add(cast.unit)
    assert client.get(url("order", order)).status_code == 200


def test_the_list_filters_by_unit_and_status(cast, login, order):
    other = services.order_issue(
        actor=cast.director,
        campaign=cast.campaign,
        unit=cast.other_unit,
        problem="其他",
        measures_required="整改",
        deadline=dt.date(2018, 7, 1),
    )
    client = login(cast.director)
    orders = reverse("inspections:orders", args=[cast.campaign.pk])
    html = client.get(orders, {"unit": cast.other_unit.pk}).content.decode()
    assert f'data-order="{other.pk}"' in html and f'data-order="{order.pk}"' not in html
    html = client.get(orders, {"status": "closed"}).content.decode()
    assert f'data-order="{order.pk}"' not in html and f'data-order="{other.pk}"' not in html
    assert client.get(orders, {"status": "purple"}).status_code == 200


@pytest.mark.parametrize("who", ["director", "head"])
def test_order_list_runs_a_fixed_number_of_queries(
    cast, login, order, django_assert_max_num_queries, who
):
    client = login(getattr(cast, who))
    orders = reverse("inspections:orders", args=[cast.campaign.pk])
    client.get(orders)
    with django_assert_max_num_queries(20) as small:
        assert client.get(orders).status_code == 200
    grow_campaign(cast.campaign, total_tasks=100)
    RectificationOrder.objects.bulk_create(
        RectificationOrder(
            campaign=cast.campaign,
            unit=cast.unit,
            task=cast.task2,
            problem=f"问题{i}",
            measures_required="整改",
            deadline=dt.date(2018, 6, 1),
            issued_by=cast.director,
        )
        for i in range(70)
    )
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(orders).content.decode()
    assert html.count("data-order=") == 30


# Answering -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["head", "contact"])
def test_the_unit_answers_with_evidence(cast, login, order, who):
    client = login(getattr(cast, who))
    response = client.post(
        url("order_answer", order),
        {
            "text": "已召开专题会，形成问题清单",
            "attachment": SimpleUploadedFile("清单.pdf", PDF, content_type="text/html"),
        },
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.ANSWERED
    answer = order.answers.get()
    assert answer.submitted_by == getattr(cast, who)
    assert answer.attachment_type == "application/pdf"  # from the content, not the browser
    assert answer.attachment_name == "清单.pdf"
    assert answer.attachment_size == len(PDF)
    assert [e.action for e in order.events.all()] == [OrderAction.ISSUED, OrderAction.ANSWERED]
    # The issuer is told.
    assert Notification.objects.filter(recipient=cast.director, kind="rectification").exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("director", 404),
        ("staff", 404),
        ("inspector", 404),
        ("other_head", 404),
        ("plain", 404),
        ("leader", 404),
        ("group_leader", 404),
        ("outsider", 404),
    ],
)
def test_only_the_unit_answers(cast, login, order, who, status):
    before = state(order)
    client = login(getattr(cast, who))
    response = client.post(url("order_answer", order), {"text": "已整改"})
    assert response.status_code == status
    assert state(order) == before


def test_anonymous_can_do_nothing(client, cast, order):
    before = state(order)
    for name, data in (("order_answer", {"text": "已整改"}), ("order_close", {})):
        response = client.post(url(name, order), data)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert state(order) == before
    _answered(cast, order)
    before = state(order)
    client.logout()
    for name, data in (("order_return", {"reason": "x"}), ("order_close", {})):
        assert client.post(url(name, order), data).status_code == 302
    assert (
        client.post(
            reverse("inspections:order_new", args=[cast.campaign.pk]), _issue_data(cast)
        ).status_code
        == 302
    )
    assert state(order) == before
    assert RectificationOrder.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("evil.pdf", b"MZ\x90\x00 this is an exe", "type"),
        ("page.png", b"<html><script>alert(1)</script></html>", "type"),
        ("zip.docx", b"PK\x03\x04 broken zip", "corrupt"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_evidence_is_checked_by_content(cast, login, order, name, data, code):
    before = state(order)
    client = login(cast.head)
    client.post(
        url("order_answer", order),
        {"text": "已整改", "attachment": SimpleUploadedFile(name, data)},
    )
    assert state(order) == before


def test_evidence_over_the_size_limit_is_refused(cast, login, order, settings):
    settings.HUODONG_MAX_ATTACHMENT_BYTES = 1024
    before = state(order)
    client = login(cast.head)
    big = PDF + b"0" * 2048
    client.post(
        url("order_answer", order),
        {"text": "已整改", "attachment": SimpleUploadedFile("big.pdf", big)},
    )
    assert state(order) == before
    settings.HUODONG_MAX_ATTACHMENT_BYTES = 4096
    client.post(
        url("order_answer", order),
        {"text": "已整改", "attachment": SimpleUploadedFile("big.pdf", big)},
    )
    assert RectificationOrder.objects.get().status == OrderStatus.ANSWERED


@pytest.mark.parametrize(
    ("name", "data", "kind", "stored"),
    [
        ("scan.png", PNG, "image/png", "scan.png"),
        ("photo.jpeg", b"\xff\xd8\xff\xe0" + b"\0" * 16, "image/jpeg", "photo.jpeg"),
        ("report.bin", None, "wordprocessingml", "report.bin.docx"),
    ],
)
def test_accepted_kinds_take_the_extension_of_their_content(
    cast, login, order, name, data, kind, stored
):
    client = login(cast.head)
    client.post(
        url("order_answer", order),
        {"text": "已整改", "attachment": SimpleUploadedFile(name, data or _docx_bytes())},
    )
    answer = RectificationAnswer.objects.get()
    assert kind in answer.attachment_type
    assert answer.attachment_name == stored


def _answered(cast, order, *, attachment=None):
    services.order_answer(actor=cast.head, order=order, text="已整改", attachment=attachment)
    order.refresh_from_db()
    return order


@pytest.mark.parametrize(
    "who", ["director", "staff", "inspector", "leader", "group_member", "head", "contact"]
)
def test_evidence_is_served_as_a_download_to_readers(cast, login, order, who):
    _answered(cast, order, attachment=SimpleUploadedFile("清单.pdf", PDF))
    answer = RectificationAnswer.objects.get()
    client = login(getattr(cast, who))
    response = client.get(url("order_attachment", order, answer.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("who", ["other_head", "plain", "outsider"])
def test_evidence_is_hidden_from_others(cast, login, order, who):
    _answered(cast, order, attachment=SimpleUploadedFile("清单.pdf", PDF))
    answer = RectificationAnswer.objects.get()
    client = login(getattr(cast, who))
    assert client.get(url("order_attachment", order, answer.pk)).status_code == 404


def test_evidence_of_another_order_is_not_reachable_through_this_one(cast, login, order):
    other = services.order_issue(
        actor=cast.director,
        campaign=cast.campaign,
        unit=cast.other_unit,
        problem="其他",
        measures_required="整改",
        deadline=dt.date(2018, 7, 1),
    )
    services.order_answer(
        actor=cast.other_head, order=other, text="x", attachment=SimpleUploadedFile("a.pdf", PDF)
    )
    answer = RectificationAnswer.objects.get(order=other)
    # The head of 综合处 may see `order`, but the answer belongs to the other unit's order.
    client = login(cast.head)
    assert client.get(url("order_attachment", order, answer.pk)).status_code == 404


# Verifying: close (销号) or send back ---------------------------------------------------------


@pytest.mark.parametrize("who", ["director", "staff", "admin", "seat_staff"])
def test_the_office_sends_back_and_closes(cast, login, order, who):
    _answered(cast, order)
    client = login(getattr(cast, who))
    client.post(url("order_return", order), {"reason": "缺少问题清单"})
    order.refresh_from_db()
    assert order.status == OrderStatus.RETURNED
    returned = order.events.get(action=OrderAction.RETURNED)
    assert (returned.note, returned.actor) == ("缺少问题清单", getattr(cast, who))
    told = Notification.objects.filter(dedupe_key=f"order:{order.pk}:event:{returned.pk}")
    assert set(told.values_list("recipient", flat=True)) == {cast.head.pk, cast.contact.pk}
    # The unit answers again, then the office closes it.
    services.order_answer(actor=cast.contact, order=order, text="已补充问题清单")
    client.post(url("order_close", order), {"note": "材料齐全"})
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED
    assert order.closed_at is not None
    closed = order.events.get(action=OrderAction.CLOSED)
    assert Notification.objects.filter(
        recipient=cast.head, dedupe_key=f"order:{order.pk}:event:{closed.pk}"
    ).exists()
    assert [e.action for e in order.events.all()] == [
        OrderAction.ISSUED,
        OrderAction.ANSWERED,
        OrderAction.RETURNED,
        OrderAction.ANSWERED,
        OrderAction.CLOSED,
    ]
    assert all(e.at and e.actor_label for e in order.events.all())
    html = client.get(url("order", order)).content.decode()
    assert "缺少问题清单" in html and "材料齐全" in html


@pytest.mark.parametrize(
    "who",
    ["inspector", "head", "contact", "other_head", "plain", "leader", "group_leader", "outsider"],
)
def test_others_may_not_verify(cast, login, order, who):
    _answered(cast, order)
    before = state(order)
    client = login(getattr(cast, who))
    assert client.post(url("order_return", order), {"reason": "不行"}).status_code == 404
    assert client.post(url("order_close", order)).status_code == 404
    assert state(order) == before


def test_forbidden_transitions_change_nothing(cast, order):
    # An open order cannot be closed or sent back: nothing was answered.
    before = state(order)
    with pytest.raises(services.TransitionRefused):
        services.order_close(actor=cast.director, order=order)
    with pytest.raises(services.TransitionRefused):
        services.order_return(actor=cast.director, order=order, reason="x")
    assert state(order) == before
    # An answered order waits for the office: the unit cannot answer twice.
    _answered(cast, order)
    before = state(order)
    with pytest.raises(services.TransitionRefused):
        services.order_answer(actor=cast.head, order=order, text="再答")
    with pytest.raises(services.SupervisionError):
        services.order_return(actor=cast.director, order=order, reason="  ")
    assert state(order) == before
    # A closed order is final.
    services.order_close(actor=cast.director, order=order)
    before = state(order)
    for attempt in (
        lambda: services.order_close(actor=cast.director, order=order),
        lambda: services.order_return(actor=cast.director, order=order, reason="x"),
        lambda: services.order_answer(actor=cast.head, order=order, text="x"),
    ):
        with pytest.raises(services.TransitionRefused):
            attempt()
    assert state(order) == before


def test_a_stale_page_changes_nothing(cast, login, order):
    """Two verifiers on the same answered order: the second click finds it closed."""
    _answered(cast, order)
    stale = RectificationOrder.objects.get(pk=order.pk)
    services.order_close(actor=cast.director, order=order)
    before = state(order)
    with pytest.raises(services.TransitionRefused):
        services.order_return(actor=cast.staff, order=stale, reason="晚了")
    assert state(order) == before
    client = login(cast.staff)
    client.post(url("order_close", order))
    assert state(order) == before


# Escalation ------------------------------------------------------------------------------------


def test_an_overdue_order_escalates_to_the_lead_leader_once(cast, order, make_member):
    lead = make_member(cast.campaign.office, unit=cast.other_unit)
    theme = SubTheme.objects.filter(campaign=cast.campaign).first()
    theme.lead_leader = lead.person
    theme.save()
    theme.units.add(cast.unit)
    day = dt.date(2018, 6, 25)
    assert (
        services.rectification_escalate_overdue(
            actor=None, campaign=cast.campaign, today=day
        ).escalated
        == []
    )  # due today: not yet overdue
    result = services.rectification_escalate_overdue(
        actor=None, campaign=cast.campaign, today=day + dt.timedelta(days=1)
    )
    assert result.escalated == [order]
    again = services.rectification_escalate_overdue(
        actor=None, campaign=cast.campaign, today=day + dt.timedelta(days=2)
    )
    assert again.escalated == []
    sent = Notification.objects.filter(kind="escalation")
    assert [(n.recipient, n.dedupe_key) for n in sent] == [(lead, f"escalation:order:{order.pk}")]
    assert order.events.filter(action=OrderAction.ESCALATED).count() == 1
    order.refresh_from_db()
    assert order.escalated_at is not None


def test_without_a_lead_leader_the_group_leader_is_told(cast, order):
    # The seed's 组长 seat has no person; the cast's group leader holds another 组长 seat.
    services.rectification_escalate_overdue(
        actor=None, campaign=cast.campaign, today=dt.date(2018, 7, 1)
    )
    assert list(
        Notification.objects.filter(kind="escalation").values_list("recipient", flat=True)
    ) == [cast.group_leader.pk]


def test_the_escalation_key_holds_even_if_the_order_is_marked_again(cast, order):
    services.rectification_escalate_overdue(
        actor=None, campaign=cast.campaign, today=dt.date(2018, 7, 1)
    )
    # A crash between the mark and the commit elsewhere, or a manual reset: still one message.
    RectificationOrder.objects.filter(pk=order.pk).update(escalated_at=None)
    services.rectification_escalate_overdue(
        actor=None, campaign=cast.campaign, today=dt.date(2018, 7, 2)
    )
    assert Notification.objects.filter(kind="escalation").count() == 1


def test_closed_and_answered_in_time_orders_do_not_escalate(cast, order):
    _answered(cast, order)
    services.order_close(actor=cast.director, order=order)
    result = services.rectification_escalate_overdue(
        actor=None, campaign=cast.campaign, today=dt.date(2018, 7, 1)
    )
    assert result.escalated == []
    assert not Notification.objects.filter(kind="escalation").exists()


def test_nobody_to_tell_leaves_the_order_for_later(cast, order):
    LeadingGroupMember.objects.filter(campaign=cast.campaign, role=LeadingGroupRole.LEADER).update(
        person=None
    )
    result = services.rectification_escalate_overdue(
        actor=None, campaign=cast.campaign, today=dt.date(2018, 7, 1)
    )
    assert result.unreachable == [order]
    order.refresh_from_db()
    assert order.escalated_at is None


def test_the_command_escalates_once(cast, order, capsys):
    call_command("escalate_orders", "--date", "2018-06-26")
    assert "1 order(s) escalated" in capsys.readouterr().out
    call_command("escalate_orders", "--date", "2018-06-27")
    assert "0 order(s) escalated" in capsys.readouterr().out
    assert Notification.objects.filter(kind="escalation").count() == 1


def test_the_command_uses_today_by_default(cast, order, settings, capsys):
    settings.HUODONG_TODAY = "2018-06-25"
    call_command("escalate_orders")
    assert "0 order(s) escalated" in capsys.readouterr().out
    settings.HUODONG_TODAY = "2018-06-26"
    call_command("escalate_orders")
    assert "1 order(s) escalated" in capsys.readouterr().out


def test_a_unit_of_another_office_cannot_receive_an_order(cast, other_office):
    foreign = Unit.objects.create(office=other_office, name="外单位", kind="department")
    with pytest.raises(services.SupervisionError):
        services.order_issue(
            actor=cast.director,
            campaign=cast.campaign,
            unit=foreign,
            problem="x",
            measures_required="y",
            deadline=dt.date(2018, 7, 1),
        )
    assert not RectificationOrder.objects.exists()


def test_roles_on_the_order_page(cast, login, order):
    head = login(cast.head).get(url("order", order)).content.decode()
    assert url("order_answer", order) in head
    assert url("order_close", order) not in head
    _answered(cast, order)
    director = login(cast.director).get(url("order", order)).content.decode()
    assert url("order_close", order) in director and url("order_return", order) in director
    assert url("order_answer", order) not in director


def test_evidence_with_macros_is_refused(cast, login, order):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_docx_bytes())) as source, zipfile.ZipFile(buffer, "w") as out:
        for info in source.infolist():
            out.writestr(info, source.read(info))
        out.writestr("word/vbaProject.bin", b"\0" * 64)
    client = login(cast.head)
    client.post(
        url("order_answer", order),
        {"text": "已整改", "attachment": SimpleUploadedFile("evidence.docx", buffer.getvalue())},
    )
    assert not RectificationAnswer.objects.exists()
