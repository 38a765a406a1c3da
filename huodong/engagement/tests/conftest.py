"""A small office with a campaign, the people of every role a meeting page tells apart, and
a clock pinned to the day of the meetings (2018-06-20, Asia/Shanghai).

- `director`: the leading group's office (manages everything);
- `head`: head of 业务处, the unit organising the meetings; `contact` its unit contact;
- `invited`: staff of 业务处 put on the list; `staff`: staff of 市场处, not on it;
- `leader`: an office-wide reader; `market_head`: head of 市场处 (problems assigned there);
- `stranger`: a member of another office.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from huodong.campaigns.models import Campaign
from huodong.core import clock
from huodong.engagement import services
from huodong.engagement.models import Meeting, MeetingKind
from huodong.orgs.models import Office, Person, Role, Unit, UnitKind, User


def at(day: str, time: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T{time}"))


MEETING_START = at("2018-06-20", "14:30")
MEETING_END = at("2018-06-20", "16:30")
TODAY = "2018-06-20"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def pinned(settings):
    """Today is the meeting's day; `clock.now()` is whatever each test freezes it at."""
    settings.HUODONG_TODAY = TODAY


@pytest.fixture
def frozen():
    """Freeze the clock at a moment: `with frozen(at(...)):`."""
    return clock.frozen_at


@pytest.fixture
def campaign(office: Office) -> Campaign:
    return Campaign.objects.create(
        office=office,
        title="关于开展解放思想大讨论活动的方案",
        start=dt.date(2018, 5, 1),
        end=dt.date(2018, 12, 31),
    )


@dataclass
class Org:
    business: Unit  # 业务处: organises
    market: Unit  # 市场处
    director: User
    head: User
    contact: User
    invited: User
    staff: User
    leader: User
    market_head: User
    stranger: User

    @staticmethod
    def person(user: User) -> Person:
        return Person.objects.get(user=user)


@pytest.fixture
def org(office: Office, other_office: Office, make_member) -> Org:
    business = Unit.objects.create(office=office, name="业务处", kind=UnitKind.DEPARTMENT)
    market = Unit.objects.create(office=office, name="市场处", kind=UnitKind.DEPARTMENT)
    return Org(
        business=business,
        market=market,
        director=make_member(
            office, unit=market, role=Role.OFFICE_DIRECTOR, username="director", name="仲主任"
        ),
        head=make_member(
            office,
            unit=business,
            role=Role.UNIT_HEAD,
            role_unit=business,
            username="head",
            name="钱处长",
        ),
        contact=make_member(
            office,
            unit=business,
            role=Role.UNIT_CONTACT,
            role_unit=business,
            username="contact",
            name="孙联络",
        ),
        invited=make_member(office, unit=business, username="invited", name="张三"),
        staff=make_member(office, unit=market, username="staff", name="王五"),
        leader=make_member(office, unit=market, role=Role.LEADER, username="leader", name="臧组长"),
        market_head=make_member(
            office,
            unit=market,
            role=Role.UNIT_HEAD,
            role_unit=market,
            username="markethead",
            name="李处长",
        ),
        stranger=make_member(other_office, username="stranger", name="外人"),
    )


@pytest.fixture
def make_meeting(campaign: Campaign, org: Org) -> Callable[..., Meeting]:
    def make(**overrides) -> Meeting:
        fields = {
            "actor": org.head,
            "campaign": campaign,
            "organiser_unit": org.business,
            "kind": MeetingKind.SEMINAR,
            "title": "政务服务工作座谈会",
            "starts_at": MEETING_START,
            "ends_at": MEETING_END,
            "place": "三楼会议室",
            "invitee_ids": [Org.person(org.invited).pk],
        }
        fields.update(overrides)
        with clock.frozen_at(at("2018-06-10", "09:00")):
            return services.meeting_create(**fields)

    return make


@pytest.fixture
def meeting(make_meeting, pinned) -> Meeting:
    return make_meeting(registration_open=True, registration_limit=3)


PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def pdf(name: str = "纪要.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def exe(name: str = "photo.png") -> SimpleUploadedFile:
    """A program dressed as a photo."""
    return SimpleUploadedFile(name, b"MZ\x90\x00" + b"\x00" * 64, content_type="image/png")


def as_file(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)
