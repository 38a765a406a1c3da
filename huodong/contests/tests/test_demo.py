"""The demo's essay contest: the plan's 主题征文, judged by three judges and published; the
entries checked for originality, the one copying the plan disqualified."""

from __future__ import annotations

import pytest
from django.urls import reverse

from huodong.campaigns.models import Campaign
from huodong.contests.demo import ENTRIES, MIN_CHARS, TITLE, build_contests_demo
from huodong.contests.models import Contest, ContestStatus, Entry, EntryStatus
from huodong.contests.selectors import results
from huodong.orgs.models import User
from huodong.originality.models import OriginalityReport


@pytest.mark.django_db(transaction=True)
def test_the_demo_contest_is_judged_and_published(demo, client):
    contest = Contest.objects.filter(title=TITLE).first() or build_contests_demo(
        Campaign.objects.get()
    )
    assert contest is not None and contest.status == ContestStatus.PUBLISHED
    assert contest.criteria.count() == 4
    assert sum(contest.criteria.values_list("max_score", flat=True)) == 100
    judged = Entry.objects.filter(contest=contest, status=EntryStatus.SUBMITTED)
    assert judged.count() == ENTRIES
    assert all(entry.word_count >= MIN_CHARS for entry in judged)
    assert all(entry.judged_by == 3 and entry.average_score for entry in judged)
    assert len({entry.average_score for entry in judged}) > ENTRIES // 2  # varied
    computed = results(contest)
    assert computed.tied_count == 0
    awarded = [row.entry.award.name for row in computed.rows if row.entry.award]
    assert awarded == ["一等奖", "二等奖", "二等奖", "三等奖", "三等奖", "三等奖"]
    # Every entry checked; the twelve original, the copy of the plan flagged and disqualified.
    reports = {
        report.document.contest_entry_id: report
        for report in OriginalityReport.objects.filter(
            document__contest_entry__contest=contest
        ).select_related("document")
    }
    assert set(reports) == set(Entry.objects.filter(contest=contest).values_list("pk", flat=True))
    assert not any(reports[entry.pk].flagged for entry in judged)
    assert max(reports[entry.pk].ratio for entry in judged) < 0.25  # see `demo.SEED`
    copy = Entry.objects.get(contest=contest, status=EntryStatus.DISQUALIFIED)
    assert reports[copy.pk].flagged
    # The showcase login entered; the public reads the winners.
    assert judged.filter(author__user__username="chuangkou").exists()
    page = client.get(reverse("contests_public:results", args=[contest.public_key]))
    assert page.status_code == 200
    assert page.content.decode().count('class="card"') >= 6
    # The demo logins reach their pages: the director organises, a judge reads their sheets.
    client.force_login(User.objects.get(username="zhongchonghao"))
    for name in ("contests:entries", "contests:results", "contests:setup"):
        assert client.get(reverse(name, args=[contest.pk])).status_code == 200
    client.force_login(User.objects.get(username="tongxuebao"))
    listed = client.get(reverse("contests:judge_list", args=[contest.pk]))
    assert listed.status_code == 200 and "12 of 12" in listed.content.decode()
