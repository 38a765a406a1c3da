"""The contest's pages per role: who reaches them (404 for everyone else, nothing changed),
what the forms do, and query counts as entries grow."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from huodong.contests import services
from huodong.contests.models import (
    Award,
    Contest,
    ContestStatus,
    Criterion,
    Entry,
    EntryStatus,
    Score,
)
from huodong.contests.tests.conftest import (
    AUTHOR_NAME,
    PUBLIC_CONTACT,
    chinese,
    criteria,
    make_contest,
    score_all,
)
from huodong.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "director",
    "office_staff",
    "judge",
    "author",
    "other_staff",
    "leader",
    "stranger",
    "anonymous",
]


@pytest.fixture
def as_role(client, people):
    def login(role: str):
        client.logout()
        user = people.judges[0] if role == "judge" else getattr(people, role, None)
        if user is not None:
            client.force_login(user)
        return client

    return login


def turned_away(response, role: str) -> bool:
    if role == "anonymous":
        return response.status_code == 302 and "/login" in response["Location"]
    return response.status_code == 404


ORGANISERS = {"director", "office_staff"}
RESULT_READERS = ORGANISERS | {"leader"}


@pytest.mark.parametrize("role", ROLES)
def test_the_setup_and_entries_pages_are_the_organisers(judging, as_role, role):
    contest = judging.contest
    for name in ("contests:setup", "contests:entries", "contests:edit"):
        response = as_role(role).get(reverse(name, args=[contest.pk]))
        if role in ORGANISERS:
            assert response.status_code == 200, name
        else:
            assert turned_away(response, role), (name, role)
    response = as_role(role).get(reverse("contests:entry", args=[contest.pk, judging.entry.pk]))
    if role in ORGANISERS:
        assert AUTHOR_NAME in response.content.decode()
    else:
        assert turned_away(response, role)


@pytest.mark.parametrize("role", ROLES)
def test_the_results_are_for_organisers_leaders_and_inspectors(judging, people, as_role, role):
    score_all(judging.contest, people, {judging.entry.pk: [90, 90, 90]})
    response = as_role(role).get(reverse("contests:results", args=[judging.contest.pk]))
    export = as_role(role).get(reverse("contests:results_xlsx", args=[judging.contest.pk]))
    if role in RESULT_READERS:
        assert response.status_code == 200
        assert AUTHOR_NAME in response.content.decode()
        assert export.status_code == 200
        book = load_workbook(io.BytesIO(b"".join(export.streaming_content)), read_only=True)
        rows = list(book.active.iter_rows(values_only=True))
        assert any(AUTHOR_NAME in row for row in rows)
        assert any(PUBLIC_CONTACT in row for row in rows)
    else:
        assert turned_away(response, role)
        assert turned_away(export, role)


def test_an_inspector_reads_the_results(judging, client, people):
    client.force_login(people.inspector)
    response = client.get(reverse("contests:results", args=[judging.contest.pk]))
    assert response.status_code == 200
    assert (
        "entry_award" not in response.content.decode()
        and 'name="award"' not in response.content.decode()
    )


@pytest.mark.parametrize("role", ROLES)
def test_the_contest_page_per_role(contest, as_role, role):
    response = as_role(role).get(reverse("contests:detail", args=[contest.pk]))
    if role in ("stranger", "anonymous"):
        assert turned_away(response, role)
        return
    assert response.status_code == 200
    page = response.content.decode()
    assert ('id="my-entry"' in page) == (role not in ("judge",))
    assert ('id="judging"' in page) == (role == "judge")
    assert ('id="organise"' in page) == (role in ORGANISERS)


def test_a_draft_contest_is_seen_by_the_office_and_its_judges_only(office, people, client):
    draft = make_contest(office, people)
    services.judge_add(actor=people.director, contest=draft, person=people.person(people.judges[0]))
    for user, status in (
        (people.director, 200),
        (people.judges[0], 200),
        (people.other_staff, 404),
        (people.leader, 404),
    ):
        client.force_login(user)
        assert client.get(reverse("contests:detail", args=[draft.pk])).status_code == status
        listed = client.get(reverse("contests:list")).content.decode()
        assert (draft.title in listed) == (status == 200)


def test_the_list_shows_the_office_contests_only(contest, client, people):
    client.force_login(people.stranger)
    assert contest.title not in client.get(reverse("contests:list")).content.decode()
    client.force_login(people.other_staff)
    page = client.get(reverse("contests:list")).content.decode()
    assert contest.title in page and "New essay contest" not in page


def test_the_office_creates_a_contest_through_the_page(office, people, client):
    client.force_login(people.office_staff)
    response = client.post(
        reverse("contests:create"),
        {
            "title": "主题征文",
            "theme": "高质量发展",
            "opens_on": "2018-06-01",
            "closes_on": "2018-06-30",
            "judges_per_entry": "3",
        },
    )
    contest = Contest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("contests:setup", args=[contest.pk])


def test_a_bad_call_comes_back_with_the_reason(office, people, client):
    client.force_login(people.director)
    response = client.post(
        reverse("contests:create"),
        {
            "title": "主题征文",
            "theme": "高质量发展",
            "opens_on": "2018-06-30",
            "closes_on": "2018-06-01",
            "judges_per_entry": "3",
        },
    )
    assert response.status_code == 200
    assert "Entries must close on or after the day they open." in response.content.decode()
    assert not Contest.objects.exists()


@pytest.mark.parametrize("role", ["other_staff", "judge", "leader", "stranger", "anonymous"])
def test_others_may_not_create_or_step(contest, as_role, role):
    client = as_role(role)
    response = client.post(
        reverse("contests:create"),
        {"title": "x", "theme": "y", "opens_on": "2018-06-01", "closes_on": "2018-06-30"},
    )
    if role != "stranger":  # who directs another office creates contests there
        assert turned_away(response, role)
    response = client.post(reverse("contests:step", args=[contest.pk, "judging"]))
    assert turned_away(response, role)
    response = client.post(
        reverse("contests:criterion_add", args=[contest.pk]), {"name": "新", "max_score": "5"}
    )
    assert turned_away(response, role)
    assert Contest.objects.get(pk=contest.pk).status == ContestStatus.OPEN
    assert Criterion.objects.filter(contest=contest).count() == 3


def test_the_rubric_frozen_is_said_on_the_page(judging, people, client):
    first = criteria(judging.contest)[0]
    services.score_sheet_save(actor=people.judges[0], entry=judging.entry, scores={first.pk: "10"})
    client.force_login(people.director)
    response = client.post(
        reverse("contests:criterion_add", args=[judging.contest.pk]),
        {"name": "创新性", "max_score": "10"},
    )
    assert response.status_code == 400
    assert "The rubric can no longer change" in response.content.decode()
    response = client.post(
        reverse("contests:criterion_delete", args=[judging.contest.pk, first.pk]), follow=True
    )
    assert "The rubric can no longer change" in response.content.decode()
    assert Criterion.objects.filter(contest=judging.contest).count() == 3


def test_steps_through_the_page(contest, people, client):
    client.force_login(people.director)
    response = client.post(reverse("contests:step", args=[contest.pk, "decide"]), follow=True)
    assert "This cannot be done while the contest is" in response.content.decode()
    client.post(reverse("contests:step", args=[contest.pk, "judging"]))
    assert Contest.objects.get().status == ContestStatus.JUDGING
    assert client.post(reverse("contests:step", args=[contest.pk, "bogus"])).status_code == 404


# --- The entrant --------------------------------------------------------------------------


def test_staff_write_save_and_submit_their_entry(contest, people, client):
    client.force_login(people.author)
    url = reverse("contests:my_entry", args=[contest.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "澄心致远", "body": chinese(1, 150), "action": "save"})
    assert response.status_code == 302
    assert Entry.objects.get().status == EntryStatus.DRAFT
    response = client.post(url, {"title": "澄心致远", "body": chinese(1, 150), "action": "submit"})
    assert response.status_code == 400
    assert "the contest asks for at least 200" in response.content.decode()
    assert Entry.objects.get().status == EntryStatus.DRAFT
    response = client.post(url, {"title": "澄心致远", "body": chinese(1, 300), "action": "submit"})
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert (entry.status, entry.number, entry.word_count) == (EntryStatus.SUBMITTED, 1, 300)
    # Sent again (a double click): refused, still one entry, unchanged.
    response = client.post(url, {"title": "别的", "body": chinese(2, 300), "action": "submit"})
    assert response.status_code == 400
    assert Entry.objects.count() == 1 and Entry.objects.get().title == "澄心致远"
    page = client.get(reverse("contests:detail", args=[contest.pk])).content.decode()
    assert "澄心致远" in page
    response = client.post(reverse("contests:my_entry_withdraw", args=[contest.pk]))
    assert Entry.objects.get().status == EntryStatus.WITHDRAWN


def test_an_empty_entry_is_refused_on_the_page(contest, people, client):
    client.force_login(people.author)
    response = client.post(
        reverse("contests:my_entry", args=[contest.pk]),
        {"title": "题目", "body": "", "action": "submit"},
    )
    assert response.status_code == 400
    assert "The entry has no text yet." in response.content.decode()
    assert not Entry.objects.exists()


def test_after_closing_no_entry(contest, people, client, settings):
    settings.HUODONG_TODAY = "2018-07-02"
    client.force_login(people.author)
    response = client.post(
        reverse("contests:my_entry", args=[contest.pk]),
        {"title": "迟到", "body": chinese(1, 300), "action": "submit"},
    )
    assert response.status_code == 400
    assert "Entries closed on 2018-06-30." in response.content.decode()
    assert not Entry.objects.exists()


@pytest.mark.parametrize("role", ["judge", "stranger", "anonymous"])
def test_judges_and_outsiders_have_no_entry_page(contest, as_role, role):
    client = as_role(role)
    url = reverse("contests:my_entry", args=[contest.pk])
    assert turned_away(client.get(url), role)
    response = client.post(url, {"title": "t", "body": chinese(1, 300), "action": "submit"})
    assert turned_away(response, role)
    assert not Entry.objects.exists()


# --- Judges -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_judge_pages_are_the_judges(judging, as_role, role):
    contest = judging.contest
    urls = [
        reverse("contests:judge_list", args=[contest.pk]),
        reverse("contests:judge_entry", args=[contest.pk, 1]),
        reverse("contests:judge_sheet_json", args=[contest.pk]),
        reverse("contests:judge_sheet_xlsx", args=[contest.pk]),
    ]
    for url in urls:
        response = as_role(role).get(url)
        if role == "judge":
            assert response.status_code == 200, url
        else:
            assert turned_away(response, role), (url, role)


def test_a_judge_scores_through_the_page(judging, people, client):
    first, second, third = criteria(judging.contest)
    client.force_login(people.judges[0])
    url = reverse("contests:judge_entry", args=[judging.contest.pk, 1])
    response = client.post(
        url,
        {
            f"score_{first.pk}": "35",
            f"score_{second.pk}": "31",
            f"score_{third.pk}": "20",
            "comment": "立意高远",
            "complete": "on",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "“针对性” is scored from 0 to 30; “31” is outside that." in page
    assert 'value="35"' in page  # what was typed comes back
    assert not Score.objects.exists()
    response = client.post(
        url,
        {
            f"score_{first.pk}": "35",
            f"score_{second.pk}": "25.5",
            f"score_{third.pk}": "20",
            "comment": "立意高远",
            "complete": "on",
            "next": "1",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("contests:judge_entry", args=[judging.contest.pk, 2])
    entry = Entry.objects.get(pk=judging.entry.pk)
    assert (entry.average_score, entry.judged_by) == (Decimal("80.50"), 1)
    sheet = client.get(reverse("contests:judge_sheet_json", args=[judging.contest.pk])).json()
    first_entry = sheet["entries"][0]
    assert first_entry["number"] == 1 and first_entry["complete"] is True
    assert first_entry["scores"] == {
        str(first.pk): "35.0",
        str(second.pk): "25.5",
        str(third.pk): "20.0",
    }
    assert first_entry["total"] == "80.5"


def test_after_judging_the_sheet_is_read_only(judging, people, client):
    score_all(judging.contest, people, {judging.entry.pk: [90, 90, 90]})
    services.contest_decide(actor=people.director, contest=judging.contest)
    client.force_login(people.judges[0])
    url = reverse("contests:judge_entry", args=[judging.contest.pk, 1])
    page = client.get(url).content.decode()
    assert "disabled" in page
    first = criteria(judging.contest)[0]
    response = client.post(url, {f"score_{first.pk}": "1"})
    assert response.status_code == 400
    assert Score.objects.get(judge__person__user=people.judges[0], criterion=first).value == 40


def test_the_organisers_see_every_judges_sheet(judging, people, client):
    score_all(judging.contest, people, {judging.entry.pk: [90, 80, 70]})
    client.force_login(people.director)
    page = client.get(
        reverse("contests:entry", args=[judging.contest.pk, judging.entry.pk])
    ).content.decode()
    for name in ("评委1", "评委2", "评委3"):
        assert name in page
    judge = judging.contest.judges.order_by("pk").first()
    response = client.get(
        reverse("contests:judge_sheet_admin", args=[judging.contest.pk, judge.pk])
    )
    assert response.status_code == 200 and "澄心致远" in response.content.decode()


def test_the_office_disqualifies_and_decides_ties_through_the_pages(judging, people, client):
    score_all(
        judging.contest,
        people,
        {
            judging.entry.pk: [90, 90, 90],
            judging.second.pk: [80, 80, 80],
            judging.public.pk: [80, 80, 80],
        },
    )
    client.force_login(people.director)
    response = client.post(
        reverse("contests:step", args=[judging.contest.pk, "decide"]), follow=True
    )
    page = response.content.decode()
    assert "tied entries" in page
    assert 'class="pill tied"' in page
    second_prize = Award.objects.get(name="二等奖")
    client.post(
        reverse("contests:entry_award", args=[judging.contest.pk, judging.public.pk]),
        {"award": second_prize.pk, "back": "results"},
    )
    assert Entry.objects.get(pk=judging.public.pk).award == second_prize
    response = client.post(
        reverse("contests:entry_disqualify", args=[judging.contest.pk, judging.public.pk]),
        {"reason": "查重显示抄袭"},
    )
    public = Entry.objects.get(pk=judging.public.pk)
    assert public.status == EntryStatus.DISQUALIFIED and public.award is None


# --- Query counts -------------------------------------------------------------------------


def _many(contest, people, count: int, start: int) -> None:
    """`count` more submitted entries by new staff, each scored completely by every judge."""
    rubric = criteria(contest)
    judges = list(contest.judges.order_by("pk"))
    for index in range(start, start + count):
        person = PersonFactory(office=contest.office, unit=people.author_unit)
        entry = Entry.objects.create(
            contest=contest,
            number=index,
            title=f"征文{index}",
            body=chinese(index, 50),
            word_count=50,
            author=person,
            author_name=person.name,
            author_organisation=person.unit.name,
            status=EntryStatus.SUBMITTED,
            average_score=Decimal(60 + index % 30),
            judged_by=3,
        )
        for judge in judges:
            for criterion in rubric:
                Score.objects.create(entry=entry, judge=judge, criterion=criterion, value=10)
            entry.judge_comments.create(judge=judge, text="", completed_at=entry.created_at)


@pytest.mark.parametrize(
    ("who", "name", "extra"),
    [
        ("director", "contests:entries", ()),
        ("director", "contests:results", ()),
        ("director", "contests:setup", ()),
        ("director", "contests:detail", ()),
        ("director", "contests:judge_sheet_admin", ("judge",)),
        ("judge", "contests:judge_list", ()),
        ("judge", "contests:judge_entry", (1,)),
        ("other_staff", "contests:list", None),
    ],
)
def test_pages_keep_their_queries_as_entries_grow(
    judging, people, client, django_assert_max_num_queries, who, name, extra
):
    user = people.judges[0] if who == "judge" else getattr(people, who)
    client.force_login(user)
    contest = judging.contest
    if extra is None:
        args: list = []
    elif extra == ("judge",):
        args = [contest.pk, contest.judges.order_by("pk").first().pk]
    else:
        args = [contest.pk, *extra]
    url = reverse(name, args=args)
    _many(contest, people, 5, start=10)
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    _many(contest, people, 25, start=100)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_public_results_keep_their_queries(
    judging, people, client, django_assert_max_num_queries
):
    contest = judging.contest
    _many(contest, people, 5, start=10)
    services.contest_decide(actor=people.director, contest=contest)
    services.contest_publish_results(actor=people.director, contest=contest)
    url = reverse("contests_public:results", args=[contest.public_key])
    with django_assert_max_num_queries(10) as few:
        assert client.get(url).status_code == 200
    Contest.objects.filter(pk=contest.pk).update(status=ContestStatus.DECIDED)
    _many(contest, people, 25, start=100)
    services.award_update(
        actor=people.director,
        award=contest.awards.get(name="三等奖"),
        name="三等奖",
        places=20,
        rank=3,
    )
    Entry.objects.filter(contest=contest, number__gte=100).update(
        award=contest.awards.get(name="三等奖")
    )
    Contest.objects.filter(pk=contest.pk).update(status=ContestStatus.PUBLISHED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
