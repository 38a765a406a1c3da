"""Bearer tokens of integrations: `Authorization: Bearer <token>`.

A live token makes the request's user the integration's own login, with its membership (the
roles it was given) cached on it, so `membership_of(request.user)` and every app's selectors and
permission functions treat the integration as a person holding those roles. A missing, unknown
or revoked token answers 401.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from huodong.api.selectors import integration_membership, token_lookup
from huodong.api.services import integration_mark_used


class IntegrationBearer(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = token_lookup(token.strip())
        if row is None:
            return None
        integration = row.integration
        user = integration.user
        user._huodong_membership = integration_membership(  # type: ignore[attr-defined]
            integration, list(integration.roles.all())
        )
        integration_mark_used(integration)
        request.user = user
        request.integration = integration  # type: ignore[attr-defined]
        return user
