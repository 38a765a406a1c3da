"""The organisation page's .xlsx export, and the helpers every app's list-export tests share:
`export_rows` opens a streamed export and returns its rows, `assert_flat_queries` checks that
an export's query count does not grow with its rows."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from huodong.core.models import AuditRecord
from huodong.core.uploads import XLSX_TYPE
from huodong.orgs.models import Role
from huodong.testing.factories import TEST_PASSWORD, PersonFactory, UnitFactory

pytestmark = pytest.mark.django_db

HEADING, HEADER = 0, 1  # the rows above the data


@pytest.fixture(autouse=True)
def _language_restored():
    """Requests made in English leave English active in the thread: restore the default so
    that later tests reading translated text in-process are unaffected. Import it into each
    module that uses `logged_in`."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def logged_in(client: Any, user: Any) -> Any:
    """The client signed in as `user`, reading English (the msgids)."""
    client.logout()
    assert client.login(username=user.username, password=TEST_PASSWORD)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def export_rows(response: Any) -> list[tuple]:
    """The rows of a streamed .xlsx answer's first sheet (heading, header, then data)."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".xlsx" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def data_rows(response: Any) -> list[tuple]:
    return export_rows(response)[HEADER + 1 :]


def assert_refused(client: Any, page_url: str, export_url: str) -> None:
    """The export answers a user who may not see the list as the page does: no file."""
    page = client.get(page_url)
    export = client.get(export_url)
    assert page.status_code in (403, 404)
    assert export.status_code == page.status_code
    assert "attachment" not in export.get("Content-Disposition", "")


def assert_flat_queries(
    client: Any, url: str, grow: Callable[[], None], django_assert_max_num_queries: Any
) -> int:
    """Export, add rows with `grow`, export again within the first count of queries.

    Start with at least one row: prefetches run only when there are rows to prefetch for."""
    with CaptureQueriesContext(connection) as first:
        before = len(data_rows(client.get(url)))
    grow()
    with django_assert_max_num_queries(len(first.captured_queries)):
        after = len(data_rows(client.get(url)))
    assert after > before
    return after


def last_audit(action: str) -> AuditRecord:
    record = AuditRecord.objects.filter(action=action).order_by("-pk").first()
    assert record is not None
    return record


def test_people_export_is_the_filtered_list_across_pages(office, make_member, login):
    client = login(make_member(office, role=Role.OFFICE_STAFF, name="管理员"))
    unit = UnitFactory(office=office, name="综合处")
    other = UnitFactory(office=office, name="业务处")
    for index in range(55):  # more than a page
        PersonFactory(office=office, unit=unit, name=f"张{index:02d}", phone="13800000000")
    PersonFactory(office=office, unit=other, name="李四")
    url = reverse("orgs:people_export") + f"?unit={unit.pk}&page=2"

    rows = export_rows(client.get(url))

    assert rows[HEADER][:3] == ("Name", "Unit", "Party branch")
    assert "Mobile" in rows[HEADER]
    names = [row[0] for row in rows[HEADER + 1 :]]
    assert len(names) == 55 and "李四" not in names
    assert rows[HEADER + 1][rows[HEADER].index("Mobile")] == "13800000000"
    record = last_audit("orgs.export_people")
    assert record.changes["rows"] == 55
    assert record.changes["filters"] == {"unit": str(unit.pk)}
    book = openpyxl.load_workbook(io.BytesIO(b"".join(client.get(url).streaming_content)))
    assert [name for name in book.sheetnames] == ["People", "Units"]


def test_people_export_search_and_chinese_headers(office, make_member, login):
    client = login(make_member(office, role=Role.OFFICE_DIRECTOR))
    PersonFactory(office=office, name="王小明")
    PersonFactory(office=office, name="赵六")
    response = client.get(reverse("orgs:people_export") + "?q=小明", HTTP_ACCEPT_LANGUAGE="zh-hans")
    rows = export_rows(response)
    assert rows[HEADER][0] == "姓名"
    assert [row[0] for row in rows[HEADER + 1 :]] == ["王小明"]
    assert "filename*=utf-8''" in response["Content-Disposition"]


def test_the_page_links_its_export_with_its_filters(office, make_member, login):
    client = login(make_member(office, role=Role.OFFICE_STAFF))
    unit = UnitFactory(office=office)
    page = client.get(reverse("orgs:units") + f"?q=x&unit={unit.pk}&page=1")
    link = reverse("orgs:people_export") + f"?q=x&amp;unit={unit.pk}"
    assert link in page.content.decode()


@pytest.mark.parametrize("role", [None, Role.UNIT_HEAD, Role.LEADER, Role.INSPECTOR])
def test_people_export_is_refused_like_the_page(office, make_member, login, role):
    unit = UnitFactory(office=office)
    client = login(make_member(office, role=role, unit=unit, role_unit=unit if role else None))
    assert_refused(client, reverse("orgs:units"), reverse("orgs:people_export"))
    assert not AuditRecord.objects.filter(action="orgs.export_people").exists()


def test_people_export_queries_do_not_grow(
    office, make_member, login, django_assert_max_num_queries
):
    client = login(make_member(office, role=Role.OFFICE_STAFF))
    unit = UnitFactory(office=office)

    def grow():
        for _ in range(30):
            PersonFactory(office=office, unit=UnitFactory(office=office, parent=unit))

    assert_flat_queries(client, reverse("orgs:people_export"), grow, django_assert_max_num_queries)
