from django import template
from django.utils.translation import gettext_lazy as _

from huodong.inspections.permissions import (
    Standing,
    can_list_inspections,
    can_list_notices,
    can_list_orders,
    can_view_ledger,
    standing_of,
)
from huodong.orgs.permissions import ANONYMOUS, membership_of

register = template.Library()


@register.inclusion_tag("inspections/_campaign_links.html", takes_context=True)
def supervision_links(context, campaign, leading_group=None, sub_themes=None) -> dict:
    """One line of links to the supervision pages the user may open.

    Given the campaign home's leading group and sub-themes (already read, with their units
    prefetched), it decides without a query of its own.
    """
    request = context.get("request")
    membership = membership_of(request.user) if request is not None else ANONYMOUS
    if leading_group is None or sub_themes is None:
        st = standing_of(membership, campaign)
    else:
        person = membership.person
        in_office = membership.in_office(campaign.office_id)
        mine = in_office and person is not None
        st = Standing(
            membership=membership,
            campaign=campaign,
            in_office=in_office,
            seats=frozenset(
                seat.role for seat in leading_group if mine and seat.person_id == person.pk
            ),
            led_unit_ids=frozenset(
                unit.pk
                for theme in sub_themes
                if mine and theme.lead_leader_id == person.pk
                for unit in theme.units.all()
            ),
        )
    links = [
        ("inspections:inspections", _("Inspections"), can_list_inspections(st)),
        ("inspections:notices", _("Notices"), can_list_notices(st)),
        ("inspections:orders", _("Rectification orders"), can_list_orders(st)),
        ("inspections:ledger", _("Accountability ledger"), can_view_ledger(st)),
    ]
    return {
        "campaign": campaign,
        "links": [(name, label) for name, label, allowed in links if allowed],
    }
