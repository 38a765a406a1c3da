from django.conf import settings

from huodong.core import clock


def site(request):
    return {"huodong_today": clock.today(), "huodong_today_pinned": bool(settings.HUODONG_TODAY)}
