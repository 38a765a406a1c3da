"""The per-process index: documents added after it was built are found (the overlay), deleted
ones drop out of reports, and it is rebuilt when the overlay grows or it grows old."""

from __future__ import annotations

import pytest

from huodong.originality import index_cache, services
from huodong.originality.engine import normalize
from huodong.originality.models import OriginalityReport
from huodong.originality.tests.service_helpers import chinese, make_document

pytestmark = pytest.mark.django_db

TEXT = chinese(21, 300)


@pytest.fixture(autouse=True)
def _fresh():
    index_cache.reset()
    yield
    index_cache.reset()


def found(office, essay) -> list[int]:
    """The documents sharing a run with the essay, by id."""
    return sorted(index_cache.runs_for(office.pk, normalize(essay.text).codes, [essay.pk]))


def test_documents_added_after_the_build_are_found(office, other_office):
    first = make_document(office, TEXT)
    unrelated = make_document(office, chinese(22, 300))
    essay = make_document(office, TEXT)
    assert found(office, essay) == [first.pk]
    stats = index_cache.stats(office.pk)
    assert stats is not None
    assert stats["main_max_id"] == essay.pk
    assert stats["overlay_documents"] == 0

    later = make_document(office, TEXT[:150] + chinese(23, 100))
    make_document(other_office, TEXT)  # another office's index
    assert found(office, essay) == [first.pk, later.pk]
    assert unrelated.pk not in found(office, essay)
    stats = index_cache.stats(office.pk)
    assert stats is not None
    assert stats["main_max_id"] == essay.pk
    assert stats["overlay_documents"] == 1
    assert stats["max_id"] == later.pk


def test_deleted_documents_drop_out_of_the_report(office):
    first = make_document(office, TEXT)
    essay = make_document(office, TEXT + chinese(24, 100))
    report = services.document_check(document_id=essay.pk)
    assert report is not None and report.sources.get().source_id == first.pk

    later = make_document(office, TEXT[:200])  # in the overlay
    first.delete()
    report = services.document_check(document_id=essay.pk)
    assert report is not None
    assert [s.source_id for s in report.sources.all()] == [later.pk]
    assert report.ratio == pytest.approx(200 / 400)
    later.delete()
    report = services.document_check(document_id=essay.pk)
    assert report is not None and report.ratio == 0
    assert OriginalityReport.objects.get(document=essay).largest_source_id is None


def test_a_large_overlay_or_an_old_index_is_rebuilt(office, monkeypatch):
    essay = make_document(office, TEXT)
    found(office, essay)
    monkeypatch.setattr(index_cache, "OVERLAY_LIMIT", 1)
    one = make_document(office, TEXT)
    assert found(office, essay) == [one.pk]
    assert index_cache.stats(office.pk)["overlay_documents"] == 1  # type: ignore[index]
    two = make_document(office, TEXT)
    assert found(office, essay) == [one.pk, two.pk]
    stats = index_cache.stats(office.pk)
    assert stats is not None
    assert (stats["main_max_id"], stats["overlay_documents"]) == (two.pk, 0)

    monkeypatch.setattr(index_cache, "MAX_AGE", -1)
    three = make_document(office, TEXT)
    assert three.pk in found(office, essay)
    assert index_cache.stats(office.pk)["main_max_id"] == three.pk  # type: ignore[index]


def test_an_empty_office_and_reset(office):
    essay = make_document(office, TEXT)
    assert found(office, essay) == []
    index_cache.reset(office.pk)
    assert index_cache.stats(office.pk) is None
