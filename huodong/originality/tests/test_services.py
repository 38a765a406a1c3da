"""The originality check through its services: submissions checked, thresholds, edits, the
reference library, on-demand checks, rescans, and uploads refused."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from huodong.core import clock
from huodong.core.models import AuditRecord
from huodong.orgs.permissions import membership_of
from huodong.originality import index_cache, services
from huodong.originality.engine import normalize
from huodong.originality.errors import NotAllowed, Refused
from huodong.originality.models import (
    DocumentKind,
    OriginalityDocument,
    OriginalityReport,
    ReferenceText,
    ReportSource,
    Rescan,
    RescanStatus,
)
from huodong.originality.permissions import (
    can_manage_library,
    can_see_report,
    can_see_source_identity,
)
from huodong.originality.selectors import (
    reflection_ratios,
    report_for_document,
    report_rows,
)
from huodong.originality.tests.service_helpers import IMMEDIATE, chinese, make_document, submit
from huodong.participation.services.reflections import (
    reflection_review,
    reflection_save,
    reflection_submit,
)

pytestmark = pytest.mark.django_db

A = chinese(1, 600)
B = chinese(2, 300)


@pytest.fixture(autouse=True)
def _setup(settings):
    settings.HUODONG_TODAY = "2018-06-20"
    settings.TASKS = IMMEDIATE
    index_cache.reset()
    yield
    index_cache.reset()


def document_of(reflection) -> OriginalityDocument:
    return OriginalityDocument.objects.get(reflection=reflection)


def report_of(reflection) -> OriginalityReport:
    return OriginalityReport.objects.get(document__reflection=reflection)


@pytest.fixture
def copied(org, campaign, django_capture_on_commit_callbacks):
    """The staff member's essay, and a colleague's copying its first half."""
    with django_capture_on_commit_callbacks(execute=True):
        original = submit(org.staff, campaign, "原创", A)
    with django_capture_on_commit_callbacks(execute=True):
        copy = submit(org.colleague, campaign, "抄袭", A[:300] + B)
    return original, copy


def test_a_submitted_copy_is_found_and_flagged(org, campaign, copied):
    original, copy = copied
    assert report_of(original).ratio == 0
    assert not report_of(original).flagged
    report = report_of(copy)
    document = document_of(copy)
    # "抄袭\n" + 600 characters: 300 of the 602 counted are copied.
    assert document.text == "抄袭\n" + A[:300] + B
    assert report.length == 602
    assert report.ratio == pytest.approx(300 / 602)
    assert report.flagged  # above the default 30 %
    assert report.largest_source_id == document_of(original).pk
    (source,) = report.sources.all()
    assert source.source_id == document_of(original).pk
    assert source.characters == 300
    start, end, source_start, source_end = source.runs[0]
    assert document.text[start:end] == A[:300]
    assert document_of(original).text[source_start:source_end] == A[:300]
    assert report.spans == [[3, 303]]
    assert reflection_ratios([copy.pk, original.pk]) == {
        copy.pk: (report.ratio, True, document.pk),
        original.pk: (0.0, False, document_of(original).pk),
    }


def test_resubmitting_the_same_text_keeps_the_document(org, campaign, copied):
    _original, copy = copied
    document = document_of(copy)
    assert services.document_sync_reflection(reflection=copy) == document
    assert OriginalityDocument.objects.filter(reflection=copy).count() == 1


def test_the_threshold_reflags_the_campaign(org, campaign, copied):
    _original, copy = copied
    assert services.threshold_for(campaign.pk) == 30
    services.originality_threshold_set(actor=org.director, campaign=campaign, percent=60)
    assert services.threshold_for(campaign.pk) == 60
    assert not report_of(copy).flagged
    services.originality_threshold_set(actor=org.director, campaign=campaign, percent=49)
    assert report_of(copy).flagged
    assert AuditRecord.objects.filter(action="originality.threshold_set").count() == 2
    for bad in (0, 101, "30", True):
        with pytest.raises(Refused) as refused:
            services.originality_threshold_set(actor=org.director, campaign=campaign, percent=bad)
        assert refused.value.code == "bad_threshold"
    with pytest.raises(NotAllowed):
        services.originality_threshold_set(actor=org.staff, campaign=campaign, percent=50)
    assert services.threshold_for(campaign.pk) == 49


def test_a_new_check_uses_the_campaign_threshold(org, campaign, copied):
    _original, copy = copied
    services.originality_threshold_set(actor=org.director, campaign=campaign, percent=80)
    report = services.document_check(document_id=document_of(copy).pk)
    assert report is not None and not report.flagged


def test_an_edited_essay_is_checked_again_and_the_old_document_goes(
    org, campaign, copied, django_capture_on_commit_callbacks
):
    original, copy = copied
    old = document_of(copy)
    # The office asks for the original to be checked again: it now cites the copy.
    with django_capture_on_commit_callbacks(execute=True):
        services.check_request(actor=org.director, document=document_of(original))
    assert [s.source_id for s in report_of(original).sources.all()] == [old.pk]
    assert AuditRecord.objects.filter(action="originality.check_request").exists()

    reflection_review(
        actor=org.secretary, reflection=copy, decision="return", comment="请用自己的话写。"
    )
    copy.refresh_from_db()
    copy = reflection_save(
        actor=org.colleague,
        reflection=copy,
        title="抄袭",
        body=chinese(3, 400),
        version=copy.version,
    )
    with django_capture_on_commit_callbacks(execute=True):
        reflection_submit(actor=org.colleague, reflection=copy)
    assert not OriginalityDocument.objects.filter(pk=old.pk).exists()
    new = document_of(copy)
    assert new.pk != old.pk
    assert report_of(copy).ratio == 0
    assert not report_of(copy).flagged
    # The original's report lost its source and was checked again.
    assert report_of(original).ratio == 0
    assert not report_of(original).sources.exists()


def test_on_demand_check_is_for_reviewers_and_the_office(org, campaign, copied):
    _original, copy = copied
    document = document_of(copy)
    with pytest.raises(NotAllowed):
        services.check_request(actor=org.colleague, document=document)  # the writer
    with pytest.raises(NotAllowed):
        services.check_request(actor=org.outsider_staff, document=document)
    services.check_request(actor=org.secretary, document=document)


def test_deleting_a_reference_text_rechecks_the_reports_citing_it(
    org, office, campaign, django_capture_on_commit_callbacks
):
    speech = chinese(10, 200)
    reference = services.reference_text_add(
        actor=org.director, office=office, title="讲话", text=speech
    )
    assert reference.document.kind == DocumentKind.REFERENCE
    with django_capture_on_commit_callbacks(execute=True):
        essay = submit(org.staff, campaign, "学习", speech + B)
    report = report_of(essay)
    assert report.ratio == pytest.approx(200 / 502)
    assert report.sources.get().source_id == reference.document.pk
    checked_at = report.checked_at

    with django_capture_on_commit_callbacks(execute=True):
        services.reference_text_delete(actor=org.director, reference=reference)
    assert not ReferenceText.objects.exists()
    report = report_of(essay)
    assert report.ratio == 0
    assert report.largest_source_id is None
    assert not ReportSource.objects.exists()
    assert report.checked_at >= checked_at
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {"originality.reference_add", "originality.reference_delete"} <= actions


def test_the_library_is_kept_by_the_office(org, office):
    for title, text, code in (
        ("", "正文内容", "title_required"),
        ("题" * 201, "正文内容", "title_too_long"),
        ("讲话", "  ，。！ \n", "empty"),
    ):
        with pytest.raises(Refused) as refused:
            services.reference_text_add(actor=org.director, office=office, title=title, text=text)
        assert refused.value.code == code
    with pytest.raises(NotAllowed):
        services.reference_text_add(actor=org.staff, office=office, title="讲话", text="内容")
    assert not ReferenceText.objects.exists()
    assert not OriginalityDocument.objects.exists()


def docx_bytes(paragraphs: list[str]) -> bytes:
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_importing_docx_and_txt(org, office):
    from_word = services.reference_text_import(
        actor=org.director,
        office=office,
        title="",
        upload=upload(docx_bytes(["第一段讲话内容", "第二段讲话内容"]), "领导讲话.docx"),
    )
    assert from_word.title == "领导讲话"
    assert from_word.file_name == "领导讲话.docx"
    assert from_word.text == "第一段讲话内容\n第二段讲话内容"
    text = "解放思想大讨论实施方案全文"
    for encoding in ("utf-8", "utf-8-sig", "gb18030", "utf-16"):
        imported = services.reference_text_import(
            actor=org.director,
            office=office,
            title=f"方案 {encoding}",
            upload=upload(text.encode(encoding), "方案.txt"),
        )
        assert imported.text == text
        assert imported.document.text == text
    assert ReferenceText.objects.count() == 5


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "图片.png", "type"),
        (b"%PDF-1.4 something", "讲话.pdf", "type"),
        (b"just text", "讲话.md", "type"),
        (b"", "空.txt", "empty"),
        (b"PK\x03\x04" + b"broken" * 50, "坏的.docx", "corrupt"),
        (b"\x00\x01\x02\xff\xfe\x00" * 20, "二进制.txt", "encoding"),
        ("  ，。\n".encode(), "标点.txt", "no_text"),
    ],
)
def test_bad_uploads_are_refused_and_save_nothing(org, office, data, name, code):
    with pytest.raises(Refused) as refused:
        services.reference_text_import(
            actor=org.director, office=office, title="讲话", upload=upload(data, name)
        )
    assert refused.value.code == code
    assert refused.value.message
    assert not ReferenceText.objects.exists()
    assert not OriginalityDocument.objects.exists()


def test_refusals_are_in_chinese(org, office):
    with translation.override("zh-hans"), pytest.raises(Refused) as refused:
        services.reference_text_import(
            actor=org.director, office=office, title="讲话", upload=upload(b"", "a.txt")
        )
    assert refused.value.message == "文件为空。"


def test_an_oversized_upload_is_refused(org, office, settings):
    settings.HUODONG_MAX_ATTACHMENT_BYTES = 1000
    with pytest.raises(Refused) as refused:
        services.reference_text_import(
            actor=org.director,
            office=office,
            title="讲话",
            upload=upload(("讲话" * 1000).encode(), "讲话.txt"),
        )
    assert refused.value.code == "too_large"
    assert not ReferenceText.objects.exists()


def test_importing_is_for_the_office(org, office):
    with pytest.raises(NotAllowed):
        services.reference_text_import(
            actor=org.staff, office=office, title="讲话", upload=upload(b"text", "a.txt")
        )


def test_a_vanished_document_is_not_checked(org, office):
    document = make_document(office, chinese(4, 100))
    document_id = document.pk
    document.delete()
    assert services.document_check(document_id=document_id) is None


def test_references_are_never_flagged(office):
    make_document(office, A)
    copy = make_document(office, A, title="同一篇")
    report = services.document_check(document_id=copy.pk)
    assert report is not None
    assert report.ratio == 1
    assert not report.flagged


def test_check_queries_do_not_grow_with_the_sources(
    office, campaign, django_assert_max_num_queries
):
    chunks = [chinese(100 + i, 30) for i in range(20)]
    essay = make_document(office, "".join(chunks), kind=DocumentKind.REFLECTION)
    essay.campaign = campaign
    essay.save()
    for i in range(2):
        make_document(office, chunks[i] + chinese(200 + i, 50), title=f"来源{i}")
    services.document_check(document_id=essay.pk)  # builds the index, creates the report
    with CaptureQueriesContext(connection) as few:
        report = services.document_check(document_id=essay.pk)
    assert report is not None and report.sources.count() == 2
    for i in range(2, 20):
        make_document(office, chunks[i] + chinese(200 + i, 50), title=f"来源{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        report = services.document_check(document_id=essay.pk)
    assert report is not None and report.sources.count() == 20
    assert report.ratio == 1
    assert report.flagged
    # The report page's reads do not grow either.
    with django_assert_max_num_queries(2):
        loaded = report_for_document(essay.pk)
        assert loaded is not None
        view = report_rows(loaded)
    assert len(view.sources) == 20
    assert "".join(segment.text for segment in view.segments) == essay.text
    assert all(segment.copied for segment in view.segments)
    assert view.sources[0].runs[0].text == view.sources[0].runs[0].source_text


def test_checking_many_documents_at_once_takes_the_queries_of_one(
    office, campaign, django_assert_max_num_queries
):
    sources = [make_document(office, chinese(300 + i, 60), title=f"来源{i}") for i in range(10)]
    essays = [
        make_document(
            office, sources[i].text[:30] + chinese(400 + i, 30), kind=DocumentKind.REFLECTION
        )
        for i in range(10)
    ]
    OriginalityDocument.objects.filter(pk__in=[e.pk for e in essays]).update(campaign=campaign)
    services.documents_check(document_ids=[essays[0].pk])  # the corpus, and a first report
    with CaptureQueriesContext(connection) as one:
        services.documents_check(document_ids=[essays[0].pk])
    with django_assert_max_num_queries(len(one.captured_queries) + 1):  # + creating reports
        stored = services.documents_check(document_ids=[e.pk for e in essays] + [10**9])
    assert sorted(stored) == sorted(e.pk for e in essays)  # the missing id is left out
    for essay, source in zip(essays, sources, strict=True):
        report = OriginalityReport.objects.get(document=essay)
        assert report.pk == stored[essay.pk].pk
        assert [s.source_id for s in report.sources.all()] == [source.pk]
        assert report.ratio == pytest.approx(0.5)
        assert report.flagged  # above the campaign's 30%
    # Checked one by one, every document gets the same report.
    for essay in essays:
        again = services.document_check(document_id=essay.pk)
        assert again is not None and again.ratio == stored[essay.pk].ratio
        assert again.pk == stored[essay.pk].pk


def test_report_rows_split_plain_and_copied(org, campaign, copied):
    _original, copy = copied
    report = report_for_document(document_of(copy).pk)
    assert report is not None
    view = report_rows(report)
    assert [(s.text, s.sources) for s in view.segments] == [
        ("抄袭\n", ()),
        (A[:300], (1,)),
        (B, ()),
    ]
    (source,) = view.sources
    assert source.name == "原创"
    assert source.author == "张三"
    hidden = report_rows(report, reveal_sources=False)
    assert hidden.sources[0].document_id is None
    assert hidden.sources[0].author == ""
    assert "张三" not in hidden.sources[0].name


def test_who_sees_the_report_and_its_sources(org, campaign, copied, make_member, other_office):
    _original, copy = copied
    document = OriginalityDocument.objects.select_related("campaign", "author").get(reflection=copy)
    writer, secretary, director = (
        membership_of(user) for user in (org.colleague, org.secretary, org.director)
    )
    others = [membership_of(user) for user in (org.staff, org.outsider_staff, org.unit_head)]
    stranger = membership_of(make_member(other_office, role="office_director"))
    assert can_see_report(writer, document)
    assert not can_see_source_identity(writer, document)
    for reviewer in (secretary, director):
        assert can_see_report(reviewer, document)
        assert can_see_source_identity(reviewer, document)
    for other in [*others, stranger]:
        assert not can_see_report(other, document)
        assert not can_see_source_identity(other, document)
    assert can_manage_library(director, campaign.office)
    assert not can_manage_library(secretary, campaign.office_id)
    assert not can_manage_library(stranger, campaign.office)


# --- Rescans ------------------------------------------------------------------------------


def test_a_rescan_checks_every_essay_once(
    org, office, campaign, copied, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "RESCAN_STEP", 1)
    make_document(office, chinese(7, 100))  # a reference: not rescanned
    OriginalityReport.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        rescan = services.rescan_start(actor=org.director, office=office)
    assert rescan.total == 2
    rescan.refresh_from_db()
    assert rescan.status == RescanStatus.DONE
    # Checked against each other, the original shares its first half with the copy too.
    assert (rescan.done, rescan.flagged) == (2, 2)
    assert rescan.finished_at is not None
    assert OriginalityReport.objects.count() == 2
    # Run again (a second worker, a retry): nothing happens.
    OriginalityReport.objects.all().delete()
    again = services.rescan_run(rescan_id=rescan.pk)
    assert again is not None and (again.status, again.done, again.flagged) == ("done", 2, 2)
    assert not OriginalityReport.objects.exists()


def test_rescan_progress_is_reported(org, office, campaign, copied, monkeypatch):
    monkeypatch.setattr(services, "RESCAN_STEP", 1)
    seen: list[tuple[int, int, int]] = []
    rescan = services.rescan_create(office=office)
    services.rescan_run(rescan_id=rescan.pk, progress=lambda *args: seen.append(args))
    assert seen == [(1, 2, 1), (2, 2, 2)]


def test_a_second_rescan_is_refused_while_one_runs(org, office, other_office):
    first = services.rescan_start(actor=org.director, office=office)  # queued: not committed
    assert first.status == RescanStatus.QUEUED
    with pytest.raises(Refused) as refused:
        services.rescan_start(actor=org.director, office=office)
    assert refused.value.code == "rescan_running"
    Rescan.objects.filter(pk=first.pk).update(status=RescanStatus.RUNNING)
    with pytest.raises(Refused):
        services.rescan_create(office=office)
    services.rescan_create(office=other_office)  # another office is not held up
    with pytest.raises(NotAllowed):
        services.rescan_start(actor=org.secretary, office=office)
    # A rescan whose worker died long ago no longer blocks.
    Rescan.objects.filter(pk=first.pk).update(created_at=clock.now() - dt.timedelta(days=1))
    second = services.rescan_start(actor=org.director, office=office)
    assert Rescan.objects.get(pk=first.pk).status == RescanStatus.FAILED
    assert second.status == RescanStatus.QUEUED


def test_a_failing_rescan_is_marked_failed(office, monkeypatch):
    make_document(office, chinese(8, 100), kind=DocumentKind.REFLECTION)
    rescan = services.rescan_create(office=office)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "documents_check", broken)
    with pytest.raises(RuntimeError):
        services.rescan_run(rescan_id=rescan.pk)
    rescan.refresh_from_db()
    assert rescan.status == RescanStatus.FAILED
    assert rescan.finished_at is not None


# --- Concurrency (PostgreSQL) -------------------------------------------------------------


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need a server database (SQLite's test database is shared-cache)",
)
def test_checks_of_one_document_at_once_store_one_report(transactional_db, office):
    import threading

    make_document(office, A[:300])
    make_document(office, A[300:])
    essay = make_document(office, A + B, kind=DocumentKind.REFLECTION)
    index_cache.runs_for(office.pk, normalize(essay.text).codes, [essay.pk])  # built once
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def check() -> None:
        try:
            barrier.wait()
            services.document_check(document_id=essay.pk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=check) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = OriginalityReport.objects.get(document=essay)
    assert report.sources.count() == 2
    assert report.ratio == pytest.approx(600 / 900)


def test_a_rescan_forks_only_where_the_children_share_the_database(settings):
    settings.HUODONG_RESCAN_PROCESSES = 2
    # The test database is SQLite in memory, or PostgreSQL inside the test's transaction: the
    # children would not see it, so the rescan stays in this process.
    assert services.rescan_processes() == 1
    settings.HUODONG_RESCAN_PROCESSES = 1
    assert services.rescan_processes() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="forked checkers need a database other processes can reach",
)
def test_a_rescan_on_two_processes_stores_every_report(transactional_db, office, settings):
    import os

    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: the rescan would not fork")
    settings.HUODONG_RESCAN_PROCESSES = 2
    assert services.rescan_processes() == 2
    originals = [
        make_document(office, chinese(40 + n, 200), kind=DocumentKind.REFLECTION) for n in range(6)
    ]
    copies = [
        make_document(
            office, original.text[:100] + chinese(60 + n, 100), kind=DocumentKind.REFLECTION
        )
        for n, original in enumerate(originals)
    ]
    rescan = services.rescan_create(office=office)
    seen: list[tuple[int, int, int]] = []
    original_step = services.RESCAN_STEP
    services.RESCAN_STEP = 2  # six batches over two processes
    try:
        finished = services.rescan_run(rescan_id=rescan.pk, progress=lambda *a: seen.append(a))
    finally:
        services.RESCAN_STEP = original_step
    assert finished is not None
    assert (finished.status, finished.done, finished.total) == ("done", 12, 12)
    assert seen[-1][:2] == (12, 12)
    assert [done for done, _total, _flagged in seen] == sorted(done for done, *_ in seen)
    for original, copy in zip(originals, copies, strict=True):
        report = OriginalityReport.objects.get(document=copy)
        assert [s.source_id for s in report.sources.all()] == [original.pk]
        assert report.ratio == pytest.approx(0.5)
        assert OriginalityReport.objects.get(document=original).ratio == pytest.approx(0.5)
