"""The public mailbox: the form, its one-time token, the rate limit, the honeypot, and the
tracking page that shows a submitter where their suggestion stands (and nothing internal)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from huodong.suggestions.errors import Refused
from huodong.suggestions.models import Stage, Suggestion, SuggestionEvent, SuggestionSource
from huodong.suggestions.services.pool import suggestion_answer
from huodong.suggestions.services.pool_mailbox import mailbox_suggestion_submit, mailbox_token_new
from huodong.suggestions.services.pool_triage import (
    evaluation_give,
    suggestion_evaluators_assign,
    suggestion_merge,
    suggestion_triage,
)

pytestmark = pytest.mark.django_db


def form_token(client, campaign) -> str:
    page = client.get(reverse("mailbox:form", args=[campaign.pk]))
    assert page.status_code == 200
    return re.search(r'name="token" value="([^"]+)"', page.content.decode()).group(1)


def post(client, campaign, **data):
    data.setdefault("token", form_token(client, campaign))
    data.setdefault("text", "建议在园区设立企业服务驿站。")
    return client.post(reverse("mailbox:form", args=[campaign.pk]), data)


def test_the_form_shows_the_campaign_and_a_missing_campaign_is_404(client, pool):
    page = client.get(reverse("mailbox:form", args=[pool.campaign.pk]))
    assert pool.campaign.title in page.content.decode()
    assert client.get(reverse("mailbox:form", args=[999999])).status_code == 404


def test_a_named_suggestion_is_recorded_and_its_tracking_page_shown(client, pool):
    response = post(
        client,
        pool.campaign,
        name="王先生",
        organisation="宿迁某科技公司",
        contact="13905271234",
    )
    suggestion = Suggestion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("mailbox:track", args=[suggestion.tracking_code]) + "?new=1"
    )
    assert (suggestion.source, suggestion.campaign, suggestion.office) == (
        SuggestionSource.MAILBOX,
        pool.campaign,
        pool.office,
    )
    assert suggestion.submitter_contact == "13905271234"
    page = client.get(response["Location"]).content.decode()
    assert suggestion.tracking_code in page and 'id="tracking-code"' in page


def test_a_double_submit_records_once(client, pool):
    token = form_token(client, pool.campaign)
    first = post(client, pool.campaign, token=token)
    second = post(client, pool.campaign, token=token)
    assert Suggestion.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert Suggestion.objects.get().address_hash  # kept, keyed, for the rate limit


def test_a_forged_token_is_refused(client, pool):
    response = post(client, pool.campaign, token="forged")
    assert response.status_code == 400 and not Suggestion.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"text": ""},
        {"text": "长" * 5001},
        {"text": "  "},
        {"contact": "not a contact"},
    ],
)
def test_bad_input_is_refused_with_nothing_saved(client, pool, data):
    response = post(client, pool.campaign, **data)
    assert response.status_code == 400
    assert not Suggestion.objects.exists() and not SuggestionEvent.objects.exists()


def test_the_honeypot_records_nothing(client, pool):
    response = post(client, pool.campaign, website="http://spam.example")
    assert response.status_code == 400 and not Suggestion.objects.exists()


def test_an_anonymous_suggestion_drops_the_name_and_contact(client, pool):
    post(client, pool.campaign, name="王", contact="wang@example.com", is_anonymous="on")
    suggestion = Suggestion.objects.get()
    assert suggestion.is_anonymous
    assert (suggestion.submitter_name, suggestion.submitter_contact) == ("", "")


def test_one_address_is_rate_limited(client, pool, settings):
    settings.HUODONG_MAILBOX_RATE_LIMIT = 2
    for _ in range(2):
        assert post(client, pool.campaign).status_code == 302
    refused = post(client, pool.campaign)
    assert refused.status_code == 429
    assert Suggestion.objects.count() == 2
    # Another address is not limited by it.
    other = mailbox_suggestion_submit(
        campaign=pool.campaign, token=mailbox_token_new(), text="另一台电脑", address="10.0.0.9"
    )
    assert other.is_new


def test_the_service_refuses_an_empty_text(pool):
    with pytest.raises(Refused) as refused:
        mailbox_suggestion_submit(campaign=pool.campaign, token=mailbox_token_new(), text="")
    assert refused.value.code == "empty_text"
    assert not Suggestion.objects.exists()


def test_the_tracking_page_shows_stage_status_and_answer_but_nothing_internal(client, pool):
    receipt = mailbox_suggestion_submit(
        campaign=pool.campaign,
        token=mailbox_token_new(),
        text="建议推行企业开办全程帮办代办。",
        name="赵",
        contact="13905270001",
    )
    suggestion = receipt.suggestion
    from huodong.orgs.models import Person

    evaluator = Person.objects.get(user=pool.evaluator)
    suggestion_evaluators_assign(
        actor=pool.director, suggestions=[suggestion], evaluators=[evaluator]
    )
    evaluation_give(
        actor=pool.evaluator,
        suggestion=suggestion,
        opinion="内部评估意见：可行",
        recommended_stage=Stage.ADOPTED,
    )
    suggestion_triage(
        actor=pool.director, suggestion=suggestion, stage=Stage.EVALUATING, status=pool.forwarded
    )
    suggestion_answer(actor=pool.director, suggestion=suggestion, text="已转交相关部门办理")
    page = client.get(reverse("mailbox:track", args=[suggestion.tracking_code])).content.decode()
    assert "转交职能部门" in page and "已转交相关部门办理" in page
    assert "内部评估意见" not in page and "评估人" not in page


def test_a_merged_suggestion_s_tracking_page_shows_its_original_s_stage(client, pool):
    original = pool.suggest("建议推行企业开办全程帮办代办。")
    copy = pool.mailbox("建议企业开办实行全程帮办代办")
    suggestion_triage(actor=pool.director, suggestion=original, stage=Stage.VALUABLE)
    suggestion_merge(actor=pool.director, duplicate=copy, original=original)
    page = client.get(reverse("mailbox:track", args=[copy.tracking_code])).content.decode()
    assert "Valuable" in page


def test_an_unknown_or_staff_tracking_code_is_404(client, pool):
    staff = pool.suggest()
    assert client.get(reverse("mailbox:track", args=["nope"])).status_code == 404
    assert client.get(reverse("mailbox:track", args=[staff.tracking_code])).status_code == 404
