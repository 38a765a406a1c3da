from django.conf import settings

from huodong.core import clock
from huodong.orgs.permissions import can_manage_org, membership_of


def site(request):
    membership = membership_of(getattr(request, "user", None))
    return {
        "huodong_today": clock.today(),
        "huodong_today_pinned": bool(settings.HUODONG_TODAY),
        "membership": membership,
        "can_manage_org": membership.office_id is not None
        and can_manage_org(membership, membership.office_id),
    }
