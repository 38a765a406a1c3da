"""Requirement compliance: the overview, one requirement's page with its export and reminder,
each person's progress, and entering or correcting requirements.

Each view finds the campaign through the selectors (404 for another office), asks
`permissions` (404 for what the user may not see or do), reads through
`selectors.compliance` and writes through one service call.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huodong.campaigns import services as campaign_services
from huodong.campaigns.models import Campaign, Requirement, RequirementMeasure, RequirementScope
from huodong.core import clock
from huodong.orgs.models import Person
from huodong.orgs.permissions import Membership
from huodong.participation.compliance_export import COMPLIANCE_XLSX_TYPE, compliance_xlsx
from huodong.participation.errors import NotAllowed, ParticipationError
from huodong.participation.forms.compliance import (
    ComplianceFilterForm,
    RemindForm,
    RequirementForm,
)
from huodong.participation.permissions import (
    can_edit_requirements,
    can_remind_short,
    can_see_progress_of,
    can_view_compliance,
    compliance_remind_unit_ids,
    compliance_unit_ids,
    takes_part,
)
from huodong.participation.selectors import compliance as selectors
from huodong.participation.services import compliance as services
from huodong.participation.views.common import acting_user, campaign_for

PAGE_SIZE = 50
# Where a person does what a requirement counts.
RECORD_PAGES = {
    RequirementMeasure.STUDIES: "participation:my_study",
    RequirementMeasure.SESSIONS: "participation:sessions",
    RequirementMeasure.REFLECTIONS: "participation:my_reflections",
    RequirementMeasure.REFLECTION_WORDS: "participation:my_reflections",
    RequirementMeasure.PROBLEMS: "participation:problems",
}


def _scope(membership: Membership, campaign: Campaign) -> frozenset[int] | None:
    """The units whose compliance the user sees; 404 for those who see none."""
    if not can_view_compliance(membership, campaign):
        raise Http404
    return compliance_unit_ids(membership, campaign)


# --- The overview ---------------------------------------------------------------------------


@login_required
@require_GET
def compliance(request: HttpRequest, campaign_id: int) -> HttpResponse:
    membership, campaign = campaign_for(request, campaign_id)
    scope = _scope(membership, campaign)
    rows = selectors.compliance_overview(
        campaign, today=clock.today(), now=clock.now(), scope=scope
    )
    return render(
        request,
        "participation/compliance/overview.html",
        {
            "campaign": campaign,
            "rows": rows,
            "scoped": scope is not None,
            "may_edit": can_edit_requirements(membership, campaign),
        },
    )


# --- One requirement --------------------------------------------------------------------------


@dataclass
class _Page:
    membership: Membership
    campaign: Campaign
    requirement: Requirement
    form: ComplianceFilterForm
    unit_id: int | None
    short_only: bool
    scope: frozenset[int] | None
    compliance: selectors.Compliance

    def query(self, **extra: object) -> str:
        params: dict[str, object] = {"period": self.compliance.period.key}
        if self.unit_id:
            params["unit"] = self.unit_id
        if self.short_only:
            params["short"] = "on"
        params.update(extra)
        return urlencode(params)


def _requirement_page(request: HttpRequest, campaign_id: int, requirement_id: int) -> _Page:
    membership, campaign = campaign_for(request, campaign_id)
    scope = _scope(membership, campaign)
    requirement = selectors.requirement_get(campaign, requirement_id)
    tree = selectors.unit_tree(campaign.office_id)
    today = clock.today()
    form = ComplianceFilterForm(
        request.GET or None,
        initial={"period": selectors.requirement_period(requirement, None, today=today).key},
        periods=selectors.requirement_periods(requirement),
        units=tree.choices(scope) if requirement.scope != RequirementScope.CAMPAIGN else [],
    )
    key, unit_id, short_only = form.filters()
    if unit_id is not None and (
        unit_id not in tree.nodes or (scope is not None and unit_id not in scope)
    ):
        unit_id = None
    period = selectors.requirement_period(requirement, key, today=today)
    return _Page(
        membership=membership,
        campaign=campaign,
        requirement=requirement,
        form=form,
        unit_id=unit_id,
        short_only=short_only,
        scope=scope,
        compliance=selectors.compliance_for(
            requirement,
            period,
            now=clock.now(),
            scope=scope,
            unit_ids=tree.descendants(unit_id) if unit_id is not None else None,
        ),
    )


@login_required
@require_GET
def requirement_compliance(
    request: HttpRequest, campaign_id: int, requirement_id: int
) -> HttpResponse:
    page_data = _requirement_page(request, campaign_id, requirement_id)
    compliance = page_data.compliance
    found = compliance.page(
        request.GET.get("page"), per_page=PAGE_SIZE, short_only=page_data.short_only
    )
    summary, page = found.summary, found.page
    remind_scope = compliance_remind_unit_ids(page_data.membership, page_data.campaign)
    may_remind = selectors.is_remindable(page_data.requirement) and can_remind_short(
        page_data.membership, page_data.campaign, page_data.unit_id
    )
    return render(
        request,
        "participation/compliance/requirement.html",
        {
            "campaign": page_data.campaign,
            "requirement": page_data.requirement,
            "label": selectors.short_label(page_data.requirement.subject),
            "compliance": compliance,
            "period": compliance.period,
            "form": page_data.form,
            "summary": summary,
            "page": page,
            "rows": page.object_list,
            "query": page_data.query(),
            "person_scope": page_data.requirement.scope == RequirementScope.PERSON,
            "campaign_scope": page_data.requirement.scope == RequirementScope.CAMPAIGN,
            "may_remind": may_remind,
            # The count the button promises, when the user reminds whom they see.
            "remind_count": summary.short if remind_scope == page_data.scope else None,
            "unit_id": page_data.unit_id,
            "may_edit": can_edit_requirements(page_data.membership, page_data.campaign),
        },
    )


@login_required
@require_GET
def requirement_compliance_export(
    request: HttpRequest, campaign_id: int, requirement_id: int
) -> HttpResponse:
    page_data = _requirement_page(request, campaign_id, requirement_id)
    compliance = page_data.compliance
    try:
        services.requirement_compliance_record_export(
            actor=acting_user(request),
            requirement=page_data.requirement,
            period_key=compliance.period.key,
            unit_id=page_data.unit_id,
        )
    except NotAllowed as exc:
        raise Http404 from exc
    title = f"{page_data.requirement} · {compliance.period.label}"
    body = compliance_xlsx(compliance, title=title, short_only=page_data.short_only)
    filename = "{} · {} · {}.xlsx".format(
        selectors.short_label(page_data.requirement.subject),
        _("Compliance"),
        compliance.period.key or _("Whole campaign"),
    )
    response = FileResponse(
        body, as_attachment=True, filename=filename, content_type=COMPLIANCE_XLSX_TYPE
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def requirement_remind(request: HttpRequest, campaign_id: int, requirement_id: int) -> HttpResponse:
    _membership, campaign = campaign_for(request, campaign_id)
    requirement = selectors.requirement_get(campaign, requirement_id)
    form = RemindForm(request.POST)
    period_key, unit_id = "", None
    if form.is_valid():
        period_key = form.cleaned_data["period"] or ""
        unit_id = form.cleaned_data["unit"]
    try:
        outcome = services.requirement_remind_short(
            actor=acting_user(request),
            requirement=requirement,
            period_key=period_key,
            unit_id=unit_id,
        )
    except NotAllowed as exc:
        raise Http404 from exc
    except ParticipationError as exc:
        messages.error(request, exc.message)
    else:
        plan = outcome.plan
        if outcome.enqueued:
            messages.success(
                request,
                ngettext(
                    "%(count)d reminder is being sent.",
                    "%(count)d reminders are being sent.",
                    plan.to_send,
                )
                % {"count": plan.to_send},
            )
        elif plan.short == 0:
            messages.info(request, _("Nobody is short: there is nobody to remind."))
        else:
            messages.info(
                request,
                _("Everyone short was already reminded today; nothing new is sent."),
            )
        if plan.already and outcome.enqueued:
            messages.info(
                request,
                ngettext(
                    "%(count)d was already reminded today and is skipped.",
                    "%(count)d were already reminded today and are skipped.",
                    plan.already,
                )
                % {"count": plan.already},
            )
        if plan.unreachable:
            messages.warning(
                request,
                ngettext(
                    "%(count)d short has no login (or nobody to act for it) and is not reminded.",
                    "%(count)d short have no login (or nobody to act for them) "
                    "and are not reminded.",
                    plan.unreachable,
                )
                % {"count": plan.unreachable},
            )
    query = {"period": period_key, **({"unit": unit_id} if unit_id else {})}
    url = reverse("participation:requirement_compliance", args=[campaign.pk, requirement.pk])
    return redirect(f"{url}?{urlencode(query)}")


# --- A person's progress -----------------------------------------------------------------------


def _record_links(campaign: Campaign) -> dict[str, str]:
    """The pages where each measure's records are kept."""
    return {measure: reverse(name, args=[campaign.pk]) for measure, name in RECORD_PAGES.items()}


def _progress(
    request: HttpRequest, campaign: Campaign, person: Person, *, own: bool
) -> HttpResponse:
    lines = selectors.person_progress(
        person, campaign, today=clock.today(), now=clock.now(), own=own
    )
    links = _record_links(campaign) if own else {}
    return render(
        request,
        "participation/compliance/progress.html",
        {
            "campaign": campaign,
            "person": person,
            "own": own,
            "lines": [(line, links.get(line.requirement.measure, "")) for line in lines],
        },
    )


@login_required
@require_GET
def my_progress(request: HttpRequest, campaign_id: int) -> HttpResponse:
    membership, campaign = campaign_for(request, campaign_id)
    if not takes_part(membership, campaign) or membership.person is None:
        raise Http404
    return _progress(request, campaign, membership.person, own=True)


@login_required
@require_GET
def person_progress(request: HttpRequest, campaign_id: int, person_id: int) -> HttpResponse:
    membership, campaign = campaign_for(request, campaign_id)
    person = selectors.person_get(campaign, person_id)
    if not can_see_progress_of(membership, campaign, person):
        raise Http404
    own = membership.person is not None and membership.person.pk == person.pk
    return _progress(request, campaign, person, own=own)


# --- Entering and correcting requirements ------------------------------------------------------


def _requirement_form(
    request: HttpRequest, campaign: Campaign, requirement: Requirement | None
) -> HttpResponse:
    initial: dict[str, object] = {"tolerance_percent": 90}
    if requirement is not None:
        initial = {
            name: getattr(requirement, name) for name in campaign_services.REQUIREMENT_FIELDS
        }
    form = RequirementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if requirement is None:
                campaign_services.requirement_create(
                    actor=acting_user(request), campaign=campaign, **form.values()
                )
                messages.success(request, _("The requirement is added."))
            else:
                campaign_services.requirement_update(
                    actor=acting_user(request), requirement=requirement, **form.values()
                )
                messages.success(request, _("The requirement is saved."))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("participation:compliance", campaign_id=campaign.pk)
    return render(
        request,
        "participation/compliance/requirement_form.html",
        {"campaign": campaign, "form": form, "requirement": requirement},
    )


@login_required
@require_http_methods(["GET", "POST"])
def requirement_create(request: HttpRequest, campaign_id: int) -> HttpResponse:
    membership, campaign = campaign_for(request, campaign_id)
    if not can_edit_requirements(membership, campaign):
        raise Http404
    return _requirement_form(request, campaign, None)


@login_required
@require_http_methods(["GET", "POST"])
def requirement_edit(request: HttpRequest, campaign_id: int, requirement_id: int) -> HttpResponse:
    membership, campaign = campaign_for(request, campaign_id)
    if not can_edit_requirements(membership, campaign):
        raise Http404
    requirement = selectors.requirement_get(campaign, requirement_id)
    return _requirement_form(request, campaign, requirement)


_REQUIREMENT = "c/<int:campaign_id>/compliance/<int:requirement_id>/"
urlpatterns = [
    path("c/<int:campaign_id>/compliance/", compliance, name="compliance"),
    path(_REQUIREMENT, requirement_compliance, name="requirement_compliance"),
    path(
        f"{_REQUIREMENT}export.xlsx",
        requirement_compliance_export,
        name="requirement_compliance_export",
    ),
    path(f"{_REQUIREMENT}remind/", requirement_remind, name="requirement_remind"),
    path("c/<int:campaign_id>/progress/", my_progress, name="my_progress"),
    path(
        "c/<int:campaign_id>/people/<int:person_id>/progress/",
        person_progress,
        name="person_progress",
    ),
    path("c/<int:campaign_id>/requirements/new/", requirement_create, name="requirement_create"),
    path(
        "c/<int:campaign_id>/requirements/<int:requirement_id>/edit/",
        requirement_edit,
        name="requirement_edit",
    ),
]
