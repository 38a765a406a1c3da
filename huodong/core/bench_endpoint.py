"""A bare insert endpoint for the deadline-rush load test (`bench/rush.py`).

It inserts one `BenchPing` row and answers 204: the cost of a request and one committed write
through the same server, middleware and database, without forms, permissions or templates, so
the load test can say what share of it the real write pages reach. It is mounted only when the
setting `HUODONG_BENCH_ENDPOINTS` is true (off by default) and refuses with 404 when it is off.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from huodong.core.models import BenchPing


@csrf_exempt
@require_POST
def bench_insert(request: HttpRequest) -> HttpResponse:
    if not getattr(settings, "HUODONG_BENCH_ENDPOINTS", False):
        raise Http404
    with transaction.atomic():
        BenchPing.objects.create()
    return HttpResponse(status=204)


urlpatterns = [path("insert/", bench_insert, name="bench_insert")]
