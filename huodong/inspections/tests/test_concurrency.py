"""Two people (or two workers) at the same moment: one number each, one escalation, one verdict."""

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.db import connection

from huodong.inspections import services
from huodong.inspections.models import Notice, OrderStatus, RectificationEvent, RectificationOrder
from huodong.notifications.models import Notification

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need a server database (SQLite's test database is shared-cache)",
)

WORKERS = 4


def at_once(work: Callable[[], object]) -> list[object]:
    """Run `work` in WORKERS threads released together, each on its own connection."""
    start = threading.Barrier(WORKERS)
    outcomes: list[object] = []

    def worker() -> None:
        try:
            start.wait()
            outcomes.append(work())
        except Exception as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_drafts_started_together_get_distinct_numbers(transactional_db, cast):
    outcomes = at_once(
        lambda: (
            services.notice_draft_create(
                actor=cast.director,
                campaign=cast.campaign,
                period_start=dt.date(2018, 6, 1),
                period_end=dt.date(2018, 6, 20),
            ).doc_number
        )
    )
    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert sorted(outcomes) == [f"宿政管督〔2018〕{n}号" for n in range(1, WORKERS + 1)]
    assert Notice.objects.count() == WORKERS


def test_escalations_run_together_send_once(transactional_db, cast, order):
    outcomes = at_once(
        lambda: len(
            services.rectification_escalate_overdue(
                actor=None, campaign=cast.campaign, today=dt.date(2018, 7, 1)
            ).escalated
        )
    )
    assert sorted(outcomes) == [0] * (WORKERS - 1) + [1]
    assert Notification.objects.filter(kind="escalation").count() == 1
    assert RectificationEvent.objects.filter(action="escalated").count() == 1


def test_two_verifiers_at_once_make_one_decision(transactional_db, cast, order):
    services.order_answer(actor=cast.head, order=order, text="已整改")

    def decide():
        mine = RectificationOrder.objects.get(pk=order.pk)
        return services.order_close(actor=cast.director, order=mine).status

    outcomes = at_once(decide)
    assert outcomes.count(OrderStatus.CLOSED) == 1
    assert all(isinstance(o, services.TransitionRefused) for o in outcomes if o != "closed")
    assert RectificationEvent.objects.filter(action="closed").count() == 1
