"""The .docx files: they open with python-docx, carry the sections, the summary's closing and
the brief's masthead, and download under their Chinese title."""

from __future__ import annotations

import io
from urllib.parse import quote

import docx
from django.urls import reverse
from docx.oxml.ns import qn

from huodong.campaigns.tests.conftest import seed_campaign  # noqa: F401  (fixture)
from huodong.core.models import AuditRecord
from huodong.core.officedoc import DOCX_CONTENT_TYPE, HEADING_FONT, TITLE_FONT
from huodong.reports import services
from huodong.reports.models import ReportDraft
from huodong.reports.tests.test_documents import (  # noqa: F401  (fixtures)
    _demo_day,
    brief,
    cast,
    login,
    summary,
)


def opened(response) -> docx.document.Document:
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    return docx.Document(io.BytesIO(response.content))


def east_asia(paragraph) -> str:
    run = paragraph.runs[0]
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def test_the_summary_as_an_official_document(cast, login):  # noqa: F811
    draft = summary(cast)
    draft = services.report_draft_update(
        actor=cast.director,
        draft=draft,
        title=draft.title,
        sections=[
            services.SectionText(s.heading, s.body.replace("下一步，", "下一步，我办"))
            for s in draft.sections.order_by("order")
        ],
        version=1,
    )
    client = login(cast.director)
    response = client.get(reverse("reports:document_docx", args=[draft.pk]))
    document = opened(response)
    name = "关于开展解放思想大讨论活动情况的总结.docx"
    assert f"filename*=utf-8''{quote(name)}" in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")
    paragraphs = [p for p in document.paragraphs if p.text]
    assert paragraphs[0].text == draft.title and east_asia(paragraphs[0]) == TITLE_FONT
    texts = [p.text for p in paragraphs]
    headings = ["一、基本情况", "二、主要做法和成效", "三、典型经验和做法"]
    headings += ["四、存在的问题和不足", "五、下一步工作打算"]
    for heading in headings:
        assert heading in texts
        assert east_asia(paragraphs[texts.index(heading)]) == HEADING_FONT
    body = "\n".join(texts)
    for section in draft.sections.all():
        for paragraph in section.paragraphs():
            assert paragraph in texts
    assert "下一步，我办" in body
    # （一） sub-headings lead their paragraph in 楷体.
    sub = next(p for p in paragraphs if p.text.startswith("（一）"))
    assert east_asia(sub) == "楷体_GB2312" and sub.runs[1].text.startswith("各单位")
    assert texts[-2:] == ["宿迁市政务服务管理办公室", "2018年6月20日"]
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.top_margin.mm) == 37
    footer = "".join(p.text for p in section.footer.paragraphs)
    assert "—" in footer  # the page number
    assert AuditRecord.objects.filter(
        action="reports.draft_export", object_id=str(draft.pk)
    ).exists()


def test_the_brief_under_its_masthead(cast, login):  # noqa: F811
    draft = brief(cast)
    document = opened(login(cast.leader).get(reverse("reports:document_docx", args=[draft.pk])))
    paragraphs = [p for p in document.paragraphs if p.text]
    masthead = paragraphs[0]
    assert masthead.text == "解放思想大讨论工作简报"
    assert masthead.runs[0].font.color.rgb is not None
    assert str(masthead.runs[0].font.color.rgb) != "000000"
    assert paragraphs[1].text == "第1期"
    issuer_line = paragraphs[2]
    assert issuer_line.text == "解放思想大讨论活动领导小组办公室编\t2018年6月20日"
    border = issuer_line._p.pPr.find(qn("w:pBdr"))
    assert border is not None and border.find(qn("w:bottom")) is not None
    texts = [p.text for p in paragraphs]
    assert texts[3] == draft.title
    for heading in (
        "一、本周工作进展",
        "二、活动累计情况",
        "三、下周到期任务",
        "四、需要关注的问题",
    ):
        assert heading in texts
    for section in draft.sections.all():
        for paragraph in section.paragraphs():
            assert paragraph in texts


def test_a_final_report_is_dated_when_finalised(cast, login):  # noqa: F811
    draft = services.report_draft_finalise(actor=cast.director, draft=summary(cast))
    document = opened(login(cast.staff).get(reverse("reports:document_docx", args=[draft.pk])))
    assert [p.text for p in document.paragraphs if p.text][-1] == "2018年6月20日"
    assert ReportDraft.objects.get().status == "final"
