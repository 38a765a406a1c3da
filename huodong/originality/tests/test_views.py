"""The originality pages: who reaches them (404 for everyone else, nothing changed), what the
writer may see of the sources, the library's upload, and query counts as data grows."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from huodong.orgs.models import Person, Role, User
from huodong.originality.models import (
    DocumentKind,
    OriginalityDocument,
    OriginalityReport,
    OriginalitySettings,
    ReferenceText,
    ReportSource,
    Rescan,
    RescanStatus,
)
from huodong.participation.models import Reflection, ReflectionStatus

pytestmark = pytest.mark.django_db

COPIED = "解放思想是发展中国特色社会主义的一大法宝"  # shared with the colleague's essay
QUOTED = "实践是检验真理的唯一标准这是一条基本原理"  # shared with the reference text
OWN = "我们处室结合实际认真组织学习讨论并查找问题。"
BODY = OWN + COPIED + "。" + OWN + QUOTED + "。" + OWN
COLLEAGUE_TITLE = "李四的学习体会标题"
REFERENCE_TITLE = "在全市解放思想大讨论动员大会上的讲话"

ROLES = [
    "staff",
    "colleague",
    "outsider_staff",
    "secretary",
    "unit_head",
    "director",
    "stranger",
    "anonymous",
]
SEES_REPORT = {"staff", "secretary", "director"}
OFFICE = {"director"}


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def users(org, other_office, make_member) -> dict[str, User | None]:
    stranger = make_member(other_office, role=Role.OFFICE_DIRECTOR, username="stranger")
    names = ["staff", "colleague", "outsider_staff", "secretary", "unit_head", "director"]
    return {
        **{name: getattr(org, name) for name in names},
        "stranger": stranger,
        "anonymous": None,
    }


@pytest.fixture
def as_role(client, users):
    def login(role: str):
        client.logout()
        user = users[role]
        if user is not None:
            client.force_login(user)
        return client

    return login


def assert_turned_away(response, role: str) -> None:
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == 404, role


def make_document(**fields) -> OriginalityDocument:
    text = fields["text"]
    return OriginalityDocument.objects.create(
        text_hash=hashlib.sha256(text.encode()).hexdigest(),
        **fields,
    )


def reflection_document(campaign, user: User, *, title: str, body: str) -> OriginalityDocument:
    person = Person.objects.get(user=user)
    reflection = Reflection.objects.create(
        campaign=campaign,
        person=person,
        title=title,
        body=body,
        word_count=len(body),
        status=ReflectionStatus.SUBMITTED,
    )
    return make_document(
        office_id=campaign.office_id,
        kind=DocumentKind.REFLECTION,
        reflection=reflection,
        campaign=campaign,
        author=person,
        title=title,
        text=f"{title}\n{body}",
    )


def reference_document(office, *, title: str, text: str, by: User | None = None):
    reference = ReferenceText.objects.create(
        office=office, title=title, file_name=f"{title}.txt", text=text, uploaded_by=by
    )
    make_document(
        office=office, kind=DocumentKind.REFERENCE, reference=reference, title=title, text=text
    )
    return reference


def cite(report: OriginalityReport, source: OriginalityDocument, phrase: str) -> ReportSource:
    start = report.document.text.index(phrase)
    source_start = source.text.index(phrase)
    end, source_end = start + len(phrase), source_start + len(phrase)
    report.spans = sorted([*report.spans, [start, end]])
    report.save(update_fields=["spans"])
    return ReportSource.objects.create(
        report=report,
        source=source,
        ratio=len(phrase) / report.length,
        characters=len(phrase),
        runs=[[start, end, source_start, source_end]],
    )


@pytest.fixture
def world(org, campaign, office):
    """The staff member's essay, with a report citing a colleague's essay and a reference."""
    essay = reflection_document(campaign, org.staff, title="我的心得", body=BODY)
    other = reflection_document(
        campaign, org.colleague, title=COLLEAGUE_TITLE, body="开头的话" + COPIED + "结尾的话"
    )
    reference = reference_document(
        office, title=REFERENCE_TITLE, text="讲话开头" + QUOTED + "讲话结尾", by=org.director
    )
    report = OriginalityReport.objects.create(
        document=essay,
        length=len(BODY),
        ratio=0.45,
        ratio_without_quotes=0.4,
        largest_ratio=0.25,
        largest_source=other,
        flagged=True,
    )
    cite(report, other, COPIED)
    cite(report, reference.document, QUOTED)
    return {"essay": essay, "other": other, "reference": reference, "report": report}


def report_url(document: OriginalityDocument) -> str:
    return reverse("originality:report", args=[document.pk])


# --- The report -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_report_is_seen_by_the_writer_reviewers_and_office(as_role, world, role):
    response = as_role(role).get(report_url(world["essay"]))
    if role not in SEES_REPORT:
        assert_turned_away(response, role)
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert "45.0%" in html and "40.0%" in html and "25.0%" in html
    assert 'id="flagged"' in html
    # Each copied stretch is highlighted and links to its run.
    assert f'<mark><a href="#source-1-run-1">{COPIED}</a></mark>' in html
    assert 'id="source-2-run-1"' in html
    assert 'id="pending"' not in html


def test_the_writer_sees_reference_titles_but_not_who_else_wrote_the_same(as_role, world):
    html = as_role("staff").get(report_url(world["essay"])).content.decode()
    assert COLLEAGUE_TITLE not in html
    assert "李四" not in html
    assert "开头的话" not in html and "结尾的话" not in html  # the other essay's text
    assert "Overlaps with a text someone else submitted" in html
    assert REFERENCE_TITLE in html
    assert "讲话开头" in html  # the reference passage with its context
    check_url = reverse("originality:check_again", args=[world["essay"].pk])
    assert check_url not in html


@pytest.mark.parametrize("role", ["secretary", "director"])
def test_reviewers_see_who_the_sources_are(as_role, world, role):
    html = as_role(role).get(report_url(world["essay"])).content.decode()
    assert COLLEAGUE_TITLE in html
    assert "李四" in html
    assert "开头的话" in html
    assert REFERENCE_TITLE in html
    assert reverse("originality:check_again", args=[world["essay"].pk]) in html


def test_a_missing_report_is_pending(as_role, org, campaign):
    essay = reflection_document(campaign, org.staff, title="我的心得", body=BODY)
    response = as_role("staff").get(report_url(essay))
    assert response.status_code == 200
    assert 'id="pending"' in response.content.decode()
    assert 'id="figures"' not in response.content.decode()


def test_a_changed_reflection_is_pending(as_role, world):
    Reflection.objects.filter(pk=world["essay"].reflection_id).update(body=BODY + "补充一句。")
    html = as_role("secretary").get(report_url(world["essay"])).content.decode()
    assert 'id="pending"' in html
    assert 'id="figures"' in html  # the report of the text as checked is still shown


def test_a_reference_documents_report_is_for_the_office_only(as_role, world):
    url = report_url(world["reference"].document)
    assert as_role("director").get(url).status_code == 200
    for role in ("staff", "secretary"):
        assert as_role(role).get(url).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_check_again_for_reviewers_and_the_office(as_role, world, role, monkeypatch):
    calls = []
    monkeypatch.setattr(
        "huodong.originality.services._enqueue_checks", lambda ids: calls.append(list(ids))
    )
    url = reverse("originality:check_again", args=[world["essay"].pk])
    response = as_role(role).post(url)
    if role in {"secretary", "director"}:
        assert response.status_code == 302
        assert response["Location"] == report_url(world["essay"])
        assert calls == [[world["essay"].pk]]
    else:
        assert_turned_away(response, role)
        assert calls == []


def test_the_report_keeps_its_query_count(
    as_role, org, campaign, office, world, django_assert_max_num_queries
):
    client = as_role("secretary")
    with django_assert_max_num_queries(30) as few:
        assert client.get(report_url(world["essay"])).status_code == 200
    report = world["report"]
    for n in range(12):
        phrase = OWN[: 10 + n % 3]
        source = reference_document(office, title=f"参考{n}", text=f"前文{n}" + OWN).document
        ReportSource.objects.create(
            report=report,
            source=source,
            ratio=0.01,
            characters=len(phrase),
            runs=[[0, len(phrase), 3, 3 + len(phrase)]],
        )
        other = reflection_document(campaign, org.colleague, title=f"心得{n}", body=OWN)
        ReportSource.objects.create(
            report=report, source=other, ratio=0.01, characters=5, runs=[[0, 5, 0, 5]]
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(report_url(world["essay"]))
    assert response.status_code == 200
    assert 'id="source-26"' in response.content.decode()


# --- The reference library --------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_library_is_the_offices(as_role, world, role):
    url = reverse("originality:library")
    response = as_role(role).get(url)
    if role in OFFICE:
        assert response.status_code == 200
        html = response.content.decode()
        assert REFERENCE_TITLE in html and f"{REFERENCE_TITLE}.txt" in html
        assert "仲主任" in html  # uploaded by
        return
    delete_url = reverse("originality:reference_delete", args=[world["reference"].pk])
    if role == "stranger":
        # Another office's director keeps their own (empty) library, never ours.
        assert response.status_code == 200
        assert REFERENCE_TITLE not in response.content.decode()
        assert_turned_away(as_role(role).get(delete_url), role)
        assert_turned_away(as_role(role).post(delete_url), role)
        assert list(ReferenceText.objects.values_list("title", flat=True)) == [REFERENCE_TITLE]
        return
    assert_turned_away(response, role)
    upload = SimpleUploadedFile("讲话.txt", "学习贯彻讲话精神".encode(), "text/plain")
    assert_turned_away(as_role(role).post(url, {"title": "讲话", "file": upload}), role)
    delete_url = reverse("originality:reference_delete", args=[world["reference"].pk])
    assert_turned_away(as_role(role).get(delete_url), role)
    assert_turned_away(as_role(role).post(delete_url), role)
    assert list(ReferenceText.objects.values_list("title", flat=True)) == [REFERENCE_TITLE]


def test_the_office_uploads_a_text_file(as_role, office):
    upload = SimpleUploadedFile(
        "讲话.txt", "学习贯彻讲话精神，推动高质量发展".encode(), "text/plain"
    )
    response = as_role("director").post(
        reverse("originality:library"), {"title": "市委书记讲话", "file": upload}
    )
    assert response.status_code == 302
    reference = ReferenceText.objects.get()
    assert (reference.title, reference.file_name, reference.office) == (
        "市委书记讲话",
        "讲话.txt",
        office,
    )
    assert OriginalityDocument.objects.filter(reference=reference).exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [("讲话.pdf", b"%PDF-1.4 not a text"), ("空白.txt", b"   \n  "), ("讲话.txt", b"")],
)
def test_a_bad_file_is_refused_and_saves_nothing(as_role, office, name, content):
    upload = SimpleUploadedFile(name, content, "application/octet-stream")
    response = as_role("director").post(
        reverse("originality:library"), {"title": "讲话", "file": upload}
    )
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not ReferenceText.objects.exists()
    assert not OriginalityDocument.objects.exists()


def test_a_bad_file_is_refused_in_chinese(as_role, office, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    upload = SimpleUploadedFile("讲话.pdf", b"%PDF-1.4", "application/pdf")
    response = as_role("director").post(
        reverse("originality:library"), {"title": "讲话", "file": upload}
    )
    assert response.status_code == 200
    assert not ReferenceText.objects.exists()
    html = response.content.decode()
    assert 'class="errorlist' in html and ".docx" in html


def test_the_office_deletes_a_reference_after_confirming(as_role, world):
    url = reverse("originality:reference_delete", args=[world["reference"].pk])
    response = as_role("director").get(url)
    assert response.status_code == 200 and REFERENCE_TITLE in response.content.decode()
    assert ReferenceText.objects.exists()
    assert as_role("director").post(url).status_code == 302
    assert not ReferenceText.objects.exists()
    assert not ReportSource.objects.filter(source__kind=DocumentKind.REFERENCE).exists()


def test_another_offices_reference_is_not_found(as_role, other_office, world):
    foreign = reference_document(other_office, title="外办讲话", text="外办讲话的内容")
    url = reverse("originality:reference_delete", args=[foreign.pk])
    assert as_role("director").post(url).status_code == 404
    assert ReferenceText.objects.filter(pk=foreign.pk).exists()
    assert (
        "外办讲话" not in as_role("director").get(reverse("originality:library")).content.decode()
    )


def test_the_library_keeps_its_query_count(
    as_role, org, office, world, make_member, django_assert_max_num_queries
):
    client = as_role("director")
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse("originality:library")).status_code == 200
    uploaders = [make_member(office, username=f"up{n}", name=f"上传人{n}") for n in range(5)]
    for n in range(60):
        ReferenceText.objects.create(
            office=office, title=f"参考文本{n}", text="内容", uploaded_by=uploaders[n % 5]
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("originality:library"))
    html = response.content.decode()
    assert html.count("/delete/") == 50  # a page of 50
    assert "page=2" in html


# --- The campaign's threshold -------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_threshold_is_set_by_the_office(as_role, world, campaign, role):
    url = reverse("originality:campaign_settings", args=[campaign.pk])
    response = as_role(role).get(url)
    if role in OFFICE:
        assert response.status_code == 200
        assert 'value="30"' in response.content.decode()
        assert as_role(role).post(url, {"threshold_percent": "50"}).status_code == 302
        assert OriginalitySettings.objects.get(campaign=campaign).threshold_percent == 50
        assert not OriginalityReport.objects.get(pk=world["report"].pk).flagged  # 45% ≤ 50%
        return
    assert_turned_away(response, role)
    assert_turned_away(as_role(role).post(url, {"threshold_percent": "50"}), role)
    assert not OriginalitySettings.objects.exists()
    assert OriginalityReport.objects.get(pk=world["report"].pk).flagged


@pytest.mark.parametrize("value", ["0", "101", "abc", ""])
def test_a_threshold_out_of_range_is_refused(as_role, campaign, value):
    url = reverse("originality:campaign_settings", args=[campaign.pk])
    response = as_role("director").post(url, {"threshold_percent": value})
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not OriginalitySettings.objects.exists()


# --- Rescans ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_rescans_are_the_offices(as_role, office, world, role):
    # The test's transaction never commits: the rescan is created, its task not enqueued.
    url = reverse("originality:rescans")
    if role == "stranger":
        # Another office's director sees (and would start) only their own office's rescans.
        Rescan.objects.create(office=office, status=RescanStatus.RUNNING, total=9, done=4)
        html = as_role(role).get(url).content.decode()
        assert "4 / 9" not in html and 'http-equiv="refresh"' not in html
        return
    if role not in OFFICE:
        assert_turned_away(as_role(role).get(url), role)
        assert_turned_away(as_role(role).post(url), role)
        assert not Rescan.objects.exists()
        return
    html = as_role(role).get(url).content.decode()
    assert 'http-equiv="refresh"' not in html
    assert as_role(role).post(url).status_code == 302
    rescan = Rescan.objects.get()
    assert rescan.office == office and rescan.total == 2
    html = as_role(role).get(url).content.decode()
    assert 'http-equiv="refresh"' in html
    assert "0 / 2" in html


def test_a_running_rescan_shows_its_progress(as_role, office):
    Rescan.objects.create(office=office, status=RescanStatus.DONE, total=10, done=10, flagged=3)
    Rescan.objects.create(office=office, status=RescanStatus.RUNNING, total=200, done=57, flagged=1)
    html = as_role("director").get(reverse("originality:rescans")).content.decode()
    assert 'http-equiv="refresh"' in html
    assert '<progress class="progress" max="200" value="57">' in html
    assert "10 / 10" in html
    assert "disabled" in html  # no second rescan while one runs


# --- The reviewers' queue and the reflection's page ----------------------------------------


def test_the_queue_shows_each_copy_ratio(
    as_role, org, campaign, world, django_assert_max_num_queries
):
    url = reverse("participation:reflection_queue", args=[campaign.pk])
    client = as_role("secretary")
    with django_assert_max_num_queries(30) as few:
        html = client.get(url).content.decode()
    assert f'href="{report_url(world["essay"])}">45.0%</a>' in html
    assert "Suspected plagiarism" in html
    for n in range(8):
        doc = reflection_document(campaign, org.colleague, title=f"心得{n}", body=OWN)
        OriginalityReport.objects.create(
            document=doc, length=20, ratio=0.05, ratio_without_quotes=0
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count('class="copy-ratio"') == 9  # the colleague's first essay is unchecked


def test_the_reflection_links_its_report(as_role, world):
    url = reverse("participation:reflection", args=[world["essay"].reflection_id])
    for role in ("staff", "secretary", "director"):
        html = as_role(role).get(url).content.decode()
        assert report_url(world["essay"]) in html, role
    other_url = reverse("participation:reflection", args=[world["other"].reflection_id])
    assert report_url(world["other"]) not in as_role("colleague").get(other_url).content.decode()
