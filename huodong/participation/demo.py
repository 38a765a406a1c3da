"""The participation part of the demo office at 2018-06-20: partial compliance, as in real life.

Sessions (two 大家谈, a 专题辅导, branch study meetings, today's all-day window-staff session and
one next week) are organised, and attendance marked, through the services by the leading
group's office. Most demo staff have no login and so cannot act through the services
themselves; their own history up to the demo date (personal study, reflections) is written as
records, and the reviews of those reflections go through the services again.

The window staff member `chuangkou` is the example of the issue: 学习 3/4 and a draft reflection
of 1,820 字, with today's session open for signing in.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from huodong.campaigns.models import Campaign, StudyKind
from huodong.core.clock import frozen_at
from huodong.orgs.models import Person, Role, Unit
from huodong.participation.models import (
    ProblemCategory,
    Reflection,
    ReflectionReview,
    ReflectionStatus,
    StudyRecord,
    StudySource,
)
from huodong.participation.services.problems import problem_advance, problem_create
from huodong.participation.services.reflections import reflection_review
from huodong.participation.services.study import session_create, session_mark_attendance
from huodong.participation.services.study_tallies import study_tallies_rebuild
from huodong.participation.wordcount import word_count

SHOWCASE_LOGIN = "chuangkou"
SHOWCASE_DRAFT_WORDS = 1820


def _at(day: str, time: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T{time}"))


# (day, start, end, kind, organiser, topic, speaker, place, invite: "all" | "branch" | "windows")
SESSIONS = [
    ("2018-05-10", "09:00", "11:00", StudyKind.GROUP, "政管办党支部",
     "学习习近平新时代中国特色社会主义思想（第一专题）", "", "三楼会议室", "branch"),
    ("2018-05-17", "14:30", "16:30", StudyKind.DISCUSSION, "宣传室",
     "“便民方舟大家谈”：解放思想从我做起", "仲崇浩", "一楼大厅", "all"),
    ("2018-05-24", "09:00", "11:30", StudyKind.LECTURE, "宣传室",
     "解放思想与政务服务高质量发展专题辅导", "市委党校 王教授", "三楼会议室", "all"),
    ("2018-06-07", "15:00", "17:00", StudyKind.GROUP, "政务中心党支部",
     "学习省委十三届三次全会精神", "", "中心二楼会议室", "branch"),
    ("2018-06-14", "14:30", "16:30", StudyKind.DISCUSSION, "宣传室",
     "6月份“便民方舟大家谈”学习成果大讨论", "臧广荣", "一楼大厅", "all"),
    ("2018-06-20", "00:00", "23:59", StudyKind.GROUP, "市政务服务中心",
     "窗口人员轮班集中学习：不见面审批服务改革（全天分批签到）", "", "中心培训室", "windows"),
    ("2018-06-28", "09:00", "11:00", StudyKind.LECTURE, "宣传室",
     "“我为高质量发展献一策”专题辅导", "市发改委 李处长", "三楼会议室", "all"),
]  # fmt: skip
# Share of invitees present at each past session (the 6月14日 大家谈 had 42 people).
PRESENT_SHARE = [0.85, 0.65, 0.7, 0.8, 0.5, 0.35, 0.0]

SELF_STUDY_MATERIALS = [
    "《习近平谈治国理政》第二卷 相关篇目",
    "党的十九大报告原文",
    "省委十三届三次全会精神",
    "市委五届五次全会工作报告",
    "《关于开展解放思想大讨论活动的方案》",
    "学习强国：全面深化改革专题",
    "不见面审批服务改革政策汇编",
]

OPENINGS = [
    "按照办党组关于开展解放思想大讨论活动的统一部署，我认真参加了集中学习和专题辅导，",
    "通过近一段时间的个人自学和集中学习，",
    "作为一名政务服务窗口工作人员，参加解放思想大讨论活动以来，",
]
SENTENCES = [
    "深刻认识到解放思想是推动政务服务高质量发展的总开关。",
    "对照新时代的要求，我在思想观念、工作方法和能力素养等方面还存在不少差距。",
    "过去在工作中存在一定程度的骄傲自满情绪，满足于按部就班完成任务，主动创新的意识不够强。",
    "面对企业和群众的新期待，我们必须破除因循守旧的思维定势，把方便留给群众，把麻烦留给自己。",
    "不见面审批服务改革是政务服务的一场深刻变革，需要我们从流程、材料、时限上不断做减法。",
    "我将立足岗位职责，带着问题学习、带着问题思考，努力把学习成果转化为推动工作的实际成效。",
    "在窗口服务中，要坚持问题导向，认真梳理群众反映集中的堵点难点，逐项研究解决办法。",
    "解放思想不是一句口号，而是要落实到每一件具体工作中，落实到每一次服务群众的细节里。",
    "要进一步增强“四个意识”，强化系统思维，砥砺担当精神，做高质量发展的组织者、引领者。",
    "我深刻体会到，只有不断学习，才能跟上改革发展的步伐，才能适应新时代政务服务的新要求。",
    "今后我将以更加饱满的热情、更加务实的作风，投入到“便民方舟”建设中去，为谱写新时代宿迁政务服务高质量发展新篇章贡献自己的力量。",
    "一是要在学深悟透上下功夫，二是要在查找问题上下功夫，三是要在整改落实上下功夫。",
    "保证金改革、不见面招投标等重点改革任务，都需要我们敢于突破、勇于创新。",
    "要以群众满意度为标尺，持续优化营商环境，让企业和群众办事更便捷、更舒心。",
]


def reflection_text(rng: random.Random, target: int) -> str:
    """About `target` 字 of plausible 心得体会 text (never fewer)."""
    paragraphs: list[str] = []
    paragraph = rng.choice(OPENINGS)
    total = word_count(paragraph)
    while total < target:
        sentence = rng.choice(SENTENCES)
        paragraph += sentence
        total += word_count(sentence)
        if len(paragraph) > 260:
            paragraphs.append(paragraph)
            paragraph = ""
    if paragraph:
        paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


def text_of_exactly(rng: random.Random, words: int) -> str:
    """Text of exactly `words` 字: a reflection drafted part-way."""
    text = reflection_text(rng, words)
    while word_count(text) > words:
        text = text[:-1]
    return text


@transaction.atomic
def build_participation_demo(campaign: Campaign) -> None:
    rng = random.Random(2018)
    office = campaign.office
    units = {u.name: u for u in Unit.objects.filter(office=office)}
    people = list(Person.objects.filter(office=office).select_related("user", "unit"))
    director = next(
        p.user
        for p in Person.objects.filter(
            office=office, roles__role=Role.OFFICE_DIRECTOR, user__isnull=False
        ).select_related("user")
    )
    showcase = next(p for p in people if p.user and p.user.username == SHOWCASE_LOGIN)

    _sessions(campaign, rng, units, people, director, showcase)
    _personal_study(campaign, rng, people, showcase)
    _reflections(campaign, rng, people, director, showcase)
    _problems(campaign, units, people, director)


def _invitees(invite: str, organiser: Unit, people: list[Person]) -> list[int]:
    if invite == "branch":
        return [p.pk for p in people if p.branch_id == organiser.pk]
    if invite == "windows":
        return [p.pk for p in people if p.is_window_staff]
    return [p.pk for p in people]


def _sessions(campaign, rng, units, people, director, showcase) -> None:
    for number, (day, start, end, kind, organiser, topic, speaker, place, invite) in enumerate(
        SESSIONS
    ):
        invited = _invitees(invite, units[organiser], people)
        with frozen_at(_at(day, start) - dt.timedelta(days=5)):
            session = session_create(
                actor=director,
                campaign=campaign,
                organiser_unit=units[organiser],
                kind=kind,
                topic=topic,
                speaker=speaker,
                place=place,
                starts_at=_at(day, start),
                ends_at=_at(day, end),
                invitee_ids=invited,
            )
        share = PRESENT_SHARE[number]
        present = [pk for pk in invited if pk != showcase.pk and rng.random() < share]
        # The showcase attended the May 大家谈 and the lecture, and missed the June 大家谈.
        if number in (1, 2) and showcase.pk in invited:
            present.append(showcase.pk)
        if present:
            with frozen_at(_at(day, start) + dt.timedelta(minutes=20)):
                session_mark_attendance(actor=director, session=session, person_ids=present)


def _personal_study(campaign, rng, people, showcase) -> None:
    """Personal study each person logged: the showcase one, others none to three."""
    records = []
    for person in people:
        count = 1 if person.pk == showcase.pk else rng.choice((0, 1, 1, 2, 2, 3))
        for i in range(count):
            day = dt.date(2018, 5, 2) + dt.timedelta(days=rng.randrange(48))
            records.append(
                StudyRecord(
                    campaign=campaign,
                    person=person,
                    kind=StudyKind.SELF,
                    date=day,
                    material=SELF_STUDY_MATERIALS[(person.pk + i) % len(SELF_STUDY_MATERIALS)],
                    duration_minutes=rng.choice((45, 60, 90, 120)),
                    source=StudySource.LOGGED,
                    created_by=person.user,
                )
            )
    StudyRecord.objects.bulk_create(records)
    # Bulk-created, the records' tallies are counted once from them.
    study_tallies_rebuild(campaign_id=campaign.pk)


def _reflections(campaign, rng, people, director, showcase) -> None:
    """About half have submitted (some reviewed), a quarter are drafting, the rest not begun."""
    submitted_at = _at("2018-06-10", "10:00")
    to_review: list[tuple[Reflection, str]] = []
    for person in people:
        if person.pk == showcase.pk:
            body = text_of_exactly(rng, SHOWCASE_DRAFT_WORDS)
            status = ReflectionStatus.DRAFT
        else:
            roll = rng.random()
            if roll < 0.25:
                continue
            if roll < 0.5:
                body = text_of_exactly(rng, rng.randrange(400, 2600))
                status = ReflectionStatus.DRAFT
            else:
                body = reflection_text(rng, rng.randrange(2750, 3400))
                status = ReflectionStatus.SUBMITTED
        reflection = Reflection.objects.create(
            campaign=campaign,
            person=person,
            title="解放思想大讨论心得体会",
            body=body,
            word_count=word_count(body),
            status=status,
            submitted_at=submitted_at if status == ReflectionStatus.SUBMITTED else None,
        )
        if status == ReflectionStatus.SUBMITTED:
            ReflectionReview.objects.create(
                reflection=reflection,
                from_status=ReflectionStatus.DRAFT,
                to_status=ReflectionStatus.SUBMITTED,
                word_count=reflection.word_count,
                actor=person.user,
                at=submitted_at,
            )
            roll = rng.random()
            # The director, who reviews, does not review their own.
            if person.user_id != director.pk and roll < 0.5:
                to_review.append((reflection, "accept" if roll < 0.45 else "return"))
    # The office has reviewed part of them; the best two are excellent, one recommended.
    with frozen_at(_at("2018-06-15", "16:00")):
        for number, (reflection, decision) in enumerate(to_review):
            if number < 2:
                reflection_review(
                    actor=director,
                    reflection=reflection,
                    decision="excellent",
                    comment="结合岗位实际，查找问题深刻，整改措施具体，推荐在专栏刊发。",
                    recommend=number == 0,
                )
            elif decision == "return":
                reflection_review(
                    actor=director,
                    reflection=reflection,
                    decision="return",
                    comment="联系个人思想和工作实际不够，请补充查找的问题和整改措施后再提交。",
                )
            else:
                reflection_review(actor=director, reflection=reflection, decision="accept")


# (branch, [(description, category, status)]) — 机关第二党支部 has not started its ledger.
PROBLEMS = {
    "政管办党支部": [
        ("部分同志满足于已有成绩，对标先进地区找差距的主动性不够。", ProblemCategory.COMPLACENCY,
         "rectifying"),
        ("学习讨论中联系实际不够紧密，学用结合有差距。", ProblemCategory.MINDSET, "found"),
    ],
    "政务中心党支部": [
        ("个别窗口对复杂事项存在畏难情绪，一次性告知落实不到位。", ProblemCategory.TIMIDITY,
         "rectified"),
    ],
    "交易中心党支部": [
        ("对不见面招投标改革的新要求研究不深，创新办法不多。", ProblemCategory.MINDSET,
         "rectifying"),
        ("保证金退还流程环节多，主动担当、靠前服务意识不强。", ProblemCategory.NO_OWNERSHIP,
         "found"),
        ("部分同志工作积极性不高，满足于完成规定动作。", ProblemCategory.LOW_DRIVE, "found"),
    ],
    "税务窗口临时党支部": [
        ("高峰时段排队时间长，群众反映较多。", ProblemCategory.INERTIA, "rectifying"),
    ],
}  # fmt: skip


def _problems(campaign, units, people, director) -> None:
    by_branch: dict[int, list[Person]] = {}
    for person in people:
        if person.branch_id:
            by_branch.setdefault(person.branch_id, []).append(person)
    for branch_name, entries in PROBLEMS.items():
        branch = units[branch_name]
        for number, (description, category, status) in enumerate(entries):
            found_on = dt.date(2018, 5, 12) + dt.timedelta(days=3 * number)
            with frozen_at(_at(found_on.isoformat(), "17:00")):
                problem = problem_create(
                    actor=director,
                    campaign=campaign,
                    branch=branch,
                    description=description,
                    category=category,
                    cause="思想认识不到位，解放思想的紧迫感不强。",
                    measures="开展专题学习讨论，建立问题清单，明确责任人和整改时限，逐项销号。",
                    responsible=by_branch[branch.pk][0],
                    deadline=dt.date(2018, 7, 31),
                    found_on=found_on,
                )
            moves = {"found": [], "rectifying": ["rectifying"]}.get(
                status, ["rectifying", "rectified"]
            )
            for step, to_status in enumerate(moves):
                with frozen_at(_at(found_on.isoformat(), "17:00") + dt.timedelta(days=7 + step)):
                    problem_advance(actor=director, problem=problem, to_status=to_status, note="")
