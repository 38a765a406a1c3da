from django.conf import settings

from huodong.api.permissions import can_manage_integrations
from huodong.core import clock
from huodong.notifications.selectors import unread_count
from huodong.orgs.permissions import can_manage_org, membership_of
from huodong.publicity.permissions import is_writer


def site(request):
    user = getattr(request, "user", None)
    membership = membership_of(user)
    return {
        "unread_notifications": unread_count(user) if membership.is_member else 0,
        "huodong_today": clock.today(),
        "huodong_today_pinned": bool(settings.HUODONG_TODAY),
        "membership": membership,
        "can_manage_org": membership.office_id is not None
        and can_manage_org(membership, membership.office_id),
        "writes_for_column": membership.office_id is not None
        and is_writer(membership, membership.office_id),
        "manages_integrations": membership.office_id is not None
        and can_manage_integrations(membership, membership.office_id),
    }
