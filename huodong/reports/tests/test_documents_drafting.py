"""Drafting the brief and the summary from hand-made figures: every number in the text is a
figure, written as the dashboard writes it, and recorded with the words around it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest

from huodong.reports.documents.drafting import (
    COUNTED_FIELDS,
    BriefFacts,
    ExcellentReflection,
    SummaryFacts,
    TaskLine,
    draft_brief,
    draft_summary,
    figures_from_json,
    figures_to_json,
    format_figure,
    masthead,
    period_difference,
    summary_title,
)
from huodong.reports.figures import CampaignFigures, figure_text
from huodong.reports.services import brief_period

TITLE = "关于开展解放思想大讨论活动的方案"
INT_FIELDS = [
    f.name
    for f in dataclasses.fields(CampaignFigures)
    if f.name not in ("as_of", "on_time_rate", "outcomes_average_progress")
]


def figures(**values) -> CampaignFigures:
    """Distinct numbers for every field (so each can be told from the others in the text)."""
    data = {name: 1000 + 37 * n for n, name in enumerate(INT_FIELDS)}
    data.update(as_of=dt.date(2018, 6, 20), on_time_rate=0.875, outcomes_average_progress=62)
    data.update(values)
    return CampaignFigures(**data)


def summary_facts(**values) -> SummaryFacts:
    data = dict(
        campaign_title=TITLE,
        doc_number="宿政管发〔2018〕9号",
        issuer="宿迁市政务服务管理办公室",
        start=dt.date(2018, 5, 1),
        end=dt.date(2018, 12, 31),
        phases=("宣传发动阶段", "学习讨论阶段"),
        sub_themes=("学习新思想", "改革再发力"),
        group_leaders=("臧广荣",),
        group_office="宣传室",
        units_on_time=("综合处", "督查处"),
        excellent=(ExcellentReflection("解放思想再出发", "张三", "税务窗口", True),),
        outcomes_done=("窗口服务规范",),
        overdue_units=("业务处",),
        requirements_short=("心得体会",),
        branches_rectifying=("政务中心党支部",),
    )
    data.update(values)
    return SummaryFacts(**data)


def full_text(drafted) -> str:
    return "\n".join(f"{s.heading}\n{s.body}" for s in drafted.sections)


def test_format_is_the_dashboards():
    f = figures(people=1234, on_time_rate=0.8125, outcomes_average_progress=7)
    for name in [*INT_FIELDS, "on_time_rate", "outcomes_average_progress"]:
        assert format_figure(name, getattr(f, name)) == figure_text(f, name)
    assert format_figure("people", 1234) == "1234"
    assert format_figure("on_time_rate", 0.875) == "87.5%"
    assert format_figure("on_time_rate", None) == "—"
    assert format_figure("outcomes_average_progress", 62) == "62%"


def test_summary_puts_each_figure_in_the_text():
    f = figures()
    drafted = draft_summary(f, summary_facts())
    text = full_text(drafted)
    assert drafted.title == "关于开展解放思想大讨论活动情况的总结" == summary_title(TITLE)
    assert [s.heading for s in drafted.sections] == [
        "",
        "基本情况",
        "主要做法和成效",
        "典型经验和做法",
        "存在的问题和不足",
        "下一步工作打算",
    ]
    used = {m.field for m in drafted.mentions}
    # Everything the summary is about: activities, participation, 督办, problems, suggestions,
    # outcomes, publicity, the organisation.
    expected = set(INT_FIELDS) - {"tasks_due"} | {"on_time_rate", "outcomes_average_progress"}
    assert used == expected
    for mention in drafted.mentions:
        assert mention.value == figure_text(f, mention.field)
        section = drafted.section(mention.section)
        assert mention.phrase in section.body, mention
        # The number stands alone (1037 is not the tail of 11037).
        assert re.search(rf"{re.escape(mention.before)}{re.escape(mention.value)}(?!\d)", text)
    # Each number is cited once, by words no other number shares.
    keys = [(m.before, m.after) for m in drafted.mentions]
    assert len(keys) == len(set(keys))
    assert "87.5%" in text and "62%" in text
    # Names from the data.
    for name in (
        "综合处、督查处",
        "《解放思想再出发》",
        "《窗口服务规范》",
        "业务处",
        "“心得体会”",
    ):
        assert name in text
    assert "政务中心党支部" in drafted.section("shortcomings").body
    assert drafted.issuer == "宿迁市政务服务管理办公室"


def test_summary_sentences_without_their_figures():
    f = figures(
        on_time_rate=None,
        tasks_overdue=0,
        surveys=0,
        enterprise_problems=0,
        rectification_orders=0,
        outcomes_total=0,
        articles_published=0,
        publicity_placements=0,
    )
    drafted = draft_summary(
        f, summary_facts(units_on_time=(), excellent=(), outcomes_done=(), requirements_short=())
    )
    used = {m.field for m in drafted.mentions}
    assert not used & {"on_time_rate", "tasks_overdue", "surveys", "outcomes_total"}
    assert "按期完成率" not in full_text(drafted)
    assert "—" not in full_text(drafted)
    assert drafted.section("practices").body  # a default paragraph to edit
    assert "逾期" not in drafted.section("shortcomings").body


def brief_facts(**values) -> BriefFacts:
    data = dict(
        campaign_title=TITLE,
        issue_number=3,
        period="week",
        period_start=dt.date(2018, 6, 18),
        period_end=dt.date(2018, 6, 24),
        reference_day=dt.date(2018, 6, 20),
        next_start=dt.date(2018, 6, 25),
        next_end=dt.date(2018, 7, 1),
        due_next=(TaskLine("召开企业座谈会", dt.date(2018, 6, 28), ("综合处",)),),
        overdue=(TaskLine("开展专题调研", dt.date(2018, 6, 1), ("业务处", "市场处")),),
    )
    data.update(values)
    return BriefFacts(**data)


def test_brief_reports_the_period_as_differences():
    current = figures()
    previous = figures(
        as_of=dt.date(2018, 6, 17),
        **{name: getattr(current, name) - 10 - n for n, name in enumerate(COUNTED_FIELDS)},
    )
    # A count that went down adds nothing (not a negative number).
    previous = dataclasses.replace(
        previous, reflections_excellent=current.reflections_excellent + 2
    )
    difference = period_difference(current, previous)
    assert difference["tasks_done"] == 10
    assert difference["study_records"] == 10 + COUNTED_FIELDS.index("study_records")
    assert difference["reflections_excellent"] == 0
    drafted = draft_brief(current, previous, brief_facts())
    assert drafted.title == "2018年6月18日至24日解放思想大讨论活动进展情况"
    assert drafted.issuer == "解放思想大讨论活动领导小组办公室"
    assert masthead(TITLE) == "解放思想大讨论工作简报"
    period = {m.field: m.value for m in drafted.mentions if m.scope == "period"}
    totals = {m.field: m.value for m in drafted.mentions if m.scope == "total"}
    for name in ("study_sessions_held", "study_records", "tasks_done", "suggestions_received"):
        assert period[name] == str(difference[name])
        assert totals[name] == str(getattr(current, name))
    assert period["reflections_excellent"] == "0"
    assert totals["on_time_rate"] == "87.5%"
    for mention in drafted.mentions:
        assert mention.phrase in drafted.section(mention.section).body
    body = drafted.section("period").body
    assert f"各单位组织学习活动{difference['study_sessions_held']}场次" in body
    assert drafted.section("period").heading == "本周工作进展"
    assert "综合处牵头的“召开企业座谈会”（6月28日到期）" in drafted.section("next").body
    attention = drafted.section("attention").body
    assert f"有{current.tasks_overdue}项任务逾期未完成" in attention
    assert "业务处、市场处牵头的“开展专题调研”" in attention


def test_monthly_brief_without_anything_due():
    current = figures(tasks_overdue=0)
    drafted = draft_brief(
        current,
        None,
        brief_facts(
            period="month",
            period_start=dt.date(2018, 6, 1),
            period_end=dt.date(2018, 6, 30),
            next_start=dt.date(2018, 7, 1),
            next_end=dt.date(2018, 7, 31),
            due_next=(),
            overdue=(),
        ),
    )
    assert drafted.title == "2018年6月解放思想大讨论活动进展情况"
    assert drafted.section("period").heading == "本月工作进展"
    assert "没有到期的任务" in drafted.section("next").body
    assert "没有逾期未完成的任务" in drafted.section("attention").body
    # Without an earlier date, the period's share is the whole count.
    period = {m.field: m.value for m in drafted.mentions if m.scope == "period"}
    assert period["study_records"] == str(current.study_records)


def test_figures_round_trip_as_json():
    f = figures(on_time_rate=None)
    assert figures_from_json(figures_to_json(f)) == f


@pytest.mark.parametrize(
    ("period", "day", "start", "end"),
    [
        ("week", dt.date(2018, 6, 20), dt.date(2018, 6, 18), dt.date(2018, 6, 24)),
        ("week", dt.date(2018, 6, 24), dt.date(2018, 6, 18), dt.date(2018, 6, 24)),
        ("week", dt.date(2018, 12, 31), dt.date(2018, 12, 31), dt.date(2019, 1, 6)),
        ("month", dt.date(2018, 2, 10), dt.date(2018, 2, 1), dt.date(2018, 2, 28)),
        ("month", dt.date(2018, 6, 20), dt.date(2018, 6, 1), dt.date(2018, 6, 30)),
    ],
)
def test_brief_periods(period, day, start, end):
    assert brief_period(period, day) == (start, end)
