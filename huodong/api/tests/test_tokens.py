"""Integrations and their tokens: shown once, stored hashed, revoked answers 401; the pages."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from huodong.api.errors import NotAllowed, Refused
from huodong.api.models import Integration, IntegrationToken
from huodong.api.services import (
    integration_create,
    integration_revoke,
    integration_token_issue,
    integration_token_revoke,
)
from huodong.api.tests.conftest import ApiClient
from huodong.core.models import AuditRecord
from huodong.orgs.models import Role
from huodong.orgs.permissions import membership_of


def test_create_stores_only_the_hash_and_a_prefix(world):
    integration, issued = integration_create(
        actor=world.admin,
        office=world.office,
        name="政务网",
        roles=[(Role.UNIT_HEAD, world.lead), (Role.LEADER, None)],
    )
    row = IntegrationToken.objects.get(integration=integration)
    assert row.token_hash == hashlib.sha256(issued.token.encode()).hexdigest()
    assert issued.token.startswith(row.prefix) and len(row.prefix) < len(issued.token)
    assert not IntegrationToken.objects.filter(token_hash=issued.token).exists()
    user = integration.user
    assert user.username == f"api-{integration.pk}"
    assert not user.has_usable_password()
    assert AuditRecord.objects.filter(action="integration.create", actor=world.admin).exists()
    assert sorted(integration.roles.values_list("role", "unit_id")) == sorted(
        [(Role.UNIT_HEAD, world.lead.pk), (Role.LEADER, None)]
    )


def test_a_unit_role_needs_a_unit_and_admin_is_not_grantable(world):
    with pytest.raises(Refused):
        integration_create(
            actor=world.admin, office=world.office, name="x", roles=[(Role.UNIT_HEAD, None)]
        )
    with pytest.raises(Refused):
        integration_create(
            actor=world.admin, office=world.office, name="x", roles=[(Role.ADMIN, None)]
        )
    assert not Integration.objects.exists()


def test_only_admin_and_director_manage_integrations(world, make_member):
    staff = make_member(world.office, role=Role.OFFICE_STAFF)
    with pytest.raises(NotAllowed):
        integration_create(actor=staff, office=world.office, name="x", roles=[(Role.LEADER, None)])
    director = make_member(world.office, role=Role.OFFICE_DIRECTOR)
    integration, _issued = integration_create(
        actor=director, office=world.office, name="x", roles=[(Role.LEADER, None)]
    )
    other = make_member(world.other_office, role=Role.OFFICE_DIRECTOR)
    with pytest.raises(NotAllowed):
        integration_token_issue(actor=other, integration=integration)


def test_token_lifecycle(world, make_integration):
    integration, token = make_integration([(Role.LEADER, None)])
    client = ApiClient(token)
    assert client.get("/campaigns").status_code == 200
    assert Client().get("/api/v1/campaigns").status_code == 401  # no header
    assert ApiClient("hd_unknown").get("/campaigns").status_code == 401
    assert ApiClient("x" * 5000).get("/campaigns").status_code == 401
    assert ApiClient("令牌").get("/campaigns").status_code == 401

    second = integration_token_issue(actor=world.admin, integration=integration)
    integration_token_revoke(
        actor=world.admin,
        token=IntegrationToken.objects.get(token_hash=hashlib.sha256(token.encode()).hexdigest()),
    )
    assert client.get("/campaigns").status_code == 401
    assert ApiClient(second.token).get("/campaigns").status_code == 200
    with pytest.raises(Refused):
        integration_token_revoke(
            actor=world.admin,
            token=IntegrationToken.objects.get(
                token_hash=hashlib.sha256(token.encode()).hexdigest()
            ),
        )

    integration_revoke(actor=world.admin, integration=integration)
    assert ApiClient(second.token).get("/campaigns").status_code == 401
    integration.refresh_from_db()
    assert integration.revoked_at is not None and not integration.user.is_active
    assert not integration.tokens.filter(revoked_at__isnull=True).exists()
    with pytest.raises(Refused):
        integration_token_issue(actor=world.admin, integration=integration)
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {"integration.token_issue", "integration.token_revoke", "integration.revoke"} <= actions


def test_the_request_user_is_the_integration_with_its_roles(world, make_integration):
    integration, token = make_integration([(Role.UNIT_HEAD, world.lead)])
    from django.test import RequestFactory

    from huodong.api.auth import IntegrationBearer

    request = RequestFactory().get("/api/v1/campaigns")
    user = IntegrationBearer().authenticate(request, token)
    assert user == integration.user and request.user == integration.user
    membership = membership_of(user)
    assert membership.person is None and membership.office_id == world.office.pk
    assert membership.unit_scopes == {Role.UNIT_HEAD: frozenset({world.lead.pk})}
    assert not membership.is_office_wide


def test_last_use_is_written_at_most_once_a_minute(
    world, make_integration, django_assert_num_queries
):
    integration, token = make_integration([(Role.LEADER, None)])
    client = ApiClient(token)
    client.get("/campaigns")
    integration.refresh_from_db()
    first = integration.last_used_at
    assert first is not None
    client.get("/campaigns")
    integration.refresh_from_db()
    assert integration.last_used_at == first
    Integration.objects.filter(pk=integration.pk).update(
        last_used_at=timezone.now() - dt.timedelta(minutes=2)
    )
    client.get("/campaigns")
    integration.refresh_from_db()
    assert integration.last_used_at > first - dt.timedelta(minutes=1)


# --- The pages ----------------------------------------------------------------------------


@pytest.fixture
def admin_client(world) -> Client:
    client = Client()
    client.force_login(world.admin)
    return client


def test_pages_create_show_the_token_once_and_revoke(world, admin_client):
    url = reverse("api:integrations")
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(
        url,
        {
            "name": "12345 热线",
            "description": "市热线系统",
            "office_roles": [Role.LEADER],
            "unit_head": [world.lead.pk],
        },
    )
    assert response.status_code == 200
    token = response.context["token"]
    assert token.encode() in response.content
    assert "no-store" in response["Cache-Control"]
    integration = Integration.objects.get(name="12345 热线")
    detail = admin_client.get(reverse("api:integration", args=[integration.pk]))
    assert detail.status_code == 200 and token.encode() not in detail.content
    listing = admin_client.get(url)
    assert token.encode() not in listing.content and b"12345" in listing.content
    assert ApiClient(token).get("/campaigns").status_code == 200

    again = admin_client.post(reverse("api:integration_token_new", args=[integration.pk]))
    assert again.status_code == 200 and again.context["token"] != token
    row = integration.tokens.order_by("created_at", "id").first()
    admin_client.post(reverse("api:integration_token_revoke", args=[integration.pk, row.pk]))
    assert ApiClient(token).get("/campaigns").status_code == 401
    admin_client.post(reverse("api:integration_revoke", args=[integration.pk]))
    assert ApiClient(again.context["token"]).get("/campaigns").status_code == 401


def test_pages_refuse_a_form_without_roles(world, admin_client):
    response = admin_client.post(reverse("api:integrations"), {"name": "无角色"})
    assert response.status_code == 200 and not Integration.objects.exists()


@pytest.mark.parametrize(
    "role", [None, Role.OFFICE_STAFF, Role.LEADER, Role.INSPECTOR, Role.UNIT_HEAD]
)
def test_everyone_else_gets_404(world, make_member, make_integration, role):
    integration, _token = make_integration([(Role.LEADER, None)])
    user = make_member(
        world.office, role=role, role_unit=world.lead if role == Role.UNIT_HEAD else None
    )
    client = Client()
    client.force_login(user)
    assert client.get(reverse("api:integrations")).status_code == 404
    assert client.get(reverse("api:integration", args=[integration.pk])).status_code == 404
    assert (
        client.post(reverse("api:integration_token_new", args=[integration.pk])).status_code == 404
    )
    assert client.post(reverse("api:integration_revoke", args=[integration.pk])).status_code == 404
    assert integration.tokens.count() == 1
    integration.refresh_from_db()
    assert integration.revoked_at is None


def test_another_offices_director_gets_404(world, make_member, make_integration):
    integration, _token = make_integration([(Role.LEADER, None)])
    client = Client()
    client.force_login(make_member(world.other_office, role=Role.OFFICE_DIRECTOR))
    assert client.get(reverse("api:integration", args=[integration.pk])).status_code == 404


def test_the_list_page_keeps_its_query_count(world, admin_client, make_integration):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert admin_client.get(reverse("api:integrations")).status_code == 200
        return len(context)

    for n in range(2):
        make_integration([(Role.LEADER, None), (Role.UNIT_HEAD, world.lead)], name=f"系统{n}")
    few = count()
    for n in range(10):
        make_integration([(Role.LEADER, None), (Role.UNIT_HEAD, world.other)], name=f"更多{n}")
    assert count() == few
