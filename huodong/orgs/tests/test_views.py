import io
from urllib.parse import quote

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from huodong.orgs.models import Person, Role, Unit, UnitKind
from huodong.orgs.people_import import TEMPLATE_FILENAME, XLSX_CONTENT_TYPE
from huodong.orgs.tests.conftest import make_xlsx
from huodong.testing.factories import PersonFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = ["orgs:units", "orgs:import", "orgs:import_template"]
MANAGER_ROLES = [Role.ADMIN, Role.OFFICE_DIRECTOR, Role.OFFICE_STAFF]


def upload(data: bytes, name: str = "people.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX_CONTENT_TYPE)


# --- who may come in ----------------------------------------------------------------------


@pytest.mark.parametrize("role", MANAGER_ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_org_managers_reach_the_pages(office, make_member, login, role, page):
    client = login(make_member(office, role=role))
    assert client.get(reverse(page)).status_code == 200


@pytest.mark.parametrize("role", [None, Role.UNIT_HEAD, Role.LEADER, Role.INSPECTOR])
@pytest.mark.parametrize("page", PAGES)
def test_other_members_are_refused(office, make_member, login, role, page):
    unit = UnitFactory(office=office)
    user = make_member(office, role=role, unit=unit, role_unit=unit if role else None)
    user.is_staff = True  # Django's staff flag grants nothing here
    user.save()
    client = login(user)
    assert client.get(reverse(page)).status_code == 403
    assert client.post(reverse("orgs:import")).status_code == 403


def test_refused_import_post_saves_nothing(office, make_member, login):
    client = login(make_member(office, role=Role.UNIT_HEAD))
    data = make_xlsx(units=[["甲处", "处/室"]])
    response = client.post(reverse("orgs:import"), {"file": upload(data)})
    assert response.status_code == 403
    assert not Unit.objects.filter(name="甲处").exists()


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_is_sent_to_login(client, page):
    response = client.get(reverse(page))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_manager_sees_only_their_own_office(office, other_office, make_member, login):
    PersonFactory(office=office, unit=UnitFactory(office=office), name="本办人员")
    PersonFactory(office=other_office, unit=UnitFactory(office=other_office), name="他办人员")
    client = login(make_member(other_office, role=Role.OFFICE_DIRECTOR))

    for url in (reverse("orgs:units"), reverse("orgs:units") + f"?office={office.pk}"):
        body = client.get(url).content.decode()
        assert "他办人员" in body
        assert "本办人员" not in body
        assert office.name not in body

    # Naming a unit of another office filters nothing in.
    other_unit = Unit.objects.filter(office=office).first()
    body = client.get(reverse("orgs:units") + f"?unit={other_unit.pk}").content.decode()
    assert "本办人员" not in body


def test_import_goes_to_the_managers_own_office(office, other_office, make_member, login):
    client = login(make_member(other_office, role=Role.OFFICE_STAFF))
    data = make_xlsx(units=[["甲处", "处/室"]])
    client.post(reverse("orgs:import"), {"file": upload(data), "office": office.pk})
    assert Unit.objects.get(name="甲处").office == other_office


def test_superuser_without_a_person_picks_an_office(office, other_office, client):
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    PersonFactory(office=other_office, unit=UnitFactory(office=other_office), name="他办人员")
    body = client.get(reverse("orgs:units") + f"?office={other_office.pk}").content.decode()
    assert "他办人员" in body
    assert client.get(reverse("orgs:units")).status_code == 200


# --- the unit tree and the people list ------------------------------------------------------


def test_unit_tree_is_indented_with_member_counts(office, make_member, login):
    client = login(make_member(office, role=Role.OFFICE_DIRECTOR))
    top = UnitFactory(office=office, name="直属单位甲", kind=UnitKind.AFFILIATE, sort_order=100)
    window = UnitFactory(
        office=office, name="不动产窗口", kind=UnitKind.WINDOW, parent=top, sort_order=0
    )
    branch = UnitFactory(office=office, name="第一党支部", kind=UnitKind.BRANCH, sort_order=200)
    for i in range(3):
        PersonFactory(office=office, unit=window, branch=branch, name=f"窗口{i}")

    response = client.get(reverse("orgs:units"))

    tree = response.context["tree"]
    order = [node.unit.name for node in tree]
    # The child follows its parent although its own order number is smaller.
    assert order.index("不动产窗口") == order.index("直属单位甲") + 1
    nodes = {node.unit.name: node for node in tree}
    assert nodes["不动产窗口"].depth == 1 and nodes["直属单位甲"].depth == 0
    assert nodes["不动产窗口"].members == 3
    assert nodes["第一党支部"].branch_members == 3


def test_people_search_unit_filter_and_phone(office, make_member, login):
    client = login(make_member(office, role=Role.OFFICE_STAFF))
    top = UnitFactory(office=office, name="上级")
    child = UnitFactory(office=office, name="下级", parent=top)
    other = UnitFactory(office=office, name="别的")
    PersonFactory(office=office, unit=child, name="李明", phone="13800000009")
    PersonFactory(office=office, unit=other, name="李华")

    body = client.get(reverse("orgs:units"), {"q": "李明"}).content.decode()
    assert "李明" in body and "李华" not in body
    assert "13800000009" in body  # org managers see phones

    # A unit's people include those of its sub-units.
    body = client.get(reverse("orgs:units"), {"unit": top.pk}).content.decode()
    assert "李明" in body and "李华" not in body

    assert client.get(reverse("orgs:units"), {"unit": "x", "page": "zz"}).status_code == 200


def test_people_are_paginated_by_50(office, make_member, login):
    client = login(make_member(office, role=Role.OFFICE_STAFF))
    unit = UnitFactory(office=office)
    Person.objects.bulk_create(
        Person(office=office, unit=unit, name=f"人{i:03d}", sort_order=i) for i in range(120)
    )
    first = client.get(reverse("orgs:units"))
    assert len(first.context["page"].object_list) == 50
    assert first.context["page"].paginator.num_pages == 3
    last = client.get(reverse("orgs:units"), {"page": 3})
    assert len(last.context["page"].object_list) == 21  # 120 + the manager


def _populate(office, people: int) -> None:
    parent = UnitFactory(office=office, name=f"根{people}")
    units = [
        UnitFactory(office=office, parent=parent if i % 2 else None, kind=UnitKind.BRANCH)
        for i in range(max(2, people // 10))
    ]
    Person.objects.bulk_create(
        Person(
            office=office,
            unit=units[i % len(units)],
            branch=units[(i + 1) % len(units)],
            name=f"人{i}",
            phone="13800000000",
            sort_order=i,
        )
        for i in range(people)
    )


def test_units_page_runs_a_constant_number_of_queries(
    office, make_member, login, django_assert_max_num_queries
):
    client = login(make_member(office, role=Role.OFFICE_DIRECTOR))
    client.get(reverse("orgs:units"))  # session and language set-up out of the way
    counts = []
    for people in (5, 200):
        _populate(office, people)
        with (
            django_assert_max_num_queries(12),
            CaptureQueriesContext(connection) as queries,
        ):
            assert client.get(reverse("orgs:units")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- the template and the import --------------------------------------------------------


def test_template_download(office, make_member, login):
    client = login(make_member(office, role=Role.OFFICE_DIRECTOR))
    response = client.get(reverse("orgs:import_template"))
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote(TEMPLATE_FILENAME)}" in disposition
    assert response.content.startswith(b"PK")


def test_downloaded_template_filled_and_uploaded(office, make_member, login):
    client = login(make_member(office, role=Role.OFFICE_DIRECTOR))
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("orgs:import_template")).content)
    )
    workbook["单位"].append(["综合处", "处/室"])
    workbook["人员"].append(["李四", "综合处", None, "科员", "是", "13900000000", "lisi"])
    out = io.BytesIO()
    workbook.save(out)

    response = client.post(reverse("orgs:import"), {"file": upload(out.getvalue())})

    assert response.status_code == 200
    result = response.context["result"]
    assert result.saved
    body = response.content.decode()
    [login_row] = result.logins
    assert login_row.username == "lisi" and login_row.password in body
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert Person.objects.get(name="李四").user.check_password(login_row.password)


def test_bad_upload_shows_each_row_and_saves_nothing(office, make_member, login):
    client = login(make_member(office, role=Role.OFFICE_STAFF))
    data = make_xlsx(
        units=[["新处", "处/室"]],
        people=[["甲", "无此处"], [None, "新处"], ["乙", "新处", None, None, "也许"]],
    )
    response = client.post(reverse("orgs:import"), {"file": upload(data)})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nothing was saved" in body
    assert "Unknown unit “无此处”." in body
    assert "The name is empty." in body
    rows = [(e.sheet, e.row) for e in response.context["result"].errors]
    assert rows == [("人员", 2), ("人员", 3), ("人员", 4)]
    assert not Unit.objects.filter(name="新处").exists()


def test_oversize_upload_is_refused_before_reading(office, make_member, login, settings):
    client = login(make_member(office, role=Role.OFFICE_STAFF))
    settings.HUODONG_MAX_IMPORT_BYTES = 100
    response = client.post(reverse("orgs:import"), {"file": upload(b"PK" + bytes(200))})
    assert response.status_code == 200
    assert "too large" in response.content.decode()
    assert response.context["result"] is None


def test_file_problem_is_shown(office, make_member, login):
    client = login(make_member(office, role=Role.OFFICE_STAFF))
    response = client.post(reverse("orgs:import"), {"file": upload(b"not a workbook")})
    assert "not an .xlsx file" in response.content.decode()


def test_import_form_shows_rules_and_template_link(office, make_member, login):
    client = login(make_member(office, role=Role.OFFICE_STAFF))
    body = client.get(reverse("orgs:import")).content.decode()
    assert reverse("orgs:import_template") in body
    assert 'enctype="multipart/form-data"' in body
    assert "临时党支部" in body


def test_problems_are_reported_in_chinese_by_default(office, make_member, login, client):
    client.defaults.pop("HTTP_ACCEPT_LANGUAGE", None)
    client = login(make_member(office, role=Role.OFFICE_STAFF))
    data = make_xlsx(units=[["新处", "处/室"]], people=[["甲", "无此处"], [None, "新处"]])
    body = client.post(reverse("orgs:import"), {"file": upload(data)}).content.decode()
    assert "未保存任何内容" in body
    assert "未知的单位“无此处”。" in body
    assert "姓名为空。" in body
    assert not Unit.objects.filter(name="新处").exists()
