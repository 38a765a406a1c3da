from django import template

from huodong.contests.selectors import campaign_contests
from huodong.orgs.permissions import ANONYMOUS, membership_of

register = template.Library()


@register.inclusion_tag("contests/_campaign_links.html", takes_context=True)
def contest_links(context, campaign) -> dict:
    """An “Essay contest” button for each of the campaign's contests the user may see (one
    query)."""
    request = context.get("request")
    membership = membership_of(request.user) if request is not None else ANONYMOUS
    return {"contests": campaign_contests(membership, campaign)}
