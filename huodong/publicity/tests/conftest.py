"""An office with the column's people: the 宣传室 (director, staff), a unit head and the head of
another unit, a plain staff member, the director of another office; a campaign with a
publicity task."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from huodong.campaigns.models import Campaign, Task
from huodong.orgs.models import Office, Role, Unit, UnitKind, User
from huodong.publicity import services
from huodong.publicity.models import Article, ArticleCategory, CategoryKey

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png(name: str = "cover.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def pdf(name: str = "file.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@dataclass
class People:
    office: Office
    other_office: Office
    director: User
    staff: User
    head: User
    head_unit: Unit
    other_head: User
    plain: User
    outsider: User
    campaign: Campaign
    task: Task

    def category(self, key: str = CategoryKey.NEWS) -> ArticleCategory:
        return ArticleCategory.objects.get(office=self.office, key=key)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HUODONG_BASE_URL = "http://127.0.0.1:8000"


@pytest.fixture
def people(office, other_office, make_member) -> People:
    group_office = Unit.objects.create(office=office, name="宣传室", kind=UnitKind.DEPARTMENT)
    head_unit = Unit.objects.create(office=office, name="综合处", kind=UnitKind.DEPARTMENT)
    other_unit = Unit.objects.create(office=office, name="业务处", kind=UnitKind.DEPARTMENT)
    campaign = Campaign.objects.create(
        office=office,
        title="解放思想大讨论活动",
        start=dt.date(2018, 5, 1),
        end=dt.date(2018, 9, 30),
    )
    task = Task.objects.create(
        campaign=campaign,
        seq=1,
        text="充分利用两微一端等平台开展宣传报道",
        due=dt.date(2018, 9, 30),
    )
    services.categories_ensure(office=office)
    return People(
        office=office,
        other_office=other_office,
        director=make_member(office, role=Role.OFFICE_DIRECTOR, unit=group_office),
        staff=make_member(office, role=Role.OFFICE_STAFF, unit=group_office),
        head=make_member(office, role=Role.UNIT_HEAD, unit=head_unit, role_unit=head_unit),
        head_unit=head_unit,
        other_head=make_member(office, role=Role.UNIT_HEAD, unit=other_unit, role_unit=other_unit),
        plain=make_member(office, unit=other_unit),
        outsider=make_member(other_office, role=Role.OFFICE_DIRECTOR),
        campaign=campaign,
        task=task,
    )


def draft(people: People, *, by: User | None = None, body: str = "<p>正文</p>", **extra) -> Article:
    fields = {
        "title": "测试稿件",
        "summary": "摘要",
        "campaign": people.campaign,
        "category": people.category(),
    }
    fields.update(extra)
    return services.article_create(
        actor=by or people.head, office=people.office, body_html=body, **fields
    )


def published(people: People, *, by: User | None = None, **extra) -> Article:
    article = draft(people, by=by, **extra)
    services.article_submit(actor=by or people.head, article=article)
    return services.article_publish(actor=people.director, article=article)
