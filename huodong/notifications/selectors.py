from django.db.models import QuerySet

from huodong.notifications.models import Notification
from huodong.orgs.models import User


def inbox(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
