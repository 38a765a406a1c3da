"""The suggestion pool's services: recording, triage, evaluators, answers, merging, settings.

Every refusal is checked to leave nothing behind (no row, no event, no audit record)."""

from __future__ import annotations

import pytest
from django.core import mail

from huodong.core.models import AuditRecord
from huodong.notifications.models import Notification
from huodong.orgs.models import Person
from huodong.suggestions.errors import NotAllowed, Refused
from huodong.suggestions.models import (
    Outcome,
    OutcomeKind,
    OutcomeSuggestion,
    Stage,
    Suggestion,
    SuggestionCategory,
    SuggestionEvaluation,
    SuggestionEvent,
    SuggestionSource,
    SuggestionStatus,
    SuggestionTag,
)
from huodong.suggestions.services import pool as services
from huodong.suggestions.services import pool_settings, pool_triage
from huodong.suggestions.services.pool import (
    AnswerChannel,
    answer_channel,
    suggestion_answer,
    suggestion_create,
    suggestion_submitters_notify,
    suggestion_update,
)
from huodong.suggestions.services.pool_triage import (
    evaluation_give,
    suggestion_evaluators_assign,
    suggestion_merge,
    suggestion_merge_group,
    suggestion_triage,
    suggestion_triage_bulk,
    suggestion_unmerge,
)

pytestmark = pytest.mark.django_db


def person(user) -> Person:
    return Person.objects.get(user=user)


def counts() -> tuple[int, int, int]:
    return Suggestion.objects.count(), SuggestionEvent.objects.count(), AuditRecord.objects.count()


# --- Recording --------------------------------------------------------------------------------


def test_a_staff_suggestion_is_numbered_in_order_with_its_history(pool):
    first = pool.suggest("第一条建议")
    second = pool.suggest("第二条建议", tags=["窗口", "窗口", " 效率 "], category=pool.category)
    assert (first.number, second.number) == (1, 2)
    assert second.submitter == person(pool.submitter)
    assert second.submitter_name == "建言人"
    assert sorted(second.tags.values_list("name", flat=True)) == ["效率", "窗口"]
    assert second.events.get().action == "created"
    assert AuditRecord.objects.filter(action="suggestion.create").count() == 2


def test_an_anonymous_staff_suggestion_keeps_no_trace_of_its_submitter(pool):
    suggestion = pool.suggest("匿名建议", is_anonymous=True)
    assert suggestion.submitter is None and suggestion.submitter_name == ""
    assert answer_channel(suggestion) == AnswerChannel.NONE


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "empty_text"), ("   \n ", "empty_text"), ("长" * 5001, "too_long")],
)
def test_an_empty_or_oversized_text_is_refused_and_nothing_saved(pool, text, code):
    before = counts()
    with pytest.raises(Refused) as refused:
        pool.suggest(text)
    assert refused.value.code == code
    assert counts() == before


def test_a_staff_member_cannot_suggest_in_another_office(pool):
    with pytest.raises(NotAllowed):
        suggestion_create(
            actor=pool.outsider, office=pool.office, text="外来建议", source=SuggestionSource.STAFF
        )
    assert not Suggestion.objects.exists()


def test_the_same_tracking_code_records_once(pool):
    first = pool.mailbox("同一条", tracking_code="abc123")
    again = pool.mailbox("同一条", tracking_code="abc123")
    assert first.pk == again.pk and Suggestion.objects.count() == 1


# --- Triage -----------------------------------------------------------------------------------


def test_triage_moves_the_stage_with_a_status_and_writes_history(pool):
    suggestion = pool.suggest()
    done = suggestion_triage(
        actor=pool.director, suggestion=suggestion, stage=Stage.EVALUATING, status=pool.forwarded
    )
    assert (done.stage, done.status) == (Stage.EVALUATING, pool.forwarded)
    event = suggestion.events.get(action="triaged")
    assert (event.from_stage, event.to_stage, event.note) == (
        "received",
        "evaluating",
        "转交职能部门",
    )
    assert AuditRecord.objects.filter(action="suggestion.triage").count() == 1
    # The same again changes nothing.
    suggestion_triage(
        actor=pool.director, suggestion=suggestion, stage=Stage.EVALUATING, status=pool.forwarded
    )
    assert suggestion.events.filter(action="triaged").count() == 1


def test_not_adopted_needs_a_reason(pool):
    suggestion = pool.suggest()
    before = counts()
    with pytest.raises(Refused) as refused:
        suggestion_triage(actor=pool.director, suggestion=suggestion, stage=Stage.NOT_ADOPTED)
    assert refused.value.code == "reason_required"
    assert counts() == before
    done = suggestion_triage(
        actor=pool.director,
        suggestion=suggestion,
        stage=Stage.NOT_ADOPTED,
        reason="与现行规定不符",
    )
    assert done.reason == "与现行规定不符"
    # Leaving "not adopted" clears the reason (the history keeps it).
    done = suggestion_triage(actor=pool.director, suggestion=suggestion, stage=Stage.VALUABLE)
    assert done.reason == ""


@pytest.mark.parametrize("which", ["other_office", "other_stage", "archived"])
def test_a_status_of_another_office_or_stage_or_archived_is_refused(pool, which):
    suggestion = pool.suggest()
    status = {
        "other_office": pool.other_status,
        "other_stage": pool.forwarded,
        "archived": SuggestionStatus.objects.create(
            office=pool.office, stage=Stage.VALUABLE, name="旧状态", archived_at="2018-06-01T00:00Z"
        ),
    }[which]
    before = counts()
    with pytest.raises(Refused) as refused:
        suggestion_triage(
            actor=pool.director, suggestion=suggestion, stage=Stage.VALUABLE, status=status
        )
    assert refused.value.code in ("bad_status", "status_stage", "archived_status")
    assert counts() == before
    suggestion.refresh_from_db()
    assert suggestion.stage == Stage.RECEIVED


@pytest.mark.parametrize(
    ("stage", "code"),
    [
        (Stage.DUPLICATE, "stage_by_merge"),
        (Stage.CONVERTED, "stage_by_outcome"),
        ("x", "bad_stage"),
    ],
)
def test_duplicate_and_converted_are_not_chosen_by_hand(pool, stage, code):
    suggestion = pool.suggest()
    with pytest.raises(Refused) as refused:
        suggestion_triage(actor=pool.director, suggestion=suggestion, stage=stage)
    assert refused.value.code == code


def test_a_converted_suggestion_follows_its_outcome(pool):
    suggestion = pool.suggest()
    outcome = Outcome.objects.create(
        office=pool.office, kind=OutcomeKind.PLAN, title="方案", responsible_unit=pool.unit
    )
    OutcomeSuggestion.objects.create(outcome=outcome, suggestion=suggestion)
    Suggestion.objects.filter(pk=suggestion.pk).update(stage=Stage.CONVERTED)
    with pytest.raises(Refused) as refused:
        suggestion_triage(actor=pool.director, suggestion=suggestion, stage=Stage.ADOPTED)
    assert refused.value.code == "converted"


@pytest.mark.parametrize("who", ["leader", "inspector", "submitter", "outsider"])
def test_only_the_office_triages(pool, who):
    suggestion = pool.suggest()
    with pytest.raises(NotAllowed):
        suggestion_triage(actor=getattr(pool, who), suggestion=suggestion, stage=Stage.VALUABLE)


def test_a_bulk_triage_is_all_or_nothing_and_names_the_refused_one(pool):
    first = pool.suggest("一")
    second = pool.suggest("二")
    third = pool.suggest("三")
    suggestion_merge(actor=pool.director, duplicate=second, original=first)
    events = SuggestionEvent.objects.count()
    with pytest.raises(Refused) as refused:
        suggestion_triage_bulk(
            actor=pool.director, suggestions=[first, second, third], stage=Stage.VALUABLE
        )
    assert refused.value.code == "is_duplicate"
    assert f"{second.number}" in refused.value.message
    assert set(Suggestion.objects.values_list("stage", flat=True)) == {
        Stage.RECEIVED,
        Stage.DUPLICATE,
    }
    assert SuggestionEvent.objects.count() == events
    done = suggestion_triage_bulk(
        actor=pool.director, suggestions=[first.pk, third.pk], stage=Stage.VALUABLE
    )
    assert {s.stage for s in done} == {Stage.VALUABLE}


def test_a_bulk_action_on_another_office_s_suggestion_is_not_allowed(pool):
    mine = pool.suggest()
    theirs = suggestion_create(
        actor=pool.outsider,
        office=pool.other_office,
        text="外办建议",
        source=SuggestionSource.STAFF,
    )
    with pytest.raises(NotAllowed):
        suggestion_triage_bulk(
            actor=pool.director, suggestions=[mine, theirs], stage=Stage.VALUABLE
        )
    mine.refresh_from_db()
    assert mine.stage == Stage.RECEIVED


def test_bulk_tag_and_category(pool):
    first, second = pool.suggest("一"), pool.suggest("二", tags=["效率"])
    pool_triage.suggestion_tag_add(actor=pool.director, suggestions=[first, second], name="效率")
    assert SuggestionTag.objects.filter(office=pool.office).count() == 1
    assert first.tags.count() == 1 and second.tags.count() == 1
    assert first.events.filter(action="tag_added").count() == 1
    assert not second.events.filter(action="tag_added").exists()
    pool_triage.suggestion_category_set(
        actor=pool.director, suggestions=[first, second], category=pool.category
    )
    assert set(Suggestion.objects.values_list("category", flat=True)) == {pool.category.pk}
    with pytest.raises(NotAllowed):
        pool_triage.suggestion_category_set(
            actor=pool.director, suggestions=[first], category=pool.other_category
        )
    with pytest.raises(Refused):
        pool_triage.suggestion_tag_add(actor=pool.director, suggestions=[first], name=" ")


# --- Correcting -------------------------------------------------------------------------------


def test_the_office_files_and_corrects_a_suggestion_and_the_history_keeps_the_old_text(pool):
    suggestion = pool.suggest("建议周末增没便民窗口")
    done = suggestion_update(
        actor=pool.office_staff,
        suggestion=suggestion,
        category=pool.category,
        tags=["窗口", "周末"],
        text="建议周末增设便民窗口",
    )
    assert done.text == "建议周末增设便民窗口" and done.category == pool.category
    corrected = suggestion.events.get(action="text_corrected")
    assert corrected.note == "建议周末增没便民窗口"
    assert set(suggestion.events.values_list("action", flat=True)) >= {"category", "tags"}
    with pytest.raises(Refused):
        suggestion_update(actor=pool.director, suggestion=suggestion, text="")
    with pytest.raises(NotAllowed):
        suggestion_update(actor=pool.director, suggestion=suggestion, category=pool.other_category)
    with pytest.raises(NotAllowed):
        suggestion_update(actor=pool.leader, suggestion=suggestion, tags=["x"])


# --- Evaluators -------------------------------------------------------------------------------


def test_evaluators_are_asked_once_and_told_in_their_inbox(pool):
    first, second = pool.suggest("一"), pool.suggest("二")
    new = suggestion_evaluators_assign(
        actor=pool.director, suggestions=[first, second], evaluators=[person(pool.evaluator)]
    )
    assert len(new) == 2
    first.refresh_from_db()
    assert first.stage == Stage.EVALUATING
    inbox = Notification.objects.filter(recipient=pool.evaluator)
    assert inbox.count() == 1 and "2" in inbox.get().title
    again = suggestion_evaluators_assign(
        actor=pool.director, suggestions=[first], evaluators=[person(pool.evaluator)]
    )
    assert again == [] and inbox.count() == 1
    assert SuggestionEvaluation.objects.count() == 2


def test_an_evaluator_must_belong_to_the_office(pool):
    suggestion = pool.suggest()
    with pytest.raises(Refused) as refused:
        suggestion_evaluators_assign(
            actor=pool.director, suggestions=[suggestion], evaluators=[person(pool.outsider)]
        )
    assert refused.value.code == "bad_evaluator"
    assert not SuggestionEvaluation.objects.exists()


def test_only_the_assigned_evaluator_gives_an_opinion(pool):
    suggestion = pool.suggest()
    suggestion_evaluators_assign(
        actor=pool.director, suggestions=[suggestion], evaluators=[person(pool.evaluator)]
    )
    for who in (pool.director, pool.stranger, pool.outsider):
        with pytest.raises(NotAllowed):
            evaluation_give(
                actor=who, suggestion=suggestion, opinion="好", recommended_stage=Stage.ADOPTED
            )
    with pytest.raises(Refused):
        evaluation_give(
            actor=pool.evaluator, suggestion=suggestion, opinion="", recommended_stage="adopted"
        )
    with pytest.raises(Refused):
        evaluation_give(
            actor=pool.evaluator, suggestion=suggestion, opinion="好", recommended_stage="duplicate"
        )
    given = evaluation_give(
        actor=pool.evaluator,
        suggestion=suggestion,
        opinion="可行，建议采纳",
        recommended_stage=Stage.ADOPTED,
    )
    assert given.given_at is not None and given.recommended_stage == Stage.ADOPTED
    assert suggestion.events.filter(action="evaluated").count() == 1
    # The director who asked is told.
    assert Notification.objects.filter(recipient=pool.director).count() == 1


# --- Answers ----------------------------------------------------------------------------------


def test_a_staff_submitter_is_answered_in_their_inbox(pool):
    suggestion = pool.suggest()
    done = suggestion_answer(actor=pool.director, suggestion=suggestion, text="已采纳，谢谢")
    assert done.answer == "已采纳，谢谢" and done.answered_by == pool.director
    note = Notification.objects.get(recipient=pool.submitter)
    assert note.url == "/suggestions/mine/"


def test_an_email_contact_is_answered_by_email_after_commit(
    pool, django_capture_on_commit_callbacks
):
    suggestion = pool.mailbox(submitter_name="王先生", submitter_contact="wang@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        suggestion_answer(actor=pool.director, suggestion=suggestion, text="感谢您的建议")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["wang@example.com"]
    assert "感谢您的建议" in message.body and suggestion.tracking_code in message.body


def test_a_phone_contact_is_not_emailed(pool, django_capture_on_commit_callbacks):
    suggestion = pool.mailbox(submitter_name="李女士", submitter_contact="13905271234")
    assert answer_channel(suggestion) == AnswerChannel.PHONE
    with django_capture_on_commit_callbacks(execute=True):
        suggestion_answer(actor=pool.director, suggestion=suggestion, text="已电话联系")
    assert mail.outbox == []


def test_nobody_to_answer_is_refused(pool):
    anonymous = pool.mailbox(is_anonymous=True, submitter_contact="x@example.com")
    before = counts()
    with pytest.raises(Refused) as refused:
        suggestion_answer(actor=pool.director, suggestion=anonymous, text="答复")
    assert refused.value.code == "anonymous"
    meeting_like = suggestion_create(
        actor=pool.director,
        office=pool.office,
        text="座谈会上的意见",
        source=SuggestionSource.STAFF,
        is_anonymous=True,
    )
    with pytest.raises(Refused):
        suggestion_answer(actor=pool.director, suggestion=meeting_like, text="答复")
    assert counts()[1:] == (before[1] + 1, before[2] + 1)  # only the second creation
    with pytest.raises(Refused) as empty:
        suggestion_answer(actor=pool.director, suggestion=pool.suggest(), text=" ")
    assert empty.value.code == "empty_answer"


def test_submitters_of_the_suggestions_and_their_duplicates_are_told_once(
    pool, django_capture_on_commit_callbacks
):
    staff = pool.suggest("一")
    public = pool.mailbox("一样的", submitter_name="王", submitter_contact="wang@example.com")
    anonymous = pool.mailbox("匿名", is_anonymous=True)
    suggestion_merge(actor=pool.director, duplicate=public, original=staff)
    with django_capture_on_commit_callbacks(execute=True):
        told = suggestion_submitters_notify(
            suggestions=[staff, anonymous],
            title="成果有进展",
            body="方案已印发",
            url="/outcomes/1/",
            dedupe_key="outcome-1-done",
        )
    assert told == 2
    assert Notification.objects.filter(recipient=pool.submitter).count() == 1
    assert [m.to for m in mail.outbox] == [["wang@example.com"]]
    with django_capture_on_commit_callbacks(execute=True):
        again = suggestion_submitters_notify(
            suggestions=[staff], title="成果有进展", body="", url="", dedupe_key="outcome-1-done"
        )
    assert again == 0 and len(mail.outbox) == 1


# --- Merging ----------------------------------------------------------------------------------


def test_merge_makes_a_duplicate_and_moves_its_own_duplicates(pool):
    a, b, c = pool.suggest("甲"), pool.suggest("乙"), pool.suggest("丙")
    suggestion_merge(actor=pool.director, duplicate=c, original=b)
    suggestion_merge(actor=pool.director, duplicate=b, original=a)
    b.refresh_from_db()
    c.refresh_from_db()
    assert (b.stage, b.duplicate_of) == (Stage.DUPLICATE, a)
    assert c.duplicate_of == a
    assert a.events.filter(action="duplicates_added").count() == 1
    back = suggestion_unmerge(actor=pool.director, suggestion=b)
    assert (back.stage, back.duplicate_of) == (Stage.RECEIVED, None)
    with pytest.raises(Refused):
        suggestion_unmerge(actor=pool.director, suggestion=a)


def test_a_suggestion_cannot_be_its_own_original(pool):
    a = pool.suggest()
    before = counts()
    with pytest.raises(Refused) as refused:
        suggestion_merge(actor=pool.director, duplicate=a, original=a)
    assert refused.value.code == "own_duplicate"
    assert counts() == before


def test_merging_into_a_copy_merges_into_its_original_and_a_cycle_is_refused(pool):
    a, b, c = pool.suggest("甲"), pool.suggest("乙"), pool.suggest("丙")
    suggestion_merge(actor=pool.director, duplicate=b, original=a)
    suggestion_merge(actor=pool.director, duplicate=c, original=b)
    c.refresh_from_db()
    assert c.duplicate_of == a
    with pytest.raises(Refused) as refused:
        suggestion_merge(actor=pool.director, duplicate=a, original=b)
    assert refused.value.code == "cycle"
    with pytest.raises(Refused) as already:
        suggestion_merge(actor=pool.director, duplicate=b, original=pool.suggest("丁"))
    assert already.value.code == "already_duplicate"


def test_merging_across_offices_is_not_allowed(pool):
    a = pool.suggest()
    theirs = suggestion_create(
        actor=pool.outsider, office=pool.other_office, text="外办", source=SuggestionSource.STAFF
    )
    with pytest.raises(NotAllowed):
        suggestion_merge(actor=pool.director, duplicate=a, original=theirs)
    a.refresh_from_db()
    assert a.stage == Stage.RECEIVED


def test_a_group_merges_into_a_chosen_original_all_or_nothing(pool):
    a, b, c = pool.suggest("甲"), pool.suggest("乙"), pool.suggest("丙")
    outcome = Outcome.objects.create(
        office=pool.office, kind=OutcomeKind.PLAN, title="方案", responsible_unit=pool.unit
    )
    OutcomeSuggestion.objects.create(outcome=outcome, suggestion=c)
    Suggestion.objects.filter(pk=c.pk).update(stage=Stage.CONVERTED)
    with pytest.raises(Refused) as refused:
        suggestion_merge_group(actor=pool.director, original=a, duplicates=[b, c])
    assert refused.value.code == "converted"
    assert not Suggestion.objects.filter(stage=Stage.DUPLICATE).exists()
    assert suggestion_merge_group(actor=pool.director, original=a, duplicates=[b.pk, a.pk]) == 1


# --- Statuses, categories, tags ---------------------------------------------------------------


def test_statuses_are_created_renamed_and_archived(pool):
    status = pool_settings.suggestion_status_create(
        actor=pool.director, office=pool.office, stage=Stage.ADOPTED, name="已落实"
    )
    assert status.sort_order == 1
    with pytest.raises(Refused) as taken:
        pool_settings.suggestion_status_create(
            actor=pool.director, office=pool.office, stage=Stage.VALUABLE, name="已落实"
        )
    assert taken.value.code == "name_taken"
    with pytest.raises(Refused):
        pool_settings.suggestion_status_create(
            actor=pool.director, office=pool.office, stage=Stage.DUPLICATE, name="重复"
        )
    renamed = pool_settings.suggestion_status_rename(
        actor=pool.director, status=status, name="已落实到位"
    )
    assert renamed.name == "已落实到位"
    archived = pool_settings.suggestion_status_archive(actor=pool.director, status=status)
    assert archived.archived_at is not None
    with pytest.raises(NotAllowed):
        pool_settings.suggestion_status_rename(actor=pool.leader, status=status, name="x")


def test_a_used_category_is_not_deleted(pool):
    suggestion = pool.suggest(category=pool.category)
    with pytest.raises(Refused) as refused:
        pool_settings.suggestion_category_delete(actor=pool.director, category=pool.category)
    assert refused.value.code == "category_used"
    suggestion_update(actor=pool.director, suggestion=suggestion, category=None)
    pool_settings.suggestion_category_delete(actor=pool.director, category=pool.category)
    assert not SuggestionCategory.objects.filter(office=pool.office).exists()
    created = pool_settings.suggestion_category_create(
        actor=pool.director, office=pool.office, name="政务服务"
    )
    assert (
        pool_settings.suggestion_category_rename(
            actor=pool.director, category=created, name="数字政府"
        ).name
        == "数字政府"
    )


def test_tags_are_renamed_and_deleted_off_their_suggestions(pool):
    suggestion = pool.suggest(tags=["窗口", "效率"])
    tag = SuggestionTag.objects.get(name="窗口")
    with pytest.raises(Refused):
        pool_settings.suggestion_tag_rename(actor=pool.director, tag=tag, name="效率")
    pool_settings.suggestion_tag_rename(actor=pool.director, tag=tag, name="窗口服务")
    pool_settings.suggestion_tag_delete(actor=pool.director, tag=tag)
    assert list(suggestion.tags.values_list("name", flat=True)) == ["效率"]
    assert AuditRecord.objects.filter(action="suggestion.tag_delete").get().changes[
        "suggestions"
    ] == [suggestion.pk]


def test_services_module_exposes_the_pool_functions():
    assert callable(services.suggestion_submitters_notify)


def test_an_email_to_a_submitter_is_sent_once_however_often_its_task_runs(
    pool, django_capture_on_commit_callbacks
):
    from huodong.suggestions.models import SubmitterEmail
    from huodong.suggestions.tasks import send_submitter_emails

    public = pool.mailbox("建议", submitter_name="王", submitter_contact="wang@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        suggestion_answer(actor=pool.director, suggestion=public, text="已采纳，谢谢。")
    email = SubmitterEmail.objects.get()
    assert email.sent_at is not None and len(mail.outbox) == 1
    assert send_submitter_emails.call([email.pk]) == 0  # a retry, a second worker
    assert len(mail.outbox) == 1
