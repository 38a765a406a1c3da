"""A small hand-built campaign with one login per role that supervision tells apart."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from huodong.campaigns.models import (
    Campaign,
    LeadingGroupMember,
    LeadingGroupRole,
    Phase,
    SubTheme,
    Task,
    TaskUnit,
    TaskUnitRole,
)
from huodong.orgs.models import Office, Person, Role, Unit, UnitKind, User
from huodong.testing.factories import TEST_PASSWORD

DEMO_DAY = "2018-06-20"
TODAY = dt.date(2018, 6, 20)


@pytest.fixture(autouse=True)
def _supervision_settings(settings, tmp_path):
    settings.HUODONG_TODAY = DEMO_DAY
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class World:
    office: Office
    campaign: Campaign
    lead: Unit  # 综合处, lead unit of every task
    co: Unit  # 督查处, co-unit of task 1
    unrelated: Unit  # 业务处, no part in these tasks
    office_unit: Unit  # 宣传室, the leading group's office
    task: Task  # 1: due 2018-06-30, lead 综合处, co 督查处
    late_task: Task  # 2: due 2018-06-10, overdue on the demo day
    users: dict[str, User]

    def __getitem__(self, role: str) -> User:
        return self.users[role]


# Every login the tests tell apart, by a short name.
ROLES = [
    "lead_head",
    "lead_contact",
    "lead_staff",
    "co_head",
    "unrelated_head",
    "director",
    "staff",
    "admin",
    "inspector",
    "leader",
    "seat",
    "plain",
    "other_director",
]


@pytest.fixture
def world(office: Office, other_office: Office, make_member) -> World:
    def unit(name: str, order: int) -> Unit:
        return Unit.objects.create(
            office=office, name=name, kind=UnitKind.DEPARTMENT, sort_order=order
        )

    lead, co, unrelated, office_unit = (
        unit("综合处", 1),
        unit("督查处", 2),
        unit("业务处", 3),
        unit("宣传室", 4),
    )
    campaign = Campaign.objects.create(
        office=office,
        title="解放思想大讨论",
        start=dt.date(2018, 5, 1),
        end=dt.date(2018, 12, 31),
        leading_group_office=office_unit,
    )
    phase = Phase.objects.create(
        campaign=campaign, name="学习讨论", start=dt.date(2018, 5, 1), end=dt.date(2018, 12, 31)
    )
    task = Task.objects.create(
        campaign=campaign, seq=1, phase=phase, text="召开座谈会", due=dt.date(2018, 6, 30)
    )
    late_task = Task.objects.create(
        campaign=campaign, seq=2, phase=phase, text="开展自查", due=dt.date(2018, 6, 10)
    )
    TaskUnit.objects.create(task=task, unit=lead, role=TaskUnitRole.LEAD)
    TaskUnit.objects.create(task=task, unit=co, role=TaskUnitRole.CO)
    TaskUnit.objects.create(task=late_task, unit=lead, role=TaskUnitRole.LEAD)

    users = {
        "lead_head": make_member(office, role=Role.UNIT_HEAD, unit=lead, role_unit=lead),
        "lead_contact": make_member(office, role=Role.UNIT_CONTACT, unit=lead, role_unit=lead),
        "lead_staff": make_member(office, unit=lead),
        "co_head": make_member(office, role=Role.UNIT_HEAD, unit=co, role_unit=co),
        "unrelated_head": make_member(
            office, role=Role.UNIT_HEAD, unit=unrelated, role_unit=unrelated
        ),
        "director": make_member(office, role=Role.OFFICE_DIRECTOR, unit=office_unit),
        "staff": make_member(office, role=Role.OFFICE_STAFF, unit=office_unit),
        "admin": make_member(office, role=Role.ADMIN, unit=office_unit),
        "inspector": make_member(office, role=Role.INSPECTOR, unit=unrelated),
        "leader": make_member(office, role=Role.LEADER, unit=office_unit),
        # A leading-group office seat without any standing role.
        "seat": make_member(office, unit=unrelated),
        "plain": make_member(office, unit=unrelated),
        "other_director": make_member(other_office, role=Role.OFFICE_DIRECTOR),
    }
    LeadingGroupMember.objects.create(
        campaign=campaign,
        role=LeadingGroupRole.OFFICE_STAFF,
        name="座位",
        person=Person.objects.get(user=users["seat"]),
    )
    SubTheme.objects.create(campaign=campaign, name="改革再发力", lead_leader_name="童学宝")
    return World(
        office=office,
        campaign=campaign,
        lead=lead,
        co=co,
        unrelated=unrelated,
        office_unit=office_unit,
        task=task,
        late_task=late_task,
        users=users,
    )


@pytest.fixture
def login(client):
    def do(user: User):
        client.logout()
        assert client.login(username=user.username, password=TEST_PASSWORD)
        return client

    return do


# --- Files --------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
GIF = b"GIF89a" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200


def docx_bytes(*, extra: dict[str, bytes] | None = None, content_types: bytes | None = None):
    from docx import Document

    out = io.BytesIO()
    document = Document()
    document.add_paragraph("进展情况")
    document.save(out)
    if not extra and content_types is None:
        return out.getvalue()
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml" and content_types is not None:
                data = content_types
            target.writestr(info, data)
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return rebuilt.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    book = Workbook()
    book.active.append(["进展", 1])
    book.save(out)
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)
