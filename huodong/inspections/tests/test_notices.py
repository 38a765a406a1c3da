import datetime as dt
import io

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Length, Pt

from huodong.campaigns.models import Campaign, Task, TaskUnit, TaskUnitRole
from huodong.core.models import AuditRecord
from huodong.inspections import selectors, services
from huodong.inspections.models import Notice, NoticeStatus
from huodong.inspections.notice_text import Shortfall, shortfall_section
from huodong.notifications.models import Notification
from huodong.orgs.models import Office, Unit, UnitKind

pytestmark = pytest.mark.django_db

JUNE_1, JUNE_20 = dt.date(2018, 6, 1), dt.date(2018, 6, 20)


# Generation from the data ----------------------------------------------------------------------


@pytest.fixture
def small_campaign(office):
    """A hand-built campaign whose state at 2018-06-20 is known task by task."""
    campaign = Campaign.objects.create(
        office=office, title="关于开展作风建设年活动的方案", doc_number="宿政管发〔2018〕12号"
    )
    a, b, c = (
        Unit.objects.create(office=office, name=name, kind=UnitKind.DEPARTMENT, sort_order=n)
        for n, name in enumerate(["甲处", "乙处", "丙处"])
    )

    def task(seq, due, completed_on=None, leads=(), co=()):
        t = Task.objects.create(
            campaign=campaign, seq=seq, text=f"任务{seq}", due=due, completed_on=completed_on
        )
        for unit in leads:
            TaskUnit.objects.create(task=t, unit=unit, role=TaskUnitRole.LEAD)
        for unit in co:
            TaskUnit.objects.create(task=t, unit=unit, role=TaskUnitRole.CO)

    task(1, dt.date(2018, 6, 10), leads=[a], co=[c])  # overdue 10 days; c only helps
    task(2, dt.date(2018, 5, 20), leads=[a, b])  # overdue 31 days, two lead units
    task(3, dt.date(2018, 6, 30), dt.date(2018, 6, 5), leads=[c])  # done 25 days early
    task(4, dt.date(2018, 6, 15), dt.date(2018, 6, 15), leads=[b])  # on the day: not early
    task(5, dt.date(2018, 6, 10), dt.date(2018, 6, 12), leads=[c])  # done late, before the end
    task(6, dt.date(2018, 6, 10), dt.date(2018, 6, 25), leads=[b])  # done after the period
    task(7, dt.date(2018, 5, 31), dt.date(2018, 5, 20), leads=[a])  # early, before the period
    task(8, dt.date(2018, 7, 30), leads=[a])  # not due yet
    task(9, None, leads=[b])  # no deadline
    return campaign


def test_facts_name_overdue_tasks_by_unit_and_early_units(small_campaign):
    facts = selectors.notice_facts(small_campaign, period_start=JUNE_1, period_end=JUNE_20)
    overdue = {u.unit_name: [(t.seq, t.days_late) for t in u.tasks] for u in facts.overdue}
    assert overdue == {"甲处": [(1, 10), (2, 31)], "乙处": [(2, 31), (6, 10)]}
    assert [u.unit_name for u in facts.overdue] == ["甲处", "乙处"]
    early = {u.unit_name: [(t.seq, t.days_early) for t in u.tasks] for u in facts.early}
    assert early == {"丙处": [(3, 25)]}
    assert facts.shortfalls == []
    names = dict(Unit.objects.values_list("pk", "name"))
    assert [names[i] for i in facts.unit_ids] == ["甲处", "乙处", "丙处"]


def test_the_draft_text_says_what_happened(small_campaign, office, make_member):
    director = make_member(office, role="office_director")
    notice = services.notice_draft_create(
        actor=director,
        campaign=small_campaign,
        period_start=JUNE_1,
        period_end=JUNE_20,
        issued_on=JUNE_20,
    )
    assert notice.status == NoticeStatus.DRAFT
    assert notice.title == "关于作风建设年活动推进情况的通报"
    assert notice.issuer == "作风建设年活动领导小组办公室"
    assert notice.doc_number == "宿政管督〔2018〕1号"
    lines = notice.body.splitlines()
    assert lines[0] == "各有关单位："
    assert "《关于开展作风建设年活动的方案》（宿政管发〔2018〕12号）" in lines[1]
    assert "2018年6月1日至6月20日" in lines[1]
    assert "一、逾期未完成的任务" in lines
    assert "截至6月20日，共有3项任务逾期未完成，涉及2个单位：" in lines
    assert (
        "甲处：第1项“任务1”，完成时限6月10日，逾期10天；第2项“任务2”，完成时限5月20日，逾期31天。"
        in lines
    )
    assert (
        "乙处：第2项“任务2”，完成时限5月20日，逾期31天；第6项“任务6”，完成时限6月10日，逾期10天。"
        in lines
    )
    assert "丙处：第3项“任务3”于6月5日完成，比完成时限提前25天。" in lines
    assert "三、未达到活动要求的单位" in lines
    assert "各单位、各支部均达到活动的数量要求。" in lines
    assert "第4项" not in notice.body and "第5项" not in notice.body
    assert "第7项" not in notice.body and "第8项" not in notice.body
    assert sorted(u.name for u in notice.units.all()) == ["丙处", "乙处", "甲处"]
    assert AuditRecord.objects.filter(action="notice.draft").count() == 1


def test_a_quiet_period_says_so(small_campaign, make_member, office):
    notice = services.notice_draft_create(
        actor=make_member(office, role="office_staff"),
        campaign=small_campaign,
        period_start=dt.date(2018, 5, 1),
        period_end=dt.date(2018, 5, 15),
        issued_on=JUNE_20,
    )
    assert "截至5月15日，没有逾期未完成的任务。" in notice.body
    assert "本期没有提前完成任务的单位。" in notice.body
    assert not notice.units.exists()


def test_the_shortfall_section_lists_units_once_compliance_exists():
    lines = shortfall_section([Shortfall(1, "甲处", "每人学习", minimum=4, done=2)])
    assert lines == ["甲处：每人学习，要求不少于4，实际完成2。"]
    assert "均达到" in shortfall_section([])[0]


def test_facts_name_branches_short_of_their_problems(small_campaign, office):
    from huodong.campaigns.models import Requirement, RequirementMeasure
    from huodong.participation.models import Problem

    found = Unit.objects.create(office=office, name="一支部", kind=UnitKind.BRANCH)
    short = Unit.objects.create(office=office, name="二支部", kind=UnitKind.BRANCH)
    Requirement.objects.create(
        campaign=small_campaign,
        scope="branch",
        minimum=2,
        subject="问题",
        measure=RequirementMeasure.PROBLEMS,
        source_text="各支部查找问题不少于2个",
    )
    for seq, (branch, day) in enumerate([(found, 3), (found, 5), (short, 8), (short, 25)], start=1):
        Problem.objects.create(
            campaign=small_campaign,
            branch=branch,
            seq=seq,
            description="问题",
            category="other",
            found_on=dt.date(2018, 6, day),
        )
    facts = selectors.notice_facts(small_campaign, period_start=JUNE_1, period_end=JUNE_20)
    assert [(s.unit_name, s.minimum, s.done) for s in facts.shortfalls] == [("二支部", 2, 1)]
    assert shortfall_section(facts.shortfalls) == [
        "二支部：各支部查找问题不少于2个，要求不少于2，实际完成1。"
    ]


# Document numbers ------------------------------------------------------------------------------


def test_next_number_follows_the_office_and_year(small_campaign, office, other_office):
    def suggest(year=2018, campaign=small_campaign):
        return selectors.notice_next_doc_number(campaign.office, campaign=campaign, year=year)

    assert suggest() == "宿政管督〔2018〕1号"
    Notice.objects.create(
        campaign=small_campaign,
        office=office,
        period_start=JUNE_1,
        period_end=JUNE_20,
        title="t",
        doc_number="宿政管督〔2018〕7号",
    )
    assert suggest() == "宿政管督〔2018〕8号"
    assert suggest(year=2019) == "宿政管督〔2019〕1号"
    elsewhere = Campaign.objects.create(office=other_office, title="活动")
    other_office.short_name = "另办"
    other_office.save()
    assert suggest(campaign=elsewhere) == "另办督〔2018〕1号"


def test_numbers_are_unique_per_office(small_campaign, office, other_office):
    def make(office, number):
        return Notice.objects.create(
            campaign=small_campaign,
            office=office,
            period_start=JUNE_1,
            period_end=JUNE_20,
            title="t",
            doc_number=number,
        )

    make(office, "宿政管督〔2018〕1号")
    make(other_office, "宿政管督〔2018〕1号")
    make(office, "")
    make(office, "")  # drafts without a number do not collide
    with pytest.raises(IntegrityError), transaction.atomic():
        make(office, "宿政管督〔2018〕1号")


def test_a_number_taken_meanwhile_is_skipped(small_campaign, office, make_member, monkeypatch):
    director = make_member(office, role="office_director")
    first = services.notice_draft_create(
        actor=director, campaign=small_campaign, period_start=JUNE_1, period_end=JUNE_20
    )
    real = services.notice_next_doc_number
    calls = []

    def stale(*args, **kwargs):
        # The first suggestion was read before `first` was saved by another request.
        calls.append(1)
        return first.doc_number if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(services, "notice_next_doc_number", stale)
    second = services.notice_draft_create(
        actor=director, campaign=small_campaign, period_start=JUNE_1, period_end=JUNE_20
    )
    assert len(calls) == 2
    assert first.doc_number != second.doc_number
    assert second.doc_number.endswith("2号")


def test_editing_to_a_taken_number_changes_nothing(cast, login):
    first = _draft(cast)
    second = _draft(cast)
    client = login(cast.director)
    response = client.post(
        reverse("inspections:notice_edit", args=[cast.campaign.pk, second.pk]),
        _edit_data(second, doc_number=first.doc_number, title="新标题"),
    )
    assert response.status_code == 200
    assert "already used" in response.content.decode() or "已" in response.content.decode()
    second.refresh_from_db()
    assert second.title != "新标题"
    assert second.doc_number != first.doc_number


# Who drafts, edits and publishes ---------------------------------------------------------------


def _draft(cast):
    return services.notice_draft_create(
        actor=cast.director, campaign=cast.campaign, period_start=JUNE_1, period_end=JUNE_20
    )


def _edit_data(notice, **changes):
    data = {
        "doc_number": notice.doc_number,
        "title": notice.title,
        "body": notice.body,
        "issuer": notice.issuer,
        "issued_on": "2018-06-20",
        "units": [u.pk for u in notice.units.all()],
    }
    data.update(changes)
    return data


OFFICE = ["director", "staff", "admin", "seat_director", "seat_staff"]
NOT_OFFICE = ["inspector", "head", "contact", "other_head", "plain", "leader", "group_leader"]


@pytest.mark.parametrize("who", OFFICE)
def test_the_office_drafts_edits_and_publishes(cast, login, who):
    client = login(getattr(cast, who))
    response = client.post(
        reverse("inspections:notice_new", args=[cast.campaign.pk]),
        {"period_start": "2018-06-01", "period_end": "2018-06-20"},
    )
    notice = Notice.objects.get()
    assert response["Location"] == reverse(
        "inspections:notice_edit", args=[cast.campaign.pk, notice.pk]
    )
    response = client.post(
        reverse("inspections:notice_edit", args=[cast.campaign.pk, notice.pk]),
        _edit_data(notice, title="关于活动推进情况的通报", units=[cast.unit.pk]),
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.title == "关于活动推进情况的通报"
    assert list(notice.units.all()) == [cast.unit]
    client.post(reverse("inspections:notice_publish", args=[cast.campaign.pk, notice.pk]))
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.PUBLISHED
    assert notice.published_by == getattr(cast, who)
    # The heads and contacts of the units concerned are told, once each.
    notified = set(Notification.objects.filter(kind="notice").values_list("recipient", flat=True))
    assert notified == {cast.head.pk, cast.contact.pk}


@pytest.mark.parametrize("who", NOT_OFFICE)
def test_others_may_not_draft_edit_or_publish(cast, login, who):
    notice = _draft(cast)
    before = Notice.objects.values().get(pk=notice.pk)
    client = login(getattr(cast, who))
    new_url = reverse("inspections:notice_new", args=[cast.campaign.pk])
    assert client.get(new_url).status_code == 403
    assert (
        client.post(new_url, {"period_start": "2018-06-01", "period_end": "2018-06-20"}).status_code
        == 403
    )
    edit = reverse("inspections:notice_edit", args=[cast.campaign.pk, notice.pk])
    assert client.post(edit, _edit_data(notice, title="改")).status_code == 404
    publish = reverse("inspections:notice_publish", args=[cast.campaign.pk, notice.pk])
    assert client.post(publish).status_code == 404
    assert Notice.objects.count() == 1
    assert Notice.objects.values().get(pk=notice.pk) == before
    assert not Notification.objects.exists()


def test_another_office_and_anonymous_reach_nothing(cast, login, client):
    notice = _draft(cast)
    urls = [
        reverse("inspections:notices", args=[cast.campaign.pk]),
        reverse("inspections:notice", args=[cast.campaign.pk, notice.pk]),
        reverse("inspections:notice_docx", args=[cast.campaign.pk, notice.pk]),
    ]
    outsider = login(cast.outsider)
    for url in urls:
        assert outsider.get(url).status_code == 404
    assert (
        outsider.post(
            reverse("inspections:notice_publish", args=[cast.campaign.pk, notice.pk])
        ).status_code
        == 404
    )
    client.logout()
    for url in urls:
        assert client.get(url).status_code == 302
    client.post(reverse("inspections:notice_publish", args=[cast.campaign.pk, notice.pk]))
    assert Notice.objects.get().status == NoticeStatus.DRAFT


def test_a_published_notice_is_read_only(cast, login):
    notice = _draft(cast)
    services.notice_publish(actor=cast.director, notice=notice)
    before = Notice.objects.values().get(pk=notice.pk)
    sent = Notification.objects.count()
    assert sent > 0
    with pytest.raises(services.TransitionRefused):
        services.notice_update(
            actor=cast.director,
            notice=notice,
            title="改",
            doc_number=notice.doc_number,
            body="",
            issuer="",
            issued_on=None,
            units=[],
        )
    with pytest.raises(services.TransitionRefused):
        services.notice_publish(actor=cast.director, notice=notice)
    client = login(cast.director)
    edit = reverse("inspections:notice_edit", args=[cast.campaign.pk, notice.pk])
    assert client.get(edit).status_code == 302
    client.post(edit, _edit_data(notice, title="改"))
    client.post(reverse("inspections:notice_publish", args=[cast.campaign.pk, notice.pk]))
    assert Notice.objects.values().get(pk=notice.pk) == before
    assert Notification.objects.count() == sent


def test_a_notice_needs_a_number_to_be_published(cast):
    notice = _draft(cast)
    Notice.objects.filter(pk=notice.pk).update(doc_number="")
    notice.refresh_from_db()
    with pytest.raises(services.SupervisionError):
        services.notice_publish(actor=cast.director, notice=notice)
    assert Notice.objects.get().status == NoticeStatus.DRAFT


# Who reads -------------------------------------------------------------------------------------


def _published(cast):
    notice = _draft(cast)
    services.notice_update(
        actor=cast.director,
        notice=notice,
        title=notice.title,
        doc_number=notice.doc_number,
        body=notice.body,
        issuer=notice.issuer,
        issued_on=notice.issued_on,
        units=[cast.unit],
    )
    return services.notice_publish(actor=cast.director, notice=notice)


@pytest.mark.parametrize(
    "who",
    ["director", "staff", "admin", "inspector", "leader", "group_member", "head", "contact"],
)
def test_a_published_notice_is_read_by_the_office_leaders_and_its_units(cast, login, who):
    notice = _published(cast)
    client = login(getattr(cast, who))
    assert (
        client.get(reverse("inspections:notice", args=[cast.campaign.pk, notice.pk])).status_code
        == 200
    )
    listing = client.get(reverse("inspections:notices", args=[cast.campaign.pk])).content.decode()
    assert f'data-notice="{notice.pk}"' in listing
    assert (
        client.get(
            reverse("inspections:notice_docx", args=[cast.campaign.pk, notice.pk])
        ).status_code
        == 200
    )


@pytest.mark.parametrize("who", ["other_head", "plain"])
def test_units_not_concerned_do_not_read_it(cast, login, who):
    notice = _published(cast)
    client = login(getattr(cast, who))
    assert (
        client.get(reverse("inspections:notice", args=[cast.campaign.pk, notice.pk])).status_code
        == 404
    )
    listing = client.get(reverse("inspections:notices", args=[cast.campaign.pk]))
    assert f'data-notice="{notice.pk}"' not in listing.content.decode()


@pytest.mark.parametrize("who", ["head", "inspector", "leader", "group_member"])
def test_drafts_are_the_offices_own(cast, login, who):
    notice = _draft(cast)
    services.notice_update(
        actor=cast.director,
        notice=notice,
        title=notice.title,
        doc_number=notice.doc_number,
        body=notice.body,
        issuer=notice.issuer,
        issued_on=notice.issued_on,
        units=[cast.unit],
    )
    client = login(getattr(cast, who))
    assert (
        client.get(reverse("inspections:notice", args=[cast.campaign.pk, notice.pk])).status_code
        == 404
    )
    listing = client.get(reverse("inspections:notices", args=[cast.campaign.pk])).content.decode()
    assert f'data-notice="{notice.pk}"' not in listing


def test_notice_list_runs_a_fixed_number_of_queries(cast, login, django_assert_max_num_queries):
    _published(cast)
    url = reverse("inspections:notices", args=[cast.campaign.pk])
    client = login(cast.head)
    client.get(url)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    units = list(Unit.objects.filter(office=cast.campaign.office))
    for i in range(60):
        notice = Notice.objects.create(
            campaign=cast.campaign,
            office=cast.campaign.office,
            period_start=JUNE_1,
            period_end=JUNE_20,
            title=f"通报{i}",
            doc_number=f"测〔2018〕{100 + i}号",
            status=NoticeStatus.PUBLISHED,
        )
        notice.units.set(units[:5])
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count("data-notice=") == 30


# The .docx ------------------------------------------------------------------------------------


def _east_asia(run) -> str | None:
    fonts = run._element.rPr.rFonts if run._element.rPr is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def test_the_exported_notice_is_laid_out_per_gb_t_9704(cast, login):
    notice = _published(cast)
    client = login(cast.head)
    response = client.get(reverse("inspections:notice_docx", args=[cast.campaign.pk, notice.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"].startswith("attachment")
    assert AuditRecord.objects.filter(action="notice.export").count() == 1

    document = Document(io.BytesIO(response.content))
    section = document.sections[0]

    # Word stores the page in twentieths of a point: compare to a tenth of a millimetre.
    def mm(length):
        return round(Length(length).mm, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert mm(section.top_margin) == 37
    assert mm(section.bottom_margin) == 35
    assert mm(section.left_margin) == 28
    assert mm(section.right_margin) == 26
    # The text block is 156 × 225 mm.
    assert mm(section.page_width - section.left_margin - section.right_margin) == 156
    assert mm(section.page_height - section.top_margin - section.bottom_margin) == 225

    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    number, title = paragraphs[0], paragraphs[1]
    assert number.text == notice.doc_number == "宿政管督〔2018〕1号"
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.text == notice.title
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert _east_asia(title.runs[0]) == "方正小标宋简体"
    assert title.runs[0].font.size == Pt(22)

    body = [p for p in paragraphs[2:] if not p.text.startswith(("一、", "二、", "三、", "四、"))]
    assert body
    for paragraph in body:
        for run in paragraph.runs:
            assert _east_asia(run) == "仿宋_GB2312"
            assert run.font.size == Pt(16)
    headings = [p for p in paragraphs if p.text.startswith("一、")]
    assert headings and _east_asia(headings[0].runs[0]) == "黑体"
    assert paragraphs[-2].text == notice.issuer
    assert paragraphs[-1].text == "2018年6月20日"
    assert paragraphs[-1].alignment == WD_ALIGN_PARAGRAPH.RIGHT

    # Page numbers: "— PAGE —" in 4号 宋体, odd pages right and even pages left.
    assert document.settings.odd_and_even_pages_header_footer
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        xml = footer._element.xml
        assert "PAGE" in "".join(t.text for t in footer._element.iter(qn("w:instrText")))
        kinds = [f.get(qn("w:fldCharType")) for f in footer._element.iter(qn("w:fldChar"))]
        assert kinds == ["begin", "separate", "end"]
        paragraph = footer.paragraphs[0]
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        assert paragraph.alignment == align
        assert all(_east_asia(r) == "宋体" and r.font.size == Pt(14) for r in paragraph.runs)
        assert "w:fldChar" in xml


def test_other_offices_notice_numbers_do_not_count(cast, other_office):
    Office.objects.filter(pk=other_office.pk).update(short_name="外办")
    assert _draft(cast).doc_number == "宿政管督〔2018〕1号"
