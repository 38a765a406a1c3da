"""plan_diff on its own, and campaign_apply_plan doing exactly what it says."""

import dataclasses
import datetime as dt

import pytest

from huodong.campaigns.models import (
    Campaign,
    LeadingGroupMember,
    Phase,
    Requirement,
    SubTheme,
    Task,
    TaskUnit,
    TaskUnitRole,
)
from huodong.campaigns.plan_diff import plan_diff
from huodong.campaigns.plan_import import ParsedPhase, ParsedQuota, ParsedTask, parse_plan
from huodong.campaigns.services import campaign_apply_plan, task_record_completion
from huodong.campaigns.tests.conftest import grow_campaign, seed_bytes
from huodong.campaigns.tests.review_helpers import revised_seed_text
from huodong.core.models import AuditRecord
from huodong.orgs.models import Unit


def seed_plan():
    return parse_plan(seed_bytes("plan-2018-9.docx"), "plan-2018-9.docx")


def task(plan, seq):
    return next(t for t in plan.tasks if t.seq == seq)


def replace_task(plan, seq, **changes):
    plan.tasks = [dataclasses.replace(t, **changes) if t.seq == seq else t for t in plan.tasks]


def test_the_same_plan_changes_nothing(seed_campaign):
    diff = plan_diff(seed_campaign, seed_plan())
    assert diff.is_empty, diff.summary()
    assert diff.tasks_unchanged == 15
    # The text version of the same plan reads the same.
    text_plan = parse_plan(seed_bytes("plan-2018-9.txt"), "plan-2018-9.txt")
    assert plan_diff(seed_campaign, text_plan).tasks_unchanged == 15


def test_revised_document_lists_exactly_the_changed_added_and_removed_tasks(seed_campaign):
    revised = parse_plan(revised_seed_text().encode("utf-8"), "revised.txt")
    diff = plan_diff(seed_campaign, revised)
    assert [c.seq for c in diff.tasks_changed] == [4]
    assert diff.tasks_changed[0].fields == {"due", "due_text"}
    due = next(c for c in diff.tasks_changed[0].changes if c.field == "due")
    assert (due.old, due.new) == ("2018-05-31", "2018-06-10")
    assert [r.task.seq for r in diff.tasks_removed] == [14]
    assert [t.seq for t in diff.tasks_added] == [16]
    assert diff.tasks_unchanged == 13
    assert diff.header == []
    assert not (diff.phases_added or diff.phases_removed or diff.phases_changed)
    assert not (diff.requirements_added or diff.requirements_removed)


def test_units_phases_header_group_and_requirements(seed_campaign):
    plan = seed_plan()
    replace_task(plan, 3, lead_units=["督查处", "综合处"], co_units=["宣传室"])
    replace_task(plan, 9, phase="宣传发动阶段", text="在单位网站开办专栏。")
    plan.title = "关于开展解放思想大讨论活动的方案（修订）"
    plan.phases[3] = dataclasses.replace(plan.phases[3], end=dt.date(2019, 1, 10))
    plan.phases.append(ParsedPhase("总结阶段", dt.date(2019, 1, 11), dt.date(2019, 1, 31)))
    plan.themes[1] = dataclasses.replace(plan.themes[1], lead_leader="魏旭光")
    plan.leading_group.members["副组长"] = ["魏旭光", "刘宝春"]
    plan.quotas = [*plan.quotas[1:], ParsedQuota("unit", 2, "调研报告", 13)]

    diff = plan_diff(seed_campaign, plan)
    assert {c.seq: c.fields for c in diff.tasks_changed} == {
        3: {"lead_units", "co_units"},
        9: {"phase", "text"},
    }
    lead = next(c for c in diff.tasks_changed[0].changes if c.field == "lead_units")
    assert (lead.old, lead.new) == ("督查处", "督查处、综合处")
    assert [c.field for c in diff.header] == ["title"]
    assert [m.phase.name for m in diff.phases_changed] == ["持续深化阶段"]
    assert [p.name for _, p in diff.phases_added] == ["总结阶段"]
    assert [m.theme.name for m in diff.themes_changed] == ["改革再发力"]
    assert diff.group_added == [("deputy", "刘宝春")]
    assert diff.group_removed == []
    assert [r.subject for r in diff.requirements_removed] == ["问题"]
    assert [q.subject for q in diff.requirements_added] == ["调研报告"]


def test_a_renamed_phase_keeps_its_tasks_unchanged(seed_campaign):
    plan = seed_plan()
    old = plan.phases[2].name
    plan.phases[2] = dataclasses.replace(plan.phases[2], name="实践转化")
    plan.tasks = [
        dataclasses.replace(t, phase="实践转化") if t.phase == old else t for t in plan.tasks
    ]
    diff = plan_diff(seed_campaign, plan)
    assert [(m.phase.name, m.new.name) for m in diff.phases_changed] == [(old, "实践转化")]
    assert diff.tasks_changed == []
    phase = diff.phases_changed[0].phase
    campaign_apply_plan(actor=None, campaign=seed_campaign, plan=plan)
    phase.refresh_from_db()
    assert phase.name == "实践转化"
    assert set(Task.objects.filter(phase=phase).values_list("seq", flat=True)) == {13, 14}


def test_removed_task_with_progress_is_flagged(seed_campaign):
    task_record_completion(
        actor=None, task=seed_campaign.tasks.get(seq=14), completed_on=dt.date(2018, 9, 1)
    )
    plan = seed_plan()
    plan.tasks = [t for t in plan.tasks if t.seq not in (14, 15)]
    diff = plan_diff(seed_campaign, plan)
    assert [r.task.seq for r in diff.tasks_removed] == [14, 15]
    assert [r.task.seq for r in diff.removed_with_progress] == [14]


def test_diff_reads_a_fixed_number_of_queries(seed_campaign, django_assert_max_num_queries):
    plan = seed_plan()
    with django_assert_max_num_queries(12) as small:
        plan_diff(seed_campaign, plan)
    grow_campaign(seed_campaign, total_tasks=150)
    plan.tasks += [
        ParsedTask(
            seq=1000 + i,
            phase="学习讨论阶段",
            text=f"任务{i}",
            due=None,
            due_text="",
            lead_units=[],
        )
        for i in range(200)
    ]
    with django_assert_max_num_queries(len(small.captured_queries)):
        diff = plan_diff(seed_campaign, plan)
    assert len(diff.tasks_changed) == 135


def test_apply_keeps_progress_of_unchanged_and_changed_tasks(seed_campaign):
    for seq, day in (
        (1, dt.date(2018, 5, 24)),
        (2, dt.date(2018, 5, 30)),
        (4, dt.date(2018, 6, 2)),
    ):
        task_record_completion(actor=None, task=seed_campaign.tasks.get(seq=seq), completed_on=day)
    before = {t.seq: t for t in Task.objects.filter(campaign=seed_campaign)}
    links_before = set(
        TaskUnit.objects.filter(task__campaign=seed_campaign, task__seq__in=[1, 2]).values_list(
            "pk", flat=True
        )
    )
    revised = parse_plan(revised_seed_text().encode("utf-8"), "revised.txt")

    campaign_apply_plan(actor=None, campaign=seed_campaign, plan=revised, source_name="r.txt")

    after = {t.seq: t for t in Task.objects.filter(campaign=seed_campaign)}
    assert sorted(after) == [*range(1, 14), 15, 16]
    # Unchanged tasks: the very same rows, progress intact, links untouched.
    for seq in (1, 2, 3, 5, 15):
        assert after[seq].pk == before[seq].pk
        assert after[seq].completed_on == before[seq].completed_on
    assert after[1].completed_on == dt.date(2018, 5, 24)
    assert after[2].completed_on == dt.date(2018, 5, 30)
    assert links_before <= set(
        TaskUnit.objects.filter(task__campaign=seed_campaign).values_list("pk", flat=True)
    )
    # The changed task is updated in place and keeps its completion.
    assert after[4].pk == before[4].pk
    assert after[4].due == dt.date(2018, 6, 10)
    assert after[4].completed_on == dt.date(2018, 6, 2)
    # The new task has its phase and lead unit.
    assert after[16].phase.name == "持续深化阶段"
    assert [u.name for u in after[16].units.all()] == ["宣传室"]
    assert after[16].completed_on is None
    assert Requirement.objects.filter(campaign=seed_campaign).count() == 5
    seed_campaign.refresh_from_db()
    assert seed_campaign.source_name == "r.txt"
    record = AuditRecord.objects.get(action="campaign.reimport")
    assert record.changes["tasks"]["removed"] == [14]
    assert record.changes["tasks"]["added"] == [16]
    assert list(record.changes["tasks"]["changed"]) == ["4"]
    # Applying the same plan again changes nothing.
    assert plan_diff(seed_campaign, revised).is_empty


def test_apply_revises_header_phases_themes_group_and_requirements(seed_campaign):
    plan = seed_plan()
    plan.title = "修订方案"
    plan.phases = plan.phases[:3]
    plan.phases[2] = dataclasses.replace(plan.phases[2], end=dt.date(2018, 12, 31))
    plan.tasks = [
        dataclasses.replace(t, phase="实践转化阶段") if t.phase == "持续深化阶段" else t
        for t in plan.tasks
    ]
    replace_task(plan, 3, lead_units=["督查处", "综合处"], co_units=["新设处"])
    plan.themes = plan.themes[:3]
    plan.leading_group.members["副组长"] = ["刘宝春"]
    plan.quotas = plan.quotas[:2]

    campaign_apply_plan(actor=None, campaign=seed_campaign, plan=plan, warning_days=3)

    campaign = Campaign.objects.get(pk=seed_campaign.pk)
    assert campaign.title == "修订方案"
    assert campaign.warning_days == 3
    assert campaign.end == dt.date(2018, 12, 31)
    assert list(Phase.objects.filter(campaign=campaign).values_list("name", flat=True)) == [
        "宣传发动阶段",
        "学习讨论阶段",
        "实践转化阶段",
    ]
    assert Task.objects.get(campaign=campaign, seq=15).phase.name == "实践转化阶段"
    links = TaskUnit.objects.filter(task__campaign=campaign, task__seq=3).select_related("unit")
    assert [(link.role, link.unit.name) for link in links] == [
        (TaskUnitRole.CO, "新设处"),
        (TaskUnitRole.LEAD, "督查处"),
        (TaskUnitRole.LEAD, "综合处"),
    ]
    assert Unit.objects.filter(office=campaign.office, name="新设处").exists()
    assert SubTheme.objects.filter(campaign=campaign).count() == 3
    deputies = LeadingGroupMember.objects.filter(campaign=campaign, role="deputy")
    assert [m.name for m in deputies] == ["刘宝春"]
    assert Requirement.objects.filter(campaign=campaign).count() == 2
    assert plan_diff(campaign, plan, warning_days=3).is_empty


@pytest.mark.parametrize("seq", [1, 7])
def test_apply_deletes_a_removed_task_with_its_progress(seed_campaign, seq):
    task_record_completion(
        actor=None, task=seed_campaign.tasks.get(seq=seq), completed_on=dt.date(2018, 6, 1)
    )
    plan = seed_plan()
    plan.tasks = [t for t in plan.tasks if t.seq != seq]
    campaign_apply_plan(actor=None, campaign=seed_campaign, plan=plan)
    assert not Task.objects.filter(campaign=seed_campaign, seq=seq).exists()
    assert Task.objects.filter(campaign=seed_campaign).count() == 14
