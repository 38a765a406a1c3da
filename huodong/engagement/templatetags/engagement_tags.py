from django import template

from huodong.campaigns.models import Campaign
from huodong.engagement.permissions import can_see_meetings, can_see_online, can_see_problems
from huodong.orgs.permissions import ANONYMOUS, membership_of

register = template.Library()


@register.inclusion_tag("engagement/_campaign_links.html", takes_context=True)
def engagement_links(context: template.Context, campaign: Campaign) -> dict:
    """The campaign's meetings, enterprise problems and online activities this user may open."""
    request = context.get("request")
    membership = membership_of(request.user) if request is not None else ANONYMOUS
    return {
        "campaign": campaign,
        "sees_meetings": can_see_meetings(membership, campaign),
        "sees_problems": can_see_problems(membership, campaign),
        "sees_online": can_see_online(membership, campaign),
    }
