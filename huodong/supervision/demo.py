"""The supervision part of the demo office, played through the services at the demo date.

At 2018-06-20 (tasks 1, 3, 5, 9 done on time and 4 done late are recorded by the demo office):

- tasks 7, 8, 10 and 11 are received by their lead units and in progress, each with a report
  (task 7's with a Word attachment);
- task 2 is overdue, and 综合处 has said why;
- task 6 was submitted, returned once for rework with the reason, and submitted again.

业务处 and 市场处 lead tasks 7 and 8 but the demo office gives them no login; their heads get
one here (`yewuchu`, `shichangchu`, with the demo password).
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from huodong.campaigns.models import Campaign, Task
from huodong.orgs.models import Person, Role, RoleAssignment, Unit, User
from huodong.orgs.services import person_grant_login, role_assign
from huodong.supervision import services
from huodong.supervision.clock import frozen_at
from huodong.supervision.models import TaskTracking

# Unit heads the demo office does not create: (username, unit).
EXTRA_HEADS = [("yewuchu", "业务处"), ("shichangchu", "市场处")]

REPORTS = {
    7: (
        "业务处",
        "已拟定政务服务工作座谈会方案，邀请市级部门、窗口负责人和企业代表共28人，"
        "定于6月22日召开；会议材料正在汇总。",
    ),
    8: (
        "市场处",
        "公共资源交易工作座谈会已确定议题三项，征集意见建议17条，正在分类整理。",
    ),
    10: (
        "综合处",
        "已组织各支部围绕“六个高质量”发展开展专题研讨2次，形成研讨记录，下一步汇总形成调研报告。",
    ),
    11: ("综合处", "6月份“便民方舟大家谈”学习成果大讨论已于6月14日举行，42人参加。"),
}
TASK_2_REPORT = "已完成作风问题自查，查摆问题5条，整改措施正在征求意见。"
TASK_2_REASON = "自查范围扩大到各窗口，问题清单汇总晚于预期；预计6月25日前完成专项整治方案。"
TASK_6_REPORT = "已组织全体干部职工及入驻窗口人员开展个人自学和集中学习各2次。"
TASK_6_RETURN = "集中学习未达到方案要求的不少于4次，且缺少签到表和学习记录，请补充后重新提交。"
TASK_6_REWORK = "6月13日、6月15日补充开展集中学习2次，共4次；附签到表和学习记录。"


def _password() -> str:
    from huodong.core.demo_office import DEMO_PASSWORD  # the demo office imports this module

    return DEMO_PASSWORD


def _unit_head(username: str, unit: Unit) -> User:
    """The head of `unit`: an existing login acting for it, or its first staff member's."""
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    holder = (
        RoleAssignment.objects.filter(
            role__in=(Role.UNIT_HEAD, Role.UNIT_CONTACT),
            unit=unit,
            person__user__isnull=False,
        )
        .select_related("person__user")
        .first()
    )
    if holder is not None and holder.person.user is not None:
        return holder.person.user
    person = Person.objects.filter(unit=unit, user__isnull=True).order_by("sort_order", "id")[0]
    user = person_grant_login(actor=None, person=person, username=username, password=_password())
    role_assign(actor=None, person=person, role=Role.UNIT_HEAD, unit=unit)
    return user


def _minutes_docx(text: str) -> ContentFile:
    from docx import Document

    document = Document()
    document.add_heading("会议筹备情况", level=1)
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return ContentFile(out.getvalue(), name="座谈会筹备情况.docx")


def _report(actor: User, task: Task, unit: Unit, text: str, files=()) -> None:
    report = services.report_create(actor=actor, task=task, unit=unit, text=text, files=files)
    services.report_submit(actor=actor, report=report)


def _at(moment: str):
    """Stage the next steps at a moment of the campaign (local time)."""
    return frozen_at(timezone.make_aware(dt.datetime.fromisoformat(moment)))


# seq -> (received, report submitted)
IN_PROGRESS_AT = {
    7: ("2018-06-04 09:10", "2018-06-15 16:20"),
    8: ("2018-06-04 10:05", "2018-06-14 15:00"),
    10: ("2018-06-05 09:00", "2018-06-19 17:30"),
    11: ("2018-06-05 09:05", "2018-06-14 18:00"),
}


@transaction.atomic
def build_supervision_demo(campaign: Campaign) -> None:
    """Play the demo's supervision story; does nothing if the campaign already has one."""
    if TaskTracking.objects.filter(task__campaign=campaign).exists():
        return
    units = {unit.name: unit for unit in Unit.objects.filter(office=campaign.office)}
    tasks = {task.seq: task for task in Task.objects.filter(campaign=campaign)}
    users = {
        user.username: user
        for user in User.objects.filter(username__in=["zonghechu", "zhongchonghao"])
    }
    heads = {"综合处": users["zonghechu"]}
    for username, unit_name in EXTRA_HEADS:
        heads[unit_name] = _unit_head(username, units[unit_name])

    for seq, (unit_name, text) in REPORTS.items():
        head, unit = heads[unit_name], units[unit_name]
        received, reported = IN_PROGRESS_AT[seq]
        with _at(received):
            services.task_receive(actor=head, task=tasks[seq], unit=unit)
        with _at(reported):
            _report(head, tasks[seq], unit, text, [_minutes_docx(text)] if seq == 7 else [])

    zonghechu, zonghe = heads["综合处"], units["综合处"]
    with _at("2018-05-28 09:00"):
        services.task_receive(actor=zonghechu, task=tasks[2], unit=zonghe)
    with _at("2018-06-08 11:00"):
        _report(zonghechu, tasks[2], zonghe, TASK_2_REPORT)
    with _at("2018-06-11 10:00"):
        services.overdue_reason_give(
            actor=zonghechu, task=tasks[2], unit=zonghe, text=TASK_2_REASON
        )

    with _at("2018-05-28 09:20"):
        services.task_receive(actor=zonghechu, task=tasks[6], unit=zonghe)
    with _at("2018-06-12 16:00"):
        _report(zonghechu, tasks[6], zonghe, TASK_6_REPORT)
        services.task_submit(actor=zonghechu, task=tasks[6])
    with _at("2018-06-13 10:30"):
        services.task_return(actor=users["zhongchonghao"], task=tasks[6], reason=TASK_6_RETURN)
    with _at("2018-06-15 17:00"):
        _report(zonghechu, tasks[6], zonghe, TASK_6_REWORK)
        services.task_submit(actor=zonghechu, task=tasks[6], note="已按要求补充学习记录。")
