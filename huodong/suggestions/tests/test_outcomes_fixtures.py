"""Fixtures of the outcome tests (imported by each `test_outcomes_*` module; no tests here).

`org`: an office with two units (业务处 is responsible for the outcomes, 市场处 is not), its
director, an office staff member (a manager), a leader, an inspector, the head and the contact
of 业务处, the head of 市场处, a plain staff member, and the director of another office.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from huodong.campaigns.models import Campaign
from huodong.orgs.models import Office, Person, Role, Unit, UnitKind, User
from huodong.suggestions.models import Outcome, OutcomeKind, Stage, Suggestion, SuggestionSource
from huodong.suggestions.services.outcomes import outcome_create
from huodong.suggestions.services.pool import suggestion_create


@dataclass
class Org:
    office: Office
    other_office: Office
    unit: Unit
    other_unit: Unit
    campaign: Campaign
    director: User
    office_staff: User
    leader: User
    inspector: User
    unit_head: User
    unit_contact: User
    other_unit_head: User
    staff: User
    stranger: User


@pytest.fixture(autouse=True)
def _outcome_settings(settings, _isolated_settings):
    # After the shared fixture, which blanks HUODONG_TODAY.
    settings.HUODONG_TODAY = "2018-06-20"
    settings.LANGUAGE_CODE = "en"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def org(office, other_office, make_member) -> Org:
    unit = Unit.objects.create(office=office, name="业务处", kind=UnitKind.DEPARTMENT)
    other_unit = Unit.objects.create(office=office, name="市场处", kind=UnitKind.DEPARTMENT)
    campaign = Campaign.objects.create(
        office=office,
        title="解放思想大讨论活动",
        start=dt.date(2018, 5, 1),
        end=dt.date(2018, 12, 31),
    )
    return Org(
        office=office,
        other_office=other_office,
        unit=unit,
        other_unit=other_unit,
        campaign=campaign,
        director=make_member(office, role=Role.OFFICE_DIRECTOR, username="director", name="仲主任"),
        office_staff=make_member(office, role=Role.OFFICE_STAFF, username="officestaff"),
        leader=make_member(office, role=Role.LEADER, username="leader"),
        inspector=make_member(office, role=Role.INSPECTOR, username="inspector"),
        unit_head=make_member(
            office, role=Role.UNIT_HEAD, unit=unit, role_unit=unit, username="unithead"
        ),
        unit_contact=make_member(
            office, role=Role.UNIT_CONTACT, unit=unit, role_unit=unit, username="unitcontact"
        ),
        other_unit_head=make_member(
            office, role=Role.UNIT_HEAD, unit=other_unit, role_unit=other_unit, username="otherhead"
        ),
        staff=make_member(office, unit=other_unit, username="staff", name="王建国"),
        stranger=make_member(other_office, role=Role.OFFICE_DIRECTOR, username="stranger"),
    )


def new_outcome(org: Org, title: str = "政策意见", **kwargs) -> Outcome:
    fields = {
        "kind": OutcomeKind.POLICY,
        "responsible_unit": org.unit,
        "campaign": org.campaign,
        **kwargs,
    }
    return outcome_create(actor=org.director, office=org.office, title=title, **fields)


def new_suggestion(
    org: Org, text: str = "建议推行不见面审批", *, stage: str = Stage.VALUABLE, **kwargs
) -> Suggestion:
    fields = {"source": SuggestionSource.STAFF, "campaign": org.campaign, **kwargs}
    suggestion = suggestion_create(actor=org.director, office=org.office, text=text, **fields)
    Suggestion.objects.filter(pk=suggestion.pk).update(stage=stage)
    suggestion.refresh_from_db()
    return suggestion


def staff_suggestion(org: Org, user: User, text: str = "窗口延时服务") -> Suggestion:
    person = Person.objects.get(user=user)
    return new_suggestion(org, text, submitter=person)


def public_suggestion(org: Org, *, contact: str = "citizen@example.com") -> Suggestion:
    """A suggestion from the public mailbox by a named outsider who left a contact."""
    suggestion = suggestion_create(
        actor=None,
        office=org.office,
        campaign=org.campaign,
        text="希望网上办事更方便",
        source=SuggestionSource.MAILBOX,
        submitter_name="李群众",
        submitter_contact=contact,
    )
    Suggestion.objects.filter(pk=suggestion.pk).update(stage=Stage.VALUABLE)
    suggestion.refresh_from_db()
    return suggestion
