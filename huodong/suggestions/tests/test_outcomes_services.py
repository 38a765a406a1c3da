"""The outcome services: who may, what is refused (nothing saved), the suggestions linked and
what their submitters hear, documents."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from huodong.core.models import AuditRecord
from huodong.notifications.models import Notification
from huodong.suggestions.errors import NotAllowed, Refused
from huodong.suggestions.models import (
    Milestone,
    Outcome,
    OutcomeDocument,
    OutcomeEvent,
    OutcomeKind,
    OutcomeSuggestion,
    Stage,
    Suggestion,
    SuggestionEvent,
)
from huodong.suggestions.services.outcomes import (
    milestone_add,
    milestone_complete,
    outcome_create,
    outcome_delete,
    outcome_document_add,
    outcome_document_delete,
    outcome_link_suggestions,
    outcome_progress_set,
    outcome_unlink_suggestion,
    outcome_update,
)
from huodong.suggestions.tests.test_outcomes_fixtures import *  # noqa: F403
from huodong.suggestions.tests.test_outcomes_fixtures import (
    Org,
    new_outcome,
    new_suggestion,
    public_suggestion,
    staff_suggestion,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def stage(suggestion: Suggestion) -> str:
    return Suggestion.objects.get(pk=suggestion.pk).stage


# --- Creating and editing -----------------------------------------------------------------


def test_the_office_creates_an_outcome_with_its_history_and_audit(org: Org):
    outcome = new_outcome(org, "  关于进一步优化营商环境的若干意见  ", description="内容")
    assert outcome.title == "关于进一步优化营商环境的若干意见"
    assert outcome.office == org.office
    assert outcome.created_by == org.director
    assert OutcomeEvent.objects.filter(outcome=outcome, action="created").count() == 1
    assert AuditRecord.objects.filter(action="outcome.create", object_id=str(outcome.pk)).exists()
    staff_made = outcome_create(
        actor=org.office_staff,
        office=org.office,
        kind=OutcomeKind.PRACTICE,
        title="实践成果",
        responsible_unit=org.other_unit,
    )
    assert staff_made.responsible_unit == org.other_unit


@pytest.mark.parametrize(
    "who", ["leader", "inspector", "unit_head", "unit_contact", "staff", "stranger"]
)
def test_only_the_office_creates_and_edits_outcomes(org: Org, who):
    with pytest.raises(NotAllowed):
        outcome_create(
            actor=getattr(org, who),
            office=org.office,
            kind=OutcomeKind.POLICY,
            title="不该建立",
            responsible_unit=org.unit,
        )
    outcome = new_outcome(org)
    with pytest.raises(NotAllowed):
        outcome_update(actor=getattr(org, who), outcome=outcome, title="改名")
    with pytest.raises(NotAllowed):
        outcome_delete(actor=getattr(org, who), outcome=outcome)
    assert Outcome.objects.get().title == "政策意见"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"title": "   "}, "required"),
        ({"title": "长" * 201}, "too_long"),
        ({"kind": "poem"}, "choice"),
        ({"rollup": "max"}, "choice"),
        ({"weight": 0}, "weight"),
        ({"weight": 101}, "weight"),
    ],
)
def test_bad_fields_are_refused_and_nothing_is_saved(org: Org, fields, code):
    with pytest.raises(Refused) as refused:
        new_outcome(org, **({"title": "标题"} | fields))
    assert refused.value.code == code
    assert not Outcome.objects.exists()


def test_editing_records_what_changed(org: Org):
    outcome = new_outcome(org)
    outcome_update(
        actor=org.director,
        outcome=outcome,
        title="新标题",
        responsible_unit=org.other_unit,
        is_public=True,
    )
    outcome.refresh_from_db()
    assert (outcome.title, outcome.responsible_unit, outcome.is_public) == (
        "新标题",
        org.other_unit,
        True,
    )
    event = OutcomeEvent.objects.get(outcome=outcome, action="updated")
    assert event.note == "is_public, responsible_unit, title"
    audit = AuditRecord.objects.get(action="outcome.update")
    assert audit.changes["responsible_unit"] == org.other_unit.pk


# --- Suggestions --------------------------------------------------------------------------


def test_linking_converts_the_suggestions_with_an_event_each(org: Org):
    outcome = new_outcome(org, "不见面审批推进方案")
    valuable = new_suggestion(org, "甲")
    adopted = new_suggestion(org, "乙", stage=Stage.ADOPTED)
    linked = outcome_link_suggestions(
        actor=org.director, outcome=outcome, suggestions=[valuable, adopted]
    )
    assert {s.pk for s in linked} == {valuable.pk, adopted.pk}
    assert stage(valuable) == stage(adopted) == Stage.CONVERTED
    event = SuggestionEvent.objects.get(suggestion=adopted, action="converted")
    assert (event.from_stage, event.to_stage, event.note) == (
        Stage.ADOPTED,
        Stage.CONVERTED,
        "不见面审批推进方案",
    )
    assert OutcomeEvent.objects.get(outcome=outcome, action="linked").note == (
        f"#{valuable.number}、#{adopted.number}"
    )
    # Linking again changes nothing; a converted suggestion may also feed a second outcome.
    assert (
        outcome_link_suggestions(actor=org.director, outcome=outcome, suggestions=[valuable]) == []
    )
    second = new_outcome(org, "第二个成果")
    outcome_link_suggestions(actor=org.director, outcome=second, suggestions=[valuable])
    assert OutcomeSuggestion.objects.filter(suggestion=valuable).count() == 2


def test_linking_a_suggestion_not_yet_valuable_links_none(org: Org):
    outcome = new_outcome(org)
    valuable = new_suggestion(org, "甲")
    received = new_suggestion(org, "乙", stage=Stage.RECEIVED)
    with pytest.raises(Refused) as refused:
        outcome_link_suggestions(
            actor=org.director, outcome=outcome, suggestions=[valuable, received]
        )
    assert refused.value.code == "not_linkable"
    assert f"#{received.number}" in refused.value.message
    assert f"#{valuable.number}" not in refused.value.message
    assert not OutcomeSuggestion.objects.exists()
    assert stage(valuable) == Stage.VALUABLE
    assert not SuggestionEvent.objects.filter(action="converted").exists()


def test_linking_duplicates_and_rejected_suggestions_is_refused_naming_them(org: Org):
    outcome = new_outcome(org)
    original = new_suggestion(org, "原件")
    duplicate = new_suggestion(org, "重复", stage=Stage.VALUABLE)
    Suggestion.objects.filter(pk=duplicate.pk).update(stage=Stage.DUPLICATE, duplicate_of=original)
    duplicate.refresh_from_db()
    rejected = new_suggestion(org, "不采纳", stage=Stage.NOT_ADOPTED)
    with pytest.raises(Refused) as refused:
        outcome_link_suggestions(
            actor=org.director, outcome=outcome, suggestions=[original, duplicate, rejected]
        )
    assert f"#{duplicate.number}" in refused.value.message
    assert f"#{rejected.number}" in refused.value.message
    assert not OutcomeSuggestion.objects.exists()


def test_linking_another_offices_suggestion_or_by_a_unit_head_is_not_allowed(org: Org):
    from huodong.suggestions.services.pool import suggestion_create

    outcome = new_outcome(org)
    foreign = suggestion_create(
        actor=None, office=org.other_office, text="外办建议", source="mailbox"
    )
    Suggestion.objects.filter(pk=foreign.pk).update(stage=Stage.VALUABLE)
    with pytest.raises(NotAllowed):
        outcome_link_suggestions(actor=org.director, outcome=outcome, suggestions=[foreign])
    mine = new_suggestion(org)
    with pytest.raises(NotAllowed):
        outcome_link_suggestions(actor=org.unit_head, outcome=outcome, suggestions=[mine])
    assert not OutcomeSuggestion.objects.exists()


def test_unlinking_the_last_outcome_puts_the_suggestion_back_to_adopted(org: Org):
    first = new_outcome(org, "一")
    second = new_outcome(org, "二")
    suggestion = new_suggestion(org)
    outcome_link_suggestions(actor=org.director, outcome=first, suggestions=[suggestion])
    outcome_link_suggestions(actor=org.director, outcome=second, suggestions=[suggestion])
    outcome_unlink_suggestion(actor=org.director, outcome=first, suggestion=suggestion)
    assert stage(suggestion) == Stage.CONVERTED
    outcome_unlink_suggestion(actor=org.director, outcome=second, suggestion=suggestion)
    assert stage(suggestion) == Stage.ADOPTED
    event = SuggestionEvent.objects.get(suggestion=suggestion, action="unconverted")
    assert (event.from_stage, event.to_stage) == (Stage.CONVERTED, Stage.ADOPTED)
    with pytest.raises(Refused) as refused:
        outcome_unlink_suggestion(actor=org.director, outcome=second, suggestion=suggestion)
    assert refused.value.code == "not_linked"


def test_deleting_an_outcome_gives_its_suggestions_back(org: Org):
    outcome = new_outcome(org)
    suggestion = new_suggestion(org)
    outcome_link_suggestions(actor=org.director, outcome=outcome, suggestions=[suggestion])
    milestone_add(actor=org.director, outcome=outcome, title="起草")
    outcome_delete(actor=org.director, outcome=outcome)
    assert not Outcome.objects.exists()
    assert not Milestone.objects.exists()
    assert stage(suggestion) == Stage.ADOPTED
    assert AuditRecord.objects.filter(action="outcome.delete").exists()


# --- What submitters hear -----------------------------------------------------------------


def test_submitters_hear_of_the_link_and_of_progress(org: Org, django_capture_on_commit_callbacks):
    outcome = new_outcome(org, "窗口服务首问负责制度")
    mine = staff_suggestion(org, org.staff)
    theirs = public_suggestion(org)
    anonymous = new_suggestion(org, "匿名建议", is_anonymous=True)
    with django_capture_on_commit_callbacks(execute=True):
        outcome_link_suggestions(
            actor=org.director, outcome=outcome, suggestions=[mine, theirs, anonymous]
        )
    inbox = Notification.objects.filter(recipient=org.staff)
    assert inbox.count() == 1
    assert "窗口服务首问负责制度" in inbox.get().title
    assert inbox.get().url == f"/outcomes/{outcome.pk}/"
    public_mail = [m for m in mail.outbox if "citizen@example.com" in m.to]
    assert len(public_mail) == 1
    assert theirs.tracking_code in public_mail[0].body

    mail.outbox.clear()
    milestone = milestone_add(actor=org.director, outcome=outcome, title="印发")
    with django_capture_on_commit_callbacks(execute=True):
        milestone_complete(actor=org.unit_head, milestone=milestone)
    news = inbox.order_by("-pk").first()
    assert inbox.count() == 2  # one message for the milestone, its progress and status
    assert "印发" in news.body
    assert "100.0%" in news.body
    assert len([m for m in mail.outbox if "citizen@example.com" in m.to]) == 1


def test_a_parent_rolling_up_tells_its_own_submitters(org: Org, django_capture_on_commit_callbacks):
    parent = new_outcome(org, "推进方案")
    child = new_outcome(org, "子方案", parent=parent)
    suggestion = staff_suggestion(org, org.staff)
    outcome_link_suggestions(actor=org.director, outcome=parent, suggestions=[suggestion])
    before = Notification.objects.filter(recipient=org.staff).count()
    outcome_progress_set(actor=org.director, outcome=child, percent=40)
    notes = Notification.objects.filter(recipient=org.staff).order_by("pk")
    assert notes.count() == before + 1
    assert "推进方案" in notes.last().title
    assert "40.0%" in notes.last().body


def test_nothing_changed_tells_nobody(org: Org):
    outcome = new_outcome(org)
    suggestion = staff_suggestion(org, org.staff)
    outcome_link_suggestions(actor=org.director, outcome=outcome, suggestions=[suggestion])
    outcome_progress_set(actor=org.director, outcome=outcome, percent=30)
    count = Notification.objects.count()
    outcome_progress_set(actor=org.director, outcome=outcome, percent=30)
    assert Notification.objects.count() == count


# --- Milestones and progress: the responsible unit ----------------------------------------


@pytest.mark.parametrize("who", ["director", "office_staff", "unit_head", "unit_contact"])
def test_the_office_and_the_responsible_unit_update_milestones(org: Org, who):
    outcome = new_outcome(org)
    milestone = milestone_add(
        actor=getattr(org, who), outcome=outcome, title="起草", due_on=dt.date(2018, 7, 1)
    )
    done = milestone_complete(actor=getattr(org, who), milestone=milestone, note="完成")
    assert done.done_by == getattr(org, who)
    with pytest.raises(Refused) as refused:
        milestone_complete(actor=getattr(org, who), milestone=milestone)
    assert refused.value.code == "already_done"


@pytest.mark.parametrize("who", ["leader", "inspector", "other_unit_head", "staff", "stranger"])
def test_others_may_not_update_milestones_or_progress(org: Org, who):
    outcome = new_outcome(org)
    milestone = milestone_add(actor=org.director, outcome=outcome, title="起草")
    with pytest.raises(NotAllowed):
        milestone_add(actor=getattr(org, who), outcome=outcome, title="不该加")
    with pytest.raises(NotAllowed):
        milestone_complete(actor=getattr(org, who), milestone=milestone)
    bare = new_outcome(org, "无里程碑")
    with pytest.raises(NotAllowed):
        outcome_progress_set(actor=getattr(org, who), outcome=bare, percent=10)
    assert Milestone.objects.get().done_at is None
    assert Milestone.objects.count() == 1


def test_a_milestone_needs_a_title_and_a_sane_weight(org: Org):
    outcome = new_outcome(org)
    with pytest.raises(Refused) as refused:
        milestone_add(actor=org.director, outcome=outcome, title=" ")
    assert refused.value.code == "required"
    with pytest.raises(Refused) as refused:
        milestone_add(actor=org.director, outcome=outcome, title="起草", weight=0)
    assert refused.value.code == "weight"
    assert not Milestone.objects.exists()


# --- Documents ----------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_a_document_is_judged_by_its_bytes_and_stored(org: Org, media):
    outcome = new_outcome(org)
    upload = SimpleUploadedFile("方案.pdf", PDF, content_type="application/octet-stream")
    document = outcome_document_add(actor=org.unit_head, outcome=outcome, upload=upload)
    assert document.content_type == "application/pdf"
    assert document.original_name == "方案.pdf"
    assert document.size == len(PDF)
    assert [p.read_bytes() for p in stored_files(media)] == [PDF]
    assert OutcomeEvent.objects.filter(outcome=outcome, action="document_added").exists()


def test_a_wrong_file_type_is_refused_with_nothing_saved(org: Org, media):
    outcome = new_outcome(org)
    upload = SimpleUploadedFile("方案.pdf", b"MZ\x90\x00 not a pdf at all")
    with pytest.raises(Refused) as refused:
        outcome_document_add(actor=org.director, outcome=outcome, upload=upload)
    assert refused.value.code == "type"
    assert "PDF" in refused.value.message
    assert not OutcomeDocument.objects.exists()
    assert stored_files(media) == []
    assert not OutcomeEvent.objects.filter(action="document_added").exists()


def test_documents_by_others_are_not_allowed_and_deleting_removes_the_file(
    org: Org, media, django_capture_on_commit_callbacks
):
    outcome = new_outcome(org)
    with pytest.raises(NotAllowed):
        outcome_document_add(
            actor=org.other_unit_head,
            outcome=outcome,
            upload=SimpleUploadedFile("a.pdf", PDF),
        )
    document = outcome_document_add(
        actor=org.director, outcome=outcome, upload=SimpleUploadedFile("a.pdf", PDF)
    )
    with pytest.raises(NotAllowed):
        outcome_document_delete(actor=org.leader, document=document)
    with django_capture_on_commit_callbacks(execute=True):
        outcome_document_delete(actor=org.unit_contact, document=document)
    assert not OutcomeDocument.objects.exists()
    assert stored_files(media) == []


# --- The demo -----------------------------------------------------------------------------


def test_the_demo_outcomes_roll_up_and_link_suggestions(org: Org):
    from decimal import Decimal

    from huodong.suggestions.demo_outcomes import build_outcomes_demo
    from huodong.suggestions.models import OutcomeStatus

    valuable = new_suggestion(org, "建议出台优化营商环境意见")
    policy, plan, rule, online_hall, delivery = build_outcomes_demo(org.campaign)
    assert policy.kind == OutcomeKind.POLICY and policy.is_public
    progress = {o.title: o.progress for o in Outcome.objects.all()}
    assert progress[policy.title] == Decimal("50.0")
    assert progress[online_hall.title] == Decimal("50.0")
    assert progress[delivery.title] == Decimal("33.3")
    assert progress[plan.title] == Decimal("44.4")  # (50×2 + 33.3×1) / 3
    rule.refresh_from_db()
    assert rule.progress == Decimal("100.0") and rule.status == OutcomeStatus.DONE
    assert list(Outcome.objects.filter(is_public=True)) == [policy]
    assert Suggestion.objects.get(pk=valuable.pk).stage == Stage.CONVERTED
    assert OutcomeSuggestion.objects.filter(suggestion=valuable, outcome=policy).exists()
    assert Milestone.objects.filter(due_on__year=2018).count() == Milestone.objects.count() == 12
    assert Milestone.objects.filter(done_at__date=dt.date(2018, 6, 12)).exists()


def test_the_demo_records_suggestions_when_the_pool_has_none(org: Org):
    from huodong.suggestions.demo_outcomes import build_outcomes_demo

    build_outcomes_demo(org.campaign)
    made = Suggestion.objects.filter(campaign=org.campaign)
    assert made.count() == 2
    assert set(made.values_list("stage", flat=True)) == {Stage.CONVERTED}
    assert OutcomeSuggestion.objects.count() == 2
