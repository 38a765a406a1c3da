from django import template

from huodong.campaigns.models import Campaign
from huodong.campaigns.permissions import can_manage_campaign
from huodong.orgs.models import Role
from huodong.orgs.permissions import ANONYMOUS, membership_of
from huodong.originality.permissions import can_manage_library
from huodong.participation.permissions import (
    can_organise_any,
    compliance_unit_ids,
    takes_part,
)

register = template.Library()


@register.inclusion_tag("participation/_campaign_links.html", takes_context=True)
def participation_links(context: template.Context, campaign: Campaign) -> dict:
    """The campaign's participation pages this user may open, as a row of links."""
    request = context.get("request")
    membership = membership_of(request.user) if request is not None else ANONYMOUS
    scope = compliance_unit_ids(membership, campaign)
    return {
        "campaign": campaign,
        "takes_part": takes_part(membership, campaign),
        "organises": can_organise_any(membership, campaign),
        "sees_compliance": scope is None or bool(scope),
        "reviews": bool(membership.unit_scopes.get(Role.BRANCH_SECRETARY))
        or can_manage_campaign(membership, campaign),
        "checks_originality": can_manage_library(membership, campaign.office_id),
    }
