"""The .xlsx template for units and people, and the reading and checking of a filled-in copy.

Nothing here writes: `import_org_xlsx` parses and validates, `services.org_import` saves. Uploaded
workbooks come from outside the office's control, so the zip container is inspected before
openpyxl ever parses it.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from django.conf import settings
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from huodong.orgs.models import PARTY_BRANCH_KINDS, Office, Person, Unit, UnitKind, User

UNITS_SHEET = "单位"
PEOPLE_SHEET = "人员"
HELP_SHEET = "说明"
UNIT_HEADERS = ("单位名称", "类型", "上级单位", "排序")
PEOPLE_HEADERS = ("姓名", "单位", "党支部", "职务", "窗口人员(是/否)", "手机", "登录名")
# Rows whose first cell starts with this are the template's examples: a user who fills the
# template without deleting them must not import 张三.
EXAMPLE_MARK = "【示例】"
TEMPLATE_FILENAME = "人员导入模板.xlsx"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MAX_ROWS = 20_000
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
# Small parts may legitimately compress very well (an empty sheet, styles); they cannot hurt
# because the total is capped anyway.
RATIO_GRACE_BYTES = 1024 * 1024
MAX_ZIP_ENTRIES = 1000
# Rows are padded to this many columns; it bounds the work a very wide sheet can cause.
MAX_COLUMNS = 30
# The template leaves room for this many rows in its dropdowns.
TEMPLATE_ROWS = 2000

KIND_SHORT_LABELS: dict[str, str] = {
    UnitKind.DEPARTMENT: "处/室",
    UnitKind.AFFILIATE: "直属单位",
    UnitKind.WINDOW: "窗口",
    UnitKind.BRANCH: "党支部",
    UnitKind.TEMP_BRANCH: "临时党支部",
    UnitKind.LEADERSHIP: "领导班子",
    UnitKind.OTHER: "其他",
}

_YES = frozenset({"是", "y", "yes", "true", "1", "√"})
_NO = frozenset({"否", "n", "no", "false", "0", "×", ""})
_HEADER_ALIASES = {"手机号": "手机", "手机号码": "手机", "用户名": "登录名", "账号": "登录名"}
_USERNAME_VALIDATOR = UnicodeUsernameValidator()
_FORBIDDEN_XML = tuple(
    marker.encode(encoding)
    for marker in ("<!doctype", "<!entity")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)


class ImportRejected(Exception):
    """The file as a whole cannot be imported; the message is meant for the user."""


@dataclass(frozen=True)
class ImportProblem:
    """Why (part of) a file cannot be imported. File-wide problems have no sheet and row."""

    message: str
    sheet: str = ""
    row: int | None = None


@dataclass(frozen=True)
class UnitRow:
    row: int
    name: str
    kind: str
    parent: str
    sort_order: int | None


@dataclass(frozen=True)
class PersonRow:
    row: int
    name: str
    unit: str
    branch: str
    position: str
    is_window_staff: bool
    phone: str
    username: str


@dataclass(frozen=True)
class InitialLogin:
    """A login created by an import; the password is shown once and never stored in clear."""

    name: str
    unit: str
    username: str
    password: str


@dataclass
class ImportResult:
    units: list[UnitRow] = field(default_factory=list)
    people: list[PersonRow] = field(default_factory=list)
    errors: list[ImportProblem] = field(default_factory=list)
    saved: bool = False
    logins: list[InitialLogin] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def file_errors(self) -> list[ImportProblem]:
        return [e for e in self.errors if e.row is None]

    @property
    def row_errors(self) -> list[ImportProblem]:
        return [e for e in self.errors if e.row is not None]


def too_large_message() -> str:
    return _("The file is too large: at most %(size)s can be imported.") % {
        "size": filesizeformat(settings.HUODONG_MAX_IMPORT_BYTES)
    }


def parse_kind(text: str) -> str | None:
    """A unit kind from its short Chinese label (处/室) or its internal value (department)."""
    key = re.sub(r"\s+", "", text).replace("／", "/").lower()
    for value, label in KIND_SHORT_LABELS.items():
        if key in (value, label, label.replace("/", "")):
            return value
    return None


# --- the template -------------------------------------------------------------------------


def build_import_template() -> bytes:
    workbook = openpyxl.Workbook()
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="F3D9D7")
    example_font = Font(italic=True, color="808080")

    units = workbook.active
    units.title = UNITS_SHEET
    units.append(list(UNIT_HEADERS))
    units.append([f"{EXAMPLE_MARK}综合处", KIND_SHORT_LABELS[UnitKind.DEPARTMENT], "", 1])
    kinds = DataValidation(
        type="list",
        formula1='"{}"'.format(",".join(KIND_SHORT_LABELS.values())),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="类型",
        error="请从下拉列表中选择单位类型。",
    )
    units.add_data_validation(kinds)
    kinds.add(f"B2:B{TEMPLATE_ROWS + 1}")

    people = workbook.create_sheet(PEOPLE_SHEET)
    people.append(list(PEOPLE_HEADERS))
    people.append(
        [f"{EXAMPLE_MARK}张三", "综合处", "机关第一党支部", "科员", "否", "13800000000", "zhangsan"]
    )
    yes_no = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    people.add_data_validation(yes_no)
    yes_no.add(f"E2:E{TEMPLATE_ROWS + 1}")
    # Excel would otherwise turn a mobile number into 1.38E+10.
    people.column_dimensions["F"].number_format = "@"

    for sheet, widths in ((units, (28, 14, 28, 8)), (people, (12, 28, 20, 16, 16, 16, 16))):
        for column, width in enumerate(widths, start=1):
            letter = openpyxl.utils.get_column_letter(column)
            sheet.column_dimensions[letter].width = width
            sheet.cell(row=1, column=column).font = bold
            sheet.cell(row=1, column=column).fill = header_fill
            sheet.cell(row=2, column=column).font = example_font
        sheet.freeze_panes = "A2"

    help_sheet = workbook.create_sheet(HELP_SHEET)
    help_sheet.column_dimensions["A"].width = 100
    for line in _help_lines():
        help_sheet.append([line])
    help_sheet["A1"].font = Font(bold=True, size=14)
    for row in help_sheet.iter_rows(min_row=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _help_lines() -> list[str]:
    kinds = "、".join(KIND_SHORT_LABELS.values())
    return [
        "单位和人员导入说明",
        "1. 本文件有“单位”“人员”两张表，请勿修改表名和第一行的列名。",
        f"2. 以“{EXAMPLE_MARK}”开头的行是示例，不会导入，可以直接覆盖或删除。",
        "3. 【单位】表：单位名称必填，在本办公室内不能重名，也不能与系统中已有的单位重名。",
        f"4. 【单位】表：类型必填，从下拉列表中选择：{kinds}。",
        "5. 【单位】表：上级单位可不填；如填写，须是系统中已有的单位，"
        "或在本表中更靠前的行里列出的单位。",
        "6. 【单位】表：排序填不小于 0 的整数，数字小的排在前面；可不填。",
        "7. 【人员】表：姓名、单位必填；单位须是系统中已有的单位或在【单位】表中列出的单位。",
        "8. 【人员】表：同一单位内不能有同名人员（包括系统中已有的人员）。",
        "9. 【人员】表：党支部可不填；如填写，须是类型为“党支部”或“临时党支部”的单位。",
        "10. 【人员】表：窗口人员填“是”或“否”，不填视为“否”。",
        "11. 【人员】表：手机可不填；如填写，须为 11 位数字。",
        "12. 【人员】表：填写登录名即为该人员开通账号，登录名只能包含字母、数字和 @ . + - _，"
        "且不能与已有账号重复；系统会生成随机初始密码，导入成功后只显示一次，请妥善转交本人。",
        f"13. 只要有一行有错误，整个文件都不会导入；系统会列出每个错误所在的表和行号。"
        f"每个文件最多 {MAX_ROWS} 行。",
        "14. 请保存为 .xlsx 格式（不要使用带宏的 .xlsm 或旧版 .xls 格式），不要设置密码。",
    ]


# --- reading an uploaded file -------------------------------------------------------------


def import_org_xlsx(data: bytes, *, office: Office) -> ImportResult:
    """Parse and validate a filled-in template against `office`; writes nothing."""
    result = ImportResult()
    try:
        unit_rows, people_rows = _read_workbook(data)
    except ImportRejected as exc:
        result.errors.append(ImportProblem(str(exc)))
        return result
    if not unit_rows and not people_rows:
        result.errors.append(
            ImportProblem(
                _("The file has no rows to import (rows starting with %(mark)s are skipped).")
                % {"mark": EXAMPLE_MARK}
            )
        )
        return result
    unit_kinds = _check_units(result, unit_rows, office)
    _check_people(result, people_rows, office, unit_kinds)
    result.errors.sort(key=lambda e: (e.sheet != UNITS_SHEET, e.row or 0))
    return result


Cells = dict[str, str]


def _read_workbook(data: bytes) -> tuple[list[tuple[int, Cells]], list[tuple[int, Cells]]]:
    inspect_container(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        # openpyxl raises a wide range of errors (KeyError, ValueError, XML errors, ...) on
        # damaged files; to the user they all mean the same thing.
        raise ImportRejected(_("The file could not be read as an Excel workbook.")) from exc
    try:
        budget = [MAX_ROWS]
        units = _read_sheet(workbook, UNITS_SHEET, UNIT_HEADERS, ("单位名称", "类型"), budget)
        people = _read_sheet(workbook, PEOPLE_SHEET, PEOPLE_HEADERS, ("姓名", "单位"), budget)
    except ImportRejected:
        raise
    except Exception as exc:
        raise ImportRejected(_("The file could not be read as an Excel workbook.")) from exc
    finally:
        workbook.close()
    return units, people


def inspect_container(data: bytes) -> None:
    """Refuse what should never reach openpyxl: oversize, non-zip, bombs, DTDs and macros."""
    if len(data) > settings.HUODONG_MAX_IMPORT_BYTES:
        raise ImportRejected(too_large_message())
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        # OLE2: an old .xls, or an .xlsx that Excel encrypted with a password.
        raise ImportRejected(
            _(
                "This is an old .xls file or a password-protected workbook. "
                "Save it as an .xlsx file without a password and try again."
            )
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise ImportRejected(
            _("This is not an .xlsx file, or the file is damaged. Save it again as .xlsx.")
        ) from exc
    with archive:
        if len(infos) > MAX_ZIP_ENTRIES:
            raise ImportRejected(_("The file has too many parts to be a workbook."))
        if any(info.filename.lower().endswith("vbaproject.bin") for info in infos):
            raise ImportRejected(_macro_message())
        if any(info.flag_bits & 0x1 for info in infos):
            raise ImportRejected(_("The file is encrypted; save it without a password."))
        # The directory's sizes are binding: zipfile stops at the declared size and fails the
        # CRC check, so a part cannot inflate beyond what is checked here.
        total = sum(info.file_size for info in infos)
        compressed = sum(info.compress_size for info in infos)
        if total > MAX_UNCOMPRESSED_BYTES or _too_compressed(total, compressed):
            raise ImportRejected(_bomb_message())
        if any(_too_compressed(info.file_size, info.compress_size) for info in infos):
            raise ImportRejected(_bomb_message())
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names:
            raise ImportRejected(
                _("This is not an .xlsx file, or the file is damaged. Save it again as .xlsx.")
            )
        try:
            for info in infos:
                _scan_part(archive, info)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as exc:
            raise ImportRejected(
                _("This is not an .xlsx file, or the file is damaged. Save it again as .xlsx.")
            ) from exc


def _too_compressed(size: int, compressed: int) -> bool:
    return size > RATIO_GRACE_BYTES and size > MAX_COMPRESSION_RATIO * max(compressed, 1)


def _bomb_message() -> str:
    return _(
        "The file expands to too much data when opened (more than %(size)s MB, or compressed "
        "more than %(ratio)s times); it is not an ordinary workbook."
    ) % {"size": MAX_UNCOMPRESSED_BYTES // (1024 * 1024), "ratio": MAX_COMPRESSION_RATIO}


def _macro_message() -> str:
    return _(
        "The workbook contains macros, which are not accepted. "
        "Save it as a plain .xlsx workbook and try again."
    )


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Reject DTDs and entity declarations (billion laughs, external entities) in any part.

    Every part is scanned, not just *.xml: openpyxl follows the package's relationships, which
    may point at a part with any name.
    """
    overlap = max(len(marker) for marker in _FORBIDDEN_XML) - 1
    tail = b""
    with archive.open(info) as stream:
        while chunk := stream.read(1024 * 1024):
            window = (tail + chunk).lower()
            if any(marker in window for marker in _FORBIDDEN_XML):
                raise ImportRejected(
                    _(
                        "The file contains XML declarations (DOCTYPE or ENTITY) that Excel "
                        "never writes; it was refused for safety."
                    )
                )
            tail = window[-overlap:]
            if info.filename == "[Content_Types].xml" and b"macroenabled" in window:
                raise ImportRejected(_macro_message())


def _header_key(value: Any) -> str:
    text = re.sub(r"\s+", "", _cell_text(value))
    text = re.split(r"[(（]", text, maxsplit=1)[0]
    return _HEADER_ALIASES.get(text, text)


def _read_sheet(
    workbook: Any,
    title: str,
    headers: tuple[str, ...],
    required: tuple[str, ...],
    budget: list[int],
) -> list[tuple[int, Cells]]:
    """The sheet's non-blank rows as (Excel row number, {column key: text}).

    `budget` is the number of rows the whole file may still have; it is shared by both sheets.
    """
    if title not in workbook.sheetnames:
        raise ImportRejected(
            _("The workbook has no sheet named “%(sheet)s”. Start from the template.")
            % {"sheet": title}
        )
    sheet = workbook[title]
    if not hasattr(sheet, "iter_rows"):
        raise ImportRejected(_("The sheet “%(sheet)s” is not a worksheet.") % {"sheet": title})
    # read-only sheets trust the file's <dimension>, which may be wrong; max_col pins the width.
    rows: Iterator[tuple[Any, ...]] = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    header = next(rows, ())
    columns: dict[str, int] = {}
    for index, value in enumerate(header):
        columns.setdefault(_header_key(value), index)
    wanted = {_header_key(h) for h in headers}
    for key in required:
        if key not in columns:
            raise ImportRejected(
                _("The sheet “%(sheet)s” has no column “%(column)s” in its first row.")
                % {"sheet": title, "column": key}
            )
    used = {key: index for key, index in columns.items() if key in wanted}
    first_key = _header_key(headers[0])
    out: list[tuple[int, Cells]] = []
    # openpyxl's read-only reader yields empty tuples for rows missing from the XML, so
    # enumerate() gives the row numbers Excel shows.
    for excel_row, values in enumerate(rows, start=2):
        cells = {key: _cell_text(values[index]) for key, index in used.items()}
        if not any(cells.values()):
            continue
        if cells.get(first_key, "").startswith(EXAMPLE_MARK):
            continue
        budget[0] -= 1
        if budget[0] < 0:
            raise ImportRejected(
                _("The file has more than %(max)s rows; split it into smaller files.")
                % {"max": MAX_ROWS}
            )
        out.append((excel_row, cells))
    return out


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        # A number typed into a cell (mobile numbers, order) comes back as 13800000000.0.
        return str(int(value))
    return str(value).strip()


# --- validation ---------------------------------------------------------------------------


def _check_units(
    result: ImportResult, rows: list[tuple[int, Cells]], office: Office
) -> dict[str, str | None]:
    """Validate the 单位 sheet; return every unit name people may refer to, with its kind."""
    existing: dict[str, str | None] = dict(
        Unit.objects.filter(office=office).values_list("name", "kind")
    )
    names_in_file = {cells.get("单位名称", "") for _row, cells in rows}
    known: dict[str, str | None] = dict(existing)
    listed_at: dict[str, int] = {}
    max_name = Unit._meta.get_field("name").max_length or 100

    for row, cells in rows:
        problems: list[str] = []
        name = cells.get("单位名称", "")
        kind_text = cells.get("类型", "")
        parent = cells.get("上级单位", "")
        order_text = cells.get("排序", "")

        if not name:
            problems.append(_("The unit name is empty."))
        elif len(name) > max_name:
            problems.append(
                _("The unit name is longer than %(max)s characters.") % {"max": max_name}
            )
        elif name in existing:
            problems.append(
                _("A unit named “%(name)s” already exists in this office.") % {"name": name}
            )
        elif name in listed_at:
            problems.append(
                _("The unit “%(name)s” is already listed in row %(row)s.")
                % {"name": name, "row": listed_at[name]}
            )

        kind = parse_kind(kind_text) if kind_text else None
        if not kind_text:
            problems.append(_("The unit type is empty."))
        elif kind is None:
            problems.append(
                _("Unknown unit type “%(kind)s”; use one of: %(choices)s.")
                % {"kind": kind_text, "choices": "、".join(KIND_SHORT_LABELS.values())}
            )

        if parent:
            if parent == name:
                problems.append(_("A unit cannot be its own parent unit."))
            elif parent not in known:
                if parent in names_in_file:
                    problems.append(
                        _("The parent unit “%(name)s” must be listed in an earlier row.")
                        % {"name": parent}
                    )
                else:
                    problems.append(_("Unknown parent unit “%(name)s”.") % {"name": parent})

        sort_order: int | None = None
        if order_text:
            if re.fullmatch(r"\d{1,9}", order_text, flags=re.ASCII):
                sort_order = int(order_text)
            else:
                problems.append(
                    _("The order “%(value)s” must be a whole number, 0 or more.")
                    % {"value": order_text}
                )

        # A bad row still defines its name, so that rows referring to it are not reported too.
        if name and name not in known:
            known[name] = kind
            listed_at[name] = row
        if problems:
            result.errors.extend(ImportProblem(p, UNITS_SHEET, row) for p in problems)
        else:
            result.units.append(UnitRow(row, name, kind or "", parent, sort_order))
    return known


def _check_people(
    result: ImportResult,
    rows: list[tuple[int, Cells]],
    office: Office,
    unit_kinds: dict[str, str | None],
) -> None:
    existing_people = set(Person.objects.filter(office=office).values_list("unit__name", "name"))
    taken_usernames = _taken_usernames(cells.get("登录名", "") for _row, cells in rows)
    people_at: dict[tuple[str, str], int] = {}
    usernames_at: dict[str, int] = {}
    max_name = Person._meta.get_field("name").max_length or 50
    max_position = Person._meta.get_field("position").max_length or 50
    max_username = User._meta.get_field("username").max_length or 150

    for row, cells in rows:
        problems: list[str] = []
        name = cells.get("姓名", "")
        unit = cells.get("单位", "")
        branch = cells.get("党支部", "")
        position = cells.get("职务", "")
        window_text = cells.get("窗口人员", "")
        phone = re.sub(r"[\s\-]", "", cells.get("手机", ""))
        username = cells.get("登录名", "")

        if not name:
            problems.append(_("The name is empty."))
        elif len(name) > max_name:
            problems.append(_("The name is longer than %(max)s characters.") % {"max": max_name})

        if not unit:
            problems.append(_("The unit is empty."))
        elif unit not in unit_kinds:
            problems.append(_("Unknown unit “%(name)s”.") % {"name": unit})

        if branch:
            if branch not in unit_kinds:
                problems.append(_("Unknown party branch “%(name)s”.") % {"name": branch})
            elif unit_kinds[branch] is not None and unit_kinds[branch] not in PARTY_BRANCH_KINDS:
                problems.append(_("“%(name)s” is not a party branch.") % {"name": branch})

        if name and unit:
            key = (unit, name)
            if key in existing_people:
                problems.append(
                    _("“%(name)s” already exists in “%(unit)s”.") % {"name": name, "unit": unit}
                )
            elif key in people_at:
                problems.append(
                    _("“%(name)s” in “%(unit)s” is already listed in row %(row)s.")
                    % {"name": name, "unit": unit, "row": people_at[key]}
                )
            else:
                people_at[key] = row

        if len(position) > max_position:
            problems.append(
                _("The position is longer than %(max)s characters.") % {"max": max_position}
            )

        is_window_staff = window_text.lower() in _YES
        if window_text.lower() not in _YES | _NO:
            problems.append(
                _("“%(value)s” is not a valid window staff value; write 是 or 否.")
                % {"value": window_text}
            )

        if phone and not re.fullmatch(r"\d{11}", phone, flags=re.ASCII):
            problems.append(
                _("The mobile number “%(phone)s” must have 11 digits.")
                % {"phone": cells.get("手机", "")}
            )

        if username:
            problems.extend(
                _username_problems(username, max_username, taken_usernames, usernames_at)
            )
            usernames_at.setdefault(username.lower(), row)

        if problems:
            result.errors.extend(ImportProblem(p, PEOPLE_SHEET, row) for p in problems)
        else:
            result.people.append(
                PersonRow(row, name, unit, branch, position, is_window_staff, phone, username)
            )


def _username_problems(
    username: str, max_length: int, taken: set[str], listed_at: dict[str, int]
) -> list[str]:
    if len(username) > max_length:
        return [_("The login name is longer than %(max)s characters.") % {"max": max_length}]
    try:
        _USERNAME_VALIDATOR(username)
    except ValidationError:
        return [
            _("The login name “%(name)s” may only contain letters, digits and @ . + - _.")
            % {"name": username}
        ]
    # Compared without case: two logins differing only in case would confuse people.
    if username.lower() in taken:
        return [_("The login name “%(name)s” is already taken.") % {"name": username}]
    if username.lower() in listed_at:
        return [
            _("The login name “%(name)s” is already used in row %(row)s.")
            % {"name": username, "row": listed_at[username.lower()]}
        ]
    return []


def _taken_usernames(usernames: Iterable[str]) -> set[str]:
    wanted = sorted({u.lower() for u in usernames if u})
    taken: set[str] = set()
    # Chunked so that a large file stays under the database's limit on query parameters.
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        taken.update(
            User.objects.annotate(lowered=Lower("username"))
            .filter(lowered__in=chunk)
            .values_list("lowered", flat=True)
        )
    return taken
