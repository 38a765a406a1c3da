"""`huodong rescan_originality`: a rescan in this process, with its progress."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from huodong.originality import index_cache, services
from huodong.originality.models import DocumentKind, OriginalityReport, Rescan, RescanStatus
from huodong.originality.tests.service_helpers import chinese, make_document

pytestmark = pytest.mark.django_db

TEXT = chinese(31, 300)


@pytest.fixture(autouse=True)
def _fresh():
    index_cache.reset()
    yield
    index_cache.reset()


def test_the_command_rescans_an_office(office, other_office, monkeypatch):
    monkeypatch.setattr(services, "RESCAN_STEP", 2)
    for seed in range(3):
        make_document(office, chinese(seed, 200), kind=DocumentKind.REFLECTION)
    make_document(office, TEXT, kind=DocumentKind.REFLECTION)
    make_document(office, TEXT)  # a reference text
    make_document(other_office, TEXT, kind=DocumentKind.REFLECTION)
    out = StringIO()
    call_command("rescan_originality", office=office.pk, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines == [
        f"{office.name}: 4 to check",
        "2/4 checked, 0 flagged",
        "4/4 checked, 1 flagged",
        f"{office.name}: 4 checked, 1 flagged (done)",
    ]
    rescan = Rescan.objects.get(office=office)
    assert (rescan.status, rescan.total, rescan.done, rescan.flagged) == ("done", 4, 4, 1)
    assert OriginalityReport.objects.count() == 4
    assert not Rescan.objects.filter(office=other_office).exists()


def test_without_an_office_every_office_is_rescanned(office, other_office):
    make_document(office, TEXT, kind=DocumentKind.REFLECTION)
    out = StringIO()
    call_command("rescan_originality", stdout=out)
    assert f"{office.name}: 1 checked, 0 flagged (done)" in out.getvalue()
    assert f"{other_office.name}: 0 checked, 0 flagged (done)" in out.getvalue()
    assert Rescan.objects.filter(status=RescanStatus.DONE).count() == 2


def test_an_unknown_office_or_a_running_rescan_is_an_error(office):
    with pytest.raises(CommandError, match="no office"):
        call_command("rescan_originality", office=office.pk + 1000, stdout=StringIO())
    services.rescan_create(office=office)
    with pytest.raises(CommandError):
        call_command("rescan_originality", office=office.pk, stdout=StringIO())
