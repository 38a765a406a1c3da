"""The demo's public column and publicity log, at the demo date (2018-06-20).

Six articles published across the categories between May and June (one drafted from the
reflection the office recommended to the column, when the demo has one), one piece waiting for
review, one returned to its writer with a comment, and some fifteen placements over the
channels, those of the plan's publicity task (“两微一端”, “宣传报道”) counted for it. Everything
goes through the services, by the office's director (and a unit head for the unit's news), at
the dates the story needs (`frozen_at`).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from huodong.campaigns.models import Campaign, Task
from huodong.core.clock import frozen_at
from huodong.orgs.models import Role, RoleAssignment, Unit, User
from huodong.participation.models import Reflection
from huodong.publicity import services
from huodong.publicity.models import ArticleCategory, CategoryKey, Channel

# (category, day published, title, summary, paragraphs)
PUBLISHED = [
    (
        CategoryKey.NEWS,
        "2018-05-08",
        "市政务办召开解放思想大讨论活动动员部署会",
        "5月8日，市政务办召开解放思想大讨论活动动员部署会，对全办开展大讨论活动作出安排。",
        [
            "5月8日上午，市政务服务管理办公室召开解放思想大讨论活动动员部署会，传达学习全市解放思想"
            "大讨论活动动员大会精神，对全办开展大讨论活动进行部署。",
            "会议强调，要以“解放思想、奋勇争先”为主题，围绕“改革再发力、服务再提升、作风再转变”，"
            "把大讨论活动与政务服务改革各项工作结合起来，真正做到学有所思、思有所悟、悟有所行。",
            "会议要求，各处室、各直属单位和各党支部要对照实施方案，明确责任、细化任务、倒排时间，"
            "确保大讨论活动有序推进、取得实效。",
        ],
    ),
    (
        CategoryKey.PROGRESS,
        "2018-05-22",
        "综合处扎实推进大讨论各项任务",
        "综合处对照任务清单，建立周调度机制，各项任务按节点推进。",
        [
            "大讨论活动开展以来，综合处对照活动计划安排表，逐项建立任务台账，明确责任人和完成时限。",
            "处里建立周调度机制，每周汇总各项任务进展，对滞后事项及时提醒督办。",
        ],
    ),
    (
        CategoryKey.NEWS,
        "2018-05-30",
        "“解放思想大家谈”专题座谈会举行",
        "市政务办邀请企业代表、服务对象和窗口工作人员座谈，听取对政务服务工作的意见建议。",
        [
            "5月30日，市政务办举行“解放思想大家谈”专题座谈会，邀请企业代表、服务对象和窗口工作"
            "人员代表参加。",
            "与会人员围绕不见面审批、企业开办、投资项目审批等方面踊跃发言，提出了一批具体的意见"
            "建议。办领导表示，对收集到的意见建议将逐条梳理、分类办理，及时反馈。",
        ],
    ),
    (
        CategoryKey.PROGRESS,
        "2018-06-06",
        "政务服务大厅推出午间不断档、周末预约办",
        "大厅试行午间不断档和周末预约办理，方便群众错峰办事。",
        [
            "为解决群众午间和周末办事难问题，政务服务大厅自6月起试行午间不断档、周末预约办理。",
            "试行以来，群众反响良好。下一步将总结经验，逐步扩大到更多服务事项。",
        ],
    ),
    (
        CategoryKey.CONTEST,
        "2018-06-15",
        "“解放思想、奋勇争先”主题征文评选结果揭晓",
        "主题征文活动经匿名评审，评出一等奖1名、二等奖2名、三等奖3名。",
        [
            "“解放思想、奋勇争先”主题征文活动自5月下旬启动以来，共收到征文十余篇。",
            "经评委匿名评审，评出一等奖1名、二等奖2名、三等奖3名，获奖作品将陆续在本专栏刊发。",
        ],
    ),
]
REFLECTION_DAY = "2018-06-12"
UNIT_NEWS_DAY = "2018-05-22"  # written by the head of 综合处 for their unit
FALLBACK_REFLECTION = (
    CategoryKey.REFLECTIONS,
    "2018-06-12",
    "立足窗口岗位 践行解放思想",
    "一名窗口工作人员的学习体会：把方便留给群众，把难题留给自己。",
    [
        "通过参加集中学习和大家谈活动，我深刻认识到，解放思想不是一句口号，而要落实到每一次"
        "受理、每一句解答之中。",
        "今后我将从群众的角度审视每一个办事环节，把方便留给群众，把难题留给自己。",
    ],
)
SUBMITTED = (
    CategoryKey.PROGRESS,
    "业务处深化“不见面审批”改革",
    "业务处梳理可网上办理事项，推动更多事项全程网办。",
    [
        "业务处对照“不见面审批”要求，梳理出可网上办理事项清单。",
        "下一步将加强网上申报引导，提高全程网办比例。",
    ],
)
RETURNED = (
    CategoryKey.PROGRESS,
    "市场处开展公共资源交易电子化培训",
    "",
    ["市场处组织评标专家开展电子化系统操作培训。"],
)
RETURN_COMMENT = "请补充培训时间、参训人数和培训成效，并配一张现场照片。"
# (day, channel, which published article (index) or a title, link, counted for the task)
PLACEMENTS = [
    ("2018-05-08", Channel.WECHAT, 0, "https://mp.weixin.qq.com/s/sqzwb-20180508", True),
    ("2018-05-09", Channel.WEIBO, 0, "https://weibo.com/sqzwb/20180509", True),
    ("2018-05-10", Channel.NEWSPAPER, "《宿迁日报》：市政务办全面启动解放思想大讨论", "", True),
    ("2018-05-22", Channel.APP, 1, "https://app.example.gov.cn/news/20180522", True),
    ("2018-05-30", Channel.WECHAT, 2, "https://mp.weixin.qq.com/s/sqzwb-20180530", True),
    ("2018-05-31", Channel.TV, "宿迁电视台《宿迁新闻》：政务办开展大家谈", "", True),
    ("2018-06-06", Channel.WECHAT, 3, "https://mp.weixin.qq.com/s/sqzwb-20180606", True),
    ("2018-06-07", Channel.WEIBO, 3, "https://weibo.com/sqzwb/20180607", False),
    ("2018-06-15", Channel.WECHAT, 4, "https://mp.weixin.qq.com/s/sqzwb-20180615", True),
    ("2018-06-16", Channel.APP, 4, "https://app.example.gov.cn/news/20180616", False),
]


def _at(day: str, time: str = "10:00") -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T{time}"))


def _user_with(campaign: Campaign, roles: list[str]) -> User | None:
    assignment = (
        RoleAssignment.objects.filter(
            person__office_id=campaign.office_id, role__in=roles, person__user__isnull=False
        )
        .select_related("person__user")
        .order_by("role", "id")
        .first()
    )
    return assignment.person.user if assignment else None


def _unit_head(campaign: Campaign, name: str) -> tuple[User | None, Unit | None]:
    """A unit head (with a login) of the unit `name`, else of any unit."""
    heads = RoleAssignment.objects.filter(
        person__office_id=campaign.office_id, role=Role.UNIT_HEAD, person__user__isnull=False
    ).select_related("person__user", "unit")
    chosen = heads.filter(unit__name=name).first() or heads.order_by("id").first()
    if chosen is None:
        return None, None
    return chosen.person.user, chosen.unit


def publicity_task(campaign: Campaign) -> Task | None:
    return (
        Task.objects.filter(campaign=campaign)
        .filter(Q(text__contains="两微一端") | Q(text__contains="宣传报道"))
        .order_by("seq")
        .first()
    )


def _html(paragraphs: list[str]) -> str:
    return "\n".join(f"<p>{p}</p>" for p in paragraphs)


@transaction.atomic
def build_publicity_demo(campaign: Campaign) -> None:
    office = campaign.office
    director = _user_with(campaign, [Role.OFFICE_DIRECTOR, Role.OFFICE_STAFF, Role.ADMIN])
    categories: dict[str, ArticleCategory] = {
        c.key: c for c in services.categories_ensure(office=office) if c.key
    }
    task = publicity_task(campaign)

    def write_and_submit(actor, when, key, title, summary, paragraphs, *, unit=None, for_task=None):
        with frozen_at(when):
            article = services.article_create(
                actor=actor,
                office=office,
                category=categories[key],
                title=title,
                summary=summary,
                body_html=_html(paragraphs),
                campaign=campaign,
                task=for_task,
                unit=unit,
            )
            services.article_submit(actor=actor, article=article)
        return article

    def write_and_publish(actor, key, day, title, summary, paragraphs, unit=None):
        article = write_and_submit(
            actor, _at(day, "09:00"), key, title, summary, paragraphs, unit=unit, for_task=task
        )
        with frozen_at(_at(day, "15:00")):
            return services.article_publish(actor=director, article=article)

    published = []
    writer: User | None
    unit: Unit | None
    head, head_unit = _unit_head(campaign, "综合处")
    for key, day, title, summary, paragraphs in PUBLISHED:
        if key == CategoryKey.PROGRESS and head is not None and day == UNIT_NEWS_DAY:
            writer, unit = head, head_unit
        else:
            writer, unit = director, None
        published.append(write_and_publish(writer, key, day, title, summary, paragraphs, unit))

    reflection = (
        Reflection.objects.filter(campaign=campaign, recommended_to_column=True)
        .order_by("id")
        .first()
    )
    if reflection is not None:
        with frozen_at(_at(REFLECTION_DAY, "09:00")):
            drafted = services.article_draft_from_reflection(actor=director, reflection=reflection)
            services.article_submit(actor=director, article=drafted)
        with frozen_at(_at(REFLECTION_DAY, "15:00")):
            published.append(services.article_publish(actor=director, article=drafted))
    else:
        key, day, title, summary, paragraphs = FALLBACK_REFLECTION
        published.append(write_and_publish(director, key, day, title, summary, paragraphs))

    # Waiting for review and returned: the units' own news (the last one is returned below).
    for division, when, news in (
        ("业务处", _at("2018-06-19", "16:00"), SUBMITTED),
        ("市场处", _at("2018-06-14", "11:00"), RETURNED),
    ):
        unit_writer, news_unit = _unit_head(campaign, division)
        article = write_and_submit(unit_writer or director, when, *news, unit=news_unit)
    with frozen_at(_at("2018-06-15", "09:30")):
        services.article_return(actor=director, article=article, comment=RETURN_COMMENT)

    # The other channels (the website lines were recorded on publishing).
    for day, channel, piece, link, counted in PLACEMENTS:
        with frozen_at(_at(day, "17:00")):
            services.placement_add(
                actor=director,
                office=office,
                campaign=campaign,
                channel=channel,
                date=dt.date.fromisoformat(day),
                article=published[piece] if isinstance(piece, int) else None,
                title="" if isinstance(piece, int) else str(piece),
                link=link,
                task=task if counted else None,
            )
