"""Reflections through their services: drafts, the optimistic lock, submission and review."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from huodong.core.models import AuditRecord
from huodong.notifications.models import Notification, NotificationKind
from huodong.orgs.models import Role, Unit, UnitKind, User
from huodong.participation.errors import NotAllowed, Refused
from huodong.participation.models import (
    COUNTED_REFLECTION_STATUSES,
    Reflection,
    ReflectionReview,
    ReflectionStatus,
)
from huodong.participation.services.reflections import (
    reflection_create,
    reflection_review,
    reflection_save,
    reflection_submit,
    reflection_withdraw,
)
from huodong.participation.wordcount import word_count

TEXT = "解放思想，推动高质量发展。GDP增长6.5%，我们要再接再厉。"


@pytest.fixture(autouse=True)
def _today(settings):
    settings.HUODONG_TODAY = "2018-06-20"
    # Messages are matched in English (the msgids); the interface defaults to Chinese.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def other_secretary(office, make_member) -> User:
    """The secretary of another party branch of the same office."""
    branch = Unit.objects.create(office=office, name="交易中心党支部", kind=UnitKind.BRANCH)
    unit = Unit.objects.create(office=office, name="交易中心", kind=UnitKind.AFFILIATE)
    return make_member(
        office, unit=unit, role=Role.BRANCH_SECRETARY, role_unit=branch, username="sec2"
    )


def draft(org, campaign, *, body: str = TEXT, title: str = "我的心得") -> Reflection:
    return reflection_create(actor=org.staff, campaign=campaign, title=title, body=body)


def submitted(org, campaign, **kwargs) -> Reflection:
    reflection = draft(org, campaign, **kwargs)
    return reflection_submit(actor=org.staff, reflection=reflection)


def fresh(reflection: Reflection) -> Reflection:
    return Reflection.objects.get(pk=reflection.pk)


def snapshot() -> list[tuple]:
    return [
        (r.pk, r.title, r.body, r.word_count, r.status, r.version, r.review_comment)
        for r in Reflection.objects.order_by("pk")
    ] + [("reviews", ReflectionReview.objects.count())]


# --- Drafts -------------------------------------------------------------------------------


def test_word_count_is_kept_on_every_save(org, campaign):
    reflection = draft(org, campaign)
    assert reflection.word_count == word_count(TEXT) == 26
    assert reflection.status == ReflectionStatus.DRAFT and reflection.version == 1

    longer = TEXT + "\r\n第二段：don't stop，2018年。"
    saved = reflection_save(
        actor=org.staff, reflection=reflection, title="新题目", body=longer, version=1
    )
    assert saved.version == 2
    assert saved.body == longer.replace("\r\n", "\n")
    assert saved.word_count == word_count(saved.body) == fresh(reflection).word_count
    assert AuditRecord.objects.filter(action="reflection.save").count() == 1


def test_a_stale_tab_is_refused_and_overwrites_nothing(org, campaign):
    reflection = draft(org, campaign)
    reflection_save(
        actor=org.staff, reflection=reflection, title="甲", body="第一台电脑", version=1
    )
    before = snapshot()
    with pytest.raises(Refused) as refused:
        reflection_save(
            actor=org.staff, reflection=reflection, title="乙", body="旧标签页的文字", version=1
        )
    assert refused.value.code == "stale"
    assert "reload" in refused.value.message
    assert snapshot() == before
    assert fresh(reflection).body == "第一台电脑"


def test_saving_the_same_text_changes_nothing(org, campaign):
    reflection = draft(org, campaign)
    again = reflection_save(
        actor=org.staff, reflection=reflection, title="我的心得", body=TEXT + "\n", version=1
    )
    assert again.version == 1
    assert not AuditRecord.objects.filter(action="reflection.save").exists()


def test_only_the_writer_edits_and_only_while_it_is_a_draft(org, campaign):
    reflection = draft(org, campaign)
    for intruder in (org.colleague, org.secretary, org.director):
        with pytest.raises(NotAllowed):
            reflection_save(actor=intruder, reflection=reflection, title="x", body="y", version=1)
    reflection_submit(actor=org.staff, reflection=reflection)
    with pytest.raises(Refused) as refused:
        reflection_save(
            actor=org.staff,
            reflection=reflection,
            title="x",
            body="y",
            version=fresh(reflection).version,
        )
    assert refused.value.code == "already_submitted"
    assert fresh(reflection).body == TEXT


def test_an_outsider_of_the_office_cannot_write(campaign, other_office, make_member, org):
    stranger = make_member(other_office, username="stranger")
    with pytest.raises(NotAllowed):
        reflection_create(actor=stranger, campaign=campaign, title="t", body="b")
    assert not Reflection.objects.exists()


def test_several_reflections_per_person_are_allowed(org, campaign):
    draft(org, campaign, title="一")
    draft(org, campaign, title="二")
    assert Reflection.objects.filter(person__user=org.staff).count() == 2


def test_a_title_is_required(org, campaign):
    with pytest.raises(Refused) as refused:
        reflection_create(actor=org.staff, campaign=campaign, title="  ", body=TEXT)
    assert refused.value.code == "title_required"


# --- Submission ---------------------------------------------------------------------------


def test_submitting_twice_records_one_submission(org, campaign):
    reflection = draft(org, campaign)
    first = reflection_submit(actor=org.staff, reflection=reflection, version=1)
    assert first.status == ReflectionStatus.SUBMITTED in COUNTED_REFLECTION_STATUSES
    assert first.submitted_at is not None
    before = snapshot()
    with pytest.raises(Refused) as refused:
        reflection_submit(actor=org.staff, reflection=reflection, version=1)
    assert refused.value.code == "already_submitted"
    assert "already submitted" in refused.value.message
    assert snapshot() == before
    assert ReflectionReview.objects.filter(to_status=ReflectionStatus.SUBMITTED).count() == 1


def test_an_empty_reflection_cannot_be_submitted(org, campaign):
    for body in ("", "   \n\t "):
        reflection = draft(org, campaign, body=body)
        with pytest.raises(Refused) as refused:
            reflection_submit(actor=org.staff, reflection=reflection)
        assert refused.value.code == "empty"
        assert fresh(reflection).status == ReflectionStatus.DRAFT
    assert not ReflectionReview.objects.exists()


def test_submitting_from_a_stale_tab_is_refused(org, campaign):
    reflection = draft(org, campaign)
    reflection_save(actor=org.staff, reflection=reflection, title="t", body="新文字", version=1)
    with pytest.raises(Refused) as refused:
        reflection_submit(actor=org.staff, reflection=reflection, version=1)
    assert refused.value.code == "stale"
    assert fresh(reflection).status == ReflectionStatus.DRAFT


def test_the_branch_secretary_is_told_of_a_submission(
    org, campaign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted(org, campaign)
    note = Notification.objects.get()
    assert (note.recipient, note.kind) == (org.secretary, NotificationKind.REVIEW)


def test_the_writer_withdraws_before_review(org, campaign):
    reflection = submitted(org, campaign)
    withdrawn = reflection_withdraw(actor=org.staff, reflection=reflection)
    assert withdrawn.status == ReflectionStatus.DRAFT
    assert withdrawn.status not in COUNTED_REFLECTION_STATUSES
    reflection_review_args = {"decision": "accept", "comment": ""}
    with pytest.raises(Refused):
        reflection_review(actor=org.secretary, reflection=reflection, **reflection_review_args)
    with pytest.raises(NotAllowed):
        reflection_withdraw(actor=org.colleague, reflection=reflection)


def _race(action: Callable[[], object], count: int = 2) -> list[str]:
    barrier = threading.Barrier(count)
    outcomes: list[str] = []

    def run() -> None:
        try:
            barrier.wait()
            action()
            outcomes.append("done")
        except Refused as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need a server database (SQLite's test database is shared-cache)",
)
def test_a_reflection_submitted_twice_at_once_is_submitted_once(transactional_db, org, campaign):
    reflection = draft(org, campaign)

    def submit() -> None:
        # Each worker has its own user object (and so its own membership cache).
        actor = User.objects.get(pk=org.staff.pk)
        reflection_submit(actor=actor, reflection=Reflection(pk=reflection.pk), version=1)

    assert _race(submit, count=4) == ["already_submitted"] * 3 + ["done"]
    assert fresh(reflection).status == ReflectionStatus.SUBMITTED
    assert ReflectionReview.objects.filter(reflection=reflection).count() == 1
    assert AuditRecord.objects.filter(action="reflection.submit").count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need a server database (SQLite's test database is shared-cache)",
)
def test_two_tabs_saving_at_once_keep_one_text(transactional_db, org, campaign):
    reflection = draft(org, campaign)
    texts = iter(["甲标签页", "乙标签页"])
    lock = threading.Lock()

    def save() -> None:
        with lock:
            body = next(texts)
        actor = User.objects.get(pk=org.staff.pk)
        reflection_save(actor=actor, reflection=reflection, title="t", body=body, version=1)

    assert _race(save) == ["done", "stale"]
    saved = fresh(reflection)
    assert saved.version == 2 and saved.body in {"甲标签页", "乙标签页"}
    assert saved.word_count == word_count(saved.body)


# --- Review -------------------------------------------------------------------------------


def test_the_branch_secretary_and_the_office_review(org, campaign, other_secretary):
    reflection = submitted(org, campaign)
    for outsider in (org.staff, org.colleague, org.unit_head, org.outsider_staff, other_secretary):
        before = snapshot()
        with pytest.raises(NotAllowed):
            reflection_review(actor=outsider, reflection=reflection, decision="accept")
        assert snapshot() == before
    accepted = reflection_review(actor=org.secretary, reflection=reflection, decision="accept")
    assert accepted.status == ReflectionStatus.ACCEPTED
    assert accepted.reviewed_by == org.secretary

    second = submitted(org, campaign, title="第二篇")
    reflection_review(actor=org.director, reflection=second, decision="accept")
    assert fresh(second).status == ReflectionStatus.ACCEPTED


def test_nobody_reviews_their_own_reflection(org, campaign):
    own = reflection_create(actor=org.secretary, campaign=campaign, title="书记的心得", body=TEXT)
    reflection_submit(actor=org.secretary, reflection=own)
    with pytest.raises(NotAllowed):
        reflection_review(actor=org.secretary, reflection=own, decision="excellent")
    assert fresh(own).status == ReflectionStatus.SUBMITTED


def test_returning_needs_a_comment_and_the_writer_revises(
    org, campaign, django_capture_on_commit_callbacks
):
    reflection = submitted(org, campaign)
    before = snapshot()
    with pytest.raises(Refused) as refused:
        reflection_review(
            actor=org.secretary, reflection=reflection, decision="return", comment=" "
        )
    assert refused.value.code == "comment_required"
    assert snapshot() == before

    with django_capture_on_commit_callbacks(execute=True):
        returned = reflection_review(
            actor=org.secretary, reflection=reflection, decision="return", comment="请结合岗位实际"
        )
    assert returned.status == ReflectionStatus.RETURNED not in COUNTED_REFLECTION_STATUSES
    assert returned.review_comment == "请结合岗位实际"
    note = Notification.objects.get(recipient=org.staff)
    assert note.kind == NotificationKind.REVIEW and note.body == "请结合岗位实际"
    assert note.url.endswith(f"/reflections/{reflection.pk}/")

    revised = reflection_save(
        actor=org.staff, reflection=reflection, title="改", body=TEXT * 2, version=returned.version
    )
    assert revised.status == ReflectionStatus.RETURNED
    again = reflection_submit(actor=org.staff, reflection=reflection, version=revised.version)
    assert again.status == ReflectionStatus.SUBMITTED
    assert again.review_comment == ""
    history = list(
        ReflectionReview.objects.filter(reflection=reflection).values_list(
            "from_status", "to_status", "comment"
        )
    )
    assert history == [
        ("draft", "submitted", ""),
        ("submitted", "returned", "请结合岗位实际"),
        ("returned", "submitted", ""),
    ]


def test_only_an_excellent_reflection_is_recommended(
    org, campaign, django_capture_on_commit_callbacks
):
    reflection = submitted(org, campaign)
    with pytest.raises(Refused) as refused:
        reflection_review(
            actor=org.director, reflection=reflection, decision="accept", recommend=True
        )
    assert refused.value.code == "recommend_needs_excellent"
    assert fresh(reflection).status == ReflectionStatus.SUBMITTED

    with django_capture_on_commit_callbacks(execute=True):
        excellent = reflection_review(
            actor=org.director,
            reflection=reflection,
            decision="excellent",
            comment="写得好",
            recommend=True,
        )
    assert excellent.status == ReflectionStatus.EXCELLENT in COUNTED_REFLECTION_STATUSES
    assert excellent.recommended_to_column
    assert Notification.objects.filter(recipient=org.staff, kind=NotificationKind.REVIEW).exists()
    # Reviewed once: a second review is refused.
    with pytest.raises(Refused) as refused:
        reflection_review(
            actor=org.secretary, reflection=reflection, decision="return", comment="x"
        )
    assert refused.value.code == "already_reviewed"


def test_a_draft_cannot_be_reviewed_and_bad_decisions_are_refused(org, campaign):
    reflection = draft(org, campaign)
    with pytest.raises(Refused) as refused:
        reflection_review(actor=org.secretary, reflection=reflection, decision="accept")
    assert refused.value.code == "not_submitted"
    with pytest.raises(Refused) as refused:
        reflection_review(actor=org.secretary, reflection=reflection, decision="maybe")
    assert refused.value.code == "bad_decision"
    assert not ReflectionReview.objects.exists()


def test_nothing_is_sent_when_a_review_is_refused(
    org, campaign, django_capture_on_commit_callbacks
):
    reflection = submitted(org, campaign)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Refused),
    ):
        reflection_review(actor=org.secretary, reflection=reflection, decision="return")
    assert callbacks == []
