"""The public's side of issue #8 on a phone, in a real browser (Playwright driving Debian's
chromium): a guest registers for a seminar and signs in with the code on the screen; a member
of the public leaves a suggestion in the mailbox, keeps the tracking code, and later reads the
office's answer with it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from huodong.campaigns.models import Campaign
from huodong.conftest import new_browser_page
from huodong.engagement.models import MeetingAttendee, MeetingKind
from huodong.engagement.services.meetings import meeting_create
from huodong.orgs.models import Role
from huodong.participation.signin_codes import code_at
from huodong.suggestions.models import Suggestion, SuggestionSource
from huodong.suggestions.services.pool import suggestion_answer
from huodong.testing.factories import UnitFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def phone_page(browser):
    page = new_browser_page(browser, phone=True)
    yield page
    page.context.close()


@pytest.fixture
def campaign(office):
    today = timezone.localdate()
    return Campaign.objects.create(
        office=office,
        title="解放思想大讨论活动",
        start=today - dt.timedelta(days=30),
        end=today + dt.timedelta(days=60),
    )


def _rows(query):
    try:
        return list(query)
    finally:
        # Inside Playwright's sync API this is a connection of its own: leave none open.
        connection.close()


def test_a_guest_registers_and_signs_in_on_a_phone(
    live_server, transactional_db, office, make_member, campaign, phone_page
):
    director = make_member(office, role=Role.OFFICE_DIRECTOR)
    now = timezone.now()
    seminar = meeting_create(
        actor=director,
        campaign=campaign,
        organiser_unit=UnitFactory(office=office),
        kind=MeetingKind.SEMINAR,
        title="优化营商环境企业座谈会",
        starts_at=now - dt.timedelta(minutes=5),
        ends_at=now + dt.timedelta(hours=2),
        registration_open=True,
        registration_limit=20,
    )
    page = phone_page
    page.goto(f"{live_server.url}/m/{seminar.public_key}/")
    register = page.locator("#register")
    register.get_by_label("姓名").fill("周企业")
    register.get_by_label("工作单位").fill("宿迁某科技有限公司")
    register.get_by_label("手机或电子邮箱").fill("13905279999")
    register.get_by_role("button", name="报名").click()
    page.wait_for_load_state()
    guests = _rows(MeetingAttendee.objects.filter(meeting=seminar, is_external=True))
    assert [(g.name, g.contact, g.attended_at) for g in guests] == [("周企业", "13905279999", None)]

    page.goto(f"{live_server.url}/m/{seminar.public_key}/")
    sign_in = page.locator("#sign-in")
    sign_in.get_by_label("签到码").fill(code_at(seminar.sign_in_secret, timezone.now()))
    sign_in.get_by_label("姓名").fill("周企业")
    sign_in.get_by_label("手机或电子邮箱").fill("13905279999")
    sign_in.get_by_role("button", name="签到").click()
    page.wait_for_load_state()
    guests = _rows(MeetingAttendee.objects.filter(meeting=seminar, is_external=True))
    assert len(guests) == 1 and guests[0].attended_at is not None  # matched, not a walk-in
    # Nothing on the phone page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_public_leaves_a_suggestion_and_reads_the_answer(
    live_server, transactional_db, office, make_member, campaign, phone_page
):
    director = make_member(office, role=Role.OFFICE_DIRECTOR)
    page = phone_page
    page.goto(f"{live_server.url}/mailbox/{campaign.pk}/")
    page.locator("textarea[name=text]").fill("建议在园区设立企业服务驿站，就近办理常用事项。")
    page.locator("input[name=name]").fill("周企业")
    page.locator("input[name=contact]").fill("13905279999")
    page.get_by_role("button", name="提交意见建议").click()
    code = page.locator("#tracking-code").inner_text().strip()
    suggestions = _rows(Suggestion.objects.all())
    assert len(suggestions) == 1 and suggestions[0].tracking_code == code
    assert suggestions[0].source == SuggestionSource.MAILBOX
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    suggestion_answer(
        actor=director, suggestion=suggestions[0], text="已列入“不见面审批”推进方案，谢谢您的建议。"
    )
    connection.close()
    page.goto(f"{live_server.url}/mailbox/track/{code}/")
    assert "已列入“不见面审批”推进方案" in page.content()
