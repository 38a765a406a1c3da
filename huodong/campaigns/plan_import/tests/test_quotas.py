import pytest

from huodong.campaigns.plan_import.quotas import quotas_in


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("各支部查找问题不少于2个。", [("branch", 2, "问题", None)]),
        (
            "组织全体干部职工参与不少于4次的个人自学、集中学习等学习活动，",
            [("person", 4, "学习活动", None)],
        ),
        ("每人撰写一篇3000字左右的心得体会。", [("person", 3000, "心得体会字数", None)]),
        ("心得体会不少于2000字。", [("campaign", 2000, "心得体会字数", None)]),
        ("开展1次主题征文活动", [("campaign", 1, "主题征文活动", None)]),
        ("每月开展1次学习成果大讨论活动", [("campaign", 1, "学习成果大讨论", "month")]),
        ("每季度至少开展1次专题学习。", [("campaign", 1, "专题学习", "quarter")]),
        ("每个支部至少提出3条意见建议。", [("branch", 3, "意见建议", None)]),
        ("各科室每月报送信息不少于2条。", [("unit", 2, "信息", "month")]),
        ("每个股室至少开展两次走访活动。", [("unit", 2, "走访活动", None)]),
        ("全体党员参加集中学习不少于12学时。", [("person", 12, "集中学习", None)]),
        ("结合纪念改革开放40周年，组织召开座谈会。", []),
    ],
)
def test_rules(text, expected):
    quotas, warnings = quotas_in(text, 7)
    assert [(q.scope, q.min, q.subject, q.period) for q in quotas] == expected
    assert all(q.task_seq == 7 for q in quotas)
    assert warnings == []


def test_two_quotas_in_one_text_in_reading_order():
    text = "参与不少于4次的学习活动，每人撰写一篇3000字左右的心得体会。"
    quotas, _ = quotas_in(text, 6)
    assert [q.subject for q in quotas] == ["学习活动", "心得体会字数"]
    assert quotas[1].source == "每人撰写一篇3000字左右的心得体会"


def test_count_no_rule_explains_is_a_warning():
    quotas, warnings = quotas_in("围绕主题，不少于3次。", 1)
    assert quotas == []
    assert len(warnings) == 1 and "不少于3次" in warnings[0]
