"""The pool's .xlsx export: the filtered list, contacts only for the office's managers."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from huodong.core.models import AuditRecord
from huodong.suggestions.models import Stage
from huodong.suggestions.services.pool_triage import suggestion_merge, suggestion_triage

pytestmark = pytest.mark.django_db


def rows_of(response) -> list[tuple]:
    body = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_the_office_exports_the_filtered_list_with_contacts(client, pool):
    original = pool.suggest("建议周末增设便民窗口", tags=["窗口", "周末"], category=pool.category)
    public = pool.mailbox(
        '=HYPERLINK("http://x")',
        submitter_name="王",
        submitter_organisation="某公司",
        submitter_contact="13905271234",
    )
    refused = pool.suggest("不可行的建议")
    suggestion_triage(
        actor=pool.director, suggestion=refused, stage=Stage.NOT_ADOPTED, reason="与规定不符"
    )
    suggestion_merge(actor=pool.director, duplicate=public, original=original)
    client.force_login(pool.director)
    response = client.get(reverse("suggestions:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = rows_of(response)
    header = rows[1]
    assert header[:5] == ("No.", "Suggestion", "Source", "Submitted by", "Contact")
    by_number = {row[0]: row for row in rows[2:]}
    assert set(by_number) == {original.number, public.number, refused.number}
    assert by_number[public.number][3] == "王，某公司"
    assert by_number[public.number][4] == "13905271234"
    assert by_number[public.number][1].startswith("'=")  # never a formula
    assert by_number[public.number][10] == original.number  # duplicate of
    assert by_number[original.number][6] == "周末、窗口"
    assert by_number[refused.number][9] == "与规定不符"
    assert AuditRecord.objects.get(action="suggestion.export").changes == {
        "rows": 3,
        "contacts": True,
    }
    filtered = rows_of(client.get(reverse("suggestions:export") + "?stage=not_adopted"))
    assert [row[0] for row in filtered[2:]] == [refused.number]


@pytest.mark.parametrize("who", ["leader", "inspector"])
def test_readers_export_without_contacts(client, pool, who):
    pool.mailbox("建议", submitter_name="王", submitter_contact="13905271234")
    client.force_login(getattr(pool, who))
    rows = rows_of(client.get(reverse("suggestions:export")))
    assert "Contact" not in rows[1]
    assert all("13905271234" not in [str(c) for c in row] for row in rows)


@pytest.mark.parametrize("who", ["submitter", "evaluator"])
def test_staff_cannot_export(client, pool, who):
    client.force_login(getattr(pool, who))
    assert client.get(reverse("suggestions:export")).status_code == 404


def test_the_export_reads_in_a_few_queries(client, pool, django_assert_max_num_queries):
    for n in range(30):
        pool.suggest(f"建议{n}", tags=[f"t{n % 4}"])
    client.force_login(pool.director)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("suggestions:export"))
        rows = rows_of(response)
    assert len(rows) == 32
