import datetime as dt

from django.db.models import Min, QuerySet

from huodong.campaigns.models import Campaign, Task
from huodong.notifications.models import Notification, NotificationPreference
from huodong.notifications.reminders import lead_times
from huodong.orgs.models import User


def inbox(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def preference_for(user: User) -> NotificationPreference:
    """The user's preference, or the defaults (unsaved) when they never chose."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(
        user=user
    )


def campaigns_to_remind(on: dt.date) -> list[Campaign]:
    """Campaigns with an open task whose reminders may be due on `on`: its deadline is within
    the campaign's largest lead time, or already past."""
    first_due = dict(
        Task.objects.filter(completed_on__isnull=True, due__isnull=False)
        .order_by()
        .values("campaign_id")
        .annotate(first=Min("due"))
        .values_list("campaign_id", "first")
    )
    campaigns = Campaign.objects.filter(pk__in=first_due).order_by("pk")
    return [
        campaign
        for campaign in campaigns
        if (first_due[campaign.pk] - on).days <= max(lead_times(campaign), default=-1)
    ]
