"""The editor's live 字数 in a real browser (Playwright driving Debian's chromium), on a phone."""

from __future__ import annotations

import pytest
from django.db import connection

from huodong.conftest import new_browser_page
from huodong.participation.models import Reflection
from huodong.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def phone_page(browser):
    page = new_browser_page(browser, phone=True)
    yield page
    page.context.close()


def test_the_count_follows_the_typing_and_shows_when_the_target_is_met(
    live_server, transactional_db, settings, org, campaign, requirements, phone_page
):
    settings.HUODONG_TODAY = "2018-06-20"
    page = phone_page
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", org.staff.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/participation/c/{campaign.pk}/reflections/new/")
    count = page.locator("#reflection-count")
    assert count.inner_text() == "0"
    assert page.locator(".wc-met").is_hidden()

    page.fill("#id_title", "学习心得")
    page.fill("#id_body", "解放思想，推动发展。GDP增长6.5%")
    assert count.inner_text() == "14"
    assert "met" not in (count.get_attribute("class") or "")

    page.fill("#id_body", "解" * 2699 + "。")
    assert count.inner_text() == "2,700"
    assert "met" in (count.get_attribute("class") or "")
    assert page.locator(".wc-met").is_visible()
    assert page.locator(".wc-short").is_hidden()

    page.click("button[value=save]")
    page.wait_for_selector(".msg-success")
    try:
        saved = Reflection.objects.get()
    finally:
        # Inside Playwright's sync API this is a connection of its own: leave none open.
        connection.close()
    assert (saved.title, saved.word_count) == ("学习心得", 2700)
    # The page fits the phone's width: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
