"""Progress of outcomes: from milestones, set by hand, or rolled up from sub-outcomes, up to the
root after every change; the status that follows it; the shape of the tree."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection

from huodong.suggestions.errors import Refused
from huodong.suggestions.models import Milestone, Outcome, OutcomeEvent, OutcomeStatus, Rollup
from huodong.suggestions.services.outcomes import (
    milestone_add,
    milestone_complete,
    milestone_delete,
    milestone_reopen,
    milestone_update,
    outcome_create,
    outcome_delete,
    outcome_progress_set,
    outcome_update,
)
from huodong.suggestions.tests.test_outcomes_fixtures import *  # noqa: F403
from huodong.suggestions.tests.test_outcomes_fixtures import Org, new_outcome

pytestmark = pytest.mark.django_db


def progress(outcome: Outcome) -> Decimal:
    return Outcome.objects.get(pk=outcome.pk).progress


def status(outcome: Outcome) -> str:
    return Outcome.objects.get(pk=outcome.pk).status


def test_milestones_give_the_weighted_share_done_with_one_decimal(org: Org):
    outcome = new_outcome(org)
    first = milestone_add(actor=org.director, outcome=outcome, title="起草", weight=1)
    milestone_add(actor=org.director, outcome=outcome, title="征求意见", weight=1)
    milestone_add(actor=org.director, outcome=outcome, title="印发", weight=1)
    assert progress(outcome) == Decimal("0.0")
    milestone_complete(actor=org.unit_head, milestone=first)
    assert progress(outcome) == Decimal("33.3")
    assert status(outcome) == OutcomeStatus.IN_PROGRESS


def test_weighted_milestones(org: Org):
    outcome = new_outcome(org)
    light = milestone_add(actor=org.director, outcome=outcome, title="调研", weight=1)
    milestone_add(actor=org.director, outcome=outcome, title="出台", weight=3)
    milestone_complete(actor=org.director, milestone=light)
    assert progress(outcome) == Decimal("25.0")


def test_average_rollup_of_children(org: Org):
    parent = new_outcome(org, "推进方案")
    a = new_outcome(org, "子方案一", parent=parent)
    b = new_outcome(org, "子方案二", parent=parent)
    outcome_progress_set(actor=org.director, outcome=a, percent=50)
    assert progress(parent) == Decimal("25.0")
    outcome_progress_set(actor=org.unit_head, outcome=b, percent="100")
    assert progress(parent) == Decimal("75.0")
    assert status(parent) == OutcomeStatus.IN_PROGRESS
    assert status(b) == OutcomeStatus.DONE


def test_weighted_rollup_of_children_and_changing_the_way_recomputes(org: Org):
    parent = new_outcome(org, "推进方案", rollup=Rollup.WEIGHTED)
    a = new_outcome(org, "子方案一", parent=parent, weight=1)
    b = new_outcome(org, "子方案二", parent=parent, weight=3)
    outcome_progress_set(actor=org.director, outcome=a, percent=100)
    assert progress(parent) == Decimal("25.0")
    outcome_progress_set(actor=org.director, outcome=b, percent=Decimal("33.3"))
    # (100×1 + 33.3×3) / 4 = 49.975 → 50.0
    assert progress(parent) == Decimal("50.0")
    outcome_update(actor=org.director, outcome=parent, rollup=Rollup.AVERAGE)
    assert progress(parent) == Decimal("66.7")
    outcome_update(actor=org.director, outcome=parent, rollup=Rollup.WEIGHTED)
    outcome_update(actor=org.director, outcome=a, weight=1)  # unchanged: nothing recorded
    outcome_update(actor=org.director, outcome=b, weight=1)
    assert progress(parent) == Decimal("66.7")


def test_three_levels_roll_up_to_the_root_after_a_milestone(org: Org):
    root = new_outcome(org, "总体方案")
    mid = new_outcome(org, "子方案", parent=root)
    sibling = new_outcome(org, "另一子方案", parent=root)
    leaf = new_outcome(org, "具体措施", parent=mid)
    new_outcome(org, "另一措施", parent=mid)
    done = milestone_add(actor=org.director, outcome=leaf, title="完成", due_on=dt.date(2018, 7, 1))
    milestone_complete(actor=org.unit_head, milestone=done)
    assert progress(leaf) == Decimal("100.0")
    assert progress(mid) == Decimal("50.0")
    assert progress(root) == Decimal("25.0")
    assert progress(sibling) == Decimal("0.0")
    assert status(root) == OutcomeStatus.IN_PROGRESS
    # Each level's change is in its history.
    assert OutcomeEvent.objects.filter(outcome=root, action="progress").count() == 1


def test_a_fourth_level_is_refused_with_a_clear_message(org: Org):
    root = new_outcome(org, "一")
    mid = new_outcome(org, "二", parent=root)
    leaf = new_outcome(org, "三", parent=mid)
    with pytest.raises(Refused) as refused:
        new_outcome(org, "四", parent=leaf)
    assert refused.value.code == "too_deep"
    assert "3" in refused.value.message
    assert Outcome.objects.count() == 3
    # Moving a two-level subtree under a second-level outcome would make four levels too.
    other = new_outcome(org, "另一")
    new_outcome(org, "另一之子", parent=other)
    with pytest.raises(Refused) as refused:
        outcome_update(actor=org.director, outcome=other, parent=mid)
    assert refused.value.code == "too_deep"
    assert Outcome.objects.get(pk=other.pk).parent_id is None


def test_a_cycle_is_refused(org: Org):
    root = new_outcome(org, "一")
    child = new_outcome(org, "二", parent=root)
    with pytest.raises(Refused) as refused:
        outcome_update(actor=org.director, outcome=root, parent=child)
    assert refused.value.code == "cycle"
    with pytest.raises(Refused) as refused:
        outcome_update(actor=org.director, outcome=root, parent=root)
    assert refused.value.code == "cycle"
    assert Outcome.objects.get(pk=root.pk).parent_id is None


def test_moving_a_child_recomputes_both_parents(org: Org):
    first = new_outcome(org, "甲")
    second = new_outcome(org, "乙")
    done = new_outcome(org, "已完成", parent=first)
    new_outcome(org, "未开始", parent=first)
    outcome_progress_set(actor=org.director, outcome=done, percent=100)
    assert progress(first) == Decimal("50.0")
    outcome_update(actor=org.director, outcome=done, parent=second)
    assert progress(first) == Decimal("0.0")
    assert progress(second) == Decimal("100.0")
    assert status(second) == OutcomeStatus.DONE
    assert OutcomeEvent.objects.filter(outcome=done, action="moved").exists()
    # Taken out of every parent, it is a root again and the old parent recomputes.
    outcome_update(actor=org.director, outcome=done, parent=None)
    assert Outcome.objects.get(pk=done.pk).parent_id is None
    assert status(second) == OutcomeStatus.DONE  # no children any more: its value stays


def test_deleting_a_milestone_recomputes(org: Org):
    outcome = new_outcome(org)
    light = milestone_add(actor=org.director, outcome=outcome, title="调研", weight=1)
    heavy = milestone_add(actor=org.director, outcome=outcome, title="出台", weight=3)
    milestone_complete(actor=org.director, milestone=light)
    assert progress(outcome) == Decimal("25.0")
    milestone_delete(actor=org.unit_head, milestone=heavy)
    assert progress(outcome) == Decimal("100.0")
    assert status(outcome) == OutcomeStatus.DONE
    assert not Milestone.objects.filter(pk=heavy.pk).exists()


def test_changing_a_milestone_weight_recomputes(org: Org):
    outcome = new_outcome(org)
    light = milestone_add(actor=org.director, outcome=outcome, title="调研", weight=1)
    heavy = milestone_add(actor=org.director, outcome=outcome, title="出台", weight=1)
    milestone_complete(actor=org.director, milestone=light)
    assert progress(outcome) == Decimal("50.0")
    milestone_update(
        actor=org.director, milestone=heavy, title="出台", due_on=dt.date(2018, 9, 30), weight=4
    )
    assert progress(outcome) == Decimal("20.0")


def test_done_at_100_with_an_event_and_back_in_progress_when_reopened(org: Org):
    parent = new_outcome(org, "方案")
    outcome = new_outcome(org, "制度成果", parent=parent)
    only = milestone_add(actor=org.director, outcome=outcome, title="印发制度")
    milestone_complete(actor=org.unit_head, milestone=only, note="已印发")
    assert status(outcome) == OutcomeStatus.DONE
    assert status(parent) == OutcomeStatus.DONE
    assert OutcomeEvent.objects.filter(outcome=outcome, action="status", note="done").exists()
    assert Milestone.objects.get(pk=only.pk).note == "已印发"
    milestone_reopen(actor=org.unit_head, milestone=only)
    assert progress(outcome) == Decimal("0.0")
    assert status(outcome) == OutcomeStatus.IN_PROGRESS
    assert status(parent) == OutcomeStatus.IN_PROGRESS


def test_a_suspended_outcome_keeps_its_status(org: Org):
    outcome = new_outcome(org)
    outcome_update(actor=org.director, outcome=outcome, status=OutcomeStatus.SUSPENDED)
    outcome_progress_set(actor=org.director, outcome=outcome, percent=100)
    assert status(outcome) == OutcomeStatus.SUSPENDED
    outcome_update(actor=org.director, outcome=outcome, status=OutcomeStatus.DONE)
    assert status(outcome) == OutcomeStatus.DONE


def test_status_done_is_refused_below_100(org: Org):
    outcome = new_outcome(org)
    outcome_progress_set(actor=org.director, outcome=outcome, percent=60)
    with pytest.raises(Refused) as refused:
        outcome_update(actor=org.director, outcome=outcome, status=OutcomeStatus.DONE)
    assert refused.value.code == "not_complete"
    assert status(outcome) == OutcomeStatus.IN_PROGRESS


def test_manual_progress_is_refused_when_it_is_computed(org: Org):
    parent = new_outcome(org, "方案")
    child = new_outcome(org, "子方案", parent=parent)
    with pytest.raises(Refused) as refused:
        outcome_progress_set(actor=org.director, outcome=parent, percent=50)
    assert refused.value.code == "computed"
    milestone_add(actor=org.director, outcome=child, title="完成")
    with pytest.raises(Refused) as refused:
        outcome_progress_set(actor=org.director, outcome=child, percent=50)
    assert refused.value.code == "computed"
    assert progress(child) == Decimal("0.0")


@pytest.mark.parametrize("percent", [101, -1, "abc", "NaN", Decimal("100.06")])
def test_progress_out_of_range_is_refused(org: Org, percent):
    outcome = new_outcome(org)
    with pytest.raises(Refused) as refused:
        outcome_progress_set(actor=org.director, outcome=outcome, percent=percent)
    assert refused.value.code == "range"
    assert progress(outcome) == Decimal("0.0")
    assert not OutcomeEvent.objects.filter(outcome=outcome, action="progress").exists()


def test_deleting_a_child_recomputes_the_parent_and_a_parent_with_children_is_kept(org: Org):
    parent = new_outcome(org, "方案")
    done = new_outcome(org, "已完成", parent=parent)
    todo = new_outcome(org, "未完成", parent=parent)
    outcome_progress_set(actor=org.director, outcome=done, percent=100)
    with pytest.raises(Refused) as refused:
        outcome_delete(actor=org.director, outcome=parent)
    assert refused.value.code == "has_children"
    outcome_delete(actor=org.director, outcome=todo)
    assert progress(parent) == Decimal("100.0")
    assert status(parent) == OutcomeStatus.DONE


def test_a_stale_parent_object_does_not_lose_a_sibling_update(org: Org):
    """Each update recomputes the parent from the children's stored values, not from what the
    caller's objects say."""
    parent = new_outcome(org, "方案")
    a = new_outcome(org, "甲", parent=parent)
    b = new_outcome(org, "乙", parent=parent)
    stale_a = Outcome.objects.get(pk=a.pk)
    stale_b = Outcome.objects.get(pk=b.pk)
    outcome_progress_set(actor=org.director, outcome=stale_a, percent=40)
    outcome_progress_set(actor=org.director, outcome=stale_b, percent=80)
    assert progress(parent) == Decimal("60.0")


def test_a_parent_outside_the_office_is_not_allowed(org: Org):
    from huodong.orgs.models import Unit
    from huodong.suggestions.errors import NotAllowed

    foreign_unit = Unit.objects.create(office=org.other_office, name="外单位")
    foreign = outcome_create(
        actor=org.stranger,
        office=org.other_office,
        kind="policy",
        title="外办成果",
        responsible_unit=foreign_unit,
    )
    with pytest.raises(NotAllowed):
        new_outcome(org, "本办", parent=foreign)
    with pytest.raises(Refused) as refused:
        new_outcome(org, "本办", responsible_unit=foreign_unit)
    assert refused.value.code == "unit_outside"


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need a server database (SQLite's test database is shared-cache)",
)
def test_leaves_updated_at_once_all_roll_up_to_the_root(transactional_db, org: Org):
    """Leaves under different parents of one root, set at once: no deadlock, no lost update."""
    root = new_outcome(org, "方案")
    mids = [new_outcome(org, f"子{i}", parent=root) for i in range(2)]
    leaves = [new_outcome(org, f"叶{i}", parent=mids[i % 2]) for i in range(6)]
    barrier = threading.Barrier(len(leaves))
    errors: list[BaseException] = []

    def run(leaf: Outcome) -> None:
        try:
            barrier.wait()
            outcome_progress_set(actor=org.director, outcome=leaf, percent=100)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(leaf,)) for leaf in leaves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [progress(mid) for mid in mids] == [Decimal("100.0")] * 2
    assert progress(root) == Decimal("100.0")
    assert status(root) == OutcomeStatus.DONE
