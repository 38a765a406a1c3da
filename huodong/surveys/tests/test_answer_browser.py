"""Answering the service hall's questionnaire on a phone, in a real browser (Playwright driving
Debian's chromium): the conditional question appears once its choice is made, the answers are
kept on the phone until sent, and the thank-you page follows."""

from __future__ import annotations

import pytest
from django.db import connection

from huodong.conftest import new_browser_page
from huodong.surveys.models import Answer, Response

pytestmark = pytest.mark.browser


@pytest.fixture
def phone_page(browser):
    page = new_browser_page(browser, phone=True)
    yield page
    page.context.close()


def saved() -> tuple[int, dict[str, str]]:
    try:
        texts = dict(Answer.objects.exclude(text="").values_list("question__text", "text"))
        return Response.objects.count(), texts
    finally:
        # Inside Playwright's sync API this is a connection of its own: leave none open.
        connection.close()


def test_a_phone_answers_the_hall_survey(live_server, transactional_db, hall_survey, phone_page):
    survey, q = hall_survey
    page = phone_page
    page.goto(f"{live_server.url}/s/{survey.public_key}/")
    reason = page.locator(f"#q{q['reason'].pk}")
    # The script hides the question that applies only after "不满意".
    assert reason.is_hidden()
    page.get_by_label("不满意", exact=True).check()
    assert reason.is_visible()
    page.fill(f"#q{q['reason'].pk}-input", "排队时间太长")
    page.get_by_label("满意", exact=True).check()
    assert reason.is_hidden()
    page.get_by_label("不满意", exact=True).check()
    assert reason.is_visible()

    services = page.locator(f"#q{q['services'].pk}")
    services.get_by_label("社保").check()
    services.locator("input[value=other]").check()
    page.fill(f"input[name=q{q['services'].pk}_other]", "出入境")
    page.check(f"input[name=q{q['score'].pk}][value='4']")
    matrix = q["matrix"]
    for row in (0, 1):
        page.locator(f"input[name=q{matrix.pk}_r{row}]").first.check()
    for place, select in enumerate(page.locator(f"#q{q['rank'].pk} select").all(), start=1):
        select.select_option(str(place))

    # The answers so far are kept on the phone: a reload brings them back.
    page.reload()
    assert page.locator(f"#q{q['reason'].pk}-input").input_value() == "排队时间太长"
    assert page.locator(f"input[name=q{q['services'].pk}_other]").input_value() == "出入境"
    assert reason.is_visible()

    # Nothing scrolls sideways on the phone, the matrix included.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.click("button.survey-submit")
    page.wait_for_selector(".survey-thanks")
    assert page.url.endswith(f"/s/{survey.public_key}/thanks/")
    stored = page.evaluate(f"localStorage.getItem('huodong.survey.{survey.public_key}')")
    assert stored is None  # cleared once sent

    count, texts = saved()
    assert count == 1
    assert texts["不满意的原因"] == "排队时间太长"
    assert texts["您办理了哪些业务？"] == "出入境"

    # Back on the link: answered already, no form.
    page.goto(f"{live_server.url}/s/{survey.public_key}/")
    assert page.locator("form.survey-form").count() == 0
    assert page.locator(".survey-state").is_visible()


def test_a_phone_answers_the_demo_questionnaire_from_its_public_link(live_server, demo, phone_page):
    from huodong.surveys.models import Survey

    survey = Survey.objects.get()
    before = survey.response_count
    connection.close()
    page = phone_page
    page.goto(f"{live_server.url}/s/{survey.public_key}/")
    page.get_by_label("税务", exact=True).check()
    page.locator("input[type=radio][value='5']").first.check()
    page.get_by_label("网上办理", exact=True).check()
    met = page.get_by_text("请简要说明遇到的情况")
    page.get_by_label("有", exact=True).check()
    assert met.is_visible()
    page.get_by_label("没有", exact=True).check()
    page.locator("textarea").last.fill("建议增加自助办理设备。")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("button.survey-submit")
    page.wait_for_selector(".survey-thanks")
    survey.refresh_from_db()
    try:
        assert survey.response_count == before + 1
        latest = Response.objects.filter(survey=survey).order_by("-pk").first()
        texts = set(latest.answers.exclude(text="").values_list("text", flat=True))
        assert texts == {"建议增加自助办理设备。"}
    finally:
        connection.close()
