"""A text answer sent to the suggestion pool becomes one suggestion of the survey's office,
linked back to the answer, anonymous like the questionnaire."""

from __future__ import annotations

import pytest
from django.urls import reverse

from huodong.campaigns.models import Campaign
from huodong.suggestions.models import Stage, Suggestion, SuggestionSource
from huodong.surveys.errors import NotAllowed, Refused
from huodong.surveys.services import answer_send_to_pool
from huodong.surveys.tests.test_answering import full_answer, submit

pytestmark = pytest.mark.django_db


def test_sending_an_answer_creates_its_suggestion_once(hall_survey, director):
    survey, q = hall_survey
    campaign = Campaign.objects.create(office=survey.office, title="解放思想大讨论活动")
    survey.campaign = campaign
    survey.save(update_fields=["campaign"])
    response = submit(survey, full_answer(q))
    text = response.answers.get(question=q["name"])
    answer_send_to_pool(actor=director, answer_id=text.pk)
    answer_send_to_pool(actor=director, answer_id=text.pk)
    suggestion = Suggestion.objects.get()
    assert suggestion.survey_answer == text
    assert (suggestion.source, suggestion.office, suggestion.campaign) == (
        SuggestionSource.SURVEY,
        survey.office,
        campaign,
    )
    assert suggestion.text == text.text and suggestion.is_anonymous
    assert suggestion.stage == Stage.RECEIVED and suggestion.submitter is None


def test_an_answer_marked_before_the_pool_existed_gets_its_suggestion(hall_survey, director):
    from huodong.core import clock
    from huodong.surveys.models import Answer

    survey, q = hall_survey
    text = submit(survey, full_answer(q)).answers.get(question=q["name"])
    Answer.objects.filter(pk=text.pk).update(sent_to_pool_at=clock.now(), sent_to_pool_by=director)
    answer_send_to_pool(actor=director, answer_id=text.pk)
    assert Suggestion.objects.get().survey_answer_id == text.pk


def test_refusals_create_no_suggestion(hall_survey, director, staff):
    survey, q = hall_survey
    response = submit(survey, full_answer(q))
    text = response.answers.get(question=q["name"])
    choice = response.answers.get(question=q["satisfied"])
    with pytest.raises(NotAllowed):
        answer_send_to_pool(actor=staff, answer_id=text.pk)
    with pytest.raises(Refused):
        answer_send_to_pool(actor=director, answer_id=choice.pk)
    assert not Suggestion.objects.exists()


def test_the_button_on_the_text_answers_creates_the_suggestion(client, hall_survey, director):
    survey, q = hall_survey
    text = submit(survey, full_answer(q)).answers.get(question=q["name"])
    client.force_login(director)
    client.post(reverse("surveys:answer_to_pool", args=[survey.pk, text.pk]))
    suggestion = Suggestion.objects.get()
    page = client.get(reverse("suggestions:detail", args=[suggestion.pk])).content.decode()
    assert reverse("surveys:results_texts", args=[survey.pk, q["name"].pk]) in page
