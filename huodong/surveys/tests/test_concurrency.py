"""Answers submitted at once (PostgreSQL): one response per device however many arrive
together, and tallies that add up."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from huodong.surveys.errors import Refused
from huodong.surveys.models import AnswerTally, Response
from huodong.surveys.services import device_token_new, response_submit
from huodong.surveys.tests.test_answering import full_answer

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need a server database (SQLite's test database is shared-cache)",
)


def _at_once(count: int, submit) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def run(number: int) -> None:
        try:
            barrier.wait()
            submit(number)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_one_device_submitting_at_once_gets_one_response(transactional_db, hall_survey):
    survey, q = hall_survey
    token = device_token_new()
    errors = _at_once(
        6,
        lambda n: response_submit(
            survey=survey, actor=None, data=full_answer(q), device_token=token
        ),
    )
    assert len(errors) == 5
    assert all(isinstance(e, Refused) and e.code == "answered" for e in errors)
    assert Response.objects.count() == 1
    survey.refresh_from_db()
    assert survey.response_count == 1
    assert AnswerTally.objects.get(question=q["score"], key="n").count == 1


def test_many_devices_at_once_all_count(transactional_db, hall_survey):
    survey, q = hall_survey
    errors = _at_once(
        8,
        lambda n: response_submit(
            survey=survey, actor=None, data=full_answer(q), device_token=device_token_new()
        ),
    )
    assert errors == []
    assert Response.objects.count() == 8
    survey.refresh_from_db()
    assert survey.response_count == 8
    assert AnswerTally.objects.get(question=q["score"], key="v4").count == 8
    assert AnswerTally.objects.get(question=q["services"], key="x").count == 8
