"""The product's notion of "today".

Lights and deadlines are judged against this date. HUODONG_TODAY pins it (the demo sets it to the
middle of the 2018 campaign so the lights tell a story); otherwise it is the real local date.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone


def today() -> dt.date:
    pinned = getattr(settings, "HUODONG_TODAY", "")
    if pinned:
        return dt.date.fromisoformat(pinned)
    return timezone.localdate()
