from datetime import date

from huodong.campaigns.plan_import import parse_plan
from huodong.campaigns.plan_import.blocks import Paragraph, Table
from huodong.campaigns.plan_import.text_reader import read_text

PLAN = """宿某发〔2020〕3号
关于开展学习活动的工作方案
一、方法步骤
从2020年4月开始。
（一）启动阶段（4月初至4月底）。部署。
（二）深化阶段（5月—6月）。落实。
{table}
某某局
2020年3月20日
"""


def test_tab_separated_rows():
    table = "\n".join(
        [
            "序号\t阶段\t主要任务\t完成时间\t牵头单位\t配合单位\t牵头领导",
            "1\t启动阶段\t制定方案\t4月15日前\t办公室\t\t张三",
            "2\t\t召开动员会\t4月底\t办公室、政工科\t各科室\t张三",
            "3\t深化阶段\t每季度至少开展1次专题学习\t长期坚持\t政工科\t\t李四",
            "4\t\t总结\t尽快\t办公室\t\t李四",
        ]
    )
    plan = parse_plan(PLAN.format(table=table).encode("gb18030"), "plan.txt")
    assert plan.doc_number == "宿某发〔2020〕3号"
    assert plan.issuer == "某某局" and plan.issued == date(2020, 3, 20)
    assert [(t.seq, t.phase, t.due, t.lead_units, t.co_units) for t in plan.tasks] == [
        (1, "启动阶段", date(2020, 4, 15), ["办公室"], []),
        (2, "启动阶段", date(2020, 4, 30), ["办公室", "政工科"], ["各科室"]),
        (3, "深化阶段", None, ["政工科"], []),
        (4, "深化阶段", None, ["办公室"], []),
    ]
    assert plan.tasks[2].due_text == "长期坚持"
    assert [(q.min, q.subject, q.period, q.task_seq) for q in plan.quotas] == [
        (1, "专题学习", "quarter", 3)
    ]
    # Not understood: reported with the snippet, never silently dropped.
    assert any("牵头领导" in w for w in plan.warnings)
    assert any("尽快" in w for w in plan.warnings)
    assert not any("长期坚持" in w for w in plan.warnings)


def test_cell_per_line_table_stops_before_footer():
    text = "\n".join(
        [
            "正文",
            "",
            "\t序号",
            "\t工作任务",
            "\t完成时限",
            "\t牵头单位",
            "",
            "\t1",
            "\t任务一",
            "\t5.25",
            "\t综合处",
            "督查处",
            "",
            "\t2",
            "\t任务二",
            "\t5.31",
            "\t宣传室",
            " 某某局               2018年5月18日印发",
        ]
    )
    document = read_text(text.encode())
    tables = [b for b in document.blocks if isinstance(b, Table)]
    assert tables[0].rows == [
        ["序号", "工作任务", "完成时限", "牵头单位"],
        ["1", "任务一", "5.25", "综合处\n督查处"],
        ["2", "任务二", "5.31", "宣传室"],
    ]
    assert isinstance(document.blocks[-1], Paragraph)
    assert document.blocks[-1].text.endswith("印发")
