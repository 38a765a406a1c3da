"""The schema validates, and schemathesis finds no server error in any operation.

The app runs in process through its WSGI handler (`schemathesis.openapi.from_wsgi`), against a
small office with data behind every endpoint and an integration that sees all of it. Each
handled request ends with Django's `request_finished`, which closes the database connection
when it is inside a transaction: hence `transactional_db` (a test transaction would be lost),
which works with SQLite's in-memory test database (never closed) and with PostgreSQL.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from huodong.orgs.models import Role
from huodong.supervision.models import ProgressReport

# Per operation and generation mode: 17 operations x 2 modes x this many requests.
MAX_EXAMPLES = 10


def _runner(strategy, checks, headers):
    """A hypothesis test sending the generated requests and checking their responses."""

    @given(case=strategy)
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case) -> None:
        response = case.call(headers=headers)
        case.validate_response(response, checks=checks, headers=headers)

    return run


@pytest.fixture
def wsgi_app(settings):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    return get_wsgi_application()


def test_schema_loads_and_validates(transactional_db, wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    assert schema.raw_schema["openapi"].startswith("3.")
    # Against the OpenAPI specification's own JSON Schema (schemathesis ships it); raises if not.
    schema.validate()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15


def test_schemathesis_finds_no_server_error(transactional_db, world, make_integration, wsgi_app):
    _integration, token = make_integration(
        [(Role.OFFICE_DIRECTOR, None), (Role.UNIT_CONTACT, world.lead)]
    )
    headers = {"Authorization": f"Bearer {token}"}
    report = ProgressReport.objects.create(task=world.task, unit=world.lead, text="草稿")
    # Half the valid cases name objects that exist, so the endpoints' real paths run too.
    known = {
        "campaign_id": world.campaign.pk,
        "seq": world.task.seq,
        "requirement_id": world.requirement.pk,
        "outcome_id": world.outcomes["lead"].pk,
        "session_id": world.session.pk,
        "report_id": report.pk,
    }

    def existing(case):
        for name in case.path_parameters:
            if name in known:
                case.path_parameters[name] = known[name]
        return case

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode)
            checks = [not_a_server_error]
            if mode == schemathesis.GenerationMode.POSITIVE:
                strategy = st.one_of(strategy, strategy.map(existing))
                # Valid requests must also answer as the schema says.
                checks.append(response_schema_conformance)

            run = _runner(strategy, checks, headers)
            try:
                run()
            except Exception as exc:
                failures.append(f"{operation.label} [{mode.value}]: {exc}")
    assert not failures, "\n\n".join(failures)
