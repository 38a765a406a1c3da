"""The questionnaires list's .xlsx export: every page of the office's questionnaires (not the
templates), refused like the page, in a flat number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from huodong.core.models import AuditRecord
from huodong.orgs.models import Role
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
from huodong.surveys.models import Audience, QuestionKind
from huodong.surveys.services import question_add, survey_create, survey_publish

pytestmark = pytest.mark.django_db

LIST = reverse("surveys:list")
EXPORT = reverse("surveys:list_export")


def _survey(director, office, title, **kwargs):
    return survey_create(actor=director, office=office, title=title, **kwargs)


def test_the_export_is_every_page_of_the_list(client, office, other_office, director, make_member):
    for index in range(23):  # more than a page
        _survey(director, office, f"调查{index:02d}")
    _survey(director, office, "模板问卷", is_template=True)
    other = make_member(other_office, role=Role.OFFICE_DIRECTOR)
    _survey(other, other_office, "别处的问卷")
    published = _survey(director, office, "满意度调查", audience=Audience.STAFF)
    question_add(
        actor=director,
        section=published.sections.get(),
        kind=QuestionKind.SINGLE,
        text="满意吗？",
        options=["满意", "不满意"],
    )
    survey_publish(actor=director, survey=published)
    published.refresh_from_db()
    client = logged_in(client, make_member(office, role=Role.LEADER))

    rows = export_rows(client.get(EXPORT + "?page=2"))

    assert rows[HEADER][:4] == ("Title", "Who answers", "Campaign", "Status")
    titles = [row[0] for row in rows[HEADER + 1 :]]
    assert len(titles) == 24
    assert "模板问卷" not in titles and "别处的问卷" not in titles
    first = rows[HEADER + 1]
    assert first[0] == "满意度调查" and first[3] == "Open for answers"
    assert first[-1].endswith(
        reverse("surveys_public:answer", kwargs={"key": published.public_key})
    )
    assert rows[HEADER + 2][3] == "Draft" and rows[HEADER + 2][-1] is None
    record = last_audit("surveys.export_surveys")
    assert record.changes["rows"] == 24 and record.changes["filters"] == {}
    assert f'href="{EXPORT}"' in client.get(LIST).content.decode()


def test_the_export_is_refused_like_the_page(client, office, other_office, make_member):
    for user in (make_member(office), make_member(other_office)):
        client = logged_in(client, user)
        assert_refused(client, LIST, EXPORT)
    assert not AuditRecord.objects.filter(action="surveys.export_surveys").exists()


def test_the_export_keeps_its_query_count(client, office, director, django_assert_max_num_queries):
    _survey(director, office, "第一份")

    def grow():
        for index in range(15):
            _survey(director, office, f"问卷{index}")

    client = logged_in(client, director)
    assert_flat_queries(client, EXPORT, grow, django_assert_max_num_queries)
