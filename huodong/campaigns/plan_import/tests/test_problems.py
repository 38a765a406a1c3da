"""What the reviewer must fix: problems in the review, a refusal naming the row in strict mode."""

import io

import docx
import pytest
from django.utils import translation

from huodong.campaigns.plan_import import PlanImportError, parse_plan, parse_text
from huodong.campaigns.plan_import.safety import OLE_MAGIC

from .helpers import SEED_DOCX, SEED_TXT

HEADER = ["序号", "工作任务", "牵头单位", "完成时限"]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _docx(rows: list[list[str]]) -> bytes:
    document = docx.Document()
    for text in [
        "关于开展学习活动的实施方案",
        "一、方法步骤",
        "活动从2020年4月开始。",
    ]:
        document.add_paragraph(text)
    table = document.add_table(rows=len(rows) + 1, cols=len(HEADER))
    for r, row in enumerate([HEADER, *rows]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


MISSING_DEADLINE = [
    ["1", "制定方案", "办公室", "4月10日前"],
    ["2", "召开动员大会", "办公室", ""],
    ["3", "开展学习", "组织科", "5月底"],
]


def _tsv(rows: list[str]) -> str:
    return "\n".join(
        ["关于开展学习活动的工作方案", "活动从2021年3月开始。", "\t".join(HEADER), *rows]
    )


def test_missing_deadline_is_a_problem_for_the_review():
    plan = parse_plan(_docx(MISSING_DEADLINE), "plan.docx")
    assert [t.seq for t in plan.tasks] == [1, 2, 3]  # nothing is dropped
    [problem] = plan.problems
    assert (problem.kind, problem.task_seq, problem.row) == ("missing_deadline", 2, 3)
    assert problem.snippet == "召开动员大会"
    assert "Task 2" in problem.message and "row 3" in problem.message
    assert problem.message in plan.warnings
    assert plan.to_dict()["problems"] == [
        {
            "kind": "missing_deadline",
            "message": problem.message,
            "snippet": "召开动员大会",
            "task_seq": 2,
            "row": 3,
        }
    ]


def test_missing_deadline_refused_in_strict_mode_naming_the_row():
    with pytest.raises(PlanImportError) as info:
        parse_plan(_docx(MISSING_DEADLINE), "plan.docx", strict=True)
    assert info.value.code == "missing_deadline"
    assert "Task 2" in info.value.message and "row 3" in info.value.message
    assert "deadline" in info.value.message


def test_missing_unit_is_a_problem_and_strict_refuses_it():
    text = _tsv(
        ["1\t制定方案\t办公室\t3月10日前", "2\t召开动员大会\t\t3月底", "3\t开展学习\t组织科\t4月"]
    )
    plan = parse_text(text)
    [problem] = plan.problems
    assert (problem.kind, problem.task_seq, problem.row) == ("missing_unit", 2, 3)
    assert plan.tasks[1].lead_units == []
    with pytest.raises(PlanImportError) as info:
        parse_text(text, strict=True)
    assert info.value.code == "missing_unit"
    assert "Task 2 (row 3 of the schedule table)" in info.value.message


def test_strict_names_the_first_problem_and_counts_the_rest():
    text = _tsv(["1\t制定方案\t\t另行通知", "2\t召开动员大会\t办公室\t"])
    plan = parse_text(text)
    assert [(p.kind, p.task_seq) for p in plan.problems] == [
        ("bad_date", 1),
        ("missing_unit", 1),
        ("missing_deadline", 2),
    ]
    with pytest.raises(PlanImportError) as info:
        parse_text(text, strict=True)
    assert info.value.code == "bad_date"
    assert "另行通知" in info.value.message and "3 problems" in info.value.message


def test_date_in_the_unit_column_looks_wrong():
    # Columns slipped: the deadline went into the unit cell.
    plan = parse_text(_tsv(["1\t制定方案\t5月底前\t办公室"]))
    kinds = {p.kind for p in plan.problems}
    assert {"odd_unit", "bad_date"} <= kinds
    odd = next(p for p in plan.problems if p.kind == "odd_unit")
    assert odd.snippet == "5月底前" and odd.task_seq == 1


def test_recurring_deadline_is_no_problem():
    plan = parse_text(_tsv(["1\t主题党日\t各支部\t每月", "2\t整改\t各科室\t长期坚持"]))
    assert plan.problems == []
    assert [(t.due, t.recurrence) for t in plan.tasks] == [(None, "month"), (None, "ongoing")]


def test_numbered_paragraph_without_deadline_is_a_problem_without_a_row():
    plan = parse_text(
        "关于开展学习活动的工作方案\n活动从2021年3月开始。\n"
        "1.制定方案。（牵头单位：办公室；完成时间：3月10日）\n"
        "2.召开动员大会。（牵头单位：办公室）\n"
    )
    [problem] = plan.problems
    assert (problem.kind, problem.task_seq, problem.row) == ("missing_deadline", 2, None)
    with pytest.raises(PlanImportError, match="Task 2 has no deadline"):
        parse_text(plan.source_text, strict=True)


def test_duplicate_number_is_a_problem():
    plan = parse_plan(
        _docx([["1", "制定方案", "办公室", "4月10日"], ["1", "召开大会", "办公室", "4月20日"]]),
        "plan.docx",
    )
    assert [(p.kind, p.task_seq, p.row) for p in plan.problems] == [("duplicate_seq", 1, 3)]


@pytest.mark.parametrize("path", [SEED_DOCX, SEED_TXT], ids=["docx", "txt"])
def test_seed_has_no_problems_and_passes_strict(path):
    plan = parse_plan(path.read_bytes(), path.name, strict=True)
    assert plan.problems == []
    assert plan.year_source == "从2018年5月开始到年底"


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (OLE_MAGIC + b"\0" * 2048, "plan.doc", "doc"),
        (OLE_MAGIC + b"\0" * 2048, "plan.wps", "wps"),
        (b"\x11\x22 not a known format", "plan.wps", "wps"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "plan.pdf", "pdf"),
        (b"\x00\x01junk before the header %PDF-1.4\n", "plan.pdf", "pdf"),
        (b"<html><body>plan</body></html>", "plan.doc", "markup"),
        (b'<?xml version="1.0"?><?mso-application progid="Word.Document"?>', "plan.doc", "markup"),
    ],
)
def test_unreadable_formats_say_how_to_save_as_docx(data, name, code):
    with pytest.raises(PlanImportError) as info:
        parse_plan(data, name)
    assert info.value.code == code
    assert ".docx" in info.value.message
    assert "save it as" in info.value.message


def test_no_schedule_message_names_both_layouts():
    with pytest.raises(PlanImportError) as info:
        parse_text("关于开展学习活动的实施方案\n一、指导思想\n认真学习。\n")
    assert info.value.code == "no_tasks"
    assert "牵头单位" in info.value.message and "1.制定实施方案" in info.value.message
