"""Acceptance (issue #9): the final summary .docx of the demo campaign opens with python-docx
and every number it takes from the campaign's figures equals the number on the dashboard."""

from __future__ import annotations

import io
import re
from collections import defaultdict
from html.parser import HTMLParser

import docx
import pytest
from django.urls import NoReverseMatch, reverse

from huodong.campaigns.models import Campaign
from huodong.core.demo_office import DEMO_PASSWORD
from huodong.reports.documents.drafting import Mention
from huodong.reports.models import ReportDraft, ReportKind

NUMBER = r"(—|\d+(?:\.\d)?%?)"


class FigureParser(HTMLParser):
    """Collects the text of every element with data-figure="<field>"."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[str, list[str]] = defaultdict(list)
        self._open: list[tuple[str, str | None, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        field = dict(attrs).get("data-figure")
        self._open.append((tag, field, []))

    def handle_endtag(self, tag):
        while self._open:
            open_tag, field, parts = self._open.pop()
            if field:
                self.figures[field].append("".join(parts).strip())
            if self._open:
                self._open[-1][2].extend(parts)
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self._open:
            self._open[-1][2].append(data)


def dashboard_figures(html: str) -> dict[str, str]:
    parser = FigureParser()
    parser.feed(html)
    figures = {}
    for field, values in parser.figures.items():
        assert len(set(values)) == 1, f"the dashboard shows {field} as {values}"
        figures[field] = values[0]
    return figures


def test_the_summary_matches_the_dashboard(demo, client):
    campaign = Campaign.objects.get(title="关于开展解放思想大讨论活动的方案")
    try:
        dashboard_url = reverse("reports:dashboard", args=[campaign.pk])
    except NoReverseMatch:
        pytest.skip("the dashboard page (reports:dashboard) does not exist yet")
    assert client.login(username="zhongchonghao", password=DEMO_PASSWORD)

    # The office director drafts the final summary through the page and downloads it.
    response = client.post(
        reverse("reports:document_create", args=[campaign.pk]), {"what": "summary"}
    )
    draft = ReportDraft.objects.get(campaign=campaign, kind=ReportKind.SUMMARY)
    assert response["Location"] == reverse("reports:document", args=[draft.pk])
    response = client.get(reverse("reports:document_docx", args=[draft.pk]))
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert text.startswith("关于开展解放思想大讨论活动情况的总结")

    response = client.get(dashboard_url)
    if response.status_code == 404:
        pytest.skip("the dashboard page answers 404 for the office director")
    assert response.status_code == 200
    shown = dashboard_figures(response.content.decode())
    assert shown.get("as_of") == draft.figures["current"]["as_of"], "not the same day"

    mentions = [Mention.from_json(m) for m in draft.mentions]
    assert len({m.field for m in mentions}) >= 30, "the summary cites too few figures"
    for mention in mentions:
        assert mention.scope == "total"
        assert mention.field in shown, f"{mention.field} is not on the dashboard"
        # The sentence drafted for the figure is in the document with its number…
        assert mention.phrase in text, f"{mention.field}: “{mention.phrase}” is not in the docx"
        # …and wherever the document uses those words, the number is the dashboard's.
        pattern = re.escape(mention.before) + NUMBER + re.escape(mention.after)
        written = re.findall(pattern, text)
        assert written, mention
        for number in written:
            assert number == shown[mention.field], (
                f"{mention.field}: the summary says {number}, the dashboard "
                f"{shown[mention.field]} (“{mention.phrase}”)"
            )
