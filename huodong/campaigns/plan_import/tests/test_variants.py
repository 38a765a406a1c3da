"""The common ways offices write each part of a plan, one part at a time."""

from datetime import date

import pytest
from django.utils import translation

from huodong.campaigns.plan_import import parse_text
from huodong.campaigns.plan_import.blocks import Table
from huodong.campaigns.plan_import.dates import parse_due, recurrence_of
from huodong.campaigns.plan_import.people import person_names
from huodong.campaigns.plan_import.phases import match_phase
from huodong.campaigns.plan_import.quotas import quotas_in
from huodong.campaigns.plan_import.schedule import find_columns
from huodong.campaigns.plan_import.sections import (
    parse_leading_group,
    parse_principles,
    parse_themes,
    split_layout,
)
from huodong.campaigns.plan_import.text_reader import read_text
from huodong.campaigns.plan_import.textutil import split_marked_units, split_units


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _group(*paragraphs: str):
    group, warnings = parse_leading_group(
        split_layout(["某某活动方案", "五、组织领导", *paragraphs])
    )
    return group, warnings


def test_group_founded_with_leader_and_deputy_in_one_clause():
    group, warnings = _group(
        "成立以局长王建国为组长、副局长李红梅为副组长的活动领导小组，各科室主要负责人为成员。"
        "领导小组办公室设在办公室，由李四同志任办公室主任。"
    )
    assert warnings == []
    assert group.members == {"组长": ["王建国"], "副组长": ["李红梅"], "成员": []}
    assert group.member_descriptions == ["各科室主要负责人"]
    assert (group.office_unit, group.office_director) == ("办公室", "李四")


def test_group_as_labelled_lines_with_padded_names():
    group, warnings = _group(
        "为加强领导，成立活动领导小组。",
        "组　长：王　刚（局党组书记、局长）",
        "副组长：李　明　孙　红",
        "成　员：赵六、钱七、各股室负责人",
        "领导小组办公室设在政工科，办公室主任：周八",
    )
    assert warnings == []
    assert group.members == {"组长": ["王刚"], "副组长": ["李明", "孙红"], "成员": ["赵六", "钱七"]}
    assert group.member_descriptions == ["各股室负责人"]
    assert (group.office_unit, group.office_director) == ("政工科", "周八")


def test_group_with_posts_before_names_and_office_in_brackets():
    group, _warnings = _group(
        "成立以局党组书记、局长王建国为组长，副局长李四、王五为副组长的领导小组。"
        "领导小组下设办公室（办公室设在政工科），政工科科长赵六同志兼任办公室主任。"
    )
    assert group.members["组长"] == ["王建国"]
    assert group.members["副组长"] == ["李四", "王五"]
    assert (group.office_unit, group.office_director) == ("政工科", "赵六")


def test_group_leader_described_not_named_is_reported():
    group, warnings = _group("成立领导小组，组长由局主要负责人担任。")
    assert group.members["组长"] == []
    assert any("组长" in w and "主要负责人" in w for w in warnings)


def test_person_names_without_posts():
    assert person_names("王立新（局党组书记、局长）、局长张三、李四同志、欧阳明") == [
        "王立新",
        "张三",
        "李四",
        "欧阳明",
    ]
    assert person_names("各支部书记") == []


def test_sub_themes_numbered_with_assignment_in_brackets_or_on_the_next_line():
    layout = split_layout(
        [
            "某某活动方案",
            "二、活动主题",
            "（一）学习提升。深入学习。",
            "牵头领导：张三    责任单位：办公室、组织科",
            "（二）服务优化：优化服务。（责任领导：李四，责任单位：各科室）",
            "3.监管创新",
        ]
    )
    themes, warnings = parse_themes(layout)
    assert [(t.name, t.lead_leader, t.units) for t in themes] == [
        ("学习提升", "张三", ["办公室", "组织科"]),
        ("服务优化", "李四", ["各科室"]),
        ("监管创新", "", []),
    ]
    assert warnings == []


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        (
            [
                "三、基本原则",
                "坚持问题导向。聚焦问题。",
                "坚持统筹兼顾，把两者结合起来，两不误两促进。",
            ],
            ["坚持问题导向", "坚持统筹兼顾"],
        ),
        (
            ["三、工作原则", "活动中坚持以下原则：", "1.坚持实事求是。一切从实际出发。"],
            ["坚持实事求是"],
        ),
        # No principles section: （一）X原则 lines anywhere still count.
        (
            ["一、总体要求", "（一）实事求是原则。从实际出发。", "（二）群众路线原则。依靠群众。"],
            ["实事求是原则", "群众路线原则"],
        ),
    ],
)
def test_principles(paragraphs, expected):
    assert parse_principles(split_layout(["某某活动方案", *paragraphs])) == expected


@pytest.mark.parametrize(
    ("text", "name", "start", "end"),
    [
        (
            "(一）宣传发动阶段（5月初至5月中旬）。全面动员。",
            "宣传发动阶段",
            "2020-05-01",
            "2020-05-20",
        ),
        ("第一阶段：动员部署（2020年4月1日至4月20日）", "动员部署", "2020-04-01", "2020-04-20"),
        ("第二阶段（3月16日—5月31日）：学习教育。", "学习教育", "2020-03-16", "2020-05-31"),
        (
            "（三）整改落实阶段：6月1日至11月30日。逐项整改。",
            "整改落实阶段",
            "2020-06-01",
            "2020-11-30",
        ),
        ("二、学习教育阶段（4月下旬—6月）", "学习教育阶段", "2020-04-21", "2020-06-30"),
    ],
)
def test_phase_headings(text, name, start, end):
    heading = match_phase(text, 2020)
    assert heading is not None
    assert heading.phase.name == name
    assert (heading.phase.start, heading.phase.end) == (
        date.fromisoformat(start),
        date.fromisoformat(end),
    )


def test_phases_as_top_level_headings():
    plan = parse_text(
        "关于开展学习活动的工作方案\n"
        "一、动员部署阶段（2020年4月1日—4月20日）\n"
        "1.制定方案。（牵头单位：办公室；完成时间：4月10日）\n"
        "二、学习提高阶段（4月21日—6月30日）\n"
        "1.集中学习。（牵头单位：组织科；完成时间：6月）\n"
    )
    assert [(p.name, p.start, p.end) for p in plan.phases] == [
        ("动员部署阶段", date(2020, 4, 1), date(2020, 4, 20)),
        ("学习提高阶段", date(2020, 4, 21), date(2020, 6, 30)),
    ]
    assert [(t.seq, t.phase, t.due) for t in plan.tasks] == [
        (1, "动员部署阶段", date(2020, 4, 10)),
        (2, "学习提高阶段", date(2020, 6, 30)),
    ]
    assert plan.year_source == "一、动员部署阶段（2020年4月1日—4月20日）"


@pytest.mark.parametrize(
    ("text", "start", "due", "recurrence"),
    [
        ("5.25", None, "2020-05-25", None),
        ("5月25日", None, "2020-05-25", None),
        ("2018年5月25日", None, "2018-05-25", None),
        ("5月25日前", None, "2020-05-25", None),
        ("5月底", None, "2020-05-31", None),
        ("6月上旬", None, "2020-06-10", None),
        ("6月中旬", None, "2020-06-20", None),
        ("6月下旬", None, "2020-06-30", None),
        ("6月", None, "2020-06-30", None),
        ("年底", None, "2020-12-31", None),
        ("7月—9月", "2020-07-01", "2020-09-30", None),
        ("7月至9月", "2020-07-01", "2020-09-30", None),
        ("3月16日—5月31日", "2020-03-16", "2020-05-31", None),
        ("每月", None, None, "month"),
        ("每月25日前", None, None, "month"),
        ("每季度", None, None, "quarter"),
        ("每季度末", None, None, "quarter"),
        ("长期坚持", None, None, "ongoing"),
        ("常态化推进", None, None, "ongoing"),
        ("尽快", None, None, None),
    ],
)
def test_deadlines(text, start, due, recurrence):
    def iso(value):
        return value.isoformat() if value else None

    got_start, got_due = parse_due(text, 2020)
    assert (iso(got_start), iso(got_due), recurrence_of(text)) == (start, due, recurrence)


def test_units_split_and_normalised():
    assert split_units("各科室（站、所）、办公室 组织科/宣传科\n纪检组；ＡＢＣ中心，，") == [
        "各科室(站、所)",
        "办公室",
        "组织科",
        "宣传科",
        "纪检组",
        "ABC中心",
    ]
    # Collective names are kept as written; the service expands them.
    assert split_units("各支部、各党支部、各科室、各股室、各处室、各窗口、各直属单位") == [
        "各支部",
        "各党支部",
        "各科室",
        "各股室",
        "各处室",
        "各窗口",
        "各直属单位",
    ]
    assert split_marked_units("办公室（牵头）、组织科、宣传科") == (
        ["办公室"],
        ["组织科", "宣传科"],
    )


def test_two_row_header():
    table = Table(
        rows=[
            ["序号", "工作任务", "责任单位", "责任单位", "完成时限"],
            ["序号", "工作任务", "牵头单位", "配合单位", "完成时限"],
            ["1", "制定方案", "办公室", "组织科", "5月底"],
        ]
    )
    columns, warnings = find_columns(table)
    assert columns is not None and warnings == []
    assert columns.header_row == 1
    assert columns.index == {"seq": 0, "text": 1, "lead": 2, "co": 3, "due": 4}


def test_leaders_column_and_lead_marks():
    plan = parse_text(
        "关于开展学习活动的工作方案\n活动从2020年4月开始。\n"
        "序号\t工作内容\t责任单位\t责任领导\t完成时间\n"
        "1\t制定方案\t办公室（牵头）、组织科\t张三（局长）、李四\t4月底\n"
    )
    [task] = plan.tasks
    assert (task.lead_units, task.co_units, task.leaders) == (
        ["办公室"],
        ["组织科"],
        ["张三", "李四"],
    )


def test_pasted_rows_with_empty_first_cell_merged_rows_and_quoted_cells():
    text = "\n".join(
        [
            "正文",
            "阶段\t序号\t工作任务\t责任单位\t完成时限",
            "第一阶段：启动（4月1日—4月30日）",
            "启动\t1\t制定方案\t办公室\t4月15日前",
            '\t2\t"召开动员会',
            '印发材料"\t"办公室',
            '组织科"\t4月底',
            "",
            "\t3\t补充任务\t办公室\t4月30日",
            "尾声段落，说明表格已经结束，后面的文字不属于任何一行表格。",
        ]
    )
    document = read_text(text.encode())
    [table] = [b for b in document.blocks if isinstance(b, Table)]
    assert table.rows == [
        ["阶段", "序号", "工作任务", "责任单位", "完成时限"],
        ["第一阶段：启动（4月1日—4月30日）", "", "", "", ""],
        ["启动", "1", "制定方案", "办公室", "4月15日前"],
        ["", "2", "召开动员会\n印发材料", "办公室\n组织科", "4月底"],
        ["", "3", "补充任务", "办公室", "4月30日"],
    ]


def test_paragraph_tasks_in_other_wordings():
    plan = parse_text(
        "关于开展学习活动的工作方案\n"
        "一、方法步骤\n"
        "活动从2020年4月开始。\n"
        "（一）启动阶段（4月1日至4月30日）。部署。\n"
        "1.制定方案。牵头单位：办公室；完成时限：4月15日\n"
        "2.召开动员会（办公室牵头，各科室配合，4月底前完成）\n"
        "3.开展专题学习\n"
        "（责任单位：政工科；完成时间：每季度）\n"
        "（二）深化阶段（5月—6月）\n"
        "4.集中学习。学习时间：每周五下午。\n"
        "5.总结提高。（牵头单位：办公室；责任领导：张三；完成时间：6月底）\n"
        "二、工作要求\n"
        "1.加强领导。各科室要高度重视。\n"
    )
    assert [
        (t.seq, t.phase, t.text, t.due, t.recurrence, t.lead_units, t.co_units, t.leaders)
        for t in plan.tasks
    ] == [
        (1, "启动阶段", "制定方案", date(2020, 4, 15), None, ["办公室"], [], []),
        (2, "启动阶段", "召开动员会", date(2020, 4, 30), None, ["办公室"], ["各科室"], []),
        (3, "启动阶段", "开展专题学习", None, "quarter", ["政工科"], [], []),
        (5, "深化阶段", "总结提高", date(2020, 6, 30), None, ["办公室"], [], ["张三"]),
    ]
    assert plan.problems == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("各支部每月开展三次学习。", [("branch", 3, "学习", "month")]),
        ("每个股室至少开展两次走访活动。", [("unit", 2, "走访活动", None)]),
        ("全体干部职工参加集中学习不少于十次。", [("person", 10, "集中学习", None)]),
        ("主题党日活动每月至少开展1次。", [("campaign", 1, "主题党日", "month")]),
        ("每季度至少编发1期活动简报。", [("campaign", 1, "活动简报", "quarter")]),
        (
            "通过信箱、12345热线等渠道征集群众意见建议不少于50条。",
            [("campaign", 50, "群众意见建议", None)],
        ),
        ("每个股室每月走访社区不少于2次。", [("unit", 2, "走访社区", "month")]),
        ("每季度通报评价结果。", []),
    ],
)
def test_more_quota_wordings(text, expected):
    quotas, warnings = quotas_in(text, 1)
    assert [(q.scope, q.min, q.subject, q.period) for q in quotas] == expected
    assert warnings == []


def test_year_from_campaign_sentence_not_from_history():
    plan = parse_text(
        "关于开展学习活动的工作方案\n"
        "自2016年起，我局连续开展学习活动。本次活动从2021年3月开始，至11月底结束。\n"
        "序号\t工作任务\t责任单位\t完成时限\n"
        "1\t制定方案\t办公室\t3月10日前\n"
    )
    assert plan.year == 2021
    assert plan.year_source == "本次活动从2021年3月开始"
    assert plan.tasks[0].due == date(2021, 3, 10)
