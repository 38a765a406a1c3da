"""The .xlsx exports of the outcome tree, a unit's outcomes, "My suggestions" and "My
evaluations": the rows their pages show across every page, refused like the pages, in a flat
number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from huodong.core.models import AuditRecord
from huodong.orgs.models import Person
from huodong.orgs.tests.test_list_exports import (  # noqa: F401  (_language_restored)
    HEADER,
    _language_restored,
    assert_flat_queries,
    assert_refused,
    data_rows,
    export_rows,
    last_audit,
    logged_in,
)
from huodong.suggestions.models import OutcomeKind, Stage
from huodong.suggestions.services.pool import suggestion_create
from huodong.suggestions.services.pool_triage import evaluation_give, suggestion_evaluators_assign
from huodong.suggestions.tests.test_outcomes_fixtures import *  # noqa: F403
from huodong.suggestions.tests.test_outcomes_fixtures import Org, new_outcome
from huodong.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def _url(name: str, **query) -> str:
    base = reverse(name)
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _person(user) -> Person:
    return Person.objects.get(user=user)


# --- The outcome tree -------------------------------------------------------------------------


def test_the_outcome_export_is_the_filtered_tree_across_pages(client, org: Org):
    plan = new_outcome(org, "不见面审批方案", kind=OutcomeKind.PLAN)
    new_outcome(org, "市场处子方案", parent=plan, responsible_unit=org.other_unit)
    new_outcome(org, "业务处子方案", parent=plan)
    for index in range(21):  # more than a page of trees
        new_outcome(org, f"市场处成果{index:02d}", responsible_unit=org.other_unit)
    new_outcome(org, "业务处成果")
    client = logged_in(client, org.leader)

    everything = export_rows(client.get(_url("outcomes:list_export")))
    assert everything[HEADER][:4] == ("Outcome", "Part of", "Kind", "Responsible unit")
    assert "Matches the filters" not in everything[HEADER]
    assert len(everything) - HEADER - 1 == 3 + 21 + 1

    rows = export_rows(client.get(_url("outcomes:list_export", unit=org.other_unit.pk, page=2)))
    header = rows[HEADER]
    matches = header.index("Matches the filters")
    data = rows[HEADER + 1 :]
    titles = [row[0] for row in data]
    assert len(titles) == 21 + 3 and "业务处成果" not in titles
    by_title = {row[0]: row for row in data}
    assert by_title["不见面审批方案"][matches] == "No"  # shown for its sub-outcome
    assert by_title["业务处子方案"][matches] == "No"
    assert by_title["市场处子方案"][matches] == "Yes"
    assert by_title["市场处子方案"][1] == "不见面审批方案"
    assert titles.index("市场处子方案") == titles.index("不见面审批方案") + 1
    assert by_title["市场处成果00"][header.index("Progress")] == 0
    record = last_audit("suggestions.export_outcomes")
    assert record.changes["filters"] == {"unit": str(org.other_unit.pk)}
    assert record.changes["rows"] == 24
    page = client.get(_url("outcomes:list", unit=org.other_unit.pk)).content.decode()
    assert _url("outcomes:list_export", unit=org.other_unit.pk) in page


def test_the_outcome_exports_are_refused_like_their_pages(client, org: Org):
    new_outcome(org)
    client = logged_in(client, UserFactory())  # a login that is nobody in an office
    assert_refused(client, reverse("outcomes:list"), reverse("outcomes:list_export"))
    assert_refused(client, reverse("outcomes:mine"), reverse("outcomes:mine_export"))
    assert not AuditRecord.objects.filter(action__startswith="suggestions.export").exists()


def test_the_outcome_export_keeps_its_query_count(client, org: Org, django_assert_max_num_queries):
    new_outcome(org, "第一项", responsible_unit=org.other_unit)

    def grow():
        for index in range(25):
            root = new_outcome(org, f"成果{index}", responsible_unit=org.other_unit)
            new_outcome(org, f"子成果{index}", parent=root)

    client = logged_in(client, org.director)
    url = _url("outcomes:list_export", unit=org.other_unit.pk)
    assert assert_flat_queries(client, url, grow, django_assert_max_num_queries) == 51


# --- A unit's outcomes ------------------------------------------------------------------------


def test_the_unit_outcomes_export_is_the_unit_s_list(
    client, org: Org, django_assert_max_num_queries
):
    plan = new_outcome(org, "业务处方案")
    new_outcome(org, "市场处成果", responsible_unit=org.other_unit)
    client = logged_in(client, org.unit_contact)
    rows = export_rows(client.get(reverse("outcomes:mine_export")))
    assert rows[HEADER][:3] == ("Outcome", "Part of", "Responsible unit")
    assert [row[:3] for row in rows[HEADER + 1 :]] == [("业务处方案", None, "业务处")]
    assert last_audit("suggestions.export_unit_outcomes").changes["rows"] == 1
    page = client.get(reverse("outcomes:mine")).content.decode()
    assert reverse("outcomes:mine_export") in page

    def grow():
        for index in range(12):
            new_outcome(org, f"子方案{index}", parent=plan)

    assert_flat_queries(
        client, reverse("outcomes:mine_export"), grow, django_assert_max_num_queries
    )


# --- My suggestions and my evaluations --------------------------------------------------------


def _suggest(org: Org, user, text: str, **kwargs):
    kwargs.setdefault("campaign", org.campaign)
    return suggestion_create(actor=user, office=org.office, text=text, source="staff", **kwargs)


def test_my_suggestions_export_is_my_list_across_pages(client, org: Org):
    for index in range(22):  # more than a page
        _suggest(org, org.staff, f"建议{index:02d}")
    _suggest(org, org.staff, "匿名的建议", is_anonymous=True)
    _suggest(org, org.leader, "别人的建议")
    client = logged_in(client, org.staff)

    rows = export_rows(client.get(reverse("suggestions:mine_export") + "?page=2"))

    assert rows[HEADER][:4] == ("No.", "Suggestion", "Campaign", "Stage")
    texts = [row[1] for row in rows[HEADER + 1 :]]
    assert len(texts) == 22 and texts[0] == "建议21"
    assert "匿名的建议" not in texts and "别人的建议" not in texts
    assert rows[HEADER + 1][2] == org.campaign.title and rows[HEADER + 1][3] == "Received"
    assert last_audit("suggestions.export_my_suggestions").changes["rows"] == 22
    page = client.get(reverse("suggestions:mine")).content.decode()
    assert reverse("suggestions:mine_export") in page


def test_my_evaluations_export_is_my_list(client, org: Org):
    first = _suggest(org, org.leader, "第一条")
    second = _suggest(org, org.leader, "第二条")
    _suggest(org, org.leader, "没请我评的")
    suggestion_evaluators_assign(
        actor=org.director, suggestions=[first, second], evaluators=[_person(org.staff)]
    )
    evaluation_give(
        actor=org.staff, suggestion=first, opinion="可行", recommended_stage=Stage.ADOPTED
    )
    client = logged_in(client, org.staff)

    rows = export_rows(client.get(reverse("suggestions:evaluations_export")))

    header = rows[HEADER]
    assert header[:4] == ("No.", "Suggestion", "Stage", "Your opinion")
    data = rows[HEADER + 1 :]
    assert [row[1] for row in data] == ["第二条", "第一条"]  # waiting first, as on the page
    assert data[0][3] == "waiting for you"
    assert data[1][3] == str(Stage.ADOPTED.label) and data[1][4] == "可行"
    assert last_audit("suggestions.export_my_evaluations").changes["rows"] == 2
    page = client.get(reverse("suggestions:evaluations")).content.decode()
    assert reverse("suggestions:evaluations_export") in page


def test_my_lists_exports_are_refused_like_their_pages(client, org: Org):
    client = logged_in(client, UserFactory())  # no person: no suggestion, no evaluation
    assert_refused(client, reverse("suggestions:mine"), reverse("suggestions:mine_export"))
    assert_refused(
        client, reverse("suggestions:evaluations"), reverse("suggestions:evaluations_export")
    )
    assert not AuditRecord.objects.filter(action__startswith="suggestions.export_my").exists()


def test_my_lists_exports_keep_their_query_count(client, org: Org, django_assert_max_num_queries):
    _suggest(org, org.staff, "第一条")
    asked = _suggest(org, org.leader, "请评估")
    suggestion_evaluators_assign(
        actor=org.director, suggestions=[asked], evaluators=[_person(org.staff)]
    )

    def grow_mine():
        for index in range(12):
            _suggest(org, org.staff, f"建议{index}", campaign=None if index % 2 else org.campaign)

    def grow_asked():
        more = [_suggest(org, org.leader, f"待评{index}") for index in range(12)]
        suggestion_evaluators_assign(
            actor=org.director, suggestions=more, evaluators=[_person(org.staff)]
        )

    client = logged_in(client, org.staff)
    assert_flat_queries(
        client, reverse("suggestions:mine_export"), grow_mine, django_assert_max_num_queries
    )
    assert_flat_queries(
        client,
        reverse("suggestions:evaluations_export"),
        grow_asked,
        django_assert_max_num_queries,
    )
