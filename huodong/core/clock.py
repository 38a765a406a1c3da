"""The product's notion of "today".

Lights and deadlines are judged against this date. HUODONG_TODAY pins it (the demo sets it to the
middle of the 2018 campaign so the lights tell a story); otherwise it is the real local date.
"""

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar

from django.conf import settings
from django.utils import timezone

_frozen: ContextVar[dt.datetime | None] = ContextVar("huodong_frozen_now", default=None)


def today() -> dt.date:
    pinned = getattr(settings, "HUODONG_TODAY", "")
    if pinned:
        return dt.date.fromisoformat(pinned)
    return timezone.localdate()


def now() -> dt.datetime:
    """An aware timestamp consistent with `today()`.

    When HUODONG_TODAY pins the day (the demo), the moment falls on that day at the current
    local time, so event logs agree with the lights; inside `frozen_at` it is that moment.
    """
    frozen = _frozen.get()
    if frozen is not None:
        return frozen
    current = timezone.localtime()
    day = today()
    if day == current.date():
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(day, current.time().replace(tzinfo=None)))


@contextlib.contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[None]:
    """Within the block, `now()` is `moment` (aware): the demo stages its story with it."""
    if timezone.is_naive(moment):
        raise ValueError("frozen_at needs an aware datetime")
    token = _frozen.set(moment)
    try:
        yield
    finally:
        _frozen.reset(token)
