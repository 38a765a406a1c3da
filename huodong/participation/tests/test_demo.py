"""The demo at 2018-06-20 shows partial compliance with each of the seed's requirements."""

import pytest
from django.urls import reverse

from huodong.campaigns.models import Campaign, RequirementMeasure
from huodong.core import clock
from huodong.core.demo_office import DEMO_PASSWORD
from huodong.orgs.models import Person
from huodong.participation.selectors.compliance import compliance_for, person_progress
from huodong.participation.selectors.compliance import requirement_period as period_of


@pytest.fixture
def campaign(demo) -> Campaign:
    return Campaign.objects.get()


def summary(campaign, measure):
    requirement = campaign.requirements.get(measure=measure)
    period = period_of(requirement, None, today=clock.today())
    return compliance_for(requirement, period, now=clock.now(), scope=None).summary()


@pytest.mark.parametrize(
    "measure",
    [RequirementMeasure.STUDIES, RequirementMeasure.REFLECTION_WORDS, RequirementMeasure.PROBLEMS],
)
def test_each_requirement_is_partly_met(campaign, measure):
    result = summary(campaign, measure)
    assert 0 < result.met < result.targets


def test_the_monthly_discussion_was_held_this_month(campaign):
    assert summary(campaign, RequirementMeasure.SESSIONS).met == 1


def test_the_window_staff_member_is_the_issue_example(campaign, client):
    person = Person.objects.get(user__username="chuangkou")
    lines = {
        line.requirement.measure: line
        for line in person_progress(
            person, campaign, today=clock.today(), now=clock.now(), own=True
        )
    }
    assert lines[RequirementMeasure.STUDIES].count_text == "3/4"
    assert lines[RequirementMeasure.REFLECTION_WORDS].count_text == "0/1"
    assert lines[RequirementMeasure.REFLECTION_WORDS].words_text == "1,820/3,000"

    assert client.login(username="chuangkou", password=DEMO_PASSWORD)
    home = client.get(reverse("home")).content.decode()
    assert "3/4" in home and "1,820/3,000" in home
