"""Issue #8's acceptance chain, end to end: a questionnaire's written answer and an opinion
raised at a seminar become suggestions, are marked valuable, are linked to an outcome whose
milestones complete; its progress reaches 100%, its parent's progress rolls up, and the
identified submitter is told — in the inbox, and by e-mail for a guest who left an address.
The pages then show the chain back: where each suggestion came from and what became of it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from huodong.campaigns.models import Campaign
from huodong.engagement.models import MeetingKind
from huodong.engagement.services.meetings import guest_add, meeting_create, opinion_record
from huodong.notifications.models import Notification
from huodong.orgs.models import Role
from huodong.suggestions.models import OutcomeKind, OutcomeStatus, Rollup, Stage, SuggestionSource
from huodong.suggestions.services.outcomes import (
    milestone_add,
    milestone_complete,
    outcome_create,
    outcome_link_suggestions,
)
from huodong.suggestions.services.pool_triage import suggestion_triage
from huodong.surveys.models import Audience, QuestionKind
from huodong.surveys.services import (
    answer_send_to_pool,
    device_token_new,
    question_add,
    response_submit,
    survey_create,
    survey_publish,
)
from huodong.testing.factories import UnitFactory

pytestmark = pytest.mark.django_db


def test_opinions_become_an_outcome_and_the_submitters_are_told(
    office, make_member, client, django_capture_on_commit_callbacks
):
    director = make_member(office, role=Role.OFFICE_DIRECTOR)
    unit = UnitFactory(office=office, name="政务服务科")
    speaker = make_member(office, unit=unit, name="许清远")
    campaign = Campaign.objects.create(
        office=office,
        title="解放思想大讨论活动",
        start=dt.date(2018, 5, 1),
        end=dt.date(2018, 12, 31),
    )

    # 1. A member of the public writes an idea into the questionnaire; the office sends it on.
    survey = survey_create(
        actor=director,
        office=office,
        title="营商环境问卷",
        audience=Audience.PUBLIC,
        campaign=campaign,
    )
    idea = question_add(
        actor=director,
        section=survey.sections.get(),
        kind=QuestionKind.LONG_TEXT,
        text="您的意见建议",
        max_length=500,
    )
    survey_publish(actor=director, survey=survey)
    response = response_submit(
        survey=survey,
        actor=None,
        data={f"q{idea.pk}": ["建议企业开办实行全程帮办代办，一次办好。"]},
        device_token=device_token_new(),
        address="10.1.1.1",
    )
    answer = response.answers.get()
    from_survey = answer_send_to_pool(actor=director, answer_id=answer.pk).suggestion

    # 2. At a seminar, a staff member and a guest who left an e-mail raise opinions.
    seminar = meeting_create(
        actor=director,
        campaign=campaign,
        organiser_unit=unit,
        kind=MeetingKind.SEMINAR,
        title="优化营商环境座谈会",
        starts_at=dt.datetime(2018, 6, 19, 9, tzinfo=dt.UTC),
        ends_at=dt.datetime(2018, 6, 19, 11, tzinfo=dt.UTC),
        invitee_ids=[speaker.person.pk],
    )
    guest = guest_add(
        actor=director,
        meeting=seminar,
        name="周企业",
        organisation="宿迁某科技有限公司",
        contact="zhou@example.com",
    )
    staff_attendee = seminar.attendees.get(person=speaker.person)
    from_staff = opinion_record(
        actor=director,
        meeting=seminar,
        text="建议窗口推行延时服务，中午不断档。",
        speaker=staff_attendee,
    )
    from_guest = opinion_record(
        actor=director, meeting=seminar, text="希望涉企证明材料能够网上共享。", speaker=guest
    )
    assert (from_survey.source, from_staff.source, from_guest.source) == (
        SuggestionSource.SURVEY,
        SuggestionSource.MEETING,
        SuggestionSource.MEETING,
    )
    assert from_staff.submitter == speaker.person and from_staff.meeting == seminar
    assert from_guest.submitter_contact == "zhou@example.com"

    # 3. The office marks them valuable.
    for suggestion in (from_survey, from_staff, from_guest):
        suggestion_triage(actor=director, suggestion=suggestion, stage=Stage.VALUABLE)

    # 4. A plan (the parent) with two parts; the first part is made of the three suggestions.
    plan = outcome_create(
        actor=director,
        office=office,
        campaign=campaign,
        kind=OutcomeKind.PLAN,
        title="企业开办全程帮办代办方案",
        responsible_unit=unit,
        rollup=Rollup.WEIGHTED,
    )
    part = outcome_create(
        actor=director,
        office=office,
        campaign=campaign,
        kind=OutcomeKind.INSTITUTIONAL,
        title="窗口延时服务制度",
        responsible_unit=unit,
        parent=plan,
        weight=3,
    )
    outcome_create(
        actor=director,
        office=office,
        campaign=campaign,
        kind=OutcomeKind.PRACTICE,
        title="证明材料网上共享",
        responsible_unit=unit,
        parent=plan,
        weight=1,
    )
    with django_capture_on_commit_callbacks(execute=True):
        outcome_link_suggestions(
            actor=director, outcome=part, suggestions=[from_survey, from_staff, from_guest]
        )
    for suggestion in (from_survey, from_staff, from_guest):
        suggestion.refresh_from_db()
        assert suggestion.stage == Stage.CONVERTED

    drafted = milestone_add(
        actor=director, outcome=part, title="起草制度", due_on=dt.date(2018, 7, 1)
    )
    issued = milestone_add(
        actor=director, outcome=part, title="印发实施", due_on=dt.date(2018, 8, 1)
    )
    mail.outbox.clear()
    seen = Notification.objects.filter(recipient=speaker).count()

    # 5. The responsible unit completes the milestones: 50%, then 100% and done.
    with django_capture_on_commit_callbacks(execute=True):
        milestone_complete(actor=director, milestone=drafted)
    part.refresh_from_db()
    plan.refresh_from_db()
    assert part.progress == Decimal("50.0")
    assert plan.progress == Decimal("37.5")  # (50 × 3 + 0 × 1) / 4
    with django_capture_on_commit_callbacks(execute=True):
        milestone_complete(actor=director, milestone=issued)
    part.refresh_from_db()
    plan.refresh_from_db()
    assert (part.progress, part.status) == (Decimal("100.0"), OutcomeStatus.DONE)
    assert plan.progress == Decimal("75.0")  # (100 × 3 + 0 × 1) / 4
    assert plan.status == OutcomeStatus.IN_PROGRESS

    # 6. The identified submitters were told each time; the anonymous one could not be.
    told = Notification.objects.filter(recipient=speaker).order_by("id")[seen:]
    assert len(told) >= 2 and any("窗口延时服务制度" in n.title + n.body for n in told)
    assert any("zhou@example.com" in m.to for m in mail.outbox)
    assert not Notification.objects.filter(recipient=director, title__contains="窗口延时").exists()

    # 7. The pages read the chain back.
    client.force_login(director)
    page = client.get(reverse("suggestions:detail", args=[from_staff.pk])).content.decode()
    assert "优化营商环境座谈会" in page and "窗口延时服务制度" in page
    client.force_login(speaker)
    mine = client.get(reverse("suggestions:mine")).content.decode()
    assert "建议窗口推行延时服务" in mine
    outcome_page = client.get(reverse("outcomes:detail", args=[part.pk])).content.decode()
    assert "100" in outcome_page and "企业开办全程帮办代办方案" in outcome_page
