"""End to end in a real browser: Playwright driving Debian's chromium."""

import os
import shutil

import pytest

from huodong.core.demo_office import DEMO_PASSWORD, build_demo_office

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def browser_page():
    if CHROMIUM is None:
        pytest.skip(
            "Debian's chromium is not installed (apt-get install chromium): browser test skipped"
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    # The live server runs in this process; Playwright's sync API must not see a running loop.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()


@pytest.fixture
def demo(transactional_db, settings):
    settings.HUODONG_TODAY = "2018-06-20"
    build_demo_office()


def test_office_sees_the_fifteen_tasks_with_lead_units_and_lights(live_server, demo, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "zhongchonghao")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#whole-plan")
    page.click("text=解放思想大讨论活动")
    page.wait_for_selector("svg.timeline")
    assert page.locator("svg.timeline .today").count() == 1
    page.click("a.btn-primary:has-text('15')")
    rows = page.locator("#schedule tbody tr[data-seq]")
    assert rows.count() == 15
    seqs = [int(s) for s in rows.evaluate_all("rs => rs.map(r => r.dataset.seq)")]
    assert seqs == list(range(1, 16))
    second = page.locator("#schedule tr[data-seq='2']")
    assert second.locator(".lead-units").inner_text().split() == ["综合处", "督查处"]
    lights = dict(
        zip(
            seqs,
            rows.evaluate_all("rs => rs.map(r => r.dataset.light)"),
            strict=True,
        )
    )
    assert lights[1] == "done_on_time"
    assert lights[2] == "overdue"
    assert lights[4] == "done_late"
    assert lights[7] == "due_soon"
    assert lights[15] == "not_started"
    assert second.locator(".light").inner_text().strip() == "已逾期"
    # Every row shows a visible light with a label, not colour alone.
    assert page.locator("#schedule tbody .light").count() == 15
