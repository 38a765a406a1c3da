import pytest
from django.core.management import call_command
from django.urls import reverse

from huodong.campaigns.lights import Light
from huodong.campaigns.models import Campaign
from huodong.campaigns.selectors import light_counts
from huodong.core import clock
from huodong.core.demo_office import DEMO_PASSWORD, LOGINS
from huodong.orgs.models import Person, Unit, UnitKind


@pytest.fixture
def demo(db, settings, capsys):
    settings.HUODONG_TODAY = "2018-06-20"
    call_command("seed_demo")
    return capsys.readouterr().out


def test_demo_loads_once_and_prints_the_logins(demo, capsys):
    for username, *_ in LOGINS:
        assert username in demo
    assert DEMO_PASSWORD in demo
    call_command("seed_demo")
    again = capsys.readouterr().out
    assert "zhongchonghao" in again
    assert Campaign.objects.count() == 1


def test_demo_office_has_the_plans_units_and_people(demo):
    names = set(Unit.objects.values_list("name", flat=True))
    assert {"宣传室", "综合处", "督查处", "业务处", "市场处"} <= names
    assert {"政管办党支部", "政务中心党支部", "交易中心党支部"} <= names
    assert Unit.objects.filter(kind=UnitKind.WINDOW).count() >= 3
    assert Unit.objects.filter(kind=UnitKind.TEMP_BRANCH).count() >= 3
    for leader in ("臧广荣", "童学宝", "魏旭光", "刘宝春", "仲崇浩"):
        assert Person.objects.filter(name=leader).exists()
    assert Person.objects.count() >= 85
    assert Person.objects.filter(is_window_staff=True).count() >= 20
    campaign = Campaign.objects.get()
    # The leaders the plan names are linked to their people, not just names.
    assert campaign.sub_themes.filter(lead_leader__isnull=False).count() == 4


def test_demo_lights_tell_a_story(demo):
    counts = light_counts(Campaign.objects.get(), today=clock.today())
    assert counts[Light.DONE_ON_TIME] >= 3
    assert counts[Light.DONE_LATE] >= 1
    assert counts[Light.OVERDUE] >= 1
    assert counts[Light.DUE_SOON] >= 1
    assert counts[Light.NOT_STARTED] >= 1


@pytest.mark.parametrize(
    ("username", "section", "absent"),
    [
        ("zhongchonghao", "whole-plan", None),
        ("zangguangrong", "whole-plan", "unit-tasks"),
        ("tongxuebao", "whole-plan", "unit-tasks"),
        ("ducha", "whole-plan", "unit-tasks"),
        ("zonghechu", "unit-tasks", "whole-plan"),
        ("zhishu", "unit-tasks", "whole-plan"),
        ("chuangkou", "own-requirements", "whole-plan"),
    ],
)
def test_each_demo_login_gets_its_home(demo, client, username, section, absent):
    assert client.login(username=username, password=DEMO_PASSWORD)
    html = client.get(reverse("home")).content.decode()
    assert f'id="{section}"' in html
    assert 'id="own-requirements"' in html
    if absent:
        assert f'id="{absent}"' not in html


def test_unit_home_lists_the_units_tasks(demo, client):
    client.login(username="zonghechu", password=DEMO_PASSWORD)
    html = client.get(reverse("home")).content.decode()
    # 综合处 leads tasks 2, 6, 9, 10, 11, 12, 14, 15.
    for seq in (2, 6, 9, 14):
        assert f'data-seq="{seq}"' in html
    assert 'data-seq="1"' not in html


def test_the_overdue_task_has_a_reminder_trail(demo):
    from huodong.notifications.models import Notification

    trail = Notification.objects.filter(
        recipient__username="zonghechu", dedupe_key__contains=":task:"
    )
    task_2 = Campaign.objects.get().tasks.get(seq=2)
    keys = sorted(
        trail.filter(dedupe_key__contains=f":task:{task_2.pk}:").values_list(
            "dedupe_key", flat=True
        )
    )
    assert any("due-in-7" in k for k in keys)
    assert any("due-in-3" in k for k in keys)
    assert any("due-today" in k for k in keys)
    # Overdue since 2018-06-01: one reminder each day up to the demo date.
    assert sum("overdue" in k for k in keys) == 20


def test_the_demo_library_holds_the_plan_and_a_copy_of_it_is_found(demo, settings):
    from django.test import TestCase

    from huodong.originality.models import OriginalityReport, ReferenceText
    from huodong.originality.tests.service_helpers import IMMEDIATE
    from huodong.participation.models import Reflection
    from huodong.participation.services.reflections import reflection_save, reflection_submit

    settings.TASKS = IMMEDIATE
    plan = ReferenceText.objects.get()
    assert plan.file_name == "plan-2018-9.txt"
    assert "解放思想" in plan.title
    # The window clerk finishes the draft with a passage of the plan and submits it.
    draft = Reflection.objects.get(person__user__username="chuangkou")
    passage = plan.text[2000:2300]
    with TestCase.captureOnCommitCallbacks(execute=True):
        reflection = reflection_save(
            actor=draft.person.user,
            reflection=draft,
            title=draft.title,
            body=draft.body + passage + "我将结合窗口工作实际，认真抓好整改落实。" * 150,
            version=draft.version,
        )
        reflection_submit(actor=draft.person.user, reflection=reflection)
    report = OriginalityReport.objects.get(document__reflection=draft)
    # The plan, and the demo's contest entry that copied the plan too.
    assert plan.document.pk in set(report.sources.values_list("source_id", flat=True))
    assert report.ratio > 0
