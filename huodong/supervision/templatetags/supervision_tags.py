from django import template

from huodong.campaigns.models import Campaign
from huodong.orgs.permissions import ANONYMOUS, membership_of
from huodong.supervision.permissions import can_view_rates

register = template.Library()


@register.inclusion_tag("supervision/_campaign_links.html", takes_context=True)
def supervision_rate_links(
    context: template.Context, campaign: Campaign, leading_group=None, sub_themes=None
) -> dict:
    """Links to the on-time rates and the overdue ledger, for those who may open them.

    Given the campaign home's leading group and sub-themes (already read), no query is made.
    """
    request = context.get("request")
    membership = membership_of(request.user) if request is not None else ANONYMOUS
    whole = can_view_rates(membership, campaign, leading_group=leading_group, sub_themes=sub_themes)
    return {
        "campaign": campaign,
        "show_rates": whole,
        "show_ledger": whole or bool(membership.managed_unit_ids),
    }
