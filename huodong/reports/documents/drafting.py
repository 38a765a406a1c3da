"""The text of the weekly or monthly brief (工作简报) and of the final summary (活动总结),
drafted from a campaign's figures and a few names from its data.

The documents are official Chinese texts whatever the reader's interface language, so the text
is written in Chinese here (as the notices and plan exports are). Every number comes from a
`CampaignFigures` field, formatted as the dashboard shows it (`format_figure`), and is recorded
as a `Mention`: the field, the text written, and the words right before and after it. The
writer edits the result before exporting it.

Pure functions: no database access (the selectors gather the facts).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from huodong.reports.figures import CampaignFigures, percent_text

NUMERALS = "一二三四五六七八九十"
SUBNUMERALS = tuple(f"（{n}）" for n in NUMERALS)
NAMES_LISTED = 5
TASK_WORDS = 30

# Fractions shown as a percentage with one decimal (0.875 → 87.5%).
RATE_FIELDS = frozenset({"on_time_rate"})
# Whole percentages (62 → 62%).
PERCENT_FIELDS = frozenset({"outcomes_average_progress"})
# Counts of things that happen, so that a period's share is the difference of two dates' counts.
COUNTED_FIELDS = (
    "tasks_done",
    "tasks_done_on_time",
    "study_sessions_held",
    "study_records",
    "meetings_held",
    "meeting_attendance",
    "online_participations",
    "reflections_submitted",
    "reflections_excellent",
    "problems_found",
    "problems_rectified",
    "enterprise_problems",
    "enterprise_problems_resolved",
    "rectification_orders",
    "rectification_orders_closed",
    "survey_responses",
    "suggestions_received",
    "suggestions_valuable",
    "suggestions_adopted",
    "suggestions_converted",
    "outcomes_done",
    "articles_published",
    "publicity_placements",
)
FIGURE_FIELDS = tuple(f.name for f in dataclasses.fields(CampaignFigures) if f.name != "as_of")

TOTAL, PERIOD = "total", "period"


def format_figure(name: str, value: Any) -> str:
    """A figure as the dashboard prints it (`figures.figure_text`): integers as plain digits,
    rates with one decimal and %, percentages with %; a missing rate as —. Also for a period's
    difference, which is no CampaignFigures."""
    if value is None:
        return "—"
    if name in RATE_FIELDS:
        return percent_text(value)
    if name in PERCENT_FIELDS:
        return f"{int(value)}%"
    return str(int(value))


# --- Figures as JSON ------------------------------------------------------------------------


def figures_to_json(figures: CampaignFigures) -> dict[str, Any]:
    data = dataclasses.asdict(figures)
    data["as_of"] = figures.as_of.isoformat()
    return data


def figures_from_json(data: dict[str, Any]) -> CampaignFigures:
    values: dict[str, Any] = {f.name: data.get(f.name) for f in dataclasses.fields(CampaignFigures)}
    values["as_of"] = dt.date.fromisoformat(str(data["as_of"]))
    for name in FIGURE_FIELDS:
        if values[name] is None and name not in RATE_FIELDS:
            values[name] = 0
    return CampaignFigures(**values)


def period_difference(current: CampaignFigures, previous: CampaignFigures | None) -> dict[str, int]:
    """What happened between the two dates, for the counted fields (never below zero: a count
    that went down, e.g. a reflection no longer excellent, added nothing)."""
    return {
        name: max(0, getattr(current, name) - (getattr(previous, name) if previous else 0))
        for name in COUNTED_FIELDS
    }


# --- Dates and names ------------------------------------------------------------------------


def md(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


def ymd(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def period_words(start: dt.date, end: dt.date) -> str:
    if start == end:
        return ymd(start)
    if start.year != end.year:
        return f"{ymd(start)}至{ymd(end)}"
    if start.month != end.month:
        return f"{ymd(start)}至{md(end)}"
    return f"{ymd(start)}至{end.day}日"


def month_words(start: dt.date) -> str:
    return f"{start.year}年{start.month}月"


def campaign_name(title: str) -> str:
    """关于开展解放思想大讨论活动的方案 → 解放思想大讨论活动."""
    name = title.strip()
    for prefix in ("关于", "深入开展", "组织开展", "开展"):
        name = name.removeprefix(prefix)
    for suffix in ("的实施方案", "实施方案", "的工作方案", "工作方案", "的方案", "方案"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return name or title.strip()


def summary_title(campaign_title: str) -> str:
    """关于开展解放思想大讨论活动的方案 → 关于开展解放思想大讨论活动情况的总结."""
    return f"关于开展{campaign_name(campaign_title)}情况的总结"


def masthead(campaign_title: str) -> str:
    """The brief's red title: 解放思想大讨论工作简报."""
    name = campaign_name(campaign_title)
    short = name.removesuffix("活动") or name
    return f"{short}工作简报"


def group_office_name(campaign_title: str) -> str:
    return f"{campaign_name(campaign_title)}领导小组办公室"


def listing(names: Iterable[str], *, limit: int = NAMES_LISTED) -> str:
    """综合处、业务处、市场处: the first `limit` distinct names (the sentence goes on with 等)."""
    return "、".join(list(dict.fromkeys(n for n in names if n))[:limit])


def quoted(names: Iterable[str], *, limit: int = NAMES_LISTED) -> str:
    names = [f"“{n}”" for n in dict.fromkeys(names) if n][:limit]
    return "".join(names)


def book_title(title: str) -> str:
    """《title》, once: a title already in 《》 keeps its own marks."""
    title = " ".join(title.split())
    return title if title.startswith("《") and title.endswith("》") else f"《{title}》"


def short_task(text: str) -> str:
    text = " ".join(text.split()).rstrip("。；;，,").replace("“", "‘").replace("”", "’")
    return text if len(text) <= TASK_WORDS else text[:TASK_WORDS] + "……"


# --- Facts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskLine:
    text: str
    due: dt.date | None
    units: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExcellentReflection:
    title: str
    author: str
    unit: str = ""
    recommended: bool = False


@dataclass(frozen=True)
class SummaryFacts:
    campaign_title: str
    doc_number: str = ""
    issuer: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    phases: tuple[str, ...] = ()
    sub_themes: tuple[str, ...] = ()
    group_leaders: tuple[str, ...] = ()
    group_office: str = ""
    # Good practice: lead units whose every task due so far was done on time.
    units_on_time: tuple[str, ...] = ()
    excellent: tuple[ExcellentReflection, ...] = ()
    outcomes_done: tuple[str, ...] = ()
    # Shortcomings.
    overdue_units: tuple[str, ...] = ()
    requirements_short: tuple[str, ...] = ()
    branches_rectifying: tuple[str, ...] = ()


@dataclass(frozen=True)
class BriefFacts:
    campaign_title: str
    issue_number: int
    period: str  # "week" or "month"
    period_start: dt.date
    period_end: dt.date
    # The day the brief counts to: the period's end, or today when the period runs on.
    reference_day: dt.date
    next_start: dt.date
    next_end: dt.date
    due_next: tuple[TaskLine, ...] = ()
    overdue: tuple[TaskLine, ...] = ()


# --- What the drafting returns --------------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    """One number written in the text: which figure, as written, and its words around it."""

    field: str
    value: str
    scope: str  # TOTAL (the figure itself) or PERIOD (its difference over the brief's period)
    section: str
    before: str
    after: str

    @property
    def phrase(self) -> str:
        return f"{self.before}{self.value}{self.after}"

    def to_json(self) -> dict[str, str]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Mention:
        return cls(**{f.name: str(data.get(f.name, "")) for f in dataclasses.fields(cls)})


@dataclass(frozen=True)
class DraftedSection:
    key: str
    heading: str
    body: str  # paragraphs separated by blank lines


@dataclass(frozen=True)
class Drafted:
    title: str
    issuer: str
    sections: tuple[DraftedSection, ...]
    mentions: tuple[Mention, ...]

    def section(self, key: str) -> DraftedSection:
        return next(s for s in self.sections if s.key == key)


class _Writer:
    """Puts figures into sentences and remembers each one as a Mention."""

    def __init__(self, figures: CampaignFigures, difference: dict[str, int] | None = None) -> None:
        self.figures = figures
        self.difference = difference or {}
        self.section = ""
        self.mentions: list[Mention] = []
        self.sections: list[DraftedSection] = []

    def n(self, name: str, before: str, after: str = "", *, scope: str = TOTAL) -> str:
        """`before` + the figure + `after`; `before` should be the words leading to the number
        (the test finds the number by them)."""
        value = self.difference[name] if scope == PERIOD else getattr(self.figures, name)
        text = format_figure(name, value)
        self.mentions.append(Mention(name, text, scope, self.section, before, after))
        return f"{before}{text}{after}"

    def p(self, name: str, before: str, after: str = "") -> str:
        return self.n(name, before, after, scope=PERIOD)

    def value(self, name: str, *, scope: str = TOTAL) -> Any:
        return self.difference[name] if scope == PERIOD else getattr(self.figures, name)

    def start(self, key: str) -> None:
        self.section = key

    def add(self, key: str, heading: str, paragraphs: Sequence[str]) -> None:
        body = "\n\n".join(p for p in paragraphs if p)
        self.sections.append(DraftedSection(key, heading, body))


def _sentence(clauses: Iterable[str], end: str = "。") -> str:
    parts = [c for c in clauses if c]
    return "；".join(parts) + end if parts else ""


def _comma(*phrases: str) -> str:
    """Phrases of one clause, joined by a comma (a figure and the figures that go with it)."""
    return "，".join(phrases)


# --- The final summary ----------------------------------------------------------------------


def _summary_intro(w: _Writer, facts: SummaryFacts) -> list[str]:
    source = f"《{facts.campaign_title}》"
    if facts.doc_number:
        source += f"（{facts.doc_number}）"
    since = f"自{ymd(facts.start)}起" if facts.start else ""
    return [
        f"根据{source}要求，{since}在全体干部职工中深入开展"
        f"{campaign_name(facts.campaign_title)}。活动开展以来，各单位高度重视、精心组织，"
        "以思想大解放推动工作大提升，活动取得了阶段性成效。现将有关情况总结如下："
    ]


def _summary_basic(w: _Writer, facts: SummaryFacts) -> list[str]:
    f = w.figures
    first = []
    if facts.start and facts.end:
        first.append(f"本次活动于{ymd(facts.start)}启动，至{ymd(facts.end)}结束")
    if facts.phases:
        first.append(f"分{listing(facts.phases, limit=10)}推进")
    organised = []
    if facts.group_leaders:
        organised.append(f"成立了由{listing(facts.group_leaders, limit=3)}任组长的活动领导小组")
    if facts.group_office:
        organised.append(f"领导小组办公室设在{facts.group_office}，负责活动的组织协调和督查推进")
    themes = ""
    if facts.sub_themes:
        themes = f"活动围绕{quoted(facts.sub_themes)}等主题展开，"
    scope = (
        themes
        + w.n("units", "覆盖全办", "个单位（部门）")
        + w.n("people", "、", "名干部职工")
        + f"。截至{ymd(f.as_of)}，活动总体按计划推进。"
    )
    return [
        "，".join(first) + "。" if first else "",
        "，".join(organised) + "。" if organised else "",
        scope,
    ]


def _summary_work(w: _Writer, facts: SummaryFacts) -> list[str]:
    f = w.figures
    study = _sentence(
        [
            _comma(
                w.n(
                    "study_sessions_held",
                    "各单位共组织集中学习、专题辅导、大家谈等学习活动",
                    "场次",
                ),
                w.n("study_records", "干部职工累计学习", "人次"),
                w.n("people_studied", "参学人员", "人"),
            ),
            _comma(
                w.n("meetings_held", "召开座谈会、专题研讨会、进园区走访等会议活动", "场"),
                w.n("meeting_attendance", "参加人员", "人次"),
            ),
            w.n("online_participations", "干部职工参与网上大家谈、献一策等线上活动", "人次"),
            _comma(
                w.n("reflections_submitted", "撰写提交心得体会", "篇"),
                w.n("reflections_excellent", "其中评为优秀心得体会", "篇"),
            ),
        ]
    )
    rate = ""
    if f.on_time_rate is not None:
        rate = "，" + w.n("on_time_rate", "按期完成率")
    tasks = (
        "坚持把督办作为推动任务落实的重要抓手，实行任务签收、进度报告、验收销号全流程管理。"
        + _comma(
            w.n("tasks_total", "方案部署的", "项任务"),
            w.n("tasks_done", "已完成并通过验收", "项"),
            w.n("tasks_done_on_time", "其中按期完成", "项"),
        )
        + rate
        + "。"
    )
    problems = _sentence(
        [
            _comma(
                w.n("problems_found", "各党支部深入查摆问题", "个"),
                w.n("problems_rectified", "已整改到位", "个"),
            ),
            (
                _comma(
                    w.n("enterprise_problems", "走访企业收集困难和问题", "个"),
                    w.n("enterprise_problems_resolved", "已协调解决", "个"),
                )
            )
            if f.enterprise_problems
            else "",
            (
                _comma(
                    w.n("rectification_orders", "督查发现问题下发督促整改通知", "份"),
                    w.n("rectification_orders_closed", "已整改销号", "份"),
                )
            )
            if f.rectification_orders
            else "",
        ]
    )
    opinions = _sentence(
        [
            (
                _comma(
                    w.n("surveys", "面向企业群众和干部职工开展问卷调查", "项"),
                    w.n("survey_responses", "收回有效问卷", "份"),
                )
            )
            if f.surveys
            else "",
            _comma(
                w.n(
                    "suggestions_received",
                    "通过问卷、座谈、走访、线上活动和意见箱等渠道收集意见建议",
                    "条",
                ),
                w.n("suggestions_valuable", "经评估有价值的", "条"),
                w.n("suggestions_adopted", "已采纳", "条"),
                w.n("suggestions_converted", "转化为工作成果", "条"),
            ),
        ]
    )
    if f.outcomes_total:
        outcomes = (
            _comma(
                w.n("outcomes_total", "形成政策意见、具体方案、制度成果和实践成果", "项"),
                w.n("outcomes_done", "已完成", "项"),
                w.n("outcomes_average_progress", "成果平均推进进度达到"),
            )
            + "。"
        )
    else:
        outcomes = "成果转化工作正在有序推进。"
    publicity = ""
    if f.articles_published or f.publicity_placements:
        publicity = (
            _comma(
                w.n("articles_published", "在门户网站“解放思想大讨论”专栏发布稿件", "篇"),
                w.n(
                    "publicity_placements",
                    "通过网站、微信、微博、客户端和报刊、电视等渠道刊播",
                    "次",
                ),
            )
            + "，营造了浓厚的活动氛围。"
        )
    items = [
        ("强化学习教育，营造解放思想浓厚氛围。", study),
        ("压实工作责任，狠抓各项任务落实。", tasks),
        ("坚持问题导向，深入查摆整改。", problems),
        ("广开言路，广泛征集意见建议。", opinions),
        ("注重成果转化，推动活动落地见效。", outcomes),
        ("加强宣传引导，扩大活动影响。", publicity),
    ]
    return [
        f"{SUBNUMERALS[n]}{heading}{text}"
        for n, (heading, text) in enumerate((h, t) for h, t in items if t)
    ]


def _summary_practices(w: _Writer, facts: SummaryFacts) -> list[str]:
    paragraphs = []
    if facts.units_on_time:
        paragraphs.append(
            f"一是压实责任、挂图作战。{listing(facts.units_on_time)}牵头的任务全部按期完成，"
            "做到了任务有分解、推进有节点、完成有验收。"
        )
    if facts.excellent:
        works = "、".join(
            f"{e.author}{'（' + e.unit + '）' if e.unit else ''}撰写的{book_title(e.title)}"
            for e in facts.excellent[:3]
        )
        column = (
            "，部分优秀作品推荐至专栏刊发"
            if any(e.recommended for e in facts.excellent[:3])
            else ""
        )
        paragraphs.append(
            f"{NUMERALS[len(paragraphs)]}是以学促思、以思促行。"
            f"{works}等心得体会被评为优秀{column}，体现了干部职工解放思想、开拓创新的思考。"
        )
    if facts.outcomes_done:
        ordinal = NUMERALS[len(paragraphs)] + "是"
        paragraphs.append(
            f"{ordinal}注重转化、务求实效。"
            f"{'、'.join(book_title(t) for t in facts.outcomes_done[:3])}等成果已完成并落地见效，"
            "把大讨论的成果转化为推动工作的具体举措。"
        )
    if not paragraphs:
        paragraphs.append(
            "各单位结合工作实际，积极探索学习讨论和成果转化的有效载体，形成了一批可复制、"
            "可推广的经验做法。"
        )
    return paragraphs


def _summary_shortcomings(w: _Writer, facts: SummaryFacts) -> list[str]:
    f = w.figures
    paragraphs = []
    if f.tasks_overdue:
        units = f"，涉及{listing(facts.overdue_units)}等单位" if facts.overdue_units else ""
        paragraphs.append(
            "一是部分任务推进不够有力。"
            + w.n("tasks_overdue", f"截至{ymd(f.as_of)}，仍有", "项任务逾期未完成")
            + f"{units}。"
        )
    else:
        paragraphs.append("一是部分任务推进质量和成效仍有提升空间。")
    if facts.requirements_short:
        paragraphs.append(
            f"二是活动要求落实不够平衡。{quoted(facts.requirements_short)}等要求尚未全部达到，"
            "个别单位和干部职工参与活动的主动性有待增强。"
        )
    else:
        paragraphs.append("二是个别干部职工对解放思想的认识还不够深入，学用结合还不够紧密。")
    if facts.branches_rectifying:
        paragraphs.append(
            f"三是问题整改还需持续用力。{listing(facts.branches_rectifying)}等支部查摆的问题"
            "仍在整改之中，整改进度有待加快。"
        )
    return paragraphs


NEXT_STEPS = (
    "下一步，我们将以此次活动为契机，持续推动解放思想常态化、长效化。"
    "一是巩固学习成果，把学习讨论中形成的好思路、好举措固化为制度机制；"
    "二是抓好问题整改，对尚未完成的任务和整改事项建立台账、挂号销账，确保件件有着落；"
    "三是深化成果转化，持续跟踪意见建议的落实和成果推进，以解放思想的实际成效推动各项工作高质量发展。"
)


def draft_summary(figures: CampaignFigures, facts: SummaryFacts) -> Drafted:
    w = _Writer(figures)
    parts = [
        ("intro", "", _summary_intro),
        ("basic", "基本情况", _summary_basic),
        ("work", "主要做法和成效", _summary_work),
        ("practices", "典型经验和做法", _summary_practices),
        ("shortcomings", "存在的问题和不足", _summary_shortcomings),
        ("next", "下一步工作打算", lambda w, facts: [NEXT_STEPS]),
    ]
    for key, heading, write in parts:
        w.start(key)
        w.add(key, heading, write(w, facts))
    return Drafted(
        title=summary_title(facts.campaign_title),
        issuer=facts.issuer,
        sections=tuple(w.sections),
        mentions=tuple(w.mentions),
    )


# --- The brief ------------------------------------------------------------------------------


def brief_title(facts: BriefFacts) -> str:
    name = campaign_name(facts.campaign_title)
    if facts.period == "month":
        return f"{month_words(facts.period_start)}{name}进展情况"
    return f"{period_words(facts.period_start, facts.period_end)}{name}进展情况"


def _task_line(task: TaskLine) -> str:
    who = f"{listing(task.units, limit=3)}牵头的" if task.units else ""
    when = f"（{md(task.due)}到期）" if task.due else ""
    return f"{who}“{short_task(task.text)}”{when}"


def _brief_period(w: _Writer, facts: BriefFacts) -> list[str]:
    when = "本月" if facts.period == "month" else "本周"
    span = period_words(facts.period_start, facts.reference_day)
    d = w.difference
    study = _sentence(
        [
            _comma(
                w.p("study_sessions_held", f"{span}，各单位组织学习活动", "场次"),
                w.p("study_records", "干部职工学习", "人次"),
            ),
            _comma(
                w.p("meetings_held", f"{when}召开会议活动", "场"),
                w.p("meeting_attendance", "参加", "人次"),
            ),
            w.p("online_participations", "参与线上活动", "人次"),
            _comma(
                w.p("reflections_submitted", "提交心得体会", "篇"),
                w.p("reflections_excellent", "评出优秀心得体会", "篇"),
            ),
        ]
    )
    tasks = (
        _comma(
            w.p("tasks_done", f"督办方面，{when}完成任务", "项"),
            w.p("tasks_done_on_time", "其中按期完成", "项"),
        )
        + "。"
    )
    problems = _sentence(
        [
            _comma(
                w.p("problems_found", f"{when}查摆问题", "个"),
                w.p("problems_rectified", "整改到位", "个"),
            ),
            _comma(
                w.p("enterprise_problems", "收集企业问题", "个"),
                w.p("enterprise_problems_resolved", "解决", "个"),
            )
            if d["enterprise_problems"] or d["enterprise_problems_resolved"]
            else "",
            _comma(
                w.p("rectification_orders", "下发督促整改通知", "份"),
                w.p("rectification_orders_closed", "整改销号", "份"),
            )
            if d["rectification_orders"] or d["rectification_orders_closed"]
            else "",
        ]
    )
    opinions = _sentence(
        [
            w.p("survey_responses", "收回调查问卷", "份") if d["survey_responses"] else "",
            _comma(
                w.p("suggestions_received", f"{when}收集意见建议", "条"),
                w.p("suggestions_valuable", "评估为有价值的", "条"),
                w.p("suggestions_adopted", "采纳", "条"),
                w.p("suggestions_converted", "转化为成果", "条"),
            ),
            w.p("outcomes_done", "完成成果", "项") if d["outcomes_done"] else "",
            _comma(
                w.p("articles_published", "发布宣传稿件", "篇"),
                w.p("publicity_placements", "各渠道刊播", "次"),
            )
            if d["articles_published"] or d["publicity_placements"]
            else "",
        ]
    )
    return [study, tasks, problems, opinions]


def _brief_total(w: _Writer, facts: BriefFacts) -> list[str]:
    f = w.figures
    rate = "，" + w.n("on_time_rate", "按期完成率") if f.on_time_rate is not None else ""
    return [
        _sentence(
            [
                f"截至{ymd(facts.reference_day)}，"
                + _comma(
                    w.n("study_sessions_held", "活动累计组织学习活动", "场次"),
                    w.n("study_records", "累计学习", "人次"),
                    w.n("people_studied", "参学人员", "人"),
                ),
                _comma(
                    w.n("meetings_held", "累计召开会议活动", "场"),
                    w.n("meeting_attendance", "累计参加", "人次"),
                ),
                _comma(
                    w.n("reflections_submitted", "累计提交心得体会", "篇"),
                    w.n("reflections_excellent", "优秀", "篇"),
                ),
            ]
        ),
        _comma(
            w.n("tasks_total", "方案部署的", "项任务"),
            w.n("tasks_done", "已完成并通过验收", "项"),
            w.n("tasks_done_on_time", "按期完成", "项"),
        )
        + rate
        + "。",
        _sentence(
            [
                _comma(
                    w.n("problems_found", "累计查摆问题", "个"),
                    w.n("problems_rectified", "累计整改到位", "个"),
                ),
                _comma(
                    w.n("suggestions_received", "累计收集意见建议", "条"),
                    w.n("suggestions_adopted", "累计采纳", "条"),
                ),
                _comma(
                    w.n("outcomes_total", "累计形成成果", "项"),
                    w.n("outcomes_average_progress", "平均推进进度"),
                ),
            ]
        ),
    ]


def _brief_next(w: _Writer, facts: BriefFacts) -> list[str]:
    span = period_words(facts.next_start, facts.next_end)
    if not facts.due_next:
        return [f"{span}没有到期的任务，请各单位按照活动方案继续推进各项工作。"]
    items = "；".join(_task_line(t) for t in facts.due_next)
    return [
        f"{span}到期的任务有：{items}。",
        "请各牵头单位倒排工期、抓紧推进，确保按期保质完成。",
    ]


def _brief_attention(w: _Writer, facts: BriefFacts) -> list[str]:
    when = ymd(facts.reference_day)
    if not w.figures.tasks_overdue:
        return [f"截至{when}，没有逾期未完成的任务。"]
    listed = "；".join(_task_line(t) for t in facts.overdue[:10])
    more = "等" if len(facts.overdue) > 10 else ""
    return [
        w.n("tasks_overdue", f"截至{when}，有", "项任务逾期未完成")
        + (f"：{listed}{more}。" if listed else "。"),
        "请相关单位说明原因，明确完成时限，尽快办结。",
    ]


def draft_brief(
    current: CampaignFigures, previous: CampaignFigures | None, facts: BriefFacts
) -> Drafted:
    w = _Writer(current, period_difference(current, previous))
    when = "本月" if facts.period == "month" else "本周"
    nxt = "下月" if facts.period == "month" else "下周"
    parts = [
        ("period", f"{when}工作进展", _brief_period),
        ("total", "活动累计情况", _brief_total),
        ("next", f"{nxt}到期任务", _brief_next),
        ("attention", "需要关注的问题", _brief_attention),
    ]
    for key, heading, write in parts:
        w.start(key)
        w.add(key, heading, write(w, facts))
    return Drafted(
        title=brief_title(facts),
        issuer=group_office_name(facts.campaign_title),
        sections=tuple(w.sections),
        mentions=tuple(w.mentions),
    )
