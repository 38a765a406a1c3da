import io
import zipfile

import openpyxl
import pytest

from huodong.core.models import AuditRecord
from huodong.orgs import people_import
from huodong.orgs.models import Person, Unit, UnitKind, User
from huodong.orgs.people_import import (
    EXAMPLE_MARK,
    KIND_SHORT_LABELS,
    build_import_template,
    import_org_xlsx,
)
from huodong.orgs.services import org_import
from huodong.orgs.tests.conftest import make_xlsx
from huodong.testing.factories import PersonFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def problems(result):
    return {(e.sheet, e.row) for e in result.errors}


def messages_for(result, sheet, row):
    return [e.message for e in result.errors if (e.sheet, e.row) == (sheet, row)]


def nothing_saved(office, units=0, people=0):
    return (
        Unit.objects.filter(office=office).count() == units
        and Person.objects.filter(office=office).count() == people
    )


# --- the template -------------------------------------------------------------------------


def test_template_has_the_sheets_columns_dropdown_and_instructions():
    workbook = openpyxl.load_workbook(io.BytesIO(build_import_template()))
    assert workbook.sheetnames == ["单位", "人员", "说明"]
    units, people = workbook["单位"], workbook["人员"]
    assert [c.value for c in units[1]] == ["单位名称", "类型", "上级单位", "排序"]
    assert [c.value for c in people[1]] == [
        "姓名",
        "单位",
        "党支部",
        "职务",
        "窗口人员(是/否)",
        "手机",
        "登录名",
    ]
    assert all(c.font.bold for c in units[1]) and all(c.font.bold for c in people[1])
    # One example row each, marked so that an import skips it.
    assert units["A2"].value.startswith(EXAMPLE_MARK)
    assert people["A2"].value.startswith(EXAMPLE_MARK)
    [kinds] = units.data_validations.dataValidation
    assert kinds.type == "list"
    assert "B2" in kinds.sqref
    for label in ("处/室", "直属单位", "窗口", "党支部", "临时党支部", "领导班子", "其他"):
        assert label in kinds.formula1
    assert "说明" in workbook["说明"]["A1"].value


def test_the_untouched_template_has_nothing_to_import(office):
    result = org_import(actor=None, office=office, data=build_import_template())
    assert "no rows to import" in only_file_error(result)
    assert nothing_saved(office)


def test_template_filled_in_and_reimported(office):
    workbook = openpyxl.load_workbook(io.BytesIO(build_import_template()))
    workbook["单位"].append(["综合处", "处/室", None, 1])
    workbook["单位"].append(["机关第一党支部", "党支部", None, 2])
    workbook["人员"].append(
        ["李四", "综合处", "机关第一党支部", "科长", "否", "13900000000", "lisi"]
    )
    out = io.BytesIO()
    workbook.save(out)

    result = org_import(actor=None, office=office, data=out.getvalue())

    assert result.ok, result.errors
    person = Person.objects.get(office=office, name="李四")
    assert person.unit.name == "综合处" and person.branch.name == "机关第一党支部"
    assert person.user.username == "lisi"
    # The examples stayed out.
    assert not Person.objects.filter(name__contains="张三").exists()
    assert Unit.objects.filter(office=office).count() == 2


# --- a good file --------------------------------------------------------------------------


def test_good_file_creates_units_people_branches_and_logins(office):
    existing_parent = UnitFactory(office=office, name="市政务办", kind=UnitKind.OTHER)
    data = make_xlsx(
        units=[
            ["直属单位甲", "直属单位", "市政务办", 3],
            ["不动产窗口", "窗口", "直属单位甲", None],
            ["机关第一党支部", "党支部", None, None],
            ["临时支部", "temp_branch", None, None],  # internal values are accepted too
            ["领导班子", " 领导班子 ", None, None],
        ],
        people=[
            ["王一", "不动产窗口", "机关第一党支部", "窗口负责人", "是", "13800000001", "wangyi"],
            ["王二", "直属单位甲", "临时支部", None, "否", None, None],
            ["王三", "市政务办", None, "主任", None, "138 0000 0003", "WangSan"],
        ],
    )

    result = org_import(actor=None, office=office, data=data)

    assert result.ok, result.errors
    assert result.saved
    window = Unit.objects.get(office=office, name="不动产窗口")
    affiliate = Unit.objects.get(office=office, name="直属单位甲")
    assert window.kind == UnitKind.WINDOW and window.parent == affiliate
    assert affiliate.parent == existing_parent and affiliate.sort_order == 3
    assert Unit.objects.get(name="临时支部").kind == UnitKind.TEMP_BRANCH
    wang1 = Person.objects.get(name="王一")
    assert wang1.is_window_staff and wang1.phone == "13800000001"
    assert wang1.branch.name == "机关第一党支部" and wang1.position == "窗口负责人"
    assert not Person.objects.get(name="王二").is_window_staff
    assert Person.objects.get(name="王三").phone == "13800000003"
    assert {login.username for login in result.logins} == {"wangyi", "WangSan"}
    for login in result.logins:
        user = User.objects.get(username=login.username)
        assert user.check_password(login.password)
        assert len(login.password) >= 16
    assert len({login.password for login in result.logins}) == 2
    [audit] = AuditRecord.objects.filter(action="org.import")
    assert audit.changes == {"units": 5, "people": 3, "logins": ["wangyi", "WangSan"]}
    # Passwords never reach the audit trail.
    assert not any(
        login.password in str(record.changes)
        for record in AuditRecord.objects.all()
        for login in result.logins
    )


def test_people_may_use_existing_units_and_branches(office):
    UnitFactory(office=office, name="综合处")
    UnitFactory(office=office, name="第二党支部", kind=UnitKind.BRANCH)
    result = org_import(
        actor=None,
        office=office,
        data=make_xlsx(people=[["赵六", "综合处", "第二党支部", None, None, None, None]]),
    )
    assert result.ok, result.errors
    assert Person.objects.get(name="赵六").branch.name == "第二党支部"


def test_only_the_office_units_count(office, other_office):
    UnitFactory(office=other_office, name="别处")
    result = import_org_xlsx(
        make_xlsx(people=[["赵六", "别处", None, None, None, None, None]]), office=office
    )
    assert messages_for(result, "人员", 2) == ["Unknown unit “别处”."]


# --- bad rows -----------------------------------------------------------------------------


def test_bad_rows_save_nothing_and_are_each_named(office):
    unit = UnitFactory(office=office, name="综合处")
    PersonFactory(office=office, unit=unit, name="老张")
    data = make_xlsx(
        units=[["新处", "处/室", None, None]],
        people=[
            ["好人", "新处", None, None, None, None, "goodlogin"],  # row 2 is fine
            ["李四", "不存在的处", None, None, None, None, None],  # 3: unknown unit
            ["老张", "综合处", None, None, None, None, None],  # 4: exists already
            [None, "综合处", None, "科员", None, None, None],  # 5: empty name
            ["小王", "新处", None, None, None, None, None],  # 6: fine
            ["小王", "新处", None, None, None, None, None],  # 7: duplicate in the file
        ],
    )

    result = org_import(actor=None, office=office, data=data)

    assert not result.ok and not result.saved
    assert problems(result) == {("人员", 3), ("人员", 4), ("人员", 5), ("人员", 7)}
    assert messages_for(result, "人员", 3) == ["Unknown unit “不存在的处”."]
    assert messages_for(result, "人员", 4) == ["“老张” already exists in “综合处”."]
    assert messages_for(result, "人员", 5) == ["The name is empty."]
    assert messages_for(result, "人员", 7) == ["“小王” in “新处” is already listed in row 6."]
    assert nothing_saved(office, units=1, people=1)
    assert not User.objects.filter(username="goodlogin").exists()
    assert not AuditRecord.objects.exists()


@pytest.mark.parametrize(
    ("unit_row", "message"),
    [
        (["甲处", "科室", None, None], "Unknown unit type “科室”"),
        (["甲处", None, None, None], "The unit type is empty."),
        (["已有处", "处/室", None, None], "A unit named “已有处” already exists in this office."),
        (["甲处", "处/室", "不存在", None], "Unknown parent unit “不存在”."),
        (["甲处", "处/室", "后面的处", None], "must be listed in an earlier row"),
        (["甲处", "处/室", "甲处", None], "A unit cannot be its own parent unit."),
        (["甲处", "处/室", None, "第一"], "The order “第一” must be a whole number"),
        ([None, "处/室", None, None], "The unit name is empty."),
    ],
)
def test_bad_unit_rows(office, unit_row, message):
    UnitFactory(office=office, name="已有处")
    data = make_xlsx(units=[unit_row, ["后面的处", "处/室", None, None]])
    result = org_import(actor=None, office=office, data=data)
    assert [(e.sheet, e.row) for e in result.errors] == [("单位", 2)]
    assert message in result.errors[0].message
    assert nothing_saved(office, units=1)


def test_duplicate_unit_name_in_the_file(office):
    data = make_xlsx(units=[["甲处", "处/室", None, None], ["甲处", "窗口", None, None]])
    result = import_org_xlsx(data, office=office)
    assert messages_for(result, "单位", 3) == ["The unit “甲处” is already listed in row 2."]
    assert problems(result) == {("单位", 3)}


@pytest.mark.parametrize(
    ("person_row", "message"),
    [
        (["甲", "综合处", None, None, "也许", None, None], "write 是 or 否"),
        (["甲", "综合处", None, None, None, "1380000000", None], "must have 11 digits"),
        (["甲", "综合处", None, None, None, "138000000001", None], "must have 11 digits"),
        (["甲", "综合处", None, None, None, "1380000000a", None], "must have 11 digits"),
        (["甲", "综合处", None, None, None, None, "Taken"], "“Taken” is already taken."),
        (["甲", "综合处", None, None, None, None, "bad name"], "may only contain"),
        (["甲", "综合处", "无此支部", None, None, None, None], "Unknown party branch “无此支部”."),
        (["甲", "综合处", "综合处", None, None, None, None], "“综合处” is not a party branch."),
        (["甲", None, None, None, None, None, None], "The unit is empty."),
    ],
)
def test_bad_person_rows(office, person_row, message):
    UnitFactory(office=office, name="综合处")
    UserFactory(username="taken")
    data = make_xlsx(people=[person_row])
    result = org_import(actor=None, office=office, data=data)
    assert [(e.sheet, e.row) for e in result.errors] == [("人员", 2)]
    assert message in result.errors[0].message
    assert nothing_saved(office, units=1)


def test_login_name_used_twice_in_the_file(office):
    UnitFactory(office=office, name="综合处")
    data = make_xlsx(
        people=[
            ["甲", "综合处", None, None, None, None, "same"],
            ["乙", "综合处", None, None, None, None, "SAME"],
        ]
    )
    result = import_org_xlsx(data, office=office)
    assert messages_for(result, "人员", 3) == ["The login name “SAME” is already used in row 2."]


def test_empty_phone_and_window_flag_are_fine(office):
    UnitFactory(office=office, name="综合处")
    result = import_org_xlsx(
        make_xlsx(people=[["甲", "综合处", None, None, None, None, None]]), office=office
    )
    assert result.ok
    assert result.people[0].phone == "" and not result.people[0].is_window_staff


def test_branch_defined_in_the_same_file_with_a_bad_row_is_not_reported_twice(office):
    data = make_xlsx(
        units=[["支部", "党支部", "不存在", None]],
        people=[["甲", "支部", "支部", None, None, None, None]],
    )
    result = import_org_xlsx(data, office=office)
    assert problems(result) == {("单位", 2)}


def test_row_numbers_follow_excel_even_with_blank_rows(office):
    workbook = openpyxl.Workbook()
    workbook.active.title = "单位"
    workbook.active.append(["单位名称", "类型"])  # optional columns may be left out
    people = workbook.create_sheet("人员")
    people.append(["姓名", "单位"])
    people["A9"] = "甲"
    people["B9"] = "无此处"
    out = io.BytesIO()
    workbook.save(out)
    result = import_org_xlsx(out.getvalue(), office=office)
    assert problems(result) == {("人员", 9)}


def test_columns_are_found_by_header_not_position(office):
    UnitFactory(office=office, name="综合处")
    data = make_xlsx(
        people=[["13800000000", "甲", "综合处"]],
        people_headers=["手机号", "姓名", "单位"],
    )
    result = import_org_xlsx(data, office=office)
    assert result.ok, result.errors
    assert result.people[0].phone == "13800000000"


def test_numeric_phone_cells_are_read_as_digits(office):
    UnitFactory(office=office, name="综合处")
    data = make_xlsx(people=[["甲", "综合处", None, None, None, 13800000000.0, None]])
    result = import_org_xlsx(data, office=office)
    assert result.ok, result.errors
    assert result.people[0].phone == "13800000000"


# --- file safety ----------------------------------------------------------------------------


def rewrite_zip(data: bytes, *, replace=None, add=None) -> bytes:
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
        for name, content in add.items():
            target.writestr(name, content)
    return out.getvalue()


@pytest.fixture
def openpyxl_must_not_run(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl opened a file that should have been refused")

    monkeypatch.setattr(people_import.openpyxl, "load_workbook", refuse)


def only_file_error(result) -> str:
    assert not result.ok and not result.saved
    [problem] = result.errors
    assert problem.row is None and problem.sheet == ""
    return problem.message


def test_over_size_is_refused(office, settings, openpyxl_must_not_run):
    data = make_xlsx(units=[["甲处", "处/室"]])
    settings.HUODONG_MAX_IMPORT_BYTES = len(data) - 1
    result = org_import(actor=None, office=office, data=data)
    assert "too large" in only_file_error(result)
    assert nothing_saved(office)


@pytest.mark.parametrize(
    "data",
    [b"", b"name,unit\n", b"PK\x03\x04 broken", "姓名".encode()],
    ids=["empty", "csv", "broken-zip", "text"],
)
def test_not_a_zip_is_refused(office, data, openpyxl_must_not_run):
    result = org_import(actor=None, office=office, data=data)
    assert "not an .xlsx file" in only_file_error(result)


def test_old_xls_is_refused_with_a_hint(office, openpyxl_must_not_run):
    result = org_import(actor=None, office=office, data=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" * 64)
    assert ".xls" in only_file_error(result)


def test_truncated_workbook_is_refused(office):
    data = make_xlsx(units=[["甲处", "处/室"]])
    result = org_import(actor=None, office=office, data=data[: len(data) // 2])
    assert "not an .xlsx file" in only_file_error(result)


def test_zip_that_is_not_a_workbook_is_refused(office):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("hello.txt", "hi")
    result = org_import(actor=None, office=office, data=out.getvalue())
    assert "could not be read" in only_file_error(result)


def test_zip_bomb_by_total_size_is_refused(office, openpyxl_must_not_run):
    zeros = bytes(51 * 1024 * 1024)
    data = rewrite_zip(make_xlsx(), add={"xl/media/big.bin": zeros})
    assert len(data) < 1024 * 1024
    result = org_import(actor=None, office=office, data=data)
    assert "expands to too much data" in only_file_error(result)


def test_zip_bomb_by_ratio_is_refused(office, openpyxl_must_not_run):
    # Far below the total cap, but a thousandfold compression is no spreadsheet.
    data = rewrite_zip(make_xlsx(), add={"xl/media/big.bin": bytes(5 * 1024 * 1024)})
    result = org_import(actor=None, office=office, data=data)
    assert "expands to too much data" in only_file_error(result)


@pytest.mark.parametrize(
    "declaration",
    [
        b'<!DOCTYPE x [<!ENTITY lol "lol">]>',
        b'<!ENTITY xxe SYSTEM "file:///etc/passwd">',
        b"<!doctype workbook>",
    ],
)
def test_xml_with_doctype_or_entity_is_refused(office, declaration, openpyxl_must_not_run):
    data = make_xlsx()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        workbook_xml = archive.read("xl/workbook.xml")
    head, _, rest = workbook_xml.partition(b"?>")
    tampered = rewrite_zip(data, replace={"xl/workbook.xml": head + b"?>" + declaration + rest})
    result = org_import(actor=None, office=office, data=tampered)
    assert "DOCTYPE or ENTITY" in only_file_error(result)


def test_utf16_doctype_is_refused(office, openpyxl_must_not_run):
    part = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x><x/>'.encode("utf-16-le")
    data = rewrite_zip(make_xlsx(), add={"xl/extra.xml": part})
    result = org_import(actor=None, office=office, data=data)
    assert "DOCTYPE or ENTITY" in only_file_error(result)


def test_macro_workbook_is_refused(office, openpyxl_must_not_run):
    data = rewrite_zip(make_xlsx(), add={"xl/vbaProject.bin": b"\x00" * 100})
    result = org_import(actor=None, office=office, data=data)
    assert "macros" in only_file_error(result)


def test_macro_enabled_content_type_is_refused(office, openpyxl_must_not_run):
    data = make_xlsx()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml")
    types = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    result = org_import(
        actor=None, office=office, data=rewrite_zip(data, replace={"[Content_Types].xml": types})
    )
    assert "macros" in only_file_error(result)


def test_too_many_rows_are_refused(office, monkeypatch):
    monkeypatch.setattr(people_import, "MAX_ROWS", 3)
    UnitFactory(office=office, name="综合处")
    data = make_xlsx(
        units=[["甲处", "处/室"], ["乙处", "处/室"]],
        people=[["甲", "综合处"], ["乙", "综合处"]],
    )
    result = org_import(actor=None, office=office, data=data)
    assert "more than 3 rows" in only_file_error(result)


def test_missing_sheet_is_refused(office):
    workbook = openpyxl.Workbook()
    workbook.active.title = "单位"
    workbook.active.append(["单位名称", "类型"])
    out = io.BytesIO()
    workbook.save(out)
    result = org_import(actor=None, office=office, data=out.getvalue())
    assert "no sheet named “人员”" in only_file_error(result)


def test_missing_required_column_is_refused(office):
    data = make_xlsx(unit_headers=["单位名称", "上级单位"])
    result = org_import(actor=None, office=office, data=data)
    assert "no column “类型”" in only_file_error(result)


def test_every_kind_label_is_accepted():
    for value, label in KIND_SHORT_LABELS.items():
        assert people_import.parse_kind(label) == value
        assert people_import.parse_kind(value) == value
    assert people_import.parse_kind("处室") == UnitKind.DEPARTMENT
    assert people_import.parse_kind("科室") is None


def test_ordinary_workbooks_pass_the_container_checks():
    # The refusals above are not an accident of how the test files are built.
    people_import.inspect_container(make_xlsx(units=[["甲处", "处/室"]]))
    people_import.inspect_container(build_import_template())
    rows = [[f"人{i}", "综合处", None, None, "否", "13800000000", None] for i in range(20_000)]
    people_import.inspect_container(make_xlsx(people=rows))
