"""End to end in a real browser: Playwright driving Debian's chromium (fixtures in conftest)."""

import pytest

from huodong.core.demo_office import DEMO_PASSWORD

pytestmark = pytest.mark.browser


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
