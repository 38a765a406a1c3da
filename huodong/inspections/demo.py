"""Supervision in the demo office at the demo date (2018-06-20), made through the services.

`build_inspections_demo(campaign)` runs after the demo office and its campaign exist (the demo
builder calls it): an inspection of 综合处 by the inspector, a published notice on June 1–20
naming the overdue tasks 2 and 6, and an open rectification order to 综合处 about task 2.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import translation

from huodong.campaigns.models import Campaign, Task
from huodong.inspections.models import InspectionRating, Notice
from huodong.inspections.services import (
    inspection_record,
    notice_draft_create,
    notice_publish,
    notice_update,
    order_issue,
)
from huodong.orgs.models import Unit, User

DEMO_DAY = dt.date(2018, 6, 20)
NOTICE_NUMBER = "宿政管督〔2018〕1号"


def build_inspections_demo(campaign: Campaign) -> None:
    # Messages land in inboxes in the product's language, whatever the caller's.
    with translation.override(settings.LANGUAGE_CODE):
        _build(campaign)


@transaction.atomic
def _build(campaign: Campaign) -> None:
    users = {u.username: u for u in User.objects.filter(username__in=["ducha", "zhongchonghao"])}
    inspector, director = users["ducha"], users["zhongchonghao"]
    unit = Unit.objects.get(office_id=campaign.office_id, name="综合处")
    task = Task.objects.get(campaign=campaign, seq=2)

    inspection = inspection_record(
        actor=inspector,
        campaign=campaign,
        unit=unit,
        inspected_on=DEMO_DAY - dt.timedelta(days=2),
        rating=InspectionRating.FAIR,
        findings=(
            "查阅综合处大讨论活动台账：第2项查找懒政倾向和思想障碍的讨论尚未开展，"
            "未形成问题清单；第6项学习活动记录不全，个人自学、集中学习未达到不少于4次的要求；"
            "第9项“解放思想大讨论”专栏已按期开办。"
        ),
    )
    notice: Notice = notice_draft_create(
        actor=director,
        campaign=campaign,
        period_start=dt.date(2018, 6, 1),
        period_end=DEMO_DAY,
        issued_on=DEMO_DAY,
    )
    if notice.doc_number != NOTICE_NUMBER:  # an office that already numbered notices
        notice_update(
            actor=director,
            notice=notice,
            title=notice.title,
            doc_number=NOTICE_NUMBER,
            body=notice.body,
            issuer=notice.issuer,
            issued_on=notice.issued_on,
            units=list(notice.units.all()),
        )
    notice_publish(actor=director, notice=notice)
    order_issue(
        actor=director,
        campaign=campaign,
        unit=unit,
        task=task,
        inspection=inspection,
        problem="第2项任务（针对懒政倾向查找思想障碍，各支部查找问题不少于2个）完成时限为"
        "5月31日，至今未完成，督查中未见问题清单和原因剖析材料。",
        measures_required="组织专题座谈查找问题，形成问题清单和原因剖析，"
        "明确整改责任人和时限，报领导小组办公室备案。",
        deadline=dt.date(2018, 6, 25),
    )
