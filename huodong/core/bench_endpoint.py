"""Bare insert endpoints for the deadline-rush load test (`bench/rush.py`).

`insert/` inserts one `BenchPing` row and answers 204: the cost of a request and one committed
write through the same server, middleware and database, without a session, forms, permissions
or templates, so the load test can say what share of it the real write pages reach.
`insert-signed-in/` does the same for a signed-in user only (it reads the session and the user,
as every page behind a login does): the floor of any signed-in write, between the two.

They are mounted only when the setting `HUODONG_BENCH_ENDPOINTS` is true (off by default) and
refuse with 404 when it is off.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from huodong.core.models import BenchPing


def _insert() -> HttpResponse:
    if not getattr(settings, "HUODONG_BENCH_ENDPOINTS", False):
        raise Http404
    with transaction.atomic():
        BenchPing.objects.create()
    return HttpResponse(status=204)


@csrf_exempt
@require_POST
def bench_insert(request: HttpRequest) -> HttpResponse:
    return _insert()


@require_POST
@login_required
def bench_insert_signed_in(request: HttpRequest) -> HttpResponse:
    return _insert()


urlpatterns = [
    path("insert/", bench_insert, name="bench_insert"),
    path("insert-signed-in/", bench_insert_signed_in, name="bench_insert_signed_in"),
]
