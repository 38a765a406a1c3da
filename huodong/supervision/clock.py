"""Timestamps of supervision events, consistent with the product's "today".

When HUODONG_TODAY pins the day (the demo), an event happens on that day at the current local
time, so its log agrees with the lights; otherwise it is simply now. Always aware. The demo
stages its story at chosen moments with `frozen_at`.
"""

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar

from django.utils import timezone

from huodong.core import clock

_frozen: ContextVar[dt.datetime | None] = ContextVar("supervision_frozen_now", default=None)


def now() -> dt.datetime:
    frozen = _frozen.get()
    if frozen is not None:
        return frozen
    current = timezone.localtime()
    today = clock.today()
    if today == current.date():
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(today, current.time().replace(tzinfo=None)))


@contextlib.contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[None]:
    """Within the block, every supervision event happens at `moment` (aware)."""
    if timezone.is_naive(moment):
        raise ValueError("frozen_at needs an aware datetime")
    token = _frozen.set(moment)
    try:
        yield
    finally:
        _frozen.reset(token)
