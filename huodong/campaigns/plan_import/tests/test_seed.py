import json

import pytest

from huodong.campaigns.plan_import import ParsedPlan, parse_plan

from .helpers import SEED_DOCX, SEED_TXT, assert_contains, expected_seed


def _parse(path) -> ParsedPlan:
    return parse_plan(path.read_bytes(), path.name)


@pytest.mark.parametrize("path", [SEED_DOCX, SEED_TXT], ids=["docx", "txt"])
def test_seed_matches_expected(path):
    plan = _parse(path)
    result = plan.to_dict(full=True)
    json.dumps(result)  # JSON-ready
    assert_contains(result, expected_seed())


@pytest.mark.parametrize("path", [SEED_DOCX, SEED_TXT], ids=["docx", "txt"])
def test_seed_extras(path):
    plan = _parse(path)
    assert plan.warnings == []
    assert plan.theme == "学习新思想，改革再发力，开放迈新步，发展高质量"
    assert plan.principles == ["坚持正确方向", "坚持领导带头", "坚持结合实际", "坚持统筹推进"]
    assert plan.guiding_thought.startswith("高举中国特色社会主义伟大旗帜")
    assert plan.themes[0].text.startswith("学习新思想，就是要")
    assert "牵头领导" not in plan.themes[0].text
    assert plan.phases[0].text.startswith("全面动员部署")
    assert plan.tasks[0].text == "制定大讨论活动的实施方案和工作计划"
    assert plan.tasks[0].due_text == "5.25"
    assert plan.leading_group.members["成员"] == []
    assert plan.leading_group.member_descriptions == [
        "办领导班子成员",
        "各支部书记",
        "综合处和宣传室负责人",
    ]
    assert plan.quotas[0].source == "各支部查找问题不少于2个"
    assert "解放思想大讨论" in plan.source_text


def test_docx_and_txt_agree():
    assert _parse(SEED_DOCX).to_dict() == _parse(SEED_TXT).to_dict()


@pytest.mark.parametrize("path", [SEED_DOCX, SEED_TXT], ids=["docx", "txt"])
def test_default_dict_has_exactly_the_expected_shapes(path):
    # A dry run compares each top-level value with the expected file as a whole.
    result = _parse(path).to_dict()
    for key, value in expected_seed().items():
        assert result[key] == value, key


def test_full_dict_adds_details():
    result = _parse(SEED_DOCX).to_dict(full=True)
    json.dumps(result)
    assert result["tasks"][0]["due_text"] == "5.25"
    assert result["themes"][0]["text"].startswith("学习新思想")
    assert result["quotas"][0]["source"] == "各支部查找问题不少于2个"
    assert result["leading_group"]["member_descriptions"][1] == "各支部书记"
    assert "source_text" in result


def test_quota_without_period_omits_key():
    quotas = _parse(SEED_DOCX).to_dict()["quotas"]
    assert "period" not in quotas[0]
    assert quotas[4]["period"] == "month"


def test_text_in_gb18030_and_with_bom():
    text = SEED_TXT.read_text(encoding="utf-8")
    expected = expected_seed()
    assert_contains(parse_plan(text.encode("gb18030"), "plan.txt").to_dict(), expected)
    assert_contains(parse_plan(b"\xef\xbb\xbf" + text.encode(), "plan.txt").to_dict(), expected)


def test_reader_chosen_by_content_not_name():
    assert_contains(parse_plan(SEED_DOCX.read_bytes(), "upload.bin").to_dict(), expected_seed())
