from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from huodong.campaigns import selectors as campaign_selectors
from huodong.campaigns.permissions import can_create_campaign, sees_whole_plan
from huodong.core import clock
from huodong.orgs.permissions import membership_of
from huodong.participation.selectors.compliance import person_progress

# The home page shows the head of each list; the schedule page has the rest, paginated.
HOME_LIST_LIMIT = 20


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """One page per role: the office sees the whole plan, a unit its tasks, a person their part."""
    membership = membership_of(request.user)
    today = clock.today()
    campaign = campaign_selectors.campaign_current(membership, today=today)
    context: dict = {
        "campaign": campaign,
        "today": today,
        "can_create": membership.office_id is not None
        and can_create_campaign(membership, membership.office_id),
    }
    if campaign is not None:
        context["whole_plan"] = sees_whole_plan(membership, campaign)
        if context["whole_plan"]:
            context["light_counts"] = campaign_selectors.light_counts(campaign, today=today)
            context["attention_tasks"] = list(
                campaign_selectors.tasks_with_lights(campaign, today=today)
                .filter(light__in=["overdue", "due_soon"])
                .order_by("due", "seq")[:HOME_LIST_LIMIT]
            )
        if membership.managed_unit_ids:
            context["unit_tasks"] = list(
                campaign_selectors.tasks_for_units(
                    campaign, unit_ids=membership.managed_unit_ids, today=today
                )[:HOME_LIST_LIMIT]
            )
            context["unit_ids"] = sorted(membership.managed_unit_ids)
        if membership.person is not None and membership.person.office_id == campaign.office_id:
            context["progress"] = person_progress(
                membership.person, campaign, today=today, now=clock.now(), own=True
            )
    return render(request, "core/home.html", context)


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
