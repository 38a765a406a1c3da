"""A small office and a campaign with the seed's four countable requirements.

`org` holds a department with two staff, a party branch with a secretary, and an office
director; every person is a member of the department and of the branch.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from huodong.campaigns.models import (
    Campaign,
    Requirement,
    RequirementMeasure,
    RequirementPeriod,
    RequirementScope,
    StudyKind,
)
from huodong.orgs.models import Office, Person, Role, Unit, UnitKind, User


@pytest.fixture
def campaign(office: Office) -> Campaign:
    return Campaign.objects.create(
        office=office,
        title="关于开展解放思想大讨论活动的方案",
        start=dt.date(2018, 5, 1),
        end=dt.date(2018, 12, 31),
    )


@pytest.fixture
def requirements(campaign: Campaign) -> dict[str, Requirement]:
    """The seed's countable requirements, as the import guesses them."""
    specs = {
        "problems": (RequirementScope.BRANCH, 2, "问题", "", RequirementMeasure.PROBLEMS, ""),
        "studies": (RequirementScope.PERSON, 4, "学习活动", "", RequirementMeasure.STUDIES, ""),
        "words": (
            RequirementScope.PERSON,
            3000,
            "心得体会字数",
            "",
            RequirementMeasure.REFLECTION_WORDS,
            "",
        ),
        "discussion": (
            RequirementScope.CAMPAIGN,
            1,
            "学习成果大讨论",
            RequirementPeriod.MONTH,
            RequirementMeasure.SESSIONS,
            StudyKind.DISCUSSION,
        ),
    }
    return {
        key: Requirement.objects.create(
            campaign=campaign,
            order=order,
            scope=scope,
            minimum=minimum,
            subject=subject,
            period=period,
            measure=measure,
            study_kind=kind,
        )
        for order, (key, (scope, minimum, subject, period, measure, kind)) in enumerate(
            specs.items()
        )
    }


@dataclass
class Org:
    department: Unit
    branch: Unit
    other_department: Unit
    staff: User  # member of department and branch
    colleague: User  # member of department and branch
    outsider_staff: User  # member of other_department, no branch
    secretary: User  # branch secretary of `branch`
    unit_head: User  # head of `department`
    director: User  # office director

    @staticmethod
    def person(user: User) -> Person:
        return Person.objects.get(user=user)


@pytest.fixture
def org(office: Office, make_member) -> Org:
    department = Unit.objects.create(office=office, name="综合处", kind=UnitKind.DEPARTMENT)
    other = Unit.objects.create(office=office, name="业务处", kind=UnitKind.DEPARTMENT)
    branch = Unit.objects.create(office=office, name="政管办党支部", kind=UnitKind.BRANCH)
    staff = make_member(office, unit=department, username="staff", name="张三")
    colleague = make_member(office, unit=department, username="colleague", name="李四")
    outsider = make_member(office, unit=other, username="outsider", name="王五")
    secretary = make_member(
        office,
        unit=department,
        role=Role.BRANCH_SECRETARY,
        role_unit=branch,
        username="secretary",
        name="赵书记",
    )
    head = make_member(
        office,
        unit=department,
        role=Role.UNIT_HEAD,
        role_unit=department,
        username="head",
        name="钱处长",
    )
    director = make_member(
        office, unit=other, role=Role.OFFICE_DIRECTOR, username="director", name="仲主任"
    )
    Person.objects.filter(unit=department).update(branch=branch)
    return Org(department, branch, other, staff, colleague, outsider, secretary, head, director)
