"""The demo's suggestion pool: every stage shows, from every kind of submitter."""

from __future__ import annotations

import pytest

from huodong.orgs.models import Role
from huodong.suggestions.demo_pool import build_suggestions_demo
from huodong.suggestions.models import (
    Stage,
    Suggestion,
    SuggestionEvaluation,
    SuggestionSource,
)

pytestmark = pytest.mark.django_db


def test_the_demo_pool_has_every_stage_and_source(pool, make_member):
    from huodong.surveys.demo import build_surveys_demo

    for username in ("chuangkou", "zonghechu", "yewuchu", "shichangchu"):
        make_member(pool.office, username=username, unit=pool.unit)
    make_member(pool.office, username="ducha", role=Role.INSPECTOR, unit=pool.unit)
    build_surveys_demo(pool.campaign)
    build_suggestions_demo(pool.campaign)
    stages = set(Suggestion.objects.values_list("stage", flat=True))
    assert stages >= {
        Stage.RECEIVED,
        Stage.EVALUATING,
        Stage.VALUABLE,
        Stage.ADOPTED,
        Stage.NOT_ADOPTED,
        Stage.DUPLICATE,
    }
    sources = set(Suggestion.objects.values_list("source", flat=True))
    assert sources == {SuggestionSource.STAFF, SuggestionSource.MAILBOX, SuggestionSource.SURVEY}
    assert SuggestionEvaluation.objects.filter(given_at__isnull=False).exists()
    assert Suggestion.objects.exclude(answer="").count() >= 2
    not_adopted = Suggestion.objects.get(stage=Stage.NOT_ADOPTED)
    assert not_adopted.reason
