from django import template
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huodong.campaigns.models import Campaign
from huodong.orgs.permissions import ANONYMOUS, membership_of
from huodong.suggestions.models import SuggestionEvent
from huodong.suggestions.permissions import can_manage_pool, can_read_pool, can_suggest
from huodong.suggestions.selectors.pool import has_evaluations

register = template.Library()

EVENT_LABELS = {
    "created": pgettext_lazy("suggestion", "Received"),
    "triaged": _("Stage changed"),
    "category": _("Category changed"),
    "tags": _("Tags changed"),
    "tag_added": _("Tag added"),
    "text_corrected": _("Text corrected (the earlier text below)"),
    "evaluators": _("Evaluators asked"),
    "evaluated": _("Opinion given"),
    "answered": _("Answered the submitter"),
    "merged": _("Merged into"),
    "duplicates_added": _("Duplicates merged into it"),
    "moved_to_original": _("Moved to the original"),
    "unmerged": _("Unmerged"),
    "submitter_emailed": _("Submitter told by e-mail"),
    "converted": _("Converted to an outcome"),
    "unconverted": _("No longer part of an outcome"),
    "stage": _("Stage changed"),
}


@register.filter
def event_label(event: SuggestionEvent) -> str:
    return str(EVENT_LABELS.get(event.action, event.action))


@register.inclusion_tag("suggestions/pool/_links.html", takes_context=True)
def suggestion_links(context: template.Context, campaign: Campaign) -> dict:
    """The suggestion pages of this campaign the user may open, as a row of buttons."""
    request = context.get("request")
    membership = membership_of(request.user) if request is not None else ANONYMOUS
    office_id = campaign.office_id
    suggests = can_suggest(membership, office_id)
    return {
        "campaign": campaign,
        "reads": can_read_pool(membership, office_id),
        "manages": can_manage_pool(membership, office_id),
        "suggests": suggests,
        "evaluates": suggests and has_evaluations(membership),
    }
