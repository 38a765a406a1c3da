"""The API's reads and writes, scoped like the pages; pagination; query counts; the docs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from huodong.api.tests.conftest import add_outcome, add_suggestion, add_task
from huodong.campaigns.models import Campaign
from huodong.core.models import AuditRecord
from huodong.orgs.models import Role
from huodong.participation.models import StudyRecord, StudySource, StudyTally
from huodong.supervision.models import ProgressReport, ReportStatus, TaskTracking

DIRECTOR = [(Role.OFFICE_DIRECTOR, None)]


def _ids(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


# --- Reads --------------------------------------------------------------------------------


def test_campaigns_list_and_detail(world, api_client):
    client = api_client(DIRECTOR)
    listing = client.get("/campaigns")
    assert listing.status_code == 200
    assert _ids(listing) == [world.campaign.pk]  # never another office's
    detail = client.get(f"/campaigns/{world.campaign.pk}").json()
    assert detail["sub_themes"][0]["lead_leader"] == "童学宝"
    assert detail["sub_themes"][0]["units"] == [{"id": world.lead.pk, "name": "综合处"}]
    assert detail["phases"][0]["name"] == "学习讨论"
    assert detail["leading_group"][0]["name"] == "臧广荣"
    assert client.get(f"/campaigns/{world.other_campaign.pk}").status_code == 404
    assert client.get("/campaigns/999999").status_code == 404


def test_tasks_with_lights_lead_units_and_tracking(world, api_client):
    client = api_client([(Role.UNIT_HEAD, world.lead)])
    body = client.get(f"/campaigns/{world.campaign.pk}/tasks").json()
    assert body["count"] == 2
    first, second = body["items"]
    assert first["seq"] == 1 and first["lead_units"] == [{"id": world.lead.pk, "name": "综合处"}]
    assert first["tracking_status"] == "assigned" and first["light"] == "pending"
    assert second["light"] == "overdue"
    only = client.get(f"/campaigns/{world.campaign.pk}/tasks", light="overdue").json()
    assert [t["seq"] for t in only["items"]] == [2]
    assert client.get(f"/campaigns/{world.campaign.pk}/tasks", light="purple").status_code == 422
    assert client.get(f"/campaigns/{world.other_campaign.pk}/tasks").status_code == 404
    assert client.get(f"/campaigns/{world.campaign.pk}/tasks/99").status_code == 404


def test_pagination_is_stable_bounded_and_empty_past_the_end(world, api_client):
    for seq in range(3, 48):
        add_task(world.campaign, seq, world.lead)
    client = api_client(DIRECTOR)
    path = f"/campaigns/{world.campaign.pk}/tasks"
    pages = [client.get(path, page=n, page_size=20).json() for n in (1, 2, 3)]
    seqs = [t["seq"] for page in pages for t in page["items"]]
    assert seqs == list(range(1, 48)) and pages[0]["count"] == 47
    assert client.get(path, page=100000).json()["items"] == []
    for bad in ({"page": 0}, {"page_size": 101}, {"page": "x"}, {"page": 10**12}):
        assert client.get(path, **bad).status_code == 422


def test_a_unit_scoped_integration_sees_what_a_unit_head_sees(world, api_client):
    client = api_client([(Role.UNIT_HEAD, world.lead)])
    # Compliance: only the unit's people, like the unit head's page.
    rows = client.get(
        f"/campaigns/{world.campaign.pk}/requirements/{world.requirement.pk}/compliance"
    ).json()
    names = {row["name"] for row in rows["items"]}
    assert "张三" in names and "李四" not in names
    # Filtering by another unit answers 404.
    assert (
        client.get(
            f"/campaigns/{world.campaign.pk}/requirements/{world.requirement.pk}/compliance",
            unit_id=world.other.pk,
        ).status_code
        == 404
    )
    # The suggestion pool is the office's: a unit head does not read it.
    assert client.get("/suggestions").status_code == 404
    # Outcomes: those of its unit only; another unit's answers 404.
    assert _ids(client.get("/outcomes")) == [world.outcomes["lead"].pk]
    assert client.get(f"/outcomes/{world.outcomes['other'].pk}").status_code == 404
    assert client.get(f"/outcomes/{world.outcomes['foreign'].pk}").status_code == 404
    # Another unit's draft report is not shown on the task.
    ProgressReport.objects.create(task=world.other_task, unit=world.other, text="别人的草稿")
    task = client.get(f"/campaigns/{world.campaign.pk}/tasks/2").json()
    assert task["reports"] == []


def test_without_a_compliance_role_there_is_no_compliance(world, api_client):
    client = api_client([(Role.BRANCH_SECRETARY, world.branch)])
    assert client.get(f"/campaigns/{world.campaign.pk}/requirements").status_code == 200
    client = api_client([(Role.UNIT_CONTACT, world.other)])
    body = client.get(f"/campaigns/{world.campaign.pk}/requirements").json()
    assert body["items"][0]["compliance"] is not None  # its own unit's share


def test_requirements_with_compliance_for_the_office(world, api_client):
    body = api_client(DIRECTOR).get(f"/campaigns/{world.campaign.pk}/requirements").json()
    item = body["items"][0]
    assert item["subject"] == "学习活动" and item["counted"] is True
    assert item["compliance"]["targets"] == 3  # every person of the office, admin included
    rows = api_client(DIRECTOR).get(
        f"/campaigns/{world.campaign.pk}/requirements/{world.requirement.pk}/compliance",
        page=99,
    )
    assert rows.status_code == 200 and rows.json()["items"] == []


def test_suggestions_contacts_only_for_the_office(world, api_client):
    office = api_client(DIRECTOR).get("/suggestions").json()
    assert office["count"] == 2
    named = next(s for s in office["items"] if s["number"] == 1)
    assert named["contact"] == "13800000000" and named["submitter_name"] == "市民甲"
    anonymous = next(s for s in office["items"] if s["number"] == 2)
    assert anonymous["submitter_name"] == "" and anonymous["contact"] is None
    leader = api_client([(Role.LEADER, None)]).get("/suggestions", stage="valuable").json()
    assert [s["number"] for s in leader["items"]] == [2]
    assert all(s["contact"] is None for s in leader["items"])
    assert api_client(DIRECTOR).get("/suggestions", stage="bogus").status_code == 422


def test_outcomes_with_progress(world, api_client):
    client = api_client(DIRECTOR)
    body = client.get("/outcomes").json()
    assert {o["title"] for o in body["items"]} == {"综合处的成果", "业务处的成果"}
    detail = client.get(f"/outcomes/{world.outcomes['lead'].pk}").json()
    assert detail["progress"] == 40.0 and detail["milestones"] == []


def test_articles_published_only(world, api_client):
    body = api_client([(Role.UNIT_CONTACT, world.other)]).get("/articles").json()
    assert _ids_of(body) == [world.articles["published"].pk]


def _ids_of(body) -> list[int]:
    return [item["id"] for item in body["items"]]


# --- Writes -------------------------------------------------------------------------------


def test_the_lead_units_contact_reports_through_the_services(world, make_integration):
    from huodong.api.tests.conftest import ApiClient

    integration, token = make_integration([(Role.UNIT_CONTACT, world.lead)])
    client = ApiClient(token)
    base = f"/campaigns/{world.campaign.pk}/tasks/1"
    # Not received yet: the service refuses (409), nothing is written.
    refused = client.post(f"{base}/reports", {"unit_id": world.lead.pk, "text": "进展"})
    assert refused.status_code == 409 and refused.json()["code"] == "not_received"
    assert not ProgressReport.objects.exists()
    assert client.post(f"{base}/receive", {}).json()["status"] == "received"
    created = client.post(f"{base}/reports", {"unit_id": world.lead.pk, "text": "进展"})
    assert created.status_code == 201 and created.json()["status"] == "draft"
    report = ProgressReport.objects.get()
    assert report.author == integration.user
    submitted = client.post(f"/campaigns/{world.campaign.pk}/reports/{report.pk}/submit", {})
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert TaskTracking.objects.get(task=world.task).status == "in_progress"
    audit = AuditRecord.objects.filter(action__in=["report.create", "report.submit"])
    assert {a.actor_id for a in audit} == {integration.user.pk}
    again = client.post(f"/campaigns/{world.campaign.pk}/reports/{report.pk}/submit", {})
    assert again.status_code == 409


def test_reports_refused_for_other_units_and_roles(world, api_client):
    base = f"/campaigns/{world.campaign.pk}/tasks/1"
    other = api_client([(Role.UNIT_CONTACT, world.other)])
    assert other.post(f"{base}/reports", {"unit_id": world.lead.pk, "text": "x"}).status_code == 403
    assert other.post(f"{base}/receive", {}).status_code == 403
    leader = api_client([(Role.LEADER, None)])
    assert (
        leader.post(f"{base}/reports", {"unit_id": world.lead.pk, "text": "x"}).status_code == 403
    )
    foreign = other.post(
        f"/campaigns/{world.other_campaign.pk}/tasks/1/reports", {"unit_id": world.lead.pk}
    )
    assert foreign.status_code == 404
    assert other.post(f"{base}/reports", {"unit_id": 99999}).status_code == 404
    assert other.post(f"{base}/reports", {"unit_id": "综合处"}).status_code == 422
    assert (
        other.post(f"{base}/reports", {"unit_id": world.lead.pk, "text": "a\x00b"}).status_code
        == 422
    )
    assert not ProgressReport.objects.exists()


def test_study_records_for_people_of_its_units(world, make_integration, settings):
    from huodong.api.tests.conftest import ApiClient

    integration, token = make_integration([(Role.UNIT_HEAD, world.lead)])
    client = ApiClient(token)
    path = f"/campaigns/{world.campaign.pk}/study-records"
    body = {
        "person_id": world.people["lead_staff"].pk,
        "date": "2018-06-18",
        "material": "《习近平谈治国理政》第二卷",
        "duration_minutes": 60,
    }
    created = client.post(path, body)
    assert created.status_code == 201, created.content
    record = StudyRecord.objects.get()
    assert record.person == world.people["lead_staff"] and record.created_by == integration.user
    assert record.source == StudySource.LOGGED
    assert StudyTally.objects.filter(person=world.people["lead_staff"]).exists()
    audit = AuditRecord.objects.get(action="study.log")
    assert audit.actor == integration.user and audit.changes["via"] == "api"
    # The same study twice, a date in the future or outside the campaign: refused (400).
    assert client.post(path, body).status_code == 400
    assert client.post(path, {**body, "date": "2018-07-01"}).status_code == 400
    assert client.post(path, {**body, "date": "2017-01-01"}).status_code == 400
    assert client.post(path, {**body, "date": "2018-02-30"}).status_code == 422
    # Another unit's person: not its to record (403); another office's person: 404.
    other = {**body, "person_id": world.people["other_staff"].pk}
    assert client.post(path, other).status_code == 403
    assert client.post(path, {**body, "person_id": world.people["foreign"].pk}).status_code == 404
    assert StudyRecord.objects.count() == 1


def test_an_office_wide_integration_records_for_anyone_of_the_office(world, api_client):
    client = api_client([(Role.OFFICE_STAFF, None)])
    response = client.post(
        f"/campaigns/{world.campaign.pk}/study-records",
        {"person_id": world.people["other_staff"].pk, "date": "2018-06-18", "material": "学习"},
    )
    assert response.status_code == 201


def test_attendance_at_a_session_of_its_unit(world, api_client):
    client = api_client([(Role.UNIT_CONTACT, world.lead)])
    path = f"/study-sessions/{world.session.pk}/attendance"
    person = world.people["lead_staff"].pk
    response = client.post(path, {"person_ids": [person]})
    assert response.status_code == 200 and response.json()["marked"] == [person]
    assert StudyRecord.objects.get().source == StudySource.MARKED
    # Someone not invited: refused, nobody marked.
    assert client.post(path, {"person_ids": [world.people["foreign"].pk]}).status_code == 400
    assert client.post(path, {"person_ids": []}).status_code == 422
    # Another unit's integration does not organise the session: 404.
    other = api_client([(Role.UNIT_CONTACT, world.other)])
    assert other.post(path, {"person_ids": [person]}).status_code == 404


# --- Query counts -------------------------------------------------------------------------


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(path).status_code == 200
    return len(context)


@pytest.mark.parametrize("endpoint", ["campaigns", "tasks", "suggestions", "outcomes", "articles"])
def test_lists_keep_a_constant_number_of_queries(world, api_client, endpoint):
    client = api_client([*DIRECTOR, (Role.UNIT_HEAD, world.lead)])
    path = {
        "campaigns": "/campaigns",
        "tasks": f"/campaigns/{world.campaign.pk}/tasks",
        "suggestions": "/suggestions",
        "outcomes": "/outcomes",
        "articles": "/articles",
    }[endpoint]
    client.get(path)  # the integration's last use is written once
    few = _queries(client, path)
    for n in range(12):
        Campaign.objects.create(
            office=world.office, title=f"活动{n}", start=dt.date(2019, 1, n + 1)
        )
        add_task(world.campaign, 10 + n, world.other if n % 2 else world.lead)
        add_suggestion(world.office, 10 + n, campaign=world.campaign)
        add_outcome(world.office, world.lead, f"成果{n}")
        world.articles["published"].pk = None
        world.articles["published"].save()
    assert _queries(client, path) == few
    assert few <= 8


# --- Docs and schema ----------------------------------------------------------------------


def test_docs_page_is_served_offline(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    for outside in ("cdn", "unpkg", "jsdelivr", "cdnjs", "//fonts.", "validator.swagger.io"):
        assert outside not in html.lower()
    assert "https://" not in html and "http://" not in html


def test_schema_is_served(db):
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "huodong API" and schema["info"]["version"] == "1"
    assert "/api/v1/campaigns/{campaign_id}/tasks" in schema["paths"]
    assert schema["components"]["securitySchemes"]["IntegrationBearer"]["scheme"] == "bearer"
