"""The outcome pages: who reaches each (404 for the others, nothing changed), the forms, the
public column, and constant query counts as outcomes grow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from huodong.suggestions.models import (
    Milestone,
    Outcome,
    OutcomeDocument,
    OutcomeKind,
    OutcomeStatus,
    OutcomeSuggestion,
    Stage,
    Suggestion,
)
from huodong.suggestions.services.outcomes import (
    milestone_add,
    milestone_complete,
    outcome_document_add,
    outcome_link_suggestions,
)
from huodong.suggestions.tests.test_outcomes_fixtures import *  # noqa: F403
from huodong.suggestions.tests.test_outcomes_fixtures import (
    Org,
    new_outcome,
    new_suggestion,
    public_suggestion,
    staff_suggestion,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
MANAGERS = ["director", "office_staff"]
READERS = ["leader", "inspector", "unit_head", "unit_contact", "other_unit_head", "staff"]
UPDATERS = [*MANAGERS, "unit_head", "unit_contact"]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def outcome(org: Org) -> Outcome:
    outcome = new_outcome(org, "“不见面审批”推进方案", kind=OutcomeKind.PLAN)
    milestone_add(
        actor=org.director, outcome=outcome, title="制定方案", due_on=dt.date(2018, 6, 30)
    )
    return outcome


def login(client, org: Org, who: str | None):
    if who is not None:
        client.force_login(getattr(org, who))
    return client


# --- Reading ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", MANAGERS + READERS)
def test_the_office_reads_the_tree_and_each_outcome(client, org: Org, outcome: Outcome, who):
    child = new_outcome(org, "子方案一", parent=outcome)
    login(client, org, who)
    page = client.get(reverse("outcomes:list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "“不见面审批”推进方案" in text and "子方案一" in text
    assert f'data-outcome="{child.pk}"' in text
    detail = client.get(reverse("outcomes:detail", args=[outcome.pk]))
    assert detail.status_code == 200
    manages = who in MANAGERS
    assert (reverse("outcomes:edit", args=[outcome.pk]) in detail.content.decode()) == manages
    assert (reverse("outcomes:create") in page.content.decode()) == manages


def test_another_office_gets_404_and_anonymous_is_sent_to_log_in(client, org: Org, outcome):
    login(client, org, "stranger")
    assert client.get(reverse("outcomes:detail", args=[outcome.pk])).status_code == 404
    assert client.get(reverse("outcomes:edit", args=[outcome.pk])).status_code == 404
    page = client.get(reverse("outcomes:list"))
    assert page.status_code == 200
    assert "不见面审批" not in page.content.decode()
    client.logout()
    for url in (reverse("outcomes:list"), reverse("outcomes:detail", args=[outcome.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


def test_filters_keep_the_tree_and_grey_what_does_not_match(client, org: Org, outcome):
    new_outcome(org, "市场处的子成果", parent=outcome, responsible_unit=org.other_unit)
    new_outcome(org, "无关成果", kind=OutcomeKind.PRACTICE)
    login(client, org, "director")
    page = client.get(reverse("outcomes:list"), {"unit": org.other_unit.pk})
    text = page.content.decode()
    assert "市场处的子成果" in text
    assert "“不见面审批”推进方案" in text  # its root, for context
    assert "无关成果" not in text
    page = client.get(reverse("outcomes:list"), {"kind": OutcomeKind.PRACTICE})
    assert "无关成果" in page.content.decode()
    assert "不见面审批" not in page.content.decode()


def test_my_units_outcomes(client, org: Org, outcome):
    new_outcome(org, "市场处成果", responsible_unit=org.other_unit)
    login(client, org, "unit_head")
    text = client.get(reverse("outcomes:mine")).content.decode()
    assert "不见面审批" in text and "市场处成果" not in text
    login(client, org, "staff")
    assert 'id="no-unit"' in client.get(reverse("outcomes:mine")).content.decode()


# --- The office's forms -------------------------------------------------------------------


@pytest.mark.parametrize("who", MANAGERS)
def test_the_office_creates_a_sub_outcome_and_edits_it(client, org: Org, outcome, who):
    login(client, org, who)
    form = client.get(reverse("outcomes:create"), {"parent": outcome.pk})
    assert form.status_code == 200
    response = client.post(
        reverse("outcomes:create"),
        {
            "title": "网上办事大厅建设",
            "kind": OutcomeKind.PRACTICE,
            "responsible_unit": org.unit.pk,
            "campaign": org.campaign.pk,
            "parent": outcome.pk,
            "weight": 2,
            "rollup": "average",
        },
    )
    created = Outcome.objects.get(title="网上办事大厅建设")
    assert response.status_code == 302
    assert response["Location"] == reverse("outcomes:detail", args=[created.pk])
    assert created.parent == outcome and created.weight == 2
    response = client.post(
        reverse("outcomes:edit", args=[created.pk]),
        {
            "title": "网上办事大厅建设（一期）",
            "kind": OutcomeKind.PRACTICE,
            "responsible_unit": org.other_unit.pk,
            "parent": "",
            "weight": 1,
            "rollup": "average",
            "is_public": "on",
            "status": OutcomeStatus.PLANNED,
        },
    )
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.parent is None and created.is_public
    assert created.responsible_unit == org.other_unit


def test_a_refusal_on_the_form_is_shown_and_nothing_saved(client, org: Org, outcome):
    login(client, org, "director")
    response = client.post(
        reverse("outcomes:edit", args=[outcome.pk]),
        {
            "title": outcome.title,
            "kind": outcome.kind,
            "responsible_unit": org.unit.pk,
            "weight": 1,
            "rollup": "average",
            "status": OutcomeStatus.DONE,
        },
    )
    assert response.status_code == 200
    assert "100%" in response.content.decode()
    assert Outcome.objects.get(pk=outcome.pk).status == OutcomeStatus.PLANNED


@pytest.mark.parametrize("who", [*READERS, "stranger"])
def test_others_may_not_create_edit_or_delete(client, org: Org, outcome, who):
    login(client, org, who)
    # The other office's director creates outcomes, but of their own office only.
    assert client.get(reverse("outcomes:create")).status_code == (200 if who == "stranger" else 404)
    assert client.get(reverse("outcomes:edit", args=[outcome.pk])).status_code == 404
    response = client.post(reverse("outcomes:edit", args=[outcome.pk]), {"title": "改"})
    assert response.status_code == 404
    assert client.post(reverse("outcomes:delete", args=[outcome.pk])).status_code == 404
    assert Outcome.objects.get(pk=outcome.pk).title == "“不见面审批”推进方案"


def test_deleting_from_the_page(client, org: Org, outcome):
    login(client, org, "director")
    response = client.post(reverse("outcomes:delete", args=[outcome.pk]))
    assert response.status_code == 302
    assert not Outcome.objects.filter(pk=outcome.pk).exists()


# --- Milestones and progress --------------------------------------------------------------


@pytest.mark.parametrize("who", UPDATERS)
def test_the_responsible_unit_and_the_office_complete_milestones(client, org: Org, outcome, who):
    milestone = outcome.milestones.get()
    login(client, org, who)
    detail = client.get(reverse("outcomes:detail", args=[outcome.pk])).content.decode()
    assert reverse("outcomes:milestone_complete", args=[milestone.pk]) in detail
    response = client.post(
        reverse("outcomes:milestone_complete", args=[milestone.pk]), {"note": "已完成"}
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_at is not None and milestone.note == "已完成"
    outcome.refresh_from_db()
    assert outcome.progress == 100 and outcome.status == OutcomeStatus.DONE
    client.post(reverse("outcomes:milestone_reopen", args=[milestone.pk]))
    assert Milestone.objects.get(pk=milestone.pk).done_at is None


@pytest.mark.parametrize("who", ["leader", "inspector", "other_unit_head", "staff", "stranger"])
def test_others_may_not_touch_milestones_progress_or_documents(client, org: Org, outcome, who):
    milestone = outcome.milestones.get()
    bare = new_outcome(org, "手工进度")
    login(client, org, who)
    urls = [
        (reverse("outcomes:milestone_complete", args=[milestone.pk]), {}),
        (reverse("outcomes:milestone_delete", args=[milestone.pk]), {}),
        (
            reverse("outcomes:milestone_edit", args=[milestone.pk]),
            {"title": "改", "weight": 1},
        ),
        (reverse("outcomes:milestone_add", args=[outcome.pk]), {"title": "加", "weight": 1}),
        (reverse("outcomes:progress", args=[bare.pk]), {"percent": "50"}),
        (
            reverse("outcomes:document_add", args=[outcome.pk]),
            {"file": SimpleUploadedFile("a.pdf", PDF)},
        ),
        (reverse("outcomes:link", args=[outcome.pk]), {"numbers": "1"}),
    ]
    for url, data in urls:
        assert client.post(url, data).status_code == 404, url
    assert Milestone.objects.get().done_at is None
    assert Milestone.objects.get().title == "制定方案"
    assert Outcome.objects.get(pk=bare.pk).progress == 0
    assert not OutcomeDocument.objects.exists()


def test_the_unit_head_sees_no_edit_but_can_update(client, org: Org, outcome):
    login(client, org, "unit_head")
    detail = client.get(reverse("outcomes:detail", args=[outcome.pk])).content.decode()
    assert reverse("outcomes:edit", args=[outcome.pk]) not in detail
    assert reverse("outcomes:link", args=[outcome.pk]) not in detail
    assert reverse("outcomes:milestone_add", args=[outcome.pk]) in detail
    response = client.post(
        reverse("outcomes:milestone_add", args=[outcome.pk]),
        {"title": "印发实施", "due_on": "2018-09-30", "weight": "3"},
    )
    assert response.status_code == 302
    assert outcome.milestones.count() == 2


def test_manual_progress_and_its_refusals(client, org: Org, outcome):
    bare = new_outcome(org, "手工进度")
    login(client, org, "unit_head")
    client.post(reverse("outcomes:progress", args=[bare.pk]), {"percent": "40.5"})
    assert Outcome.objects.get(pk=bare.pk).progress == pytest.approx(40.5)
    response = client.post(
        reverse("outcomes:progress", args=[bare.pk]), {"percent": "140"}, follow=True
    )
    assert Outcome.objects.get(pk=bare.pk).progress == pytest.approx(40.5)
    assert "100" in response.content.decode()
    # Computed from its milestones: refused.
    client.post(reverse("outcomes:progress", args=[outcome.pk]), {"percent": "50"})
    assert Outcome.objects.get(pk=outcome.pk).progress == 0


# --- Suggestions --------------------------------------------------------------------------


def test_linking_by_numbers(client, org: Org, outcome):
    first = new_suggestion(org, "甲")
    second = new_suggestion(org, "乙", stage=Stage.ADOPTED)
    login(client, org, "director")
    response = client.post(
        reverse("outcomes:link", args=[outcome.pk]),
        {"numbers": f"#{first.number}，{second.number}"},
        follow=True,
    )
    assert response.status_code == 200
    assert set(OutcomeSuggestion.objects.values_list("suggestion_id", flat=True)) == {
        first.pk,
        second.pk,
    }
    assert Suggestion.objects.get(pk=first.pk).stage == Stage.CONVERTED
    client.post(reverse("outcomes:unlink", args=[outcome.pk, first.pk]))
    assert Suggestion.objects.get(pk=first.pk).stage == Stage.ADOPTED


def test_unknown_numbers_and_early_suggestions_link_nothing(client, org: Org, outcome):
    valuable = new_suggestion(org, "甲")
    received = new_suggestion(org, "乙", stage=Stage.RECEIVED)
    login(client, org, "director")
    response = client.post(
        reverse("outcomes:link", args=[outcome.pk]),
        {"numbers": f"{valuable.number}, 999"},
        follow=True,
    )
    assert "#999" in response.content.decode()
    response = client.post(
        reverse("outcomes:link", args=[outcome.pk]),
        {"numbers": f"{valuable.number}, {received.number}"},
        follow=True,
    )
    assert f"#{received.number}" in response.content.decode()
    response = client.post(
        reverse("outcomes:link", args=[outcome.pk]), {"numbers": "12, abc"}, follow=True
    )
    assert "abc" in response.content.decode()
    assert not OutcomeSuggestion.objects.exists()
    assert Suggestion.objects.get(pk=valuable.pk).stage == Stage.VALUABLE


def test_the_page_shows_names_but_never_contacts(client, org: Org, outcome):
    theirs = public_suggestion(org, contact="13905270001")
    mine = staff_suggestion(org, org.staff)
    outcome_link_suggestions(actor=org.director, outcome=outcome, suggestions=[theirs, mine])
    login(client, org, "leader")
    text = client.get(reverse("outcomes:detail", args=[outcome.pk])).content.decode()
    assert "李群众" in text and "王建国" in text
    assert "13905270001" not in text


# --- Documents ----------------------------------------------------------------------------


def test_uploading_and_downloading_documents(client, org: Org, outcome, media):
    login(client, org, "unit_contact")
    response = client.post(
        reverse("outcomes:document_add", args=[outcome.pk]),
        {"file": SimpleUploadedFile("推进方案.pdf", PDF)},
    )
    assert response.status_code == 302
    document = OutcomeDocument.objects.get()
    login(client, org, "staff")
    download = client.get(reverse("outcomes:document", args=[document.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    login(client, org, "stranger")
    assert client.get(reverse("outcomes:document", args=[document.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("outcomes:document", args=[document.pk])).status_code == 302


def test_a_wrong_file_is_refused_on_the_page(client, org: Org, outcome, media):
    login(client, org, "director")
    response = client.post(
        reverse("outcomes:document_add", args=[outcome.pk]),
        {"file": SimpleUploadedFile("方案.pdf", b"just some text, not a pdf")},
        follow=True,
    )
    assert response.status_code == 200
    assert "PDF" in response.content.decode()
    assert not OutcomeDocument.objects.exists()
    assert [p for p in media.rglob("*") if p.is_file()] == []


# --- The public column --------------------------------------------------------------------


def test_the_public_page_shows_only_public_outcomes_and_no_names(client, org: Org, outcome, media):
    public = new_outcome(
        org, "窗口服务首问负责制度", kind=OutcomeKind.INSTITUTIONAL, is_public=True
    )
    done = milestone_add(actor=org.director, outcome=public, title="制度印发")
    milestone_complete(actor=org.director, milestone=done)
    outcome_link_suggestions(
        actor=org.director, outcome=public, suggestions=[staff_suggestion(org, org.staff)]
    )
    outcome_document_add(
        actor=org.director, outcome=public, upload=SimpleUploadedFile("制度.pdf", PDF)
    )
    response = client.get(reverse("outcomes:public", args=[org.office.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "窗口服务首问负责制度" in text and "制度印发" in text and "100.0%" in text
    assert "不见面审批" not in text
    assert "王建国" not in text
    assert "制度.pdf" not in text
    assert client.get(reverse("outcomes:public", args=[999999])).status_code == 404
    other = client.get(reverse("outcomes:public", args=[org.other_office.pk]))
    assert "窗口服务首问负责制度" not in other.content.decode()


# --- Constant queries ---------------------------------------------------------------------


def grow(org: Org, count: int) -> Outcome:
    """`count` outcomes in trees of three levels, with milestones and linked suggestions."""
    made = 0
    first = None
    while made < count:
        root = new_outcome(org, f"成果{made}", is_public=True)
        first = first or root
        made += 1
        parent = root
        for level in range(2):
            if made >= count:
                break
            parent = new_outcome(org, f"子成果{made}", parent=parent)
            made += 1
            milestone = milestone_add(actor=org.director, outcome=parent, title=f"节点{level}")
            milestone_complete(actor=org.director, milestone=milestone)
            outcome_link_suggestions(
                actor=org.director,
                outcome=parent,
                suggestions=[new_suggestion(org, f"建议{made}")],
            )
    assert first is not None
    return first


def detail_of(org: Org, outcome: Outcome, count: int) -> None:
    for i in range(count):
        new_outcome(org, f"下级{i}", parent=outcome)
        milestone_add(actor=org.director, outcome=outcome, title=f"节点{i}")
        outcome_link_suggestions(
            actor=org.director, outcome=outcome, suggestions=[new_suggestion(org, f"意见{i}")]
        )


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_list_and_my_units_take_constant_queries(
    client, org: Org, django_assert_max_num_queries
):
    grow(org, 3)
    login(client, org, "unit_head")
    small = [queries(client, reverse(name)) for name in ("outcomes:list", "outcomes:mine")]
    grow(org, 15)
    large = [queries(client, reverse(name)) for name in ("outcomes:list", "outcomes:mine")]
    assert large == small
    with django_assert_max_num_queries(14):
        client.get(reverse("outcomes:list"), {"status": OutcomeStatus.DONE})
    client.logout()
    public = reverse("outcomes:public", args=[org.office.pk])
    with django_assert_max_num_queries(6):
        assert client.get(public).status_code == 200


def test_the_detail_page_takes_constant_queries(client, org: Org, django_assert_max_num_queries):
    small = new_outcome(org, "小")
    detail_of(org, small, 3)
    large = new_outcome(org, "大")
    detail_of(org, large, 15)
    login(client, org, "director")
    counted = queries(client, reverse("outcomes:detail", args=[small.pk]))
    assert queries(client, reverse("outcomes:detail", args=[large.pk])) == counted
    with django_assert_max_num_queries(15):
        client.get(reverse("outcomes:detail", args=[large.pk]))


# --- The demo office ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_demo_office_outcomes_pages(demo, client):
    from huodong.campaigns.models import Campaign
    from huodong.orgs.models import User

    campaign = Campaign.objects.get()
    plan = Outcome.objects.get(title="《“不见面审批”推进方案》")
    assert plan.children.count() == 2 and plan.progress > 0
    client.force_login(User.objects.get(username="zhongchonghao"))
    tree = client.get(reverse("outcomes:list")).content.decode()
    assert "《窗口服务首问负责制度》" in tree and "审批结果免费寄递到家" in tree
    client.force_login(User.objects.get(username="yewuchu"))
    mine = client.get(reverse("outcomes:mine")).content.decode()
    assert "网上办事大厅事项全覆盖" in mine
    detail = client.get(reverse("outcomes:detail", args=[plan.pk])).content.decode()
    assert reverse("outcomes:edit", args=[plan.pk]) not in detail
    client.logout()
    public = client.get(reverse("outcomes:public", args=[campaign.office_id])).content.decode()
    assert "《关于进一步优化营商环境的若干意见》" in public
    assert "《窗口服务首问负责制度》" not in public
