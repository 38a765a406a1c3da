"""The .xlsx exports of the contest list and of the organisers' entries: the rows their pages
show across every page, refused like the pages (a judge never gets the entries, nor an author
in any file), in a flat number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from huodong.contests.models import Entry
from huodong.contests.tests.conftest import (
    AUTHOR_NAME,
    AUTHOR_UNIT,
    PUBLIC_NAME,
    PUBLIC_ORG,
    SECOND_NAME,
    make_contest,
)
from huodong.contests.tests.test_anonymity import hidden_from_judges, scored  # noqa: F401
from huodong.contests.tests.test_views import _many
from huodong.core.models import AuditRecord
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
from huodong.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("contests:list")
LIST_EXPORT = reverse("contests:list_export")


def _entries(contest) -> tuple[str, str]:
    return (
        reverse("contests:entries", args=[contest.pk]),
        reverse("contests:entries_export", args=[contest.pk]),
    )


# --- The contest list -------------------------------------------------------------------------


def test_the_contest_export_is_every_page_the_user_sees(client, office, people, contest):
    for index in range(31):  # more than a page of drafts, for the organisers only
        make_contest(office, people, title=f"草稿征文{index:02d}", opens_on=contest.opens_on)
    client = logged_in(client, people.other_staff)
    rows = export_rows(client.get(LIST_EXPORT))
    assert rows[HEADER] == (
        "Contest",
        "Theme",
        "Campaign",
        "Entries from",
        "Entries until",
        "Status",
        "Entries",
    )
    assert [row[0] for row in rows[HEADER + 1 :]] == [contest.title]
    assert rows[HEADER + 1][5] == contest.get_status_display()
    assert f'href="{LIST_EXPORT}"' in client.get(LIST).content.decode()

    client = logged_in(client, people.director)
    titles = [row[0] for row in data_rows(client.get(LIST_EXPORT + "?page=2"))]
    assert len(titles) == 32 and contest.title in titles
    record = last_audit("contests.export_contests")
    assert record.changes["rows"] == 32 and record.changes["filters"] == {}


def test_the_contest_export_is_refused_like_the_page(client, contest):
    client = logged_in(client, UserFactory())  # in no office
    assert_refused(client, LIST, LIST_EXPORT)
    assert not AuditRecord.objects.filter(action="contests.export_contests").exists()


def test_a_judge_s_contest_export_names_no_author(client, scored, people):  # noqa: F811
    client = logged_in(client, people.judges[0])
    rows = export_rows(client.get(LIST_EXPORT))
    text = " ".join(str(cell) for row in rows for cell in row if cell is not None)
    for word in hidden_from_judges(scored.contest):
        assert word not in text


def test_the_contest_export_keeps_its_query_count(
    client, office, people, contest, django_assert_max_num_queries
):
    def grow():
        for index in range(10):
            make_contest(office, people, title=f"征文{index}", campaign=None)

    client = logged_in(client, people.director)
    assert_flat_queries(client, LIST_EXPORT, grow, django_assert_max_num_queries)


# --- The entries ------------------------------------------------------------------------------


def test_the_entries_export_is_the_organisers_list(client, scored, people):  # noqa: F811
    contest = scored.contest
    client = logged_in(client, people.director)
    page_url, export_url = _entries(contest)
    rows = export_rows(client.get(export_url))
    header = rows[HEADER]
    assert header[:5] == ("No.", "Title", "Author", "Organisation", "Public")
    data = rows[HEADER + 1 :]
    assert [row[0] for row in data] == [1, 2, 3]
    assert [row[2] for row in data] == [AUTHOR_NAME, SECOND_NAME, PUBLIC_NAME]
    assert data[0][3] == AUTHOR_UNIT and data[2][3] == PUBLIC_ORG
    assert [row[4] for row in data] == ["No", "No", "Yes"]
    ratio = header.index("Copy ratio")
    assert all(isinstance(row[ratio], (int, float)) for row in data)  # every one checked
    assert data[0][header.index("Judged by")] == 1
    record = last_audit("contests.export_entries")
    assert record.changes["rows"] == 3 and record.object_id == str(contest.pk)
    assert export_url in client.get(page_url).content.decode()


@pytest.mark.parametrize("who", ["judge", "office_staff_judge", "leader", "other_staff"])
def test_the_entries_export_is_refused_like_the_page(client, scored, people, who):  # noqa: F811
    user = {"judge": people.judges[0], "office_staff_judge": people.office_staff}.get(who)
    client = logged_in(client, user or getattr(people, who))
    assert_refused(client, *_entries(scored.contest))
    assert not AuditRecord.objects.filter(action="contests.export_entries").exists()


def test_another_office_gets_no_entries(client, judging, people):
    client = logged_in(client, people.stranger)
    assert_refused(client, *_entries(judging.contest))


def test_the_entries_export_keeps_its_query_count(
    client, judging, people, django_assert_max_num_queries
):
    client = logged_in(client, people.director)
    _many(judging.contest, people, 3, start=10)

    def grow():
        _many(judging.contest, people, 15, start=100)

    url = _entries(judging.contest)[1]
    assert assert_flat_queries(client, url, grow, django_assert_max_num_queries) == 3 + 3 + 15
    assert Entry.objects.filter(contest=judging.contest).count() == 21
