"""The demo office of `make run`: the 2018 plan imported from the shipped seed, with its people.

Everything is created through the same services users call, so the demo exercises them too.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from importlib import resources
from typing import NamedTuple

from django.db import transaction

from huodong.campaigns.models import Campaign, Task
from huodong.campaigns.plan_import import parse_plan
from huodong.campaigns.services import campaign_create_from_plan, task_record_completion
from huodong.contests.demo import build_contests_demo
from huodong.engagement.demo import build_engagement_demo
from huodong.inspections.demo import build_inspections_demo
from huodong.notifications.tasks import send_campaign_reminders
from huodong.orgs.models import Office, Person, Role, Unit, UnitKind
from huodong.orgs.services import (
    office_create,
    person_create,
    person_grant_login,
    role_assign,
    unit_create,
)
from huodong.originality.services import reference_text_add
from huodong.participation.demo import build_participation_demo
from huodong.publicity.demo import build_publicity_demo
from huodong.suggestions.demo_outcomes import build_outcomes_demo
from huodong.suggestions.demo_pool import build_suggestions_demo
from huodong.supervision.demo import build_supervision_demo
from huodong.surveys.demo import build_surveys_demo

OFFICE_NAME = "宿迁市政务服务管理办公室"
DEMO_PASSWORD = "Huodong@2018"
DEMO_TODAY = "2018-06-20"
SEED_DOCX = "plan-2018-9.docx"
SEED_TEXT = "plan-2018-9.txt"

# (name, kind, parent)
UNITS: list[tuple[str, str, str | None]] = [
    ("办领导班子", UnitKind.LEADERSHIP, None),
    ("综合处", UnitKind.DEPARTMENT, None),
    ("宣传室", UnitKind.DEPARTMENT, None),
    ("督查处", UnitKind.DEPARTMENT, None),
    ("业务处", UnitKind.DEPARTMENT, None),
    ("市场处", UnitKind.DEPARTMENT, None),
    ("市政务服务中心", UnitKind.AFFILIATE, None),
    ("市公共资源交易中心", UnitKind.AFFILIATE, None),
    ("政管办党支部", UnitKind.BRANCH, None),
    ("政务中心党支部", UnitKind.BRANCH, None),
    ("交易中心党支部", UnitKind.BRANCH, None),
    ("机关第二党支部", UnitKind.BRANCH, None),
    ("市场监管窗口", UnitKind.WINDOW, "市政务服务中心"),
    ("税务窗口", UnitKind.WINDOW, "市政务服务中心"),
    ("不动产登记窗口", UnitKind.WINDOW, "市政务服务中心"),
    ("人社窗口", UnitKind.WINDOW, "市政务服务中心"),
    ("市场监管窗口临时党支部", UnitKind.TEMP_BRANCH, "市场监管窗口"),
    ("税务窗口临时党支部", UnitKind.TEMP_BRANCH, "税务窗口"),
    ("不动产登记窗口临时党支部", UnitKind.TEMP_BRANCH, "不动产登记窗口"),
    ("人社窗口临时党支部", UnitKind.TEMP_BRANCH, "人社窗口"),
]

# The people the plan names: (name, unit, branch, position)
NAMED_PEOPLE = [
    ("臧广荣", "办领导班子", "政管办党支部", "主任"),
    ("童学宝", "办领导班子", "政管办党支部", "副主任"),
    ("魏旭光", "办领导班子", "政管办党支部", "副主任"),
    ("刘宝春", "办领导班子", "政管办党支部", "副主任"),
    ("仲崇浩", "宣传室", "政管办党支部", "宣传室主任"),
]

# Which unit's staff belong to which branch.
BRANCH_OF_UNIT = {
    "综合处": "政管办党支部",
    "宣传室": "政管办党支部",
    "督查处": "机关第二党支部",
    "业务处": "政务中心党支部",
    "市场处": "交易中心党支部",
    "市政务服务中心": "政务中心党支部",
    "市公共资源交易中心": "交易中心党支部",
    "市场监管窗口": "市场监管窗口临时党支部",
    "税务窗口": "税务窗口临时党支部",
    "不动产登记窗口": "不动产登记窗口临时党支部",
    "人社窗口": "人社窗口临时党支部",
}
STAFF_PER_UNIT = {
    "综合处": 8, "宣传室": 5, "督查处": 6, "业务处": 8, "市场处": 7,
    "市政务服务中心": 8, "市公共资源交易中心": 8,
    "市场监管窗口": 8, "税务窗口": 8, "不动产登记窗口": 8, "人社窗口": 6,
}  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = [
    "建国",
    "海燕",
    "志强",
    "丽娟",
    "文博",
    "晓东",
    "静怡",
    "俊杰",
    "婷婷",
    "明辉",
    "雪梅",
    "国庆",
    "欣然",
    "子涵",
    "宏伟",
    "玉兰",
    "浩然",
    "佳琪",
    "立新",
    "春华",
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    person: str


class DemoAccount(NamedTuple):
    username: str
    person: str | None  # None: the next staff member of `unit` without a login
    unit: str
    role: str | None
    role_scoped_to_unit: bool
    description: str


LOGINS = [
    DemoAccount("admin", "办公室管理员", "综合处", Role.ADMIN, False, "system administrator"),
    DemoAccount(
        "zhongchonghao", "仲崇浩", "宣传室", Role.OFFICE_DIRECTOR, False,
        "director of the leading group's office",
    ),
    DemoAccount("xuanchuan", None, "宣传室", Role.OFFICE_STAFF, False, "the office's staff"),
    DemoAccount("zangguangrong", "臧广荣", "办领导班子", Role.LEADER, False, "group leader (组长)"),
    DemoAccount(
        "tongxuebao", "童学宝", "办领导班子", None, False, "lead leader of the sub-theme 改革再发力"
    ),
    DemoAccount("zonghechu", None, "综合处", Role.UNIT_HEAD, True, "head of 综合处, a lead unit"),
    DemoAccount(
        "zhishu", None, "政务中心党支部", Role.BRANCH_SECRETARY, True, "secretary of 政务中心党支部"
    ),
    DemoAccount("yewuchu", None, "业务处", Role.UNIT_HEAD, True, "head of 业务处, a lead unit"),
    DemoAccount("shichangchu", None, "市场处", Role.UNIT_HEAD, True, "head of 市场处, a lead unit"),
    DemoAccount("ducha", None, "督查处", Role.INSPECTOR, False, "inspector (督查)"),
    DemoAccount("chuangkou", None, "税务窗口", None, False, "window staff member"),
]  # fmt: skip

# Demo progress at 2018-06-20: what was done, and when.
COMPLETIONS = {1: "2018-05-24", 3: "2018-05-30", 4: "2018-06-05", 5: "2018-05-28", 9: "2018-06-12"}


def demo_exists() -> bool:
    return Campaign.objects.filter(office__name=OFFICE_NAME).exists()


def _staff_names():
    i = 0
    while True:
        yield SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)]
        i += 1


@transaction.atomic
def build_demo_office() -> list[DemoLogin]:
    office: Office = office_create(actor=None, name=OFFICE_NAME, short_name="市政管办")
    units: dict[str, Unit] = {}
    for order, (name, kind, parent) in enumerate(UNITS):
        units[name] = unit_create(
            actor=None,
            office=office,
            name=name,
            kind=kind,
            parent=units[parent] if parent else None,
            sort_order=order,
        )
    people: dict[str, Person] = {}
    for name, unit, branch, position in NAMED_PEOPLE:
        people[name] = person_create(
            actor=None,
            office=office,
            name=name,
            unit=units[unit],
            branch=units[branch],
            position=position,
        )
    names = _staff_names()
    first_of_unit: dict[str, list[Person]] = {}
    phone = 13905270000
    for unit_name, count in STAFF_PER_UNIT.items():
        unit = units[unit_name]
        for i in range(count):
            phone += 1
            person = person_create(
                actor=None,
                office=office,
                name=next(names),
                unit=unit,
                branch=units[BRANCH_OF_UNIT[unit_name]],
                position=("负责人" if i == 0 else "工作人员")
                if unit.kind != UnitKind.WINDOW
                else ("窗口负责人" if i == 0 else "窗口工作人员"),
                is_window_staff=unit.kind == UnitKind.WINDOW,
                phone=str(phone),
            )
            first_of_unit.setdefault(unit_name, []).append(person)

    logins: list[DemoLogin] = []
    taken: set[int] = set()
    for username, person_name, unit_name, role, scoped, description in LOGINS:
        if person_name in people:
            person = people[person_name]
        elif person_name:
            person = person_create(
                actor=None,
                office=office,
                name=person_name,
                unit=units[unit_name],
                position="系统管理员",
            )
        elif units[unit_name].is_party_branch:
            # A branch secretary is a member of the branch, picked from its units' staff.
            person = next(
                p
                for members in first_of_unit.values()
                for p in members
                if p.branch_id == units[unit_name].pk and p.pk not in taken
            )
        else:
            person = next(p for p in first_of_unit[unit_name] if p.pk not in taken)
        taken.add(person.pk)
        person_grant_login(actor=None, person=person, username=username, password=DEMO_PASSWORD)
        if role:
            role_assign(
                actor=None, person=person, role=role, unit=units[unit_name] if scoped else None
            )
        logins.append(DemoLogin(username=username, role=description, person=person.name))

    seed = resources.files("huodong.campaigns").joinpath("seeds", SEED_DOCX).read_bytes()
    plan = parse_plan(seed, SEED_DOCX)
    campaign = campaign_create_from_plan(
        actor=None, office=office, plan=plan, source_name=SEED_DOCX
    )
    for task in Task.objects.filter(campaign=campaign, seq__in=COMPLETIONS):
        task_record_completion(
            actor=None, task=task, completed_on=dt.date.fromisoformat(COMPLETIONS[task.seq])
        )
    build_supervision_demo(campaign)
    build_inspections_demo(campaign)
    build_participation_demo(campaign)
    _reference_library(campaign)
    build_contests_demo(campaign)
    build_surveys_demo(campaign)
    build_suggestions_demo(campaign)
    build_engagement_demo(campaign)
    build_outcomes_demo(campaign)
    build_publicity_demo(campaign)
    _reminder_trail(campaign)
    return logins


def _reference_library(campaign: Campaign) -> None:
    """The plan itself in the 查重 library: a reflection that copies whole sentences of the plan
    shows them as copied from it."""
    director = (
        Person.objects.filter(office=campaign.office, roles__role=Role.OFFICE_DIRECTOR)
        .select_related("user")
        .first()
    )
    text = resources.files("huodong.campaigns").joinpath("seeds", SEED_TEXT).read_text("utf-8")
    if director is not None and director.user is not None:
        reference_text_add(
            actor=director.user,
            office=campaign.office,
            title=campaign.title,
            text=text,
            file_name=SEED_TEXT,
        )


def _reminder_trail(campaign: Campaign) -> None:
    """The reminders the scheduler would have sent each morning up to the demo date."""
    # A line a day would bury the demo logins that `make run` prints.
    task_log = logging.getLogger(send_campaign_reminders.func.__module__)
    level = task_log.level
    task_log.setLevel(logging.WARNING)
    try:
        day = dt.date(2018, 5, 18)
        while day <= dt.date.fromisoformat(DEMO_TODAY):
            send_campaign_reminders.call(campaign.pk, day.isoformat())
            day += dt.timedelta(days=1)
    finally:
        task_log.setLevel(level)


def demo_logins() -> list[DemoLogin]:
    people = {
        p.user.username: p.name
        for p in Person.objects.filter(office__name=OFFICE_NAME, user__isnull=False).select_related(
            "user"
        )
    }
    return [
        DemoLogin(username=u, role=desc, person=people.get(u, ""))
        for u, *_, desc in LOGINS
        if u in people
    ]
