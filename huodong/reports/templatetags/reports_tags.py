from django import template

from huodong.campaigns.models import Campaign
from huodong.orgs.permissions import ANONYMOUS, membership_of
from huodong.publicity.permissions import is_reviewer, is_writer
from huodong.reports.permissions import can_read_reports, can_view_dashboard

register = template.Library()


@register.inclusion_tag("reports/_links.html", takes_context=True)
def reports_links(context: template.Context, campaign: Campaign) -> dict:
    """The dashboard, the reports and the publicity pages of this campaign the user may open."""
    request = context.get("request")
    membership = membership_of(request.user) if request is not None else ANONYMOUS
    office_id = campaign.office_id
    dashboard = can_view_dashboard(membership, campaign)
    return {
        "campaign": campaign,
        "dashboard": dashboard,
        "reports": dashboard and can_read_reports(membership, campaign),
        "writes": is_writer(membership, office_id),
        "keeps_log": is_reviewer(membership, office_id),
    }
