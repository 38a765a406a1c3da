"""Build the .docx fixture plans in this folder with python-docx.

    .venv/bin/python huodong/campaigns/plan_import/tests/plans/build_fixtures.py

The plans are written out here as data so they can be read and regenerated; each one's
expected result (name.expected.json) is written by hand from reading the plan, never by
running the parser. test_fixture_plans checks that the committed files still match this
script, so edit the content here and regenerate rather than editing the .docx.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.table import Table as DocxTable

HERE = Path(__file__).resolve().parent


def _cell(table: DocxTable, row: int, col: int, text: str) -> None:
    cell = table.cell(row, col)
    lines = text.split("\n")
    cell.text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def _paragraphs(document: DocxDocument, lines: list[str]) -> None:
    for line in lines:
        document.add_paragraph(line)


def _save(document: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# a. A county bureau's 2020 作风建设年 plan. The schedule has no 阶段 column: rows merged
# across the table name each phase and its dates; 责任单位 comes before 完成时间.
COUNTY_BUREAU_TEXT = [
    "沭阳县交通运输局文件",
    "沭交发〔2020〕15号",
    "关于印发《沭阳县交通运输局2020年“作风建设年”活动实施方案》的通知",
    "局属各单位，机关各股室：",
    "现将《沭阳县交通运输局2020年“作风建设年”活动实施方案》印发给你们，请结合实际，认真贯彻落实。",
    "沭阳县交通运输局",
    "2020年3月25日",
    "沭阳县交通运输局2020年“作风建设年”活动实施方案",
    "为深入贯彻落实县委关于开展“作风建设年”活动的部署要求，进一步转变机关作风、提升服务效能，"
    "经局党组研究，决定在全局开展“作风建设年”活动。现制定方案如下。",
    "一、指导思想",
    "以习近平新时代中国特色社会主义思想为指导，全面贯彻党的十九大和十九届二中、三中、四中全会精神，"
    "紧紧围绕“交通强县”建设目标，以解决作风方面突出问题为突破口，着力打造忠诚干净担当的交通运输干部队伍。",
    "二、活动主题",
    "本次活动的主题是：“转作风、提效能、优服务”。",
    "三、基本原则",
    "（一）问题导向原则。坚持有什么问题解决什么问题，聚焦群众反映强烈的作风顽疾，精准施策。",
    "（二）从严从实原则。坚持严字当头、实字托底，防止形式主义、官僚主义。",
    "（三）统筹兼顾原则。把作风建设与交通重点工程建设、疫情防控等工作统筹推进，做到两手抓、两不误。",
    "四、方法步骤",
    "活动从4月开始，至12月底结束，分三个阶段进行，具体任务安排见附件。",
    "五、组织领导",
    "成立以局长王建国为组长、副局长李红梅为副组长的“作风建设年”活动领导小组，各股室负责人为成员。"
    "领导小组下设办公室，办公室设在局办公室，由陈志强同志任办公室主任，负责活动的日常组织协调工作。",
    "六、工作要求",
    "（一）加强领导，压实责任。各股室、局属各单位主要负责人是本单位作风建设第一责任人，"
    "要亲自部署、亲自推动。",
    "（二）强化督查，严肃问责。局纪检组每季度至少开展1次作风建设专项督查，"
    "对作风问题突出的单位和个人严肃追责问责。",
    "附件：沭阳县交通运输局“作风建设年”活动任务分解表",
]
COUNTY_BUREAU_HEADER = ["序号", "工作内容", "责任单位", "配合单位", "完成时间"]
# A one-element row is a phase heading merged across the whole table.
COUNTY_BUREAU_ROWS: list[list[str]] = [
    ["第一阶段：动员部署（4月1日—4月30日）"],
    ["1", "制定“作风建设年”活动实施方案，报局党组研究审定。", "办公室", "政工股", "4月10日前"],
    [
        "2",
        "召开全局“作风建设年”活动动员大会，对活动进行全面部署。",
        "办公室",
        "各股室、局属各单位",
        "4月底",
    ],
    [
        "3",
        "通过局门户网站、微信公众号等平台宣传活动开展情况，每月报送活动信息不少于2条。",
        "政工股",
        "办公室",
        "4月底",
    ],
    ["第二阶段：查摆整改（5月1日—10月31日）"],
    [
        "4",
        "通过发放征求意见表、召开座谈会等方式，广泛征求服务对象意见建议，各股室查找作风问题不少于3个。",
        "政工股",
        "各股室",
        "5月上旬",
    ],
    [
        "5",
        "对照查找的问题建立问题清单、责任清单和整改清单，明确整改措施和时限。",
        "办公室",
        "各股室",
        "5月底",
    ],
    [
        "6",
        "组织全体干部职工开展作风纪律集中学习，每名党员干部撰写心得体会不少于1篇。",
        "政工股",
        "各股室",
        "6月",
    ],
    [
        "7",
        "聚焦群众反映强烈的行政审批、路政执法等领域，开展两次作风纪律明察暗访。",
        "纪检组",
        "办公室",
        "9月底",
    ],
    ["8", "建立整改销号制度，对整改到位的问题逐项销号。", "办公室", "各股室", "10月31日前"],
    ["第三阶段：总结提升（11月1日—12月31日）"],
    [
        "9",
        "梳理活动中形成的好经验好做法，建立健全作风建设长效机制。",
        "政工股",
        "办公室",
        "12月上旬",
    ],
    ["10", "全面总结活动开展情况，形成书面总结报县委作风办。", "办公室", "政工股", "年底"],
]


def build_county_bureau() -> bytes:
    document = docx.Document()
    _paragraphs(document, COUNTY_BUREAU_TEXT)
    width = len(COUNTY_BUREAU_HEADER)
    table = document.add_table(rows=len(COUNTY_BUREAU_ROWS) + 1, cols=width)
    table.style = "Table Grid"
    for col, name in enumerate(COUNTY_BUREAU_HEADER):
        _cell(table, 0, col, name)
    for r, row in enumerate(COUNTY_BUREAU_ROWS, start=1):
        if len(row) == 1:
            table.cell(r, 0).merge(table.cell(r, width - 1)).text = row[0]
            continue
        for col, value in enumerate(row):
            _cell(table, r, col, value)
    return _save(document)


# c. A district approval bureau's 2022 plan: recurring tasks (每月, 每季度, 长期坚持), range
# deadlines (3月16日—5月31日, 7月—9月), a 责任领导 column, collective units (各科室), the
# 阶段 column merged down each phase and a two-row header (责任单位 over 牵头单位 | 配合单位).
APPROVAL_BUREAU_TEXT = [
    "宿豫区行政审批局",
    "宿豫审批发〔2022〕8号",
    "宿豫区行政审批局“能力作风建设提升年”活动实施方案",
    "为深入贯彻市委、区委关于开展“能力作风建设提升年”活动的部署要求，全面提升审批服务效能，"
    "结合我局实际，制定本方案。",
    "一、总体要求",
    "以习近平新时代中国特色社会主义思想为指导，深入贯彻党的十九大和十九届历次全会精神，"
    "以提升干部能力、转变工作作风为主线，着力打造“宿豫审批”服务品牌。",
    "二、活动主题",
    "1.能力提升行动。围绕审批服务业务，开展全员岗位练兵，提高干部业务能力。"
    "（牵头领导：孙建华；责任单位：综合科、审批一科）",
    "2.作风转变行动。聚焦群众反映的“门难进、脸难看、事难办”问题，开展作风专项整治。"
    "（牵头领导：马丽；责任单位：各科室）",
    "三、工作原则",
    "（一）坚持以人民为中心。把群众满意作为检验活动成效的根本标准。",
    "（二）坚持实干为要。立足岗位抓落实，以实际成效检验活动成果。",
    "四、实施步骤",
    "（一）学习教育阶段（3月16日—5月31日）。组织全体干部职工深入开展学习教育。",
    "（二）整改提升阶段（6月1日—10月31日）。对照问题清单逐项整改。",
    "（三）巩固深化阶段（11月1日—12月31日）。总结经验，建立长效机制。",
    "五、组织保障",
    "成立活动领导小组，组长由局长孙建华同志担任，副组长由副局长马丽、吴昊同志担任，"
    "各科室负责人为成员。领导小组办公室设在综合科，办公室主任由吴昊同志兼任。",
    "宿豫区行政审批局",
    "2022年3月10日",
    "附件：宿豫区行政审批局“能力作风建设提升年”活动任务清单",
]
APPROVAL_BUREAU_HEADER_TOP = [
    "序号",
    "阶段",
    "主要任务",
    "责任单位",
    "责任单位",
    "责任领导",
    "时间节点",
]
APPROVAL_BUREAU_HEADER_BOTTOM = ["", "", "", "牵头单位", "配合单位", "", ""]
# (phase, rows of 序号 | 主要任务 | 牵头单位 | 配合单位 | 责任领导 | 时间节点)
APPROVAL_BUREAU_PHASES: list[tuple[str, list[list[str]]]] = [
    (
        "学习教育阶段",
        [
            [
                "1",
                "制定活动实施方案和任务清单，召开动员部署会。",
                "综合科",
                "各科室",
                "孙建华",
                "3月25日前",
            ],
            [
                "2",
                "组织开展政策法规和业务知识学习，每季度至少组织1次业务知识测试。",
                "综合科",
                "各科室",
                "马丽",
                "3月16日—5月31日",
            ],
            [
                "3",
                "各党支部每月开展1次主题党日活动。",
                "机关党支部",
                "各科室",
                "孙建华",
                "每月",
            ],
        ],
    ),
    (
        "整改提升阶段",
        [
            [
                "4",
                "围绕审批服务中的堵点难点问题，各科室查找问题不少于2个，建立问题清单。",
                "综合科",
                "各科室",
                "马丽、吴昊",
                "6月底前",
            ],
            [
                "5",
                "对照问题清单逐项整改，实行整改销号管理。",
                "各科室",
                "综合科",
                "吴昊",
                "7月—9月",
            ],
            [
                "6",
                "开展“好差评”回访，每季度通报评价结果。",
                "审批一科、审批二科",
                "",
                "马丽",
                "每季度",
            ],
        ],
    ),
    (
        "巩固深化阶段",
        [
            [
                "7",
                "总结提炼活动中的经验做法，建立健全审批服务长效机制。",
                "综合科",
                "各科室",
                "孙建华",
                "长期坚持",
            ],
            ["8", "全面总结活动开展情况，形成总结报告报区委。", "综合科", "", "孙建华", "12月"],
        ],
    ),
]


def build_approval_bureau() -> bytes:
    document = docx.Document()
    _paragraphs(document, APPROVAL_BUREAU_TEXT)
    body_rows = sum(len(rows) for _phase, rows in APPROVAL_BUREAU_PHASES)
    table = document.add_table(rows=2 + body_rows, cols=len(APPROVAL_BUREAU_HEADER_TOP))
    table.style = "Table Grid"
    for col, (top, bottom) in enumerate(
        zip(APPROVAL_BUREAU_HEADER_TOP, APPROVAL_BUREAU_HEADER_BOTTOM, strict=True)
    ):
        if bottom:
            _cell(table, 1, col, bottom)
        else:
            table.cell(0, col).merge(table.cell(1, col))
        if col != 4:
            _cell(table, 0, col, top)
    table.cell(0, 3).merge(table.cell(0, 4)).text = "责任单位"
    r = 2
    for phase, rows in APPROVAL_BUREAU_PHASES:
        first = r
        for row in rows:
            seq, text, lead, co, leaders, due = row
            for col, value in ((0, seq), (2, text), (3, lead), (4, co), (5, leaders), (6, due)):
                _cell(table, r, col, value)
            r += 1
        table.cell(first, 1).merge(table.cell(r - 1, 1)).text = phase
    return _save(document)


BUILDERS: dict[str, Callable[[], bytes]] = {
    "county-bureau-2020-phase-rows.docx": build_county_bureau,
    "approval-bureau-2022-recurring.docx": build_approval_bureau,
}


def main() -> None:
    for name, build in BUILDERS.items():
        (HERE / name).write_bytes(build())
        print(f"wrote {HERE / name}")


if __name__ == "__main__":
    main()
