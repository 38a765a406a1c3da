"""Requirements entered or corrected by the campaign's managers, validated and audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from huodong.campaigns.models import (
    Requirement,
    RequirementMeasure,
    RequirementPeriod,
    RequirementScope,
    StudyKind,
)
from huodong.campaigns.services import requirement_create, requirement_update
from huodong.core.models import AuditRecord
from huodong.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

VALID = {
    "scope": RequirementScope.PERSON,
    "minimum": 2,
    "subject": "专题辅导",
    "period": RequirementPeriod.QUARTER,
    "measure": RequirementMeasure.STUDIES,
    "study_kind": StudyKind.LECTURE,
    "tolerance_percent": 90,
}


def test_a_requirement_is_added_after_the_others_and_audited(org, campaign, requirements):
    requirement = requirement_create(actor=org.director, campaign=campaign, **VALID)
    assert requirement.order == max(r.order for r in requirements.values()) + 1
    assert (requirement.measure, requirement.study_kind) == ("studies", "lecture")
    record = AuditRecord.objects.get(action="requirement.create")
    assert record.object_id == str(requirement.pk) and record.changes["minimum"] == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"minimum": 0}, "minimum"),
        ({"tolerance_percent": 0}, "tolerance_percent"),
        ({"tolerance_percent": 101}, "tolerance_percent"),
        ({"measure": RequirementMeasure.PROBLEMS}, "study_kind"),
        (
            {"measure": RequirementMeasure.REFLECTION_WORDS, "study_kind": ""},
            None,
        ),
        (
            {
                "measure": RequirementMeasure.REFLECTION_WORDS,
                "study_kind": "",
                "scope": RequirementScope.BRANCH,
            },
            "measure",
        ),
        ({"subject": "  "}, "subject"),
        ({"scope": "everyone"}, "scope"),
        ({"period": "week"}, "period"),
    ],
)
def test_values_that_do_not_fit_are_refused(org, campaign, change, field):
    values = {**VALID, **change}
    if field is None:
        assert requirement_create(actor=org.director, campaign=campaign, **values).pk
        return
    with pytest.raises(ValidationError) as refused:
        requirement_create(actor=org.director, campaign=campaign, **values)
    assert field in refused.value.message_dict
    assert not Requirement.objects.filter(campaign=campaign).exists()
    assert not AuditRecord.objects.exists()


def test_an_update_records_what_changed(org, campaign, requirements):
    words = requirements["words"]
    fields = {
        "scope": words.scope,
        "minimum": 2500,
        "subject": words.subject,
        "period": words.period,
        "measure": words.measure,
        "study_kind": "",
        "tolerance_percent": 80,
    }
    requirement_update(actor=org.director, requirement=words, **fields)
    words.refresh_from_db()
    assert (words.minimum, words.tolerance_percent) == (2500, 80)
    record = AuditRecord.objects.get(action="requirement.update")
    assert record.changes == {"minimum": [3000, 2500], "tolerance_percent": [90, 80]}
    # Saving the same values again writes nothing.
    requirement_update(actor=org.director, requirement=words, **fields)
    assert AuditRecord.objects.filter(action="requirement.update").count() == 1
    with pytest.raises(ValidationError):
        requirement_update(actor=org.director, requirement=words, **{**fields, "minimum": 0})
    words.refresh_from_db()
    assert words.minimum == 2500


def test_only_campaign_managers_enter_requirements(client, org, campaign, requirements):
    new = reverse("participation:requirement_create", args=[campaign.pk])
    edit = reverse("participation:requirement_edit", args=[campaign.pk, requirements["studies"].pk])
    for user in (org.staff, org.unit_head, org.secretary):
        assert client.login(username=user.username, password=TEST_PASSWORD)
        assert client.get(new).status_code == 404
        assert client.post(edit, {**VALID}).status_code == 404
    assert client.login(username=org.director.username, password=TEST_PASSWORD)
    assert client.get(new).status_code == 200
    response = client.post(new, VALID)
    assert response.status_code == 302
    assert response["Location"] == reverse("participation:compliance", args=[campaign.pk])
    assert Requirement.objects.filter(subject="专题辅导").exists()


def test_the_form_shows_the_services_refusal(client, org, campaign, requirements):
    assert client.login(username=org.director.username, password=TEST_PASSWORD)
    edit = reverse("participation:requirement_edit", args=[campaign.pk, requirements["words"].pk])
    page = client.get(edit)
    assert page.context["form"].initial["minimum"] == 3000
    response = client.post(
        edit,
        {
            **VALID,
            "measure": RequirementMeasure.REFLECTION_WORDS,
            "scope": RequirementScope.UNIT,
            "study_kind": "",
        },
    )
    assert response.status_code == 200
    assert "measure" in response.context["form"].errors
    requirements["words"].refresh_from_db()
    assert requirements["words"].scope == RequirementScope.PERSON
