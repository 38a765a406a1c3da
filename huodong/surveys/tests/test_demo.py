"""The demo's hall questionnaire: published, open at the demo date, its answers consistent."""

from __future__ import annotations

import pytest

from huodong.surveys.demo import DEMO_RESPONSES
from huodong.surveys.models import Answer, Survey
from huodong.surveys.selectors import survey_results
from huodong.surveys.services.answering import survey_is_open


@pytest.mark.django_db(transaction=True)
def test_the_demo_has_the_hall_questionnaire_with_answers(demo):
    survey = Survey.objects.get()
    assert survey.campaign is not None
    assert survey_is_open(survey)
    assert survey.response_count == DEMO_RESPONSES
    results = {r.question.text: r for r in survey_results(survey)}
    business = results["您本次办理的业务类别"]
    assert business.answered == DEMO_RESPONSES
    assert sum(o.count for o in business.options) + business.other == DEMO_RESPONSES
    overall = results["您对窗口服务的总体评价"]
    assert 3.5 < overall.mean < 5
    # The conditional question is answered only by those who met 推诿扯皮.
    met = results["办事过程中是否遇到推诿扯皮、吃拿卡要等情况？"]
    said_yes = next(o.count for o in met.options if o.label == "有")
    details = results["请简要说明遇到的情况"]
    assert details.texts == said_yes > 0
    for response_id in Answer.objects.filter(question=details.question).values_list(
        "response_id", flat=True
    ):
        assert Answer.objects.filter(
            response_id=response_id, question=met.question, option__label="有"
        ).exists()
