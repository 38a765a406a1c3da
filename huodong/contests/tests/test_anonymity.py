"""Anonymous judging: a judge never learns who wrote an entry.

Every page and export a judge can reach (the contest list and page, my entries to judge, each
entry's score sheet, the sheet as JSON and as .xlsx) is rendered and searched for every
author's name, unit, organisation, contact and receipt code, and for the other judges' names,
scores and comments: none may appear. The organisers' pages (entries with authors, an entry by
id, the results and their export, any judge's sheets) and the entries' originality reports
answer a judge 404 — also a judge who is otherwise office staff, and also once the results are
decided but not yet published.
"""

from __future__ import annotations

import io

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from openpyxl import load_workbook

from huodong.contests import services
from huodong.contests.models import Contest, Entry, Judge
from huodong.contests.tests.conftest import (
    AUTHOR_NAME,
    AUTHOR_UNIT,
    PUBLIC_CONTACT,
    PUBLIC_NAME,
    PUBLIC_ORG,
    SECOND_NAME,
    SECOND_UNIT,
    People,
    criteria,
)
from huodong.originality import index_cache
from huodong.originality.models import OriginalityDocument
from huodong.originality.services import documents_check

pytestmark = pytest.mark.django_db

OTHER_JUDGE_COMMENT = "此文出自欧阳之手无疑"  # never shown to the other judges
OTHER_JUDGE_SCORE = "37.3"


def hidden_from_judges(contest: Contest) -> list[str]:
    words = [
        AUTHOR_NAME,
        AUTHOR_UNIT,
        SECOND_NAME,
        SECOND_UNIT,
        PUBLIC_NAME,
        PUBLIC_ORG,
        PUBLIC_CONTACT,
        OTHER_JUDGE_COMMENT,
        OTHER_JUDGE_SCORE,
        "评委2",  # the other judge's name
    ]
    words += list(Entry.objects.filter(contest=contest).values_list("receipt_code", flat=True))
    return words


@pytest.fixture
def scored(judging, people):
    """The other judge has scored and commented; reports exist for every entry."""
    first, second, third = criteria(judging.contest)
    services.score_sheet_save(
        actor=people.judges[1],
        entry=judging.entry,
        scores={first.pk: OTHER_JUDGE_SCORE, second.pk: "21", third.pk: "22"},
        comment=OTHER_JUDGE_COMMENT,
        complete=True,
    )
    services.score_sheet_save(
        actor=people.judges[0],
        entry=judging.entry,
        scores={first.pk: "30", second.pk: "20"},
        comment="我自己的评语",
    )
    index_cache.reset()
    documents_check(document_ids=list(OriginalityDocument.objects.values_list("pk", flat=True)))
    # A judge who is office staff too: judging outweighs the role.
    services.judge_add(
        actor=people.director, contest=judging.contest, person=People.person(people.office_staff)
    )
    return judging


def judge_pages(client, contest: Contest) -> dict[str, str]:
    """Everything the judge can open, as text (the .xlsx as its cells' values)."""
    pages: dict[str, str] = {}
    urls = [
        reverse("contests:list"),
        reverse("contests:detail", args=[contest.pk]),
        reverse("contests:judge_list", args=[contest.pk]),
        reverse("contests:judge_sheet_json", args=[contest.pk]),
    ]
    numbers = Entry.objects.filter(contest=contest).values_list("number", flat=True)
    urls += [reverse("contests:judge_entry", args=[contest.pk, number]) for number in numbers]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    export = client.get(reverse("contests:judge_sheet_xlsx", args=[contest.pk]))
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(export.streaming_content)), read_only=True)
    pages["xlsx"] = "\n".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
    return pages


def organiser_urls(contest: Contest) -> list[str]:
    urls = [
        reverse(name, args=[contest.pk])
        for name in (
            "contests:setup",
            "contests:edit",
            "contests:entries",
            "contests:entries_export",
            "contests:results",
            "contests:results_xlsx",
        )
    ]
    for entry in Entry.objects.filter(contest=contest):
        urls.append(reverse("contests:entry", args=[contest.pk, entry.pk]))
        urls.append(reverse("originality:report", args=[entry.originality_document.pk]))
    for judge in Judge.objects.filter(contest=contest):
        urls.append(reverse("contests:judge_sheet_admin", args=[contest.pk, judge.pk]))
    return urls


@pytest.mark.parametrize("who", ["judge", "office_staff_judge"])
def test_judges_never_see_authors(client, scored, people, who):
    contest = scored.contest
    client.force_login(people.judges[0] if who == "judge" else people.office_staff)
    pages = judge_pages(client, contest)
    assert len(pages) == 8
    # The pages do show what the judge works on.
    sheet = pages[reverse("contests:judge_entry", args=[contest.pk, 1])]
    assert "澄心致远" in sheet and scored.entry.body in sheet
    for word in hidden_from_judges(contest):
        for url, text in pages.items():
            assert word not in text, f"{word!r} leaks on {url}"


def test_the_judges_json_names_no_author(client, scored, people):
    client.force_login(people.judges[0])
    data = client.get(reverse("contests:judge_sheet_json", args=[scored.contest.pk])).json()
    assert set(data) == {"contest", "criteria", "entries"}
    for entry in data["entries"]:
        assert set(entry) == {"number", "title", "text", "scores", "total", "comment", "complete"}
    mine = data["entries"][0]
    assert mine["comment"] == "我自己的评语" and mine["complete"] is False
    assert sorted(mine["scores"].values()) == ["20.0", "30.0"]


@pytest.mark.parametrize("who", ["judge", "office_staff_judge"])
def test_judges_are_turned_away_from_the_organisers_pages(client, scored, people, who):
    contest = scored.contest
    client.force_login(people.judges[0] if who == "judge" else people.office_staff)
    for url in organiser_urls(contest):
        assert client.get(url).status_code == 404, url
    # Nor may they act as organisers.
    response = client.post(
        reverse("contests:entry_disqualify", args=[contest.pk, scored.entry.pk]),
        {"reason": "x"},
    )
    assert response.status_code == 404
    # The organisers do reach them all, and there the authors are named: the search above
    # would have found them.
    client.force_login(people.director)
    for url in organiser_urls(contest):
        assert client.get(url).status_code == 200, url
    listed = client.get(reverse("contests:entries", args=[contest.pk])).content.decode()
    for word in (AUTHOR_NAME, AUTHOR_UNIT, SECOND_NAME, PUBLIC_NAME, PUBLIC_ORG):
        assert word in listed


def test_still_anonymous_once_decided_before_publication(client, scored, people):
    contest = scored.contest
    first, second, third = criteria(contest)
    for judge in (*people.judges, people.office_staff):
        for entry in Entry.objects.filter(contest=contest):
            services.score_sheet_save(
                actor=judge,
                entry=entry,
                scores={first.pk: "30", second.pk: "20", third.pk: "20"},
                comment="",
                complete=True,
            )
    services.contest_decide(actor=people.director, contest=contest)
    client.force_login(people.judges[0])
    pages = judge_pages(client, contest)
    for word in hidden_from_judges(contest):
        for url, text in pages.items():
            assert word not in text, f"{word!r} leaks on {url}"
    assert client.get(reverse("contests:results", args=[contest.pk])).status_code == 404
    published = reverse("contests_public:results", args=[contest.public_key])
    assert client.get(published).status_code == 404


def test_a_disqualified_entry_disappears_from_the_judges(client, scored, people):
    services.entry_disqualify(actor=people.director, entry=scored.second, reason="抄袭")
    client.force_login(people.judges[0])
    contest = scored.contest
    url = reverse("contests:judge_entry", args=[contest.pk, scored.second.number])
    assert client.get(url).status_code == 404
    listed = client.get(reverse("contests:judge_list", args=[contest.pk])).content.decode()
    assert "望舒之思" not in listed


def test_the_campaign_links_name_no_author(scored, people, office):
    import datetime as dt

    from huodong.campaigns.models import Campaign

    campaign = Campaign.objects.create(
        office=office,
        title="解放思想大讨论活动",
        start=dt.date(2018, 5, 1),
        end=dt.date(2018, 12, 31),
    )
    Contest.objects.filter(pk=scored.contest.pk).update(campaign=campaign)
    request = RequestFactory().get("/")
    request.user = people.judges[0]
    html = Template("{% load contests_tags %}{% contest_links campaign %}").render(
        Context({"request": request, "campaign": campaign})
    )
    assert scored.contest.title in html
    assert reverse("contests:detail", args=[scored.contest.pk]) in html
    for word in hidden_from_judges(scored.contest):
        assert word not in html
