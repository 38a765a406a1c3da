"""The exports: one row per response in .csv (UTF-8 with BOM) and .xlsx, streamed, chunked
with a fixed number of queries per chunk, names only in staff surveys, and no formulas."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from huodong.core.models import AuditRecord
from huodong.orgs.models import Role
from huodong.surveys.exports import (
    cell_text,
    csv_chunks,
    export_layout,
    export_rows,
)
from huodong.surveys.models import Audience, QuestionKind
from huodong.surveys.services import (
    device_token_new,
    question_add,
    response_submit,
    survey_create,
    survey_publish,
)
from huodong.surveys.tests.test_answering import full_answer, opt

pytestmark = pytest.mark.django_db

HEADER = [
    "1. 您对办事体验是否满意？",
    "2. 不满意的原因",
    "3. 您办理了哪些业务？",
    "4. 您的单位（可不填）",
    "5. 总体评分",
    "6. 请评价以下方面 · 环境",
    "6. 请评价以下方面 · 效率",
    "7. 请按重要性排序",
]


def answer(survey, data):
    return response_submit(survey=survey, actor=None, data=data, device_token=device_token_new())


def unhappy(q):
    return {
        f"q{q['satisfied'].pk}": [opt(q["satisfied"], "不满意")],
        f"q{q['reason'].pk}": ['=HYPERLINK("http://x")\n排队太久'],
        f"q{q['services'].pk}": [opt(q["services"], "税务"), opt(q["services"], "不动产")],
        f"q{q['score'].pk}": ["2"],
    }


@pytest.fixture
def answered(hall_survey):
    survey, q = hall_survey
    first = answer(survey, full_answer(q))
    second = answer(survey, unhappy(q))
    return survey, q, [first, second]


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def test_csv_has_a_bom_a_header_and_one_row_per_response(client, answered, director):
    survey, _q, responses = answered
    client.force_login(director)
    response = client.get(reverse("surveys:export_csv", args=[survey.pk]))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert ".csv" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][1:] == HEADER  # anonymous: no name column
    assert rows[1] == [
        local(responses[0].submitted_at),
        "满意",
        "",
        f"社保；{gettext('Other')}：出入境",
        "某某公司",
        "4",
        "好",
        "一般",
        "态度>速度>便利",
    ]
    # Options in the question's order whatever the order chosen; a text that would be a
    # formula is written with an apostrophe before it.
    assert rows[2][1:6] == ["不满意", '\'=HYPERLINK("http://x")\n排队太久', "不动产；税务", "", "2"]
    assert rows[2][6:] == ["", "", ""]
    assert len(rows) == 3
    assert AuditRecord.objects.filter(action="survey.export", object_id=str(survey.pk)).exists()


def test_xlsx_holds_the_same_rows(client, answered, director):
    survey, _q, responses = answered
    client.force_login(director)
    response = client.get(reverse("surveys:export_xlsx", args=[survey.pk]))
    assert response.status_code == 200 and response.streaming
    assert "spreadsheetml" in response["Content-Type"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert list(rows[0][1:]) == HEADER
    first = rows[1]
    assert first[0] == timezone.localtime(responses[0].submitted_at).replace(
        tzinfo=None, microsecond=0
    )
    assert first[1:4] == ["满意", None, f"社保；{gettext('Other')}：出入境"]
    assert first[4:] == ["某某公司", 4, "好", "一般", "态度>速度>便利"]
    second = rows[2]
    assert second[2] == '\'=HYPERLINK("http://x")\n排队太久'  # a string, not a formula
    assert second[3] == "不动产；税务"
    assert second[5] == 2
    assert len(rows) == 3


def test_staff_surveys_name_the_person(client, office, director, make_member):
    survey = survey_create(actor=director, office=office, title="干部问卷", audience=Audience.STAFF)
    question = question_add(
        actor=director,
        section=survey.sections.get(),
        kind=QuestionKind.SINGLE,
        text="是否参加",
        options=["是", "否"],
    )
    survey_publish(actor=director, survey=survey)
    someone = make_member(office, name="王小明")
    response_submit(survey=survey, actor=someone, data={f"q{question.pk}": [opt(question, "否")]})
    client.force_login(make_member(office, role=Role.INSPECTOR))
    body = b"".join(client.get(reverse("surveys:export_csv", args=[survey.pk])).streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows[0]) == 3 and rows[0][2] == "1. 是否参加"
    assert rows[1][1:] == ["王小明", "否"]


def test_rows_are_read_in_chunks_with_a_fixed_number_of_queries(
    hall_survey, django_assert_num_queries
):
    survey, q = hall_survey
    for _ in range(3):
        answer(survey, full_answer(q))
    layout = export_layout(survey)
    # One chunk: the responses and their answers (two queries), whatever their number.
    with django_assert_num_queries(2):
        few = list(export_rows(layout, chunk=2_000))
    for _ in range(27):
        answer(survey, unhappy(q))
    with django_assert_num_queries(2):
        many = list(export_rows(layout, chunk=2_000))
    assert len(few) == 3 and len(many) == 30
    # Chunks of seven: two queries each (the last, short, chunk ends it).
    with django_assert_num_queries(10):
        chunked = list(export_rows(layout, chunk=7))
    assert chunked == many
    # Thirty in chunks of ten: the fourth chunk finds none.
    with django_assert_num_queries(7):
        assert list(export_rows(layout, chunk=10)) == many


def test_csv_pieces_follow_the_chunks(hall_survey):
    survey, q = hall_survey
    for _ in range(5):
        answer(survey, full_answer(q))
    pieces = list(csv_chunks(export_layout(survey), chunk=2))
    assert len(pieces) == 3  # two full chunks, then the rest with nothing more to read
    rows = list(csv.reader(io.StringIO(b"".join(pieces).decode("utf-8-sig"))))
    assert len(rows) == 6


def test_another_surveys_answers_stay_out(hall_survey, office, director):
    survey, q = hall_survey
    other = survey_create(actor=director, office=office, title="另一份", audience=Audience.PUBLIC)
    question = question_add(
        actor=director,
        section=other.sections.get(),
        kind=QuestionKind.SHORT_TEXT,
        text="意见",
    )
    survey_publish(actor=director, survey=other)
    answer(survey, full_answer(q))
    answer(other, {f"q{question.pk}": ["别的问卷"]})
    answer(survey, full_answer(q))
    rows = list(export_rows(export_layout(survey)))
    assert len(rows) == 2 and all("别的问卷" not in row for row in rows)
    assert [row[1:] for row in export_rows(export_layout(other))] == [["别的问卷"]]


def test_cell_text_removes_control_characters_and_disarms_formulas():
    assert cell_text("正常") == "正常"
    assert cell_text("a\x00b\x07c") == "abc"
    for text in ("=1+1", "+1", "-1", "@SUM(A1)"):
        assert cell_text(text) == "'" + text


def test_a_survey_without_answers_exports_its_header(client, hall_survey, director):
    survey, _q = hall_survey
    client.force_login(director)
    body = b"".join(client.get(reverse("surveys:export_csv", args=[survey.pk])).streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 1 and rows[0][1:] == HEADER
    response = client.get(reverse("surveys:export_xlsx", args=[survey.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [list(row) for row in book.worksheets[0].iter_rows(values_only=True)][1:] == []
