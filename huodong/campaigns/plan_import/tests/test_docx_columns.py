"""A docx built here, with the schedule's columns in another order than the seed's."""

import io
from datetime import date

import docx

from huodong.campaigns.plan_import import parse_plan

HEADER = ["序号", "工作内容", "责任单位", "完成时间", "阶段", "配合单位"]
ROWS = [
    ["1", "制定实施方案。", "办公室\n组织科", "3月底前", "动员部署阶段", ""],
    ["2", "每人撰写不少于2篇学习体会。", "组织科", "4月中旬", "动员部署阶段", "各科室"],
    ["3", "各支部每月至少开展1次主题党日活动。", "机关党委", "每月", "学习提高阶段", ""],
    ["4", "召开总结会。", "办公室", "2019年6月25日", "学习提高阶段", "宣传科、组织科"],
]


def _build() -> bytes:
    document = docx.Document()
    for text in [
        "关于开展作风建设年活动的实施方案",
        "一、指导思想",
        "以习近平新时代中国特色社会主义思想为指导。",
        "二、方法步骤",
        "活动从2019年3月开始，分两个阶段进行。",
        "（一）动员部署阶段（3月上旬至4月中旬）。制定方案，动员部署。",
        "（二）学习提高阶段（4月下旬—6月）。深入学习，总结提高。",
        "三、保障措施",
        "成立活动领导小组，由张三同志任组长，李四、王五同志任副组长，"
        "钱七同志、各科室负责人为成员。"
        "领导小组办公室设在组织科，赵六同志任办公室主任。",
    ]:
        document.add_paragraph(text)
    table = document.add_table(rows=len(ROWS) + 1, cols=len(HEADER))
    for col, name in enumerate(HEADER):
        table.cell(0, col).text = name
    for r, row in enumerate(ROWS, start=1):
        for col, value in enumerate(row):
            if col == 4 and r in (2, 4):
                continue  # filled by the merge below
            cell = table.cell(r, col)
            lines = value.split("\n")
            cell.text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    # The phase column is merged vertically, as in real plans.
    table.cell(1, 4).merge(table.cell(2, 4))
    table.cell(3, 4).merge(table.cell(4, 4))
    document.add_paragraph("宿迁市某某局")
    document.add_paragraph("2019年3月1日")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_columns_in_another_order():
    plan = parse_plan(_build(), "plan.docx")
    assert plan.title == "关于开展作风建设年活动的实施方案"
    assert plan.year == 2019
    assert plan.issuer == "宿迁市某某局"
    assert plan.issued == date(2019, 3, 1)
    assert [(p.name, p.start, p.end) for p in plan.phases] == [
        ("动员部署阶段", date(2019, 3, 1), date(2019, 4, 20)),
        ("学习提高阶段", date(2019, 4, 21), date(2019, 6, 30)),
    ]
    tasks = [(t.seq, t.phase, t.due, t.due_text, t.lead_units, t.co_units) for t in plan.tasks]
    assert tasks == [
        (1, "动员部署阶段", date(2019, 3, 31), "3月底前", ["办公室", "组织科"], []),
        (2, "动员部署阶段", date(2019, 4, 20), "4月中旬", ["组织科"], ["各科室"]),
        (3, "学习提高阶段", None, "每月", ["机关党委"], []),
        (4, "学习提高阶段", date(2019, 6, 25), "2019年6月25日", ["办公室"], ["宣传科", "组织科"]),
    ]
    assert plan.tasks[1].text == "每人撰写不少于2篇学习体会。"
    assert plan.leading_group.members["组长"] == ["张三"]
    assert plan.leading_group.members["副组长"] == ["李四", "王五"]
    assert plan.leading_group.members["成员"] == ["钱七"]
    assert plan.leading_group.member_descriptions == ["各科室负责人"]
    assert plan.leading_group.office_unit == "组织科"
    assert plan.leading_group.office_director == "赵六"
    assert [(q.scope, q.min, q.subject, q.period, q.task_seq) for q in plan.quotas] == [
        ("person", 2, "学习体会", None, 2),
        ("branch", 1, "主题党日", "month", 3),
    ]
    # No document number in this plan: reported, not invented.
    assert plan.doc_number == ""
    assert any("document number" in w or "文号" in w for w in plan.warnings)
