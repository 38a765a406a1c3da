"""The suggestion pool's pages, for every role: the office's managers act, leaders and
inspectors read, evaluators see what they are asked about, staff their own; anyone else 404."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from huodong.orgs.models import Person
from huodong.suggestions.models import (
    Stage,
    Suggestion,
    SuggestionCategory,
    SuggestionEvaluation,
    SuggestionStatus,
    SuggestionTag,
)
from huodong.suggestions.services.pool_triage import suggestion_evaluators_assign

pytestmark = pytest.mark.django_db


def person(user) -> Person:
    return Person.objects.get(user=user)


def page_of(client, user, url):
    client.force_login(user)
    return client.get(url)


# --- The list ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["director", "office_staff", "leader", "inspector"])
def test_the_office_and_its_readers_see_the_list(client, pool, who):
    suggestion = pool.suggest("建议周末增设便民服务窗口")
    response = page_of(client, getattr(pool, who), reverse("suggestions:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-suggestion="{suggestion.pk}"' in page
    assert ('id="bulk"' in page) == (who in ("director", "office_staff"))


@pytest.mark.parametrize("who", ["submitter", "evaluator", "stranger"])
def test_plain_staff_get_404_on_the_list(client, pool, who):
    pool.suggest()
    assert page_of(client, getattr(pool, who), reverse("suggestions:list")).status_code == 404


def test_another_office_sees_its_own_pool_only(client, pool):
    pool.suggest("本办建议")
    response = page_of(client, pool.outsider, reverse("suggestions:list"))
    assert response.status_code == 200 and "本办建议" not in response.content.decode()


def test_the_anonymous_are_sent_to_log_in(client, pool):
    suggestion = pool.suggest()
    for url in (
        reverse("suggestions:list"),
        reverse("suggestions:detail", args=[suggestion.pk]),
        reverse("suggestions:mine"),
    ):
        assert client.get(url).status_code == 302


def _many(pool, count: int) -> None:
    from huodong.suggestions.services.pool_triage import suggestion_triage

    for n in range(count):
        s = pool.suggest(
            f"第{n}条建议：优化营商环境",
            tags=[f"标签{n % 7}", f"类{n % 3}"],
            category=pool.category,
        )
        if n % 4 == 0:
            suggestion_triage(
                actor=pool.director, suggestion=s, stage=Stage.EVALUATING, status=pool.forwarded
            )
        if n % 5 == 0:
            pool.mailbox(f"第{n}条外部建议", submitter_name="王", submitter_contact="1390527")


def test_the_list_takes_the_same_number_of_queries_for_10_or_60(
    client, pool, django_assert_max_num_queries
):
    client.force_login(pool.director)
    url = reverse("suggestions:list")
    _many(pool, 10)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _many(pool, 50)
    with django_assert_max_num_queries(len(small)):
        response = client.get(url + "?page=1")
    assert response.status_code == 200
    with django_assert_max_num_queries(len(small) + 1):
        client.get(url + f"?tag={SuggestionTag.objects.first().pk}&stage=evaluating&q=建议")


def test_the_filters_narrow_the_list(client, pool):
    window = pool.suggest("建议增设便民窗口", tags=["窗口"])
    online = pool.suggest("网上办理要简化", category=pool.category)
    mailbox = pool.mailbox("园区企业服务", submitter_name="王")
    suggestion_evaluators_assign(
        actor=pool.director, suggestions=[online], evaluators=[person(pool.evaluator)]
    )
    client.force_login(pool.director)
    url = reverse("suggestions:list")

    def shown(query: str) -> set[int]:
        page = client.get(f"{url}?{query}").content.decode()
        return {s.pk for s in (window, online, mailbox) if f'data-suggestion="{s.pk}"' in page}

    tag = SuggestionTag.objects.get(name="窗口")
    assert shown(f"tag={tag.pk}") == {window.pk}
    assert shown(f"category={pool.category.pk}") == {online.pk}
    assert shown("source=mailbox") == {mailbox.pk}
    assert shown("stage=evaluating") == {online.pk}
    assert shown(f"evaluator={person(pool.evaluator).pk}") == {online.pk}
    assert shown("q=简化") == {online.pk}
    assert shown(f"q={mailbox.number}") == {mailbox.pk}
    assert shown("q=王") == {mailbox.pk}
    assert shown(f"campaign={pool.campaign.pk}") == {window.pk, online.pk, mailbox.pk}
    assert shown("received_from=2000-01-01&received_to=2000-01-02") == set()
    assert shown("stage=nonsense") == {window.pk, online.pk, mailbox.pk}


# --- Bulk actions -----------------------------------------------------------------------------


def test_a_bulk_triage_from_the_list(client, pool):
    first, second = pool.suggest("一"), pool.suggest("二")
    client.force_login(pool.director)
    response = client.post(
        reverse("suggestions:bulk"),
        {
            "ids": [first.pk, second.pk],
            "action": "triage",
            "stage": "evaluating",
            "status": pool.forwarded.pk,
        },
    )
    assert response.status_code == 302
    assert set(Suggestion.objects.values_list("status", flat=True)) == {pool.forwarded.pk}


def test_a_refused_bulk_action_saves_nothing_and_names_the_suggestion(client, pool):
    first, second = pool.suggest("一"), pool.suggest("二")
    client.force_login(pool.director)
    response = client.post(
        reverse("suggestions:bulk"),
        {"ids": [first.pk, second.pk], "action": "triage", "stage": "not_adopted"},
        follow=True,
    )
    assert set(Suggestion.objects.values_list("stage", flat=True)) == {Stage.RECEIVED}
    messages = [str(m) for m in response.context["messages"]]
    assert any(f"No. {first.number}" in m for m in messages)


def test_bulk_evaluators_tag_and_category(client, pool):
    first, second = pool.suggest("一"), pool.suggest("二")
    client.force_login(pool.office_staff)
    url = reverse("suggestions:bulk")
    ids = [first.pk, second.pk]
    client.post(
        url, {"ids": ids, "action": "evaluators", "evaluators": [person(pool.evaluator).pk]}
    )
    assert SuggestionEvaluation.objects.count() == 2
    client.post(url, {"ids": ids, "action": "tag", "tag": "效率"})
    assert SuggestionTag.objects.get().suggestions.count() == 2
    client.post(url, {"ids": ids, "action": "category", "category": pool.category.pk})
    assert set(Suggestion.objects.values_list("category", flat=True)) == {pool.category.pk}


@pytest.mark.parametrize("who", ["leader", "inspector", "submitter", "outsider"])
def test_bulk_actions_are_for_the_office_only(client, pool, who):
    suggestion = pool.suggest()
    client.force_login(getattr(pool, who))
    response = client.post(
        reverse("suggestions:bulk"),
        {"ids": [suggestion.pk], "action": "triage", "stage": "valuable"},
    )
    assert response.status_code == 404
    suggestion.refresh_from_db()
    assert suggestion.stage == Stage.RECEIVED


# --- One suggestion ---------------------------------------------------------------------------


def test_the_director_sees_the_whole_chain_and_the_forms(client, pool):
    suggestion = pool.mailbox(
        "建议周末增设便民服务窗口", submitter_name="王", submitter_contact="13905271234"
    )
    pool.suggest("建议周末增设便民服务的窗口")
    page = page_of(client, pool.director, reverse("suggestions:detail", args=[suggestion.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    for marker in ('id="triage"', 'id="answer-form"', 'id="candidates"', 'id="history"'):
        assert marker in body
    assert "13905271234" in body and 'data-channel="phone"' in body
    assert 'data-candidate="' in body


@pytest.mark.parametrize("who", ["leader", "inspector"])
def test_leaders_and_inspectors_read_without_contacts_or_forms(client, pool, who):
    suggestion = pool.mailbox("建议", submitter_name="王", submitter_contact="13905271234")
    page = page_of(client, getattr(pool, who), reverse("suggestions:detail", args=[suggestion.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and 'id="history"' in body
    assert "13905271234" not in body and 'id="triage"' not in body


def test_the_evaluator_sees_theirs_and_gives_an_opinion(client, pool):
    suggestion = pool.suggest()
    other = pool.suggest("另一条")
    suggestion_evaluators_assign(
        actor=pool.director, suggestions=[suggestion], evaluators=[person(pool.evaluator)]
    )
    client.force_login(pool.evaluator)
    page = client.get(reverse("suggestions:detail", args=[suggestion.pk])).content.decode()
    assert 'id="evaluate"' in page and 'id="history"' not in page
    assert client.get(reverse("suggestions:detail", args=[other.pk])).status_code == 404
    client.post(
        reverse("suggestions:evaluate", args=[suggestion.pk]),
        {"opinion": "可行", "recommended_stage": "adopted"},
    )
    assert SuggestionEvaluation.objects.get().given_at is not None
    listing = client.get(reverse("suggestions:evaluations")).content.decode()
    assert f'data-suggestion="{suggestion.pk}"' in listing


def test_the_submitter_sees_their_own_and_nobody_else_s(client, pool):
    mine = pool.suggest("我的建议")
    from huodong.suggestions.services.pool import suggestion_create

    theirs = suggestion_create(
        actor=pool.stranger, office=pool.office, text="别人的建议", source="staff"
    )
    client.force_login(pool.submitter)
    page = client.get(reverse("suggestions:detail", args=[mine.pk])).content.decode()
    assert "我的建议" in page and 'id="history"' not in page
    assert client.get(reverse("suggestions:detail", args=[theirs.pk])).status_code == 404


@pytest.mark.parametrize("who", ["stranger", "outsider"])
def test_others_get_404_on_a_suggestion(client, pool, who):
    suggestion = pool.suggest()
    page = page_of(client, getattr(pool, who), reverse("suggestions:detail", args=[suggestion.pk]))
    assert page.status_code == 404


def test_triage_answer_merge_and_unmerge_through_the_page(client, pool):
    first = pool.suggest("建议一")
    second = pool.suggest("建议二")
    client.force_login(pool.director)
    client.post(
        reverse("suggestions:triage", args=[first.pk]),
        {"stage": "evaluating", "status": pool.forwarded.pk},
    )
    first.refresh_from_db()
    assert first.status == pool.forwarded
    client.post(reverse("suggestions:answer", args=[first.pk]), {"text": "正在研究"})
    first.refresh_from_db()
    assert first.answer == "正在研究"
    client.post(reverse("suggestions:merge", args=[second.pk]), {"original": first.number})
    second.refresh_from_db()
    assert second.duplicate_of == first
    response = client.post(
        reverse("suggestions:merge", args=[first.pk]), {"original": 999}, follow=True
    )
    assert response.status_code == 200
    client.post(reverse("suggestions:unmerge", args=[second.pk]))
    second.refresh_from_db()
    assert second.stage == Stage.RECEIVED
    client.post(
        reverse("suggestions:update", args=[second.pk]),
        {"category": pool.category.pk, "tags": "窗口，效率", "text": "建议二（更正）"},
    )
    second.refresh_from_db()
    assert second.text == "建议二（更正）" and second.tags.count() == 2


def test_a_status_of_another_stage_is_refused_through_the_page(client, pool):
    suggestion = pool.suggest()
    client.force_login(pool.director)
    response = client.post(
        reverse("suggestions:triage", args=[suggestion.pk]),
        {"stage": "valuable", "status": pool.forwarded.pk},
        follow=True,
    )
    suggestion.refresh_from_db()
    assert suggestion.stage == Stage.RECEIVED
    assert any("belongs under" in str(m) for m in response.context["messages"])


@pytest.mark.parametrize("who", ["leader", "submitter", "evaluator"])
def test_actions_on_a_suggestion_are_404_for_non_managers(client, pool, who):
    suggestion = pool.suggest()
    client.force_login(getattr(pool, who))
    for name, data in (
        ("triage", {"stage": "valuable"}),
        ("answer", {"text": "x"}),
        ("merge", {"original": 1}),
        ("unmerge", {}),
        ("update", {"text": "改"}),
        ("evaluators", {"evaluators": [person(pool.evaluator).pk]}),
    ):
        assert (
            client.post(reverse(f"suggestions:{name}", args=[suggestion.pk]), data).status_code
            == 404
        )
    suggestion.refresh_from_db()
    assert (suggestion.stage, suggestion.answer, suggestion.text) == (
        Stage.RECEIVED,
        "",
        "建议周末增设便民服务窗口，方便上班族办事。",
    )


# --- Similar suggestions ----------------------------------------------------------------------


def test_a_group_of_similar_suggestions_is_merged_from_its_page(client, pool):
    a = pool.suggest("建议周末增设便民服务窗口，方便上班族办事。")
    b = pool.mailbox("建议周末增加便民服务窗口，方便上班族来办事")
    client.force_login(pool.director)
    page = client.get(reverse("suggestions:similar")).content.decode()
    assert f'data-suggestion="{a.pk}"' in page and f'data-suggestion="{b.pk}"' in page
    client.post(reverse("suggestions:merge_group"), {"original": a.pk, "ids": [b.pk]})
    b.refresh_from_db()
    assert b.duplicate_of == a
    assert 'id="no-groups"' in client.get(reverse("suggestions:similar")).content.decode()


@pytest.mark.parametrize("who", ["leader", "submitter"])
def test_the_similar_page_is_for_the_office(client, pool, who):
    assert page_of(client, getattr(pool, who), reverse("suggestions:similar")).status_code == 404


# --- The staff member's own -------------------------------------------------------------------


def test_any_staff_member_makes_a_suggestion_and_finds_it_in_my_suggestions(client, pool):
    client.force_login(pool.stranger)
    url = reverse("suggestions:new") + f"?campaign={pool.campaign.pk}"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"text": "建议优化审批流程", "category": pool.category.pk, "campaign": pool.campaign.pk},
    )
    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    assert suggestion.submitter == person(pool.stranger) and suggestion.campaign == pool.campaign
    page = client.get(reverse("suggestions:mine")).content.decode()
    assert f'data-suggestion="{suggestion.pk}"' in page


def test_an_empty_staff_suggestion_is_refused(client, pool):
    client.force_login(pool.submitter)
    response = client.post(reverse("suggestions:new"), {"text": "   "})
    assert response.status_code == 200 and not Suggestion.objects.exists()


def test_another_office_s_campaign_is_404_on_the_suggest_page(client, pool):
    client.force_login(pool.submitter)
    url = reverse("suggestions:new") + f"?campaign={pool.other_campaign.pk}"
    assert client.get(url).status_code == 404


def test_my_suggestions_shows_the_answer(client, pool):
    from huodong.suggestions.services.pool import suggestion_answer

    suggestion = pool.suggest()
    suggestion_answer(actor=pool.director, suggestion=suggestion, text="感谢，已采纳")
    page = page_of(client, pool.submitter, reverse("suggestions:mine")).content.decode()
    assert "感谢，已采纳" in page


# --- Settings ---------------------------------------------------------------------------------


def test_the_office_keeps_its_statuses_categories_and_tags(client, pool):
    pool.suggest(tags=["窗口"])
    client.force_login(pool.director)
    url = reverse("suggestions:settings")
    assert client.get(url).status_code == 200
    client.post(url, {"op": "status_create", "stage": "adopted", "name": "已落实"})
    status = SuggestionStatus.objects.get(name="已落实")
    client.post(url, {"op": "status_archive", "id": status.pk})
    status.refresh_from_db()
    assert status.archived_at is not None
    client.post(url, {"op": "category_create", "name": "数字政府"})
    category = SuggestionCategory.objects.get(name="数字政府")
    client.post(url, {"op": "category_rename", "id": category.pk, "name": "数字政府建设"})
    client.post(url, {"op": "category_delete", "id": pool.category.pk})
    assert not SuggestionCategory.objects.filter(pk=pool.category.pk).exists()
    tag = SuggestionTag.objects.get()
    client.post(url, {"op": "tag_rename", "id": tag.pk, "name": "窗口服务"})
    tag.refresh_from_db()
    assert tag.name == "窗口服务"
    client.post(url, {"op": "tag_delete", "id": tag.pk})
    assert not SuggestionTag.objects.exists()
    assert client.post(url, {"op": "tag_delete", "id": pool.other_status.pk}).status_code == 404


@pytest.mark.parametrize("who", ["leader", "submitter"])
def test_settings_are_for_the_office(client, pool, who):
    client.force_login(getattr(pool, who))
    url = reverse("suggestions:settings")
    assert client.get(url).status_code == 404
    assert client.post(url, {"op": "category_create", "name": "x"}).status_code == 404
    assert not SuggestionCategory.objects.filter(name="x").exists()


# --- The campaign page's buttons --------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("director", {"suggestions:list", "suggestions:new", "mailbox:form"}),
        ("leader", {"suggestions:list", "suggestions:new"}),
        ("stranger", {"suggestions:new"}),
        ("outsider", set()),
    ],
)
def test_the_campaign_links(pool, who, expected):
    request = RequestFactory().get("/")
    request.user = getattr(pool, who)
    html = Template("{% load suggestions_tags %}{% suggestion_links campaign %}").render(
        Context({"request": request, "campaign": pool.campaign})
    )
    urls = {
        "suggestions:list": reverse("suggestions:list"),
        "suggestions:new": reverse("suggestions:new"),
        "mailbox:form": reverse("mailbox:form", args=[pool.campaign.pk]),
    }
    hrefs = {href.split("?")[0] for href in re.findall(r'href="([^"]+)"', html)}
    assert {name for name, url in urls.items() if url in hrefs} == expected
