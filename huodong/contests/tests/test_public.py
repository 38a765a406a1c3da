"""The public pages, without logging in: the entry form, the receipt, the published results."""

from __future__ import annotations

import pytest
from django.urls import reverse

from huodong.contests import services
from huodong.contests.models import Entry
from huodong.contests.tests.conftest import (
    AUTHOR_NAME,
    AUTHOR_UNIT,
    PUBLIC_CONTACT,
    PUBLIC_NAME,
    PUBLIC_ORG,
    SECOND_NAME,
    chinese,
    make_contest,
    score_all,
)

pytestmark = pytest.mark.django_db


def form_data(token: str, **overrides) -> dict:
    data = {
        "token": token,
        "name": PUBLIC_NAME,
        "organisation": PUBLIC_ORG,
        "contact": PUBLIC_CONTACT,
        "title": "一位市民的征文",
        "body": chinese(7, 400),
    }
    data.update(overrides)
    return data


def test_the_public_enters_and_sees_the_receipt(client, contest):
    url = reverse("contests_public:enter", args=[contest.public_key])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    token = response.context["form"]["token"].value()
    sent = client.post(url, form_data(token))
    entry = Entry.objects.get()
    receipt = reverse("contests_public:receipt", args=[contest.public_key, entry.receipt_code])
    assert sent.status_code == 302 and sent["Location"] == receipt
    page = client.get(receipt).content.decode()
    assert entry.receipt_code in page and PUBLIC_NAME in page and entry.body in page
    # The same form sent again (a double click, a reload): the same entry, the same receipt.
    again = client.post(url, form_data(token, title="改了题目"))
    assert again["Location"] == receipt
    assert Entry.objects.count() == 1 and Entry.objects.get().title == "一位市民的征文"


def test_a_wrong_receipt_code_is_404(client, contest):
    services.public_entry_submit(
        contest=contest,
        token=services.public_entry_token_new(),
        name=PUBLIC_NAME,
        organisation=PUBLIC_ORG,
        contact=PUBLIC_CONTACT,
        title="征文",
        body=chinese(1, 300),
    )
    url = reverse("contests_public:receipt", args=[contest.public_key, "A" * 16])
    assert client.get(url).status_code == 404


def test_a_short_entry_comes_back_with_the_reason(client, contest):
    url = reverse("contests_public:enter", args=[contest.public_key])
    token = client.get(url).context["form"]["token"].value()
    response = client.post(url, form_data(token, body=chinese(1, 20)))
    assert response.status_code == 400
    assert "the contest asks for at least 200" in response.content.decode()
    assert not Entry.objects.exists()


def test_a_robot_filling_the_hidden_field_saves_nothing(client, contest):
    url = reverse("contests_public:enter", args=[contest.public_key])
    token = client.get(url).context["form"]["token"].value()
    client.post(url, form_data(token, website="http://spam.example"))
    assert not Entry.objects.exists()


def test_after_closing_the_form_is_gone(client, contest, settings):
    settings.HUODONG_TODAY = "2018-07-01"
    url = reverse("contests_public:enter", args=[contest.public_key])
    page = client.get(url).content.decode()
    assert 'id="closed"' in page and 'id="public-entry"' not in page
    token = services.public_entry_token_new()
    response = client.post(url, form_data(token))
    assert response.status_code == 400
    assert "Entries closed on 2018-06-30." in response.content.decode()
    assert not Entry.objects.exists()


def test_a_staff_only_or_draft_contest_has_no_public_form(client, office, people):
    staff_only = make_contest(office, people, allows_public=False)
    services.contest_open(actor=people.director, contest=staff_only)
    draft = make_contest(office, people, title="草稿征文")
    for contest in (staff_only, draft):
        url = reverse("contests_public:enter", args=[contest.public_key])
        assert client.get(url).status_code == 404
        response = client.post(url, form_data(services.public_entry_token_new()))
        assert response.status_code == 404
    assert not Entry.objects.exists()


def test_results_are_public_once_published(client, judging, people):
    url = reverse("contests_public:results", args=[judging.contest.public_key])
    assert client.get(url).status_code == 404
    score_all(
        judging.contest,
        people,
        {
            judging.entry.pk: [90, 90, 90],
            judging.second.pk: [50, 50, 50],
            judging.public.pk: [80, 80, 80],
        },
    )
    services.award_delete(actor=people.director, award=judging.contest.awards.get(name="三等奖"))
    services.contest_decide(actor=people.director, contest=judging.contest)
    assert client.get(url).status_code == 404  # decided, not yet published
    services.contest_publish_results(actor=people.director, contest=judging.contest)
    page = client.get(url).content.decode()
    # The winners: award, title, name, unit and text.
    for text in ("一等奖", "澄心致远", AUTHOR_NAME, AUTHOR_UNIT, judging.entry.body):
        assert text in page
    for text in ("二等奖", PUBLIC_NAME, PUBLIC_ORG):
        assert text in page
    # Not the others, and never a contact or a receipt code.
    assert SECOND_NAME not in page and judging.second.body not in page
    assert PUBLIC_CONTACT not in page
    for entry in Entry.objects.all():
        assert entry.receipt_code not in page


def test_the_published_results_are_linked_from_the_contest_page(client, judging, people):
    score_all(judging.contest, people, {judging.entry.pk: [90, 90, 90]})
    services.contest_decide(actor=people.director, contest=judging.contest)
    services.contest_publish_results(actor=people.director, contest=judging.contest)
    client.force_login(people.other_staff)
    page = client.get(reverse("contests:detail", args=[judging.contest.pk])).content.decode()
    assert reverse("contests_public:results", args=[judging.contest.public_key]) in page
