import io
from collections.abc import Callable, Sequence

import openpyxl
import pytest
from django.utils import translation

from huodong.orgs.people_import import PEOPLE_HEADERS, UNIT_HEADERS
from huodong.testing.factories import TEST_PASSWORD


@pytest.fixture(autouse=True)
def _english(client):
    # These tests read the English msgids; test_views checks the default language separately.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def login(client):
    def do(user):
        assert client.login(username=user.username, password=TEST_PASSWORD)
        return client

    return do


Row = Sequence[object]


def make_xlsx(
    units: Sequence[Row] = (),
    people: Sequence[Row] = (),
    *,
    unit_headers: Sequence[str] = UNIT_HEADERS,
    people_headers: Sequence[str] = PEOPLE_HEADERS,
) -> bytes:
    """A workbook shaped like the template, built in memory."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "单位"
    sheet.append(list(unit_headers))
    for row in units:
        sheet.append(list(row))
    sheet = workbook.create_sheet("人员")
    sheet.append(list(people_headers))
    for row in people:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def xlsx() -> Callable[..., bytes]:
    return make_xlsx
