"""The contest's services: the call and its steps, entries, judging, the decision, refusals
that change nothing, and the audit trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from huodong.contests import services
from huodong.contests.errors import NotAllowed, Refused, SheetInvalid
from huodong.contests.models import (
    Award,
    Contest,
    ContestStatus,
    Criterion,
    Entry,
    EntryStatus,
    Judge,
    JudgeComment,
    Score,
)
from huodong.contests.tests.conftest import (
    CLOSES,
    OPENS,
    PUBLIC_NAME,
    People,
    chinese,
    criteria,
    judge_of,
    make_contest,
    score_all,
    submit_public,
    submit_staff,
)
from huodong.core.models import AuditRecord
from huodong.notifications.models import Notification

pytestmark = pytest.mark.django_db


# --- The call -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["director", "office_staff"])
def test_the_office_creates_a_draft_contest(office, people, who):
    contest = make_contest(office, people, min_chars=None, max_chars=None)
    assert contest.status == ContestStatus.DRAFT
    other = services.contest_create(
        actor=getattr(people, who),
        office=office,
        title="第二次征文",
        theme="主题",
        opens_on=OPENS,
        closes_on=CLOSES,
    )
    assert other.office == office and other.created_by == getattr(people, who)
    assert AuditRecord.objects.filter(action="contest.create").count() == 2


@pytest.mark.parametrize("who", ["author", "leader", "inspector", "stranger"])
def test_others_may_not_create_a_contest(office, people, who):
    with pytest.raises(NotAllowed):
        services.contest_create(
            actor=getattr(people, who),
            office=office,
            title="征文",
            theme="主题",
            opens_on=OPENS,
            closes_on=CLOSES,
        )
    assert not Contest.objects.exists()


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"closes_on": OPENS - dt.timedelta(days=1)}, "bad_dates"),
        ({"min_chars": 3000, "max_chars": 200}, "bad_length"),
        ({"min_chars": 0}, "bad_length"),
        ({"title": "   "}, "bad_title"),
        ({"judges_per_entry": 0}, "bad_judges"),
    ],
)
def test_a_bad_call_is_refused(office, people, changes, code):
    with pytest.raises(Refused) as refused:
        make_contest(office, people, **changes)
    assert refused.value.code == code
    assert not Contest.objects.exists()


def test_the_call_changes_only_before_judging(judging, people):
    with pytest.raises(Refused) as refused:
        services.contest_update(
            actor=people.director,
            contest=judging.contest,
            title="改名",
            theme="主题",
            opens_on=OPENS,
            closes_on=CLOSES,
        )
    assert refused.value.code == "wrong_status"
    assert Contest.objects.get().title == "解放思想大讨论主题征文"


def test_the_call_is_edited_while_open(contest, people):
    updated = services.contest_update(
        actor=people.office_staff,
        contest=contest,
        title="延期后的征文",
        theme="主题",
        opens_on=OPENS,
        closes_on=CLOSES + dt.timedelta(days=10),
        min_chars=100,
    )
    assert updated.title == "延期后的征文" and updated.closes_on == dt.date(2018, 7, 10)
    record = AuditRecord.objects.get(action="contest.update")
    assert record.changes["closes_on"] == ["2018-06-30", "2018-07-10"]


def test_steps_out_of_order_are_refused(office, people):
    contest = make_contest(office, people)
    director = people.director
    for step in (
        services.contest_start_judging,
        services.contest_decide,
        services.contest_publish_results,
    ):
        with pytest.raises(Refused) as refused:
            step(actor=director, contest=contest)
        assert refused.value.code == "wrong_status"
    services.contest_open(actor=director, contest=contest)
    with pytest.raises(Refused):
        services.contest_open(actor=director, contest=contest)
    assert Contest.objects.get().status == ContestStatus.OPEN


def test_judging_needs_a_rubric_and_enough_judges(office, people):
    contest = make_contest(office, people)
    services.contest_open(actor=people.director, contest=contest)
    with pytest.raises(Refused) as refused:
        services.contest_start_judging(actor=people.director, contest=contest)
    assert refused.value.code == "no_rubric"
    services.criterion_add(actor=people.director, contest=contest, name="思想性", max_score=100)
    services.judge_add(
        actor=people.director, contest=contest, person=People.person(people.judges[0])
    )
    with pytest.raises(Refused) as refused:
        services.contest_start_judging(actor=people.director, contest=contest)
    assert refused.value.code == "too_few_judges"
    assert "3" in refused.value.message and "1" in refused.value.message
    assert Contest.objects.get().status == ContestStatus.OPEN


def test_judges_are_told_when_judging_begins(judging, people):
    told = Notification.objects.filter(recipient__in=people.judges)
    assert told.count() == 3
    assert all(f"/contests/{judging.contest.pk}/judge/" in n.url for n in told)


# --- Rubric, judges, awards ---------------------------------------------------------------


def test_the_rubric_is_edited_until_a_score_exists(judging, people):
    contest = judging.contest
    first = criteria(contest)[0]
    services.criterion_update(
        actor=people.director, criterion=first, name="思想性与政治性", max_score=40
    )
    services.score_sheet_save(
        actor=people.judges[0], entry=judging.entry, scores={first.pk: "30"}, comment=""
    )
    for call in (
        lambda: services.criterion_add(
            actor=people.director, contest=contest, name="创新性", max_score=10
        ),
        lambda: services.criterion_update(
            actor=people.director, criterion=first, name="思想性", max_score=50
        ),
        lambda: services.criterion_delete(actor=people.director, criterion=first),
    ):
        with pytest.raises(Refused) as refused:
            call()
        assert refused.value.code == "rubric_frozen"
        assert "already scored" in refused.value.message
    assert [(c.name, c.max_score) for c in criteria(contest)] == [
        ("思想性与政治性", 40),
        ("针对性", 30),
        ("文字表达", 30),
    ]


def test_a_duplicate_criterion_is_refused(contest, people):
    with pytest.raises(Refused) as refused:
        services.criterion_add(actor=people.director, contest=contest, name="思想性", max_score=5)
    assert refused.value.code == "duplicate"
    assert Criterion.objects.filter(contest=contest).count() == 3


def test_an_entrant_may_not_judge_and_a_judge_may_not_enter(contest, people):
    submit_staff(contest, people.author, 1)
    with pytest.raises(Refused) as refused:
        services.judge_add(
            actor=people.director, contest=contest, person=People.person(people.author)
        )
    assert refused.value.code == "judge_has_entry"
    with pytest.raises(Refused) as refused:
        services.entry_save(
            actor=people.judges[0], contest=contest, title="评委的文章", body=chinese(1, 300)
        )
    assert refused.value.code == "judge_cannot_enter"
    assert not Judge.objects.filter(person__user=people.author).exists()
    assert not Entry.objects.filter(author__user=people.judges[0]).exists()


def test_a_judge_comes_from_the_office(contest, people):
    with pytest.raises(NotAllowed):
        services.judge_add(
            actor=people.director, contest=contest, person=People.person(people.stranger)
        )
    with pytest.raises(Refused) as refused:
        services.judge_add(
            actor=people.director, contest=contest, person=People.person(people.judges[0])
        )
    assert refused.value.code == "already_judge"


def test_removing_a_judge_removes_their_scores_and_redoes_the_average(judging, people):
    score_all(judging.contest, people, {judging.entry.pk: [90, 80, 70]})
    assert Entry.objects.get(pk=judging.entry.pk).average_score == Decimal("80.00")
    services.judge_remove(actor=people.director, judge=judge_of(judging.contest, people.judges[0]))
    entry = Entry.objects.get(pk=judging.entry.pk)
    assert (entry.average_score, entry.judged_by) == (Decimal("75.00"), 2)
    assert not Score.objects.filter(judge__person__user=people.judges[0]).exists()


def test_a_duplicate_award_is_refused(contest, people):
    with pytest.raises(Refused) as refused:
        services.award_add(actor=people.director, contest=contest, name="一等奖", places=2, rank=1)
    assert refused.value.code == "duplicate"
    assert Award.objects.filter(contest=contest).count() == 3


@pytest.mark.parametrize("who", ["author", "leader", "stranger"])
def test_only_organisers_set_up(contest, people, who):
    actor = getattr(people, who)
    for call in (
        lambda: services.criterion_add(actor=actor, contest=contest, name="新", max_score=5),
        lambda: services.award_add(actor=actor, contest=contest, name="新奖", places=1, rank=9),
        lambda: services.judge_add(
            actor=actor, contest=contest, person=People.person(people.other_staff)
        ),
        lambda: services.contest_start_judging(actor=actor, contest=contest),
    ):
        with pytest.raises(NotAllowed):
            call()
    assert Criterion.objects.filter(contest=contest).count() == 3
    assert Contest.objects.get().status == ContestStatus.OPEN


def test_a_judge_who_is_office_staff_does_not_organise(contest, people):
    """Being a judge outweighs the office role for that contest."""
    services.judge_add(
        actor=people.director, contest=contest, person=People.person(people.office_staff)
    )
    with pytest.raises(NotAllowed):
        services.award_add(
            actor=people.office_staff, contest=contest, name="优秀奖", places=5, rank=4
        )


# --- Entries ------------------------------------------------------------------------------


def test_a_draft_then_a_submission_gets_the_next_number(contest, people):
    draft = services.entry_save(
        actor=people.author, contest=contest, title="草稿", body=chinese(1, 100)
    )
    assert draft.status == EntryStatus.DRAFT and draft.number is None
    assert draft.word_count == 100
    second = submit_staff(contest, people.second, 2)
    assert second.number == 1
    again = services.entry_save(
        actor=people.author, contest=contest, title="澄心致远", body=chinese(3, 600)
    )
    assert again.pk == draft.pk  # one entry per author
    submitted = services.entry_submit(actor=people.author, entry=again)
    assert (submitted.status, submitted.number) == (EntryStatus.SUBMITTED, 2)
    assert submitted.author_name == "欧阳清漪" and submitted.author_organisation == "澄江文史研究处"
    assert submitted.submitted_at is not None


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("", "empty"),
        ("   \n  ", "empty"),
        (chinese(1, 199), "too_short"),
        (chinese(1, 3001), "too_long"),
    ],
)
def test_an_entry_outside_the_length_is_not_submitted_and_nothing_is_saved(
    contest, people, body, code
):
    with pytest.raises(Refused) as refused:
        services.entry_save(
            actor=people.author, contest=contest, title="题目", body=body, submit=True
        )
    assert refused.value.code == code
    if code == "too_short":
        assert "199" in refused.value.message and "200" in refused.value.message
    assert not Entry.objects.exists()


@pytest.mark.parametrize(("today", "code"), [("2018-05-31", "not_yet"), ("2018-07-01", "closed")])
def test_no_submission_outside_the_dates(contest, people, settings, today, code):
    draft = services.entry_save(
        actor=people.author, contest=contest, title="题目", body=chinese(1, 300)
    )
    settings.HUODONG_TODAY = today
    with pytest.raises(Refused) as refused:
        services.entry_submit(actor=people.author, entry=draft)
    assert refused.value.code == code
    assert Entry.objects.get().status == EntryStatus.DRAFT


def test_no_entry_once_judging_begins(judging, people):
    with pytest.raises(Refused) as refused:
        services.entry_save(
            actor=people.other_staff, contest=judging.contest, title="迟到", body=chinese(1, 300)
        )
    assert refused.value.code == "not_open"
    with pytest.raises(Refused):
        services.entry_withdraw(actor=people.author, entry=judging.entry)
    assert Entry.objects.get(pk=judging.entry.pk).status == EntryStatus.SUBMITTED


def test_a_submitted_entry_is_withdrawn_changed_and_submitted_again(contest, people):
    entry = submit_staff(contest, people.author, 1)
    with pytest.raises(Refused) as refused:
        services.entry_save(actor=people.author, contest=contest, title="改", body=chinese(2, 300))
    assert refused.value.code == "not_editable"
    withdrawn = services.entry_withdraw(actor=people.author, entry=entry)
    assert withdrawn.status == EntryStatus.WITHDRAWN and withdrawn.number == 1
    changed = services.entry_save(
        actor=people.author, contest=contest, title="改过的", body=chinese(2, 300), submit=True
    )
    assert (changed.pk, changed.number, changed.status) == (entry.pk, 1, EntryStatus.SUBMITTED)


def test_someone_else_cannot_submit_or_withdraw_my_entry(contest, people):
    entry = submit_staff(contest, people.author, 1)
    with pytest.raises(NotAllowed):
        services.entry_withdraw(actor=people.second, entry=entry)
    with pytest.raises(NotAllowed):
        services.entry_withdraw(actor=people.stranger, entry=entry)
    assert Entry.objects.get().status == EntryStatus.SUBMITTED


def test_numbers_are_never_reused(contest, people):
    first = submit_staff(contest, people.author, 1)
    services.entry_withdraw(actor=people.author, entry=first)
    second = submit_staff(contest, people.second, 2)
    public = submit_public(contest)
    assert (second.number, public.number) == (2, 3)


# --- The public ---------------------------------------------------------------------------


def test_a_public_form_sent_twice_makes_one_entry(contest):
    token = services.public_entry_token_new()
    values = {
        "contest": contest,
        "token": token,
        "name": PUBLIC_NAME,
        "organisation": "某协会",
        "contact": "13900000000",
        "title": "一位市民的征文",
        "body": chinese(5, 400),
    }
    first = services.public_entry_submit(**values)
    second = services.public_entry_submit(**values)
    assert first.created and not second.created
    assert first.entry.pk == second.entry.pk
    assert Entry.objects.count() == 1
    entry = Entry.objects.get()
    assert entry.author is None and entry.number == 1 and entry.status == EntryStatus.SUBMITTED
    assert len(entry.receipt_code) == 16


def test_a_forged_token_and_a_missing_name_are_refused(contest):
    base = {
        "contest": contest,
        "name": PUBLIC_NAME,
        "organisation": "某协会",
        "contact": "13900000000",
        "title": "征文",
        "body": chinese(5, 400),
    }
    with pytest.raises(Refused) as refused:
        services.public_entry_submit(token="forged", **base)
    assert refused.value.code == "bad_token"
    with pytest.raises(Refused) as refused:
        services.public_entry_submit(
            token=services.public_entry_token_new(), **{**base, "name": " "}
        )
    assert refused.value.code == "bad_name"
    assert not Entry.objects.exists()


def test_the_public_enters_only_where_allowed(office, people):
    contest = make_contest(office, people, allows_public=False)
    services.contest_open(actor=people.director, contest=contest)
    with pytest.raises(NotAllowed):
        submit_public(contest)
    assert not Entry.objects.exists()


# --- Judging ------------------------------------------------------------------------------


def test_a_score_outside_the_rubric_saves_nothing(judging, people):
    first, second, third = criteria(judging.contest)
    judge = people.judges[0]
    services.score_sheet_save(
        actor=judge, entry=judging.entry, scores={first.pk: "20"}, comment="先记一笔"
    )
    for bad in ("31", "-1", "12.55", "abc"):
        with pytest.raises(SheetInvalid) as invalid:
            services.score_sheet_save(
                actor=judge,
                entry=judging.entry,
                scores={first.pk: "35", second.pk: bad, third.pk: "25"},
                comment="改了",
                complete=True,
            )
        assert list(invalid.value.errors) == [second.pk]
        assert "针对性" in invalid.value.errors[second.pk]
    assert list(Score.objects.values_list("criterion_id", "value")) == [(first.pk, Decimal("20.0"))]
    comment = JudgeComment.objects.get()
    assert comment.text == "先记一笔" and comment.completed_at is None


def test_a_complete_sheet_needs_every_criterion(judging, people):
    first, second, _third = criteria(judging.contest)
    with pytest.raises(SheetInvalid) as invalid:
        services.score_sheet_save(
            actor=people.judges[0],
            entry=judging.entry,
            scores={first.pk: "30", second.pk: "20"},
            complete=True,
        )
    assert len(invalid.value.errors) == 1
    assert not Score.objects.exists()


def test_the_average_counts_complete_sheets_only(judging, people):
    first, second, third = criteria(judging.contest)
    sheet = {first.pk: "35.5", second.pk: "25", third.pk: Decimal("20")}
    services.score_sheet_save(
        actor=people.judges[0], entry=judging.entry, scores=sheet, complete=True
    )
    services.score_sheet_save(
        actor=people.judges[1],
        entry=judging.entry,
        scores={first.pk: "10", second.pk: "10", third.pk: "10"},
        complete=False,
    )
    entry = Entry.objects.get(pk=judging.entry.pk)
    assert (entry.average_score, entry.judged_by) == (Decimal("80.50"), 1)
    services.score_sheet_save(
        actor=people.judges[1],
        entry=judging.entry,
        scores={first.pk: "30", second.pk: "20", third.pk: "20"},
        complete=True,
    )
    entry.refresh_from_db()
    assert (entry.average_score, entry.judged_by) == (Decimal("75.25"), 2)
    record = AuditRecord.objects.filter(action="contest.score_sheet_save").last()
    assert record.changes["complete"] is True


@pytest.mark.parametrize("who", ["director", "author", "other_staff", "stranger"])
def test_only_judges_score(judging, people, who):
    first = criteria(judging.contest)[0]
    with pytest.raises(NotAllowed):
        services.score_sheet_save(
            actor=getattr(people, who), entry=judging.entry, scores={first.pk: "10"}
        )
    assert not Score.objects.exists()


def test_scores_only_while_judging(contest, people):
    entry = submit_staff(contest, people.author, 1)
    first = criteria(contest)[0]
    with pytest.raises(Refused) as refused:
        services.score_sheet_save(actor=people.judges[0], entry=entry, scores={first.pk: "10"})
    assert refused.value.code == "not_judging"


# --- The decision -------------------------------------------------------------------------


def test_the_decision_ranks_and_awards(judging, people):
    score_all(
        judging.contest,
        people,
        {
            judging.entry.pk: [90, 90, 90],
            judging.second.pk: [80, 80, 80],
            judging.public.pk: [70, 70, 70],
        },
    )
    decision = services.contest_decide(actor=people.director, contest=judging.contest)
    assert (decision.ranked, decision.awarded, decision.tied) == (3, 3, frozenset())
    awards = dict(Entry.objects.values_list("pk", "award__name"))
    assert awards == {
        judging.entry.pk: "一等奖",
        judging.second.pk: "二等奖",
        judging.public.pk: "三等奖",
    }
    published = services.contest_publish_results(actor=people.director, contest=judging.contest)
    assert published.status == ContestStatus.PUBLISHED and published.results_published_at


def test_a_tie_across_an_award_is_left_to_the_office(judging, people):
    score_all(
        judging.contest,
        people,
        {
            judging.entry.pk: [90, 90, 90],
            judging.second.pk: [80, 80, 80],
            judging.public.pk: [80, 80, 80],
        },
    )
    decision = services.contest_decide(actor=people.director, contest=judging.contest)
    assert decision.tied == frozenset({judging.second.pk, judging.public.pk})
    assert dict(Entry.objects.values_list("pk", "award__name")) == {
        judging.entry.pk: "一等奖",
        judging.second.pk: None,
        judging.public.pk: None,
    }
    second_prize = Award.objects.get(name="二等奖")
    services.award_give(actor=people.director, entry=judging.public, award=second_prize)
    with pytest.raises(Refused) as refused:
        services.award_give(actor=people.director, entry=judging.second, award=second_prize)
    assert refused.value.code == "award_full"
    services.award_give(
        actor=people.director, entry=judging.second, award=Award.objects.get(name="三等奖")
    )
    services.award_take(actor=people.director, entry=judging.public)
    assert Entry.objects.get(pk=judging.public.pk).award is None


def test_entries_not_fully_judged_are_not_ranked(judging, people):
    score_all(judging.contest, people, {judging.entry.pk: [90, 90, 90]})
    decision = services.contest_decide(actor=people.director, contest=judging.contest)
    assert (decision.ranked, decision.not_fully_judged) == (1, 2)


def test_nothing_judged_nothing_decided(judging, people):
    with pytest.raises(Refused) as refused:
        services.contest_decide(actor=people.director, contest=judging.contest)
    assert refused.value.code == "nothing_judged"
    assert Contest.objects.get().status == ContestStatus.JUDGING


def test_a_disqualified_entry_leaves_judging(judging, people):
    with pytest.raises(Refused) as refused:
        services.entry_disqualify(actor=people.director, entry=judging.entry, reason=" ")
    assert refused.value.code == "no_reason"
    services.entry_disqualify(actor=people.director, entry=judging.entry, reason="查重显示大段抄袭")
    entry = Entry.objects.get(pk=judging.entry.pk)
    assert entry.status == EntryStatus.DISQUALIFIED and entry.disqualified_reason
    first = criteria(judging.contest)[0]
    with pytest.raises(NotAllowed):
        services.score_sheet_save(
            actor=people.judges[0], entry=judging.entry, scores={first.pk: "10"}
        )
    with pytest.raises(NotAllowed):
        services.entry_disqualify(actor=people.judges[0], entry=judging.second, reason="x")


def test_no_one_scores_their_own_entry(judging, people):
    """Kept apart by the services; a seat given another way is still refused."""
    seat = Judge.objects.create(contest=judging.contest, person=People.person(people.author))
    first = criteria(judging.contest)[0]
    with pytest.raises(Refused) as refused:
        services.score_sheet_save(actor=people.author, entry=judging.entry, scores={first.pk: "10"})
    assert refused.value.code == "own_entry"
    assert not Score.objects.filter(judge=seat).exists()
