import datetime as dt
import json
from importlib import resources

import pytest
from django.core.management import call_command

from huodong.campaigns.models import (
    Campaign,
    LeadingGroupRole,
    Requirement,
    Task,
    TaskUnitRole,
)
from huodong.campaigns.services import campaign_copy
from huodong.core.models import AuditRecord
from huodong.orgs.models import Office, Person, Unit, UnitKind
from huodong.testing.factories import UnitFactory


def expected() -> dict:
    path = resources.files("huodong.campaigns").joinpath("seeds", "plan-2018-9.expected.json")
    return json.loads(path.read_text(encoding="utf-8"))


def test_seed_import_builds_the_whole_campaign(seed_campaign):
    c = seed_campaign
    want = expected()
    assert (c.title, c.doc_number, c.issuer) == (want["title"], want["doc_number"], want["issuer"])
    assert c.issued == dt.date(2018, 5, 18)
    assert (c.start, c.end) == (dt.date(2018, 5, 1), dt.date(2018, 12, 31))
    assert [(t.name, t.lead_leader_name) for t in c.sub_themes.all()] == [
        (t["name"], t["lead_leader"]) for t in want["themes"]
    ]
    assert [(p.name, p.start.isoformat(), p.end.isoformat()) for p in c.phases.all()] == [
        (p["name"], p["start"], p["end"]) for p in want["phases"]
    ]
    tasks = list(c.tasks.prefetch_related("task_units__unit"))
    assert len(tasks) == 15
    for task, wanted in zip(tasks, want["tasks"], strict=True):
        assert task.seq == wanted["seq"]
        assert task.phase.name == wanted["phase"]
        assert task.due.isoformat() == wanted["due"]
        leads = [
            link.unit.name
            for link in sorted(task.task_units.all(), key=lambda link: link.order)
            if link.role == TaskUnitRole.LEAD
        ]
        assert leads == wanted["lead_units"]
    seats = {(m.role, m.name) for m in c.leading_group.all()}
    assert (LeadingGroupRole.LEADER, "臧广荣") in seats
    assert (LeadingGroupRole.DEPUTY, "魏旭光") in seats
    assert (LeadingGroupRole.OFFICE_DIRECTOR, "仲崇浩") in seats
    assert c.leading_group_office.name == "宣传室"
    reqs = list(Requirement.objects.filter(campaign=c).select_related("task"))
    assert [(r.scope, r.minimum, r.subject, r.period or None, r.task.seq) for r in reqs] == [
        (q["scope"], q["min"], q["subject"], q.get("period"), q["task_seq"]) for q in want["quotas"]
    ]
    assert AuditRecord.objects.filter(action="campaign.import", object_id=str(c.pk)).exists()


def test_import_matches_existing_units_and_people(office):
    from huodong.campaigns.plan_import import parse_plan
    from huodong.campaigns.services import campaign_create_from_plan
    from huodong.campaigns.tests.conftest import seed_bytes

    leaders = UnitFactory(office=office, name="办领导班子", kind=UnitKind.LEADERSHIP)
    zonghe = UnitFactory(office=office, name="综合处")
    temp_a = UnitFactory(office=office, name="税务窗口临时党支部", kind=UnitKind.TEMP_BRANCH)
    temp_b = UnitFactory(office=office, name="人社窗口临时党支部", kind=UnitKind.TEMP_BRANCH)
    tong = Person.objects.create(office=office, name="童学宝", unit=leaders)
    plan = parse_plan(seed_bytes("plan-2018-9.txt"), "plan-2018-9.txt")
    campaign = campaign_create_from_plan(actor=None, office=office, plan=plan)

    reform = campaign.sub_themes.get(name="改革再发力")
    assert reform.lead_leader == tong
    # 各窗口临时党支部 stands for every temporary branch of the office.
    assert set(reform.units.all()) == {Unit.objects.get(name="政务中心党支部"), temp_a, temp_b}
    assert Task.objects.get(campaign=campaign, seq=6).units.get() == zonghe
    assert Unit.objects.filter(office=office, name="综合处").count() == 1
    assert Unit.objects.get(office=office, name="交易中心党支部").kind == UnitKind.BRANCH


def test_copy_shifts_every_date(seed_campaign):
    new = campaign_copy(
        actor=None,
        campaign=seed_campaign,
        title="2019年解放思想大讨论活动",
        start=dt.date(2019, 5, 1),
    )
    shift = dt.timedelta(days=365)
    assert new.start == seed_campaign.start + shift
    old_tasks = list(seed_campaign.tasks.order_by("seq"))
    new_tasks = list(new.tasks.order_by("seq"))
    assert [t.due for t in new_tasks] == [t.due + shift for t in old_tasks]
    assert [(p.start, p.end) for p in new.phases.all()] == [
        (p.start + shift, p.end + shift) for p in seed_campaign.phases.all()
    ]
    assert [sorted(t.units.values_list("name", flat=True)) for t in new_tasks] == [
        sorted(t.units.values_list("name", flat=True)) for t in old_tasks
    ]
    assert new.requirements.count() == 5
    assert new.requirements.get(subject="问题").task.seq == 2
    assert new.sub_themes.count() == 4 and new.leading_group.count() == 3
    assert not new.tasks.filter(completed_on__isnull=False).exists()
    # The original is untouched.
    assert seed_campaign.tasks.first().due == dt.date(2018, 5, 25)


@pytest.mark.parametrize("name", ["plan-2018-9.docx", "plan-2018-9.txt"])
def test_import_plan_dry_run_json_matches_expected_and_saves_nothing(db, capsys, name):
    path = resources.files("huodong.campaigns").joinpath("seeds", name)
    call_command("import_plan", str(path), "--dry-run", "--json")
    got = json.loads(capsys.readouterr().out)
    for key, value in expected().items():
        assert got[key] == value, key
    assert not Campaign.objects.exists()
    assert not Office.objects.exists()


def test_import_plan_command_creates_the_campaign(db, capsys):
    path = resources.files("huodong.campaigns").joinpath("seeds", "plan-2018-9.docx")
    call_command("import_plan", str(path))
    campaign = Campaign.objects.get()
    assert campaign.office.name == "宿迁市政务服务管理办公室"
    assert campaign.tasks.count() == 15


def test_import_plan_command_refuses_bad_files(db, tmp_path):
    from django.core.management.base import CommandError

    bad = tmp_path / "plan.docx"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(CommandError):
        call_command("import_plan", str(bad))
    with pytest.raises(CommandError):
        call_command("import_plan", str(tmp_path / "missing.docx"))
    assert not Campaign.objects.exists()
