"""The engagement part of the demo office at 2018-06-20, as the plan has it:

- two 座谈会 (政务服务工作, 公共资源交易工作) with guests from outside who registered through the
  public link and signed in with the code, minutes with a photo, and the opinions raised sent to
  the suggestion pool;
- one 便民方舟进园区 visit to 宿迁经济技术开发区: three enterprises and five problems, assigned to
  units with deadlines (one replied to, one resolved, one overdue at the demo's today);
- the monthly 便民方舟大家谈 of May and June as meetings over the study sessions the participation
  demo held (their attendance is the sessions'), and July's arranged with registration open;
- the three online activities with participations from several units, a few ideas in the pool.

Everything goes through the services, staged at its moment with `clock.frozen_at`. Staff without
a login cannot act themselves; their online participations up to the demo date are written as
rows, as the participation demo writes their personal study.
"""

from __future__ import annotations

import datetime as dt
import random
import struct
import zlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from huodong.campaigns.models import Campaign, StudyKind
from huodong.core.clock import frozen_at
from huodong.engagement import services
from huodong.engagement.models import (
    Meeting,
    MeetingAttendee,
    MeetingKind,
    OnlineParticipation,
)
from huodong.orgs.models import Person, Role, Unit, User
from huodong.participation import signin_codes
from huodong.participation.models import StudyRecord, StudySession, StudySource

PARK = "宿迁经济技术开发区"


def _at(day: str, time: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T{time}"))


def demo_png(width: int = 320, height: int = 200, *, seed: int = 0) -> bytes:
    """A small picture (a sky-to-floor gradient with a table) for the demo's photos."""
    rows = []
    for y in range(height):
        row = bytearray([0])  # filter type None
        for x in range(width):
            if height * 0.55 < y < height * 0.7 and width * 0.15 < x < width * 0.85:
                pixel = (150, 90, 50)  # the meeting table
            else:
                shade = int(200 - 80 * y / height)
                pixel = ((shade + seed * 20) % 256, shade, 230 - shade // 3)
            row.extend(pixel)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def _user_of(office_id: int, role: str, unit: Unit | None = None) -> User | None:
    scope = {"roles__unit": unit} if unit is not None else {}
    people = Person.objects.filter(
        office_id=office_id, roles__role=role, user__isnull=False, **scope
    )
    person = people.select_related("user").order_by("pk").first()
    return person.user if person is not None else None


@transaction.atomic
def build_engagement_demo(campaign: Campaign) -> None:
    if Meeting.objects.filter(campaign=campaign).exists():
        return  # built already
    office = campaign.office
    units = {u.name: u for u in Unit.objects.filter(office=office)}
    director = _user_of(office.pk, Role.OFFICE_DIRECTOR)
    if director is None:
        return
    business_head = _user_of(office.pk, Role.UNIT_HEAD, units.get("业务处")) or director
    market_head = _user_of(office.pk, Role.UNIT_HEAD, units.get("市场处")) or director
    rng = random.Random(2018)

    _seminars(campaign, units, director, business_head, market_head)
    _visit(campaign, units, director, business_head)
    _discussions(campaign, units, director)
    _online(campaign, director, rng)


# --- 座谈会 --------------------------------------------------------------------------------


# (name, organisation, contact, registers in advance)
SEMINAR_GUESTS = {
    "政务服务工作座谈会": [
        ("周建华", "市人大代表、江苏洋河酒厂股份有限公司", "13905271001", True),
        ("陈晓梅", "市政协委员、宿迁市律师协会", "13905271002", True),
        ("吴志强", "宿迁京东云计算有限公司", "13905271003", True),
        ("孙丽", "宿城区幸福街道群众代表", "13905271004", False),
        ("郑海涛", "宿迁市企业家协会", "13905271005", True),
    ],
    "公共资源交易工作座谈会": [
        ("钱立新", "江苏华建工程造价咨询有限公司（招标代理）", "13905272001", True),
        ("冯俊杰", "宿迁市交通建设工程有限公司（投标企业）", "13905272002", True),
        ("许春华", "宿迁市建筑业协会", "13905272003", True),
        ("何文博", "市纪委监委驻市政管办纪检监察组", "13905272004", False),
    ],
}

# (title, unit, day, start, end, place, agenda, minutes, opinions: (text, speaker index | None))
SEMINARS = [
    (
        "政务服务工作座谈会",
        "业务处",
        "2018-06-19",
        "09:00",
        "11:30",
        "市民中心三楼会议室",
        "一、通报解放思想大讨论活动开展情况；二、听取人大代表、政协委员、企业和群众代表对政务服务"
        "工作的意见建议；三、办领导讲话。",
        "6月19日上午，市政管办召开政务服务工作座谈会。会议通报了解放思想大讨论活动开展情况和"
        "“不见面审批”服务改革进展。与会代表围绕优化营商环境、提升窗口服务、推进“互联网+政务服务”"
        "等方面踊跃发言，共提出意见建议12条。臧广荣主任表示，对代表们提出的意见建议将逐条梳理，"
        "明确责任处室和办理时限，确保件件有回音、事事有着落。",
        [
            ("建议在企业开办环节推行全程帮办代办，对新设企业提供“一对一”服务。", 2),
            ("部分事项网上申报后仍需到现场提交纸质材料，希望真正实现“不见面”。", 0),
            ("周末和节假日可以安排部分窗口轮值，方便上班族办事。", None),
        ],
    ),
    (
        "公共资源交易工作座谈会",
        "市场处",
        "2018-06-19",
        "14:30",
        "16:30",
        "市公共资源交易中心开标室",
        "一、通报“不见面”招投标和保证金改革推进情况；二、听取交易主体意见建议；三、交流讨论。",
        "6月19日下午，市公共资源交易中心召开公共资源交易工作座谈会。招标代理机构、投标企业和"
        "行业协会代表结合实际交易活动，对“不见面”开标、保证金退还、电子化交易平台建设提出了意见"
        "建议。会议要求各科室对照问题清单抓好整改，进一步降低制度性交易成本。",
        [
            ("投标保证金退还周期偏长，建议开标后自动退还未中标人保证金。", 1),
            ("“不见面”开标系统在网络不稳定时容易掉线，建议增加备用通道。", 0),
        ],
    ),
]


def _seminars(campaign, units, director, business_head, market_head) -> None:
    heads = {"业务处": business_head, "市场处": market_head}
    for number, (title, unit_name, day, start, end, place, agenda, minutes, opinions) in enumerate(
        SEMINARS
    ):
        organiser = heads[unit_name]
        unit = units[unit_name]
        with frozen_at(_at("2018-06-08", "10:00")):
            meeting = services.meeting_create(
                actor=organiser,
                campaign=campaign,
                organiser_unit=unit,
                kind=MeetingKind.SEMINAR,
                title=title,
                starts_at=_at(day, start),
                ends_at=_at(day, end),
                place=place,
                agenda=agenda,
                registration_open=True,
                registration_limit=40,
                invite_unit_ids=[unit.pk],
            )
        guests = SEMINAR_GUESTS[title]
        with frozen_at(_at("2018-06-12", "16:00")):
            for name, organisation, contact, registers in guests:
                if registers:
                    services.meeting_register(
                        actor=None,
                        meeting=meeting,
                        name=name,
                        organisation=organisation,
                        contact=contact,
                    )
        signed_in_at = _at(day, start) - dt.timedelta(minutes=5)
        with frozen_at(signed_in_at):
            code = signin_codes.code_at(meeting.sign_in_secret, signed_in_at)
            for name, organisation, contact, _registers in guests:
                services.meeting_sign_in(
                    actor=None,
                    meeting=meeting,
                    code=code,
                    name=name,
                    organisation=organisation,
                    contact=contact,
                )
        with frozen_at(_at(day, start) + dt.timedelta(minutes=20)):
            staff = list(
                MeetingAttendee.objects.filter(meeting=meeting, is_external=False)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            services.attendance_mark(
                actor=organiser, meeting=meeting, attendee_ids=staff[: max(1, len(staff) - 1)]
            )
            guest_rows = list(
                MeetingAttendee.objects.filter(meeting=meeting, is_external=True).order_by("pk")
            )
            for text, speaker in opinions:
                services.opinion_record(
                    actor=organiser,
                    meeting=meeting,
                    text=text,
                    speaker=guest_rows[speaker] if speaker is not None else None,
                    is_anonymous=speaker is None,
                )
        with frozen_at(_at(day, end) + dt.timedelta(hours=2)):
            services.minutes_save(actor=organiser, meeting=meeting, minutes=minutes)
            services.meeting_headcount_set(
                actor=organiser, meeting=meeting, headcount=len(staff) + len(guests) + 3
            )
            services.meeting_file_add(
                actor=organiser,
                meeting=meeting,
                upload=ContentFile(demo_png(seed=number), name="座谈会现场.png"),
                caption=f"{title}现场",
            )


# --- 进园区走访 ----------------------------------------------------------------------------


ENTERPRISES = [
    ("江苏恒力化纤股份有限公司（宿迁）", "王经理", "0527-84390001"),
    ("宿迁阿特斯阳光电力科技有限公司", "李主任", "0527-84390002"),
    ("江苏苏盐井神股份有限公司宿迁分公司", "赵科长", "0527-84390003"),
]
# (enterprise index, problem, unit, deadline, what happened: "" | "reply" | "resolve")
VISIT_PROBLEMS = [
    (0, "二期项目施工许可办理涉及部门多，希望明确牵头单位和办理时限。", "市政务服务中心",
     "2018-06-30", ""),
    (0, "新招员工社保登记需多次往返窗口，希望开通企业批量网上办理。", "人社窗口",
     "2018-06-25", "reply"),
    (1, "参与政府采购项目投标，保证金退还周期较长，占用流动资金。", "市公共资源交易中心",
     "2018-06-15", "resolve"),
    (1, "企业变更经营范围后，相关许可证照变更需要重复提交材料。", "业务处",
     "2018-06-15", ""),
    (2, "增值税发票领用需到大厅现场办理，希望推行网上申领、邮寄送达。", "税务窗口",
     "2018-07-10", ""),
]  # fmt: skip


def _visit(campaign, units, director, business_head) -> None:
    with frozen_at(_at("2018-05-22", "10:00")):
        visit = services.meeting_create(
            actor=business_head,
            campaign=campaign,
            organiser_unit=units["业务处"],
            kind=MeetingKind.PARK_VISIT,
            title="“便民方舟”进园区活动",
            starts_at=_at("2018-05-29", "09:00"),
            ends_at=_at("2018-05-29", "12:00"),
            place="经开区管委会、园区企业",
            park=PARK,
            agenda="走访园区重点企业，宣传“不见面审批”服务，现场收集企业办事难题，帮助企业解决问题。",
            invite_unit_ids=[units["业务处"].pk],
        )
    with frozen_at(_at("2018-05-29", "11:30")):
        enterprises = [
            services.visit_enterprise_add(
                actor=business_head,
                meeting=visit,
                name=name,
                park=PARK,
                contact_name=contact,
                contact_phone=phone,
            )
            for name, contact, phone in ENTERPRISES
        ]
        staff = list(visit.attendees.values_list("pk", flat=True))
        services.attendance_mark(actor=business_head, meeting=visit, attendee_ids=staff)
        problems = []
        for index, description, unit_name, deadline, _outcome in VISIT_PROBLEMS:
            problems.append(
                services.enterprise_problem_add(
                    actor=business_head,
                    meeting=visit,
                    enterprise=enterprises[index],
                    description=description,
                    assigned_unit=units[unit_name],
                    deadline=dt.date.fromisoformat(deadline),
                )
            )
        services.opinion_record(
            actor=business_head,
            meeting=visit,
            text="建议在开发区设立政务服务代办点，企业办事不出园区。",
            speaker_name="王经理",
            speaker_organisation=ENTERPRISES[0][0],
        )
    with frozen_at(_at("2018-05-29", "17:00")):
        services.minutes_save(
            actor=business_head,
            meeting=visit,
            minutes="5月29日，业务处会同政务服务中心、公共资源交易中心走访宿迁经济技术开发区"
            "3家重点企业，现场宣传“不见面审批”服务，收集企业反映问题5个，已逐一明确责任单位和"
            "办理时限。",
        )
    for problem, (*_rest, outcome) in zip(problems, VISIT_PROBLEMS, strict=True):
        if outcome == "reply":
            with frozen_at(_at("2018-06-08", "15:00")):
                services.enterprise_problem_reply(
                    actor=director,
                    problem=problem,
                    reply="已与市人社局对接，6月底前开通企业批量参保登记网上办理功能，届时书面告知企业。",
                )
        elif outcome == "resolve":
            with frozen_at(_at("2018-06-05", "10:00")):
                services.enterprise_problem_reply(
                    actor=director,
                    problem=problem,
                    reply="已核实该企业保证金情况，交易中心将优化退还流程。",
                )
            with frozen_at(_at("2018-06-12", "16:30")):
                services.enterprise_problem_resolve(
                    actor=director,
                    problem=problem,
                    resolution="保证金已于6月11日全额退还；交易中心推行开标后5个工作日内自动退还。",
                )


# --- 便民方舟大家谈 ------------------------------------------------------------------------


DISCUSSION_MINUTES = {
    5: "5月17日下午，在一楼大厅开展“便民方舟大家谈”活动，围绕“解放思想从我做起”，干部职工和"
    "窗口人员结合岗位实际交流发言，查找思想观念上的差距。",
    6: "6月14日下午，开展6月份“便民方舟大家谈”学习成果大讨论，臧广荣主任参加并讲话。"
    "大家交流了集中学习和专题辅导的体会，围绕“不见面审批”提出改进建议。",
}


def _discussions(campaign, units, director) -> None:
    sessions = StudySession.objects.filter(
        campaign=campaign, kind=StudyKind.DISCUSSION, cancelled_at__isnull=True
    ).order_by("starts_at")
    for session in sessions:
        local = timezone.localtime(session.starts_at)
        with frozen_at(session.starts_at - dt.timedelta(days=3)):
            meeting = services.meeting_create(
                actor=director,
                campaign=campaign,
                organiser_unit=session.organiser_unit,
                kind=MeetingKind.OPEN_DISCUSSION,
                title=session.topic,
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                place=session.place,
                agenda="依托“便民方舟大家谈”载体，每月开展1次学习成果大讨论活动。",
                study_session=session,
            )
        present = set(
            StudyRecord.objects.filter(
                session=session, source__in=(StudySource.SIGN_IN, StudySource.MARKED)
            ).values_list("person_id", flat=True)
        )
        with frozen_at(session.starts_at + dt.timedelta(minutes=30)):
            attendees = list(
                MeetingAttendee.objects.filter(meeting=meeting, person_id__in=present).values_list(
                    "pk", flat=True
                )
            )
            # Their attendance is the session's already; the meeting shows it too.
            services.attendance_mark(actor=director, meeting=meeting, attendee_ids=attendees)
        with frozen_at(session.ends_at + dt.timedelta(hours=1)):
            services.meeting_headcount_set(
                actor=director, meeting=meeting, headcount=42 if local.month == 6 else len(present)
            )
            if local.month in DISCUSSION_MINUTES:
                services.minutes_save(
                    actor=director, meeting=meeting, minutes=DISCUSSION_MINUTES[local.month]
                )
    everyone = list(Person.objects.filter(office=campaign.office).values_list("pk", flat=True))
    with frozen_at(_at("2018-06-18", "09:00")):
        services.meeting_create(
            actor=director,
            campaign=campaign,
            organiser_unit=units["宣传室"],
            kind=MeetingKind.OPEN_DISCUSSION,
            title="7月份“便民方舟大家谈”：我为高质量发展献一策",
            starts_at=_at("2018-07-12", "14:30"),
            ends_at=_at("2018-07-12", "16:30"),
            place="一楼大厅",
            agenda="围绕推动政务服务高质量发展，每人准备一条意见建议，现场交流。",
            registration_open=True,
            registration_limit=60,
            counts_as_study=True,
            invitee_ids=everyone,
        )


# --- Online activities --------------------------------------------------------------------


ACTIVITIES = [
    (
        "解放思想大家谈",
        "市内重点网络平台开展的“解放思想大家谈”网上讨论，结合岗位实际发表看法。",
        "https://www.sqxww.com/jfsxdjt/",
        "2018-05-20",
        False,
    ),
    (
        "我为高质量发展献一策",
        "围绕推进六个高质量发展，在网上平台提出意见建议；好的建议将纳入意见建议池跟踪转化。",
        "https://www.sqxww.com/xianyice/",
        "2018-06-01",
        True,
    ),
    (
        "高质量发展之我见",
        "结合政务服务和公共资源交易工作，撰写短评，谈谈对高质量发展的认识。",
        "https://www.sqxww.com/gzlfz/",
        "2018-06-01",
        True,
    ),
]
IDEAS = [
    "建议推行企业开办“一窗受理、一网通办、一日办结”。",
    "把高频事项的办事指南做成短视频，放在网站和大厅屏幕上。",
    "建立“差评”回访整改机制，群众的差评要件件有回复。",
    "推行电子保函替代现金保证金，降低企业交易成本。",
    "在乡镇便民服务中心推广“帮办代办”，让群众少跑腿。",
    "政务服务网增加办件进度短信提醒。",
]


def _online(campaign, director, rng: random.Random) -> None:
    with frozen_at(_at("2018-05-18", "10:00")):
        activities = [
            services.online_activity_create(
                actor=director,
                campaign=campaign,
                title=title,
                description=description,
                url=url,
                starts_on=dt.date.fromisoformat(starts),
                ends_on=dt.date(2018, 7, 30),
                collects_ideas=collects,
            )
            for title, description, url, starts, collects in ACTIVITIES
        ]
    logins = list(
        Person.objects.filter(office=campaign.office, user__isnull=False)
        .select_related("user")
        .order_by("pk")
    )
    # Those with a login record their own, through the service.
    for number, person in enumerate(logins):
        activity = activities[number % len(activities)]
        day = max(activity.starts_on or dt.date(2018, 6, 1), dt.date(2018, 6, 1))
        day += dt.timedelta(days=number % 15)
        with frozen_at(_at(day.isoformat(), "20:00")):
            services.online_participation_record(
                actor=person.user,
                activity=activity,
                date=day,
                evidence_url=f"{activity.url}t/{1000 + number}",
                screenshot=ContentFile(demo_png(160, 100, seed=number), name="截图.png")
                if number == 0
                else None,
                text=IDEAS[number % len(IDEAS)] if activity.collects_ideas else "",
            )
    # The rest of the staff: about a third took part once, written as rows.
    taken = {p.pk for p in logins}
    rows = []
    for number, person in enumerate(
        Person.objects.filter(office=campaign.office).exclude(pk__in=taken).order_by("pk")
    ):
        if rng.random() > 0.35:
            continue
        activity = activities[number % len(activities)]
        day = dt.date(2018, 6, 1) + dt.timedelta(days=rng.randrange(19))
        rows.append(
            OnlineParticipation(
                activity=activity,
                person=person,
                unit_id=person.unit_id,
                date=day,
                evidence_url=f"{activity.url}t/{2000 + number}",
                text=rng.choice(IDEAS) if activity.collects_ideas else "",
                created_by=director,
                created_at=_at(day.isoformat(), "21:00"),
            )
        )
    OnlineParticipation.objects.bulk_create(rows)
    # The office has sent a few of the ideas to the pool.
    ideas = OnlineParticipation.objects.filter(
        activity__in=[a for a in activities if a.collects_ideas]
    ).exclude(text="")
    with frozen_at(_at("2018-06-19", "17:00")):
        for participation in ideas.order_by("date", "pk")[:3]:
            services.online_participation_to_pool(actor=director, participation=participation)
