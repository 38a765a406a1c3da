"""A window staff member's day in the demo, on a phone: sign in to today's session with the code
on the organiser's screen, log a personal study, finish and submit the reflection, and watch
their own progress change (学习 3/4 → 5/4, 心得 0/1 → 1/1)."""

import pytest

from huodong.campaigns.models import Campaign, Requirement, RequirementMeasure
from huodong.conftest import new_browser_page
from huodong.core.demo_office import DEMO_PASSWORD
from huodong.participation.demo import SHOWCASE_DRAFT_WORDS, SHOWCASE_LOGIN, reflection_text
from huodong.participation.models import Reflection, ReflectionStatus, StudyRecord, StudySession
from huodong.participation.wordcount import word_count

pytestmark = pytest.mark.browser


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def figure(page, requirement: Requirement) -> str:
    return page.locator(f"#progress li[data-requirement='{requirement.pk}'] .figure").inner_text()


def test_staff_member_signs_in_studies_writes_and_sees_progress(live_server, demo, browser):
    import random

    campaign = Campaign.objects.get()
    studies = Requirement.objects.get(campaign=campaign, measure=RequirementMeasure.STUDIES)
    words = Requirement.objects.get(campaign=campaign, measure=RequirementMeasure.REFLECTION_WORDS)
    today = StudySession.objects.get(starts_at__date="2018-06-20")
    base = live_server.url

    organiser = new_browser_page(browser)
    log_in(organiser, base, "zhongchonghao")
    organiser.goto(f"{base}/participation/sessions/{today.pk}/screen/")
    code = organiser.locator("[data-code]").inner_text().strip()
    assert code.isdigit() and len(code) == 6
    assert organiser.locator(".screen svg, .screen img").count() >= 1  # the QR code

    staff = new_browser_page(browser, phone=True)
    log_in(staff, base, SHOWCASE_LOGIN)
    progress_url = f"{base}/participation/c/{campaign.pk}/progress/"
    staff.goto(progress_url)
    assert figure(staff, studies).startswith("3/4")
    assert figure(staff, words).startswith("0/1")
    assert f"{SHOWCASE_DRAFT_WORDS:,}/3,000" in figure(staff, words)

    # Sign in to today's session with the code on the screen.
    staff.goto(f"{base}/participation/sessions/{today.pk}/")
    staff.fill("#id_code", code)
    staff.click("#me button[type=submit]")
    staff.wait_for_load_state()
    assert StudyRecord.objects.filter(session=today, person__user__username=SHOWCASE_LOGIN).exists()

    # Log a personal study.
    staff.goto(f"{base}/participation/c/{campaign.pk}/study/")
    staff.fill("#id_date", "2018-06-19")
    staff.fill("#id_material", "省委十三届三次全会精神")
    staff.fill("#id_duration_minutes", "60")
    staff.click("form[action$='/study/log/'] button[type=submit]")
    staff.wait_for_load_state()
    assert staff.locator("#study-records").inner_text().count("省委十三届三次全会精神") >= 1

    staff.goto(progress_url)
    assert figure(staff, studies).startswith("5/4")

    # Finish the draft in the editor: the live count follows the typing, as Word would count.
    draft = Reflection.objects.get(person__user__username=SHOWCASE_LOGIN)
    staff.goto(f"{base}/participation/reflections/{draft.pk}/")
    text = draft.body + "\n\n" + reflection_text(random.Random(7), 1200)
    staff.fill("#id_body", text)
    live = staff.locator("#editor output").inner_text().replace(",", "")
    assert int(live) == word_count(text) >= 2700
    staff.click("#editor button[value=submit]")
    staff.wait_for_load_state()
    assert staff.locator("#reflection-status").get_attribute("data-status") == "submitted"
    draft.refresh_from_db()
    assert draft.status == ReflectionStatus.SUBMITTED
    assert draft.word_count == word_count(text)

    staff.goto(progress_url)
    assert figure(staff, words).startswith("1/1")
    met = staff.locator(f"#progress li[data-requirement='{words.pk}']").get_attribute("data-met")
    assert met == "1"
    organiser.context.close()
    staff.context.close()
