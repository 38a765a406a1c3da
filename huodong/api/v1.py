"""The open API, version 1, at /api/v1/ (schema at /api/v1/openapi.json, docs at /api/v1/docs).

Every endpoint reads through the apps' own selectors and writes through their services with the
integration's login as the actor, so the pages' rules hold: an object the integration may not
see answers 404 like a missing one; a service's refusal answers 400 (or 409 for a step the
object's state does not allow) with its translated message, and a request the schema does not
accept 422. Lists page by `page` and `page_size` (at most 100) in a stable order and give the
total `count`; a page past the last is empty.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Path, Query, Status
from ninja.openapi.docs import Swagger

from huodong.api import schemas as s
from huodong.api.auth import IntegrationBearer
from huodong.api.permissions import is_integration
from huodong.api.selectors import may_read_any_outcome, outcomes_for_api
from huodong.api.services import integration_study_record_log
from huodong.campaigns import selectors as campaign_selectors
from huodong.campaigns.lights import Light
from huodong.campaigns.models import (
    Campaign,
    LeadingGroupMember,
    RequirementScope,
    Task,
    TaskUnitRole,
)
from huodong.core import clock
from huodong.orgs.models import Office, Person, Unit, User
from huodong.orgs.permissions import Membership, membership_of
from huodong.participation.errors import NotAllowed as StudyNotAllowed
from huodong.participation.errors import ParticipationError
from huodong.participation.permissions import can_view_compliance, compliance_unit_ids
from huodong.participation.selectors import compliance as compliance_selectors
from huodong.participation.selectors.study import managed_session_get
from huodong.participation.services.study import session_mark_attendance
from huodong.publicity.selectors import published_articles
from huodong.suggestions.models import Milestone, OutcomeKind, OutcomeStatus, Stage
from huodong.suggestions.permissions import can_read_pool, can_see_contacts
from huodong.suggestions.selectors.pool import PoolFilters, pool_filtered
from huodong.supervision import services as supervision
from huodong.supervision.errors import NotAllowed as SupervisionNotAllowed
from huodong.supervision.errors import SupervisionError, TransitionRefused
from huodong.supervision.lifecycle import effective_status
from huodong.supervision.models import ProgressReport, TrackingStatus
from huodong.supervision.selectors import report_get, task_panel

api = NinjaAPI(
    title="huodong API",
    version="1",
    description=(
        "The open API of huodong: campaigns, tasks, requirements and compliance, suggestions, "
        "outcomes and column articles; progress reports and study records. Authenticate with "
        "`Authorization: Bearer <token>`; the office's administrator issues tokens on the "
        "integrations page (/api/integrations/). An integration sees and does what a person "
        "holding its roles would."
    ),
    urls_namespace="api:v1",
    auth=IntegrationBearer(),
    # Served from the package's own static files; no validator badge fetched from outside.
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
)

ERRORS: dict[int, type[s.Error]] = {401: s.Error, 404: s.Error}
WRITE_ERRORS: dict[int, type[s.Error]] = {
    400: s.Error,
    401: s.Error,
    403: s.Error,
    404: s.Error,
    409: s.Error,
}

M = TypeVar("M", bound=Model)


# --- Errors -------------------------------------------------------------------------------


def _error(request: HttpRequest, message: str, *, status: int, code: str = "") -> HttpResponse:
    return api.create_response(request, {"detail": message, "code": code}, status=status)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, _("Not found."), status=404, code="not_found")


@api.exception_handler(PermissionDenied)
def _denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, _("Not found."), status=404, code="not_found")


@api.exception_handler(SupervisionError)
def _supervision_refused(request: HttpRequest, exc: SupervisionError) -> HttpResponse:
    if isinstance(exc, SupervisionNotAllowed):
        status = 403
    elif isinstance(exc, TransitionRefused):
        status = 409
    else:
        status = 400
    return _error(request, exc.message, status=status, code=exc.code)


@api.exception_handler(ParticipationError)
def _participation_refused(request: HttpRequest, exc: ParticipationError) -> HttpResponse:
    status = 403 if isinstance(exc, StudyNotAllowed) else 400
    return _error(request, exc.message, status=status, code=exc.code)


# --- Helpers ------------------------------------------------------------------------------


def _membership(request: HttpRequest) -> Membership:
    return membership_of(request.user)


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def _page(rows: QuerySet[Any] | Sequence[Any], paging: s.Paging) -> tuple[int, list[Any]]:
    """The total and one page of `rows` (already in a stable order)."""
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    offset = (paging.page - 1) * paging.page_size
    if offset >= count:
        return count, []
    return count, list(rows[offset : offset + paging.page_size])


def _paged(count: int, paging: s.Paging, items: list[Any], **extra: Any) -> dict[str, Any]:
    return {
        "count": count,
        "page": paging.page,
        "page_size": paging.page_size,
        "items": items,
        **extra,
    }


def _listed(
    rows: QuerySet[Any] | Sequence[Any], paging: s.Paging, out: Callable[[Any], dict[str, Any]]
) -> dict[str, Any]:
    """One page of `rows` (already in a stable order), each item written by `out`."""
    count, found = _page(rows, paging)
    return _paged(count, paging, [out(row) for row in found])


def _first_or_404(rows: QuerySet[M], pk: int) -> M:
    """The row `pk` among `rows` (already scoped to what the caller may see), else 404."""
    found = rows.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _unit(unit: Unit | None) -> dict[str, Any] | None:
    return None if unit is None else {"id": unit.pk, "name": unit.name}


def _office_id(membership: Membership) -> int:
    """The office an integration reads; the API serves integrations only (404 otherwise)."""
    if membership.office_id is None:
        raise Http404
    return membership.office_id


def _office_reader(
    request: HttpRequest, may: Callable[[Membership, int], bool] | None = None
) -> tuple[Membership, int]:
    """The integration's membership and office; 404 unless `may(membership, office_id)`."""
    membership = _membership(request)
    office_id = _office_id(membership)
    if may is not None and not may(membership, office_id):
        raise Http404
    return membership, office_id


def _campaign(request: HttpRequest, campaign_id: int) -> tuple[Membership, Campaign]:
    membership = _membership(request)
    return membership, campaign_selectors.campaign_get(membership, campaign_id)


# --- Campaigns ----------------------------------------------------------------------------


def _campaign_out(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.pk,
        "title": campaign.title,
        "doc_number": campaign.doc_number,
        "issuer": campaign.issuer,
        "issued": campaign.issued,
        "year": campaign.year,
        "theme": campaign.theme,
        "start": campaign.start,
        "end": campaign.end,
    }


@api.get(
    "/campaigns",
    response={200: s.CampaignPage, **ERRORS},
    tags=["campaigns"],
    summary="Campaigns of the integration's office",
)
def campaigns(request: HttpRequest, paging: Query[s.Paging]) -> dict[str, Any]:
    rows = campaign_selectors.campaigns_visible_to(_membership(request)).order_by("-start", "-id")
    return _listed(rows, paging, _campaign_out)


@api.get(
    "/campaigns/{campaign_id}",
    response={200: s.CampaignDetail, **ERRORS},
    tags=["campaigns"],
    summary="A campaign with its sub-themes, phases and leading group",
)
def campaign_detail(request: HttpRequest, campaign_id: Path[s.Id]) -> dict[str, Any]:
    _m, campaign = _campaign(request, campaign_id)
    overview = campaign_selectors.campaign_overview(campaign)
    group: list[LeadingGroupMember] = overview["leading_group"]
    return {
        **_campaign_out(campaign),
        "guiding_thought": campaign.guiding_thought,
        "principles": [str(p) for p in (campaign.principles or []) if isinstance(p, str)],
        "warning_days": campaign.warning_days,
        "leading_group_office": _unit(campaign.leading_group_office),
        "sub_themes": [
            {
                "id": theme.pk,
                "order": theme.order,
                "name": theme.name,
                "text": theme.text,
                "lead_leader": theme.lead_leader.name
                if theme.lead_leader is not None
                else theme.lead_leader_name,
                "units": [_unit(u) for u in theme.units.all()],
            }
            for theme in overview["sub_themes"]
        ],
        "phases": [
            {"id": p.pk, "order": p.order, "name": p.name, "start": p.start, "end": p.end}
            for p in overview["phases"]
        ],
        "leading_group": [
            {"role": seat.role, "role_label": seat.get_role_display(), "name": seat.name}
            for seat in group
        ],
    }


# --- Tasks --------------------------------------------------------------------------------


def _tracking_status(task: Task) -> str:
    tracking = getattr(task, "tracking", None)
    return effective_status(
        tracking.status if tracking is not None else None,
        completed_on=task.completed_on,
        received=bool(tracking is not None and tracking.received_at),
    )


def _task_out(task: Task) -> dict[str, Any]:
    links = getattr(task, "unit_links", [])
    status = _tracking_status(task)
    light = task.light  # type: ignore[attr-defined]
    return {
        "id": task.pk,
        "seq": task.seq,
        "text": task.text,
        "phase_id": task.phase_id,
        "phase": task.phase.name if task.phase is not None else "",
        "due": task.due,
        "due_text": task.due_text,
        "recurrence": task.recurrence,
        "start": task.start,
        "completed_on": task.completed_on,
        "light": light,
        "light_label": str(Light(light).label),
        "tracking_status": status,
        "tracking_label": str(TrackingStatus(status).label),
        "lead_units": [_unit(link.unit) for link in links if link.role == TaskUnitRole.LEAD],
        "co_units": [_unit(link.unit) for link in links if link.role == TaskUnitRole.CO],
    }


class TaskFilters(s.Schema):
    phase_id: s.Id | None = None
    unit_id: s.Id | None = None
    light: s.LightName | None = None


@api.get(
    "/campaigns/{campaign_id}/tasks",
    response={200: s.TaskPage, **ERRORS},
    tags=["tasks"],
    summary="The campaign's schedule: tasks with lights, lead units and tracking status",
)
def tasks(
    request: HttpRequest,
    campaign_id: Path[s.Id],
    paging: Query[s.Paging],
    filters: Query[TaskFilters],
) -> dict[str, Any]:
    _m, campaign = _campaign(request, campaign_id)
    rows = campaign_selectors.schedule_tasks(
        campaign,
        today=clock.today(),
        filters=campaign_selectors.ScheduleFilters(
            phase_id=filters.phase_id, unit_id=filters.unit_id, light=filters.light
        ),
    ).select_related("tracking")
    return _listed(rows, paging, _task_out)


def _report_out(report: ProgressReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "task_id": report.task_id,
        "unit": _unit(report.unit),
        "status": report.status,
        "text": report.text,
        "author_name": report.author_name,
        "created_at": report.created_at,
        "submitted_at": report.submitted_at,
    }


def _task(request: HttpRequest, campaign_id: int, seq: int) -> tuple[Membership, Campaign, Task]:
    membership, campaign = _campaign(request, campaign_id)
    task = campaign_selectors.task_get(campaign, seq=seq, today=clock.today())
    return membership, campaign, task


@api.get(
    "/campaigns/{campaign_id}/tasks/{seq}",
    response={200: s.TaskDetail, **ERRORS},
    tags=["tasks"],
    summary="One task with the progress reports the integration may see",
)
def task_detail(request: HttpRequest, campaign_id: Path[s.Id], seq: Path[s.Id]) -> dict[str, Any]:
    membership, campaign, task = _task(request, campaign_id, seq)
    panel = task_panel(membership, campaign, task, today=clock.today())
    task.tracking = panel.tracking  # type: ignore[assignment]
    return {**_task_out(task), "reports": [_report_out(r) for r in panel.reports]}


def _unit_of(campaign: Campaign, unit_id: int) -> Unit:
    return _first_or_404(Unit.objects.filter(office_id=campaign.office_id), unit_id)


@api.post(
    "/campaigns/{campaign_id}/tasks/{seq}/receive",
    response={200: s.TrackingOut, **WRITE_ERRORS},
    tags=["tasks"],
    summary="Receive (签收) the task for one of its lead units",
)
def task_receive(
    request: HttpRequest, campaign_id: Path[s.Id], seq: Path[s.Id], body: s.ReceiveIn
) -> dict[str, Any]:
    _m, campaign, task = _task(request, campaign_id, seq)
    unit = _unit_of(campaign, body.unit_id) if body.unit_id is not None else None
    tracking = supervision.task_receive(actor=_actor(request), task=task, unit=unit)
    return {
        "task_id": task.pk,
        "status": tracking.status,
        "status_label": str(TrackingStatus(tracking.status).label),
    }


@api.post(
    "/campaigns/{campaign_id}/tasks/{seq}/reports",
    response={201: s.ReportOut, **WRITE_ERRORS},
    tags=["tasks"],
    summary="Write a progress report of a unit on the task (a draft, or submitted at once)",
)
def report_create(
    request: HttpRequest, campaign_id: Path[s.Id], seq: Path[s.Id], body: s.ReportIn
) -> Status:
    _m, campaign, task = _task(request, campaign_id, seq)
    unit = _unit_of(campaign, body.unit_id)
    actor = _actor(request)
    report = supervision.report_create(actor=actor, task=task, unit=unit, text=body.text)
    if body.submit:
        report = supervision.report_submit(actor=actor, report=report)
    report.unit = unit
    return Status(201, _report_out(report))


@api.post(
    "/campaigns/{campaign_id}/reports/{report_id}/submit",
    response={200: s.ReportOut, **WRITE_ERRORS},
    tags=["tasks"],
    summary="Submit a draft progress report (it can then no longer change)",
)
def report_submit(
    request: HttpRequest, campaign_id: Path[s.Id], report_id: Path[s.Id]
) -> dict[str, Any]:
    membership, campaign = _campaign(request, campaign_id)
    report = report_get(membership, campaign, report_id)
    submitted = supervision.report_submit(actor=_actor(request), report=report)
    submitted.unit = report.unit
    return _report_out(submitted)


# --- Requirements and compliance ------------------------------------------------------------


def _summary_out(period: Any, summary: Any) -> dict[str, Any]:
    return {
        "period": period.key,
        "period_label": period.label,
        "targets": summary.targets,
        "met": summary.met,
        "short": summary.short,
        "share": summary.share,
        "shortfall": summary.shortfall,
    }


@api.get(
    "/campaigns/{campaign_id}/requirements",
    response={200: s.RequirementPage, **ERRORS},
    tags=["requirements"],
    summary="The campaign's numeric requirements, with the share met for those who see it",
)
def requirements(
    request: HttpRequest, campaign_id: Path[s.Id], paging: Query[s.Paging]
) -> dict[str, Any]:
    membership, campaign = _campaign(request, campaign_id)
    count, found = _page(compliance_selectors.requirements_of(campaign), paging)
    summaries: dict[int, dict[str, Any]] = {}
    if can_view_compliance(membership, campaign):
        for row in compliance_selectors.compliance_overview(
            campaign,
            today=clock.today(),
            now=clock.now(),
            scope=compliance_unit_ids(membership, campaign),
            requirements=found,
        ):
            if row.summary is not None:
                summaries[row.requirement.pk] = _summary_out(row.period, row.summary)
    items = [
        {
            "id": r.pk,
            "order": r.order,
            "scope": r.scope,
            "minimum": r.minimum,
            "subject": r.subject,
            "period": r.period,
            "measure": r.measure,
            "study_kind": r.study_kind,
            "task_id": r.task_id,
            "counted": compliance_selectors.is_counted(r),
            "compliance": summaries.get(r.pk),
        }
        for r in found
    ]
    return _paged(count, paging, items)


class ComplianceFilters(s.Schema):
    period: str | None = s.Field(
        None,
        max_length=10,
        description="A period key (2018-06, 2018-Q2); the current one if absent.",
    )
    unit_id: s.Id | None = s.Field(None, description="Only this unit and the units below it.")
    short_only: bool = False


def _row_out(requirement: Any, row: Any) -> dict[str, Any]:
    target = cast(Model, row.target)
    if requirement.scope == RequirementScope.PERSON:
        unit = cast(Person, target).unit
    elif requirement.scope == RequirementScope.CAMPAIGN:
        unit = None
    else:
        unit = cast(Unit, target).parent
    return {
        "target_type": requirement.scope,
        "target_id": target.pk,
        "name": row.name,
        "unit": _unit(unit),
        "done": row.done,
        "needed": row.needed,
        "met": row.met,
        "short_by": row.short_by,
        "best_words": row.best_words,
    }


@api.get(
    "/campaigns/{campaign_id}/requirements/{requirement_id}/compliance",
    response={200: s.CompliancePage, **ERRORS},
    tags=["requirements"],
    summary="Who meets one requirement: people, branches or units, those furthest short first",
)
def requirement_compliance(
    request: HttpRequest,
    campaign_id: Path[s.Id],
    requirement_id: Path[s.Id],
    paging: Query[s.Paging],
    filters: Query[ComplianceFilters],
) -> dict[str, Any]:
    membership, campaign = _campaign(request, campaign_id)
    if not can_view_compliance(membership, campaign):
        raise Http404
    scope = compliance_unit_ids(membership, campaign)
    requirement = compliance_selectors.requirement_get(campaign, requirement_id)
    unit_ids = None
    if filters.unit_id is not None:
        tree = compliance_selectors.unit_tree(campaign.office_id)
        if filters.unit_id not in tree.nodes or (
            scope is not None and filters.unit_id not in scope
        ):
            raise Http404
        unit_ids = tree.descendants(filters.unit_id)
    period = compliance_selectors.requirement_period(
        requirement, filters.period, today=clock.today()
    )
    compliance = compliance_selectors.compliance_for(
        requirement, period, now=clock.now(), scope=scope, unit_ids=unit_ids
    )
    found = compliance.page(paging.page, per_page=paging.page_size, short_only=filters.short_only)
    page = found.page
    rows = list(page.object_list) if page.number == paging.page else []
    return _paged(
        page.paginator.count,
        paging,
        [_row_out(requirement, row) for row in rows],
        summary=_summary_out(period, found.summary),
    )


# --- Suggestions ----------------------------------------------------------------------------


class SuggestionFilters(s.Schema):
    stage: s.StageName | None = None
    campaign_id: s.Id | None = None


def _suggestion_out(suggestion: Any, *, contacts: bool) -> dict[str, Any]:
    anonymous = suggestion.is_anonymous
    name = ""
    if not anonymous:
        name = suggestion.submitter_name or (
            suggestion.submitter.name if suggestion.submitter is not None else ""
        )
    return {
        "id": suggestion.pk,
        "number": suggestion.number,
        "text": suggestion.text,
        "source": suggestion.source,
        "stage": suggestion.stage,
        "stage_label": str(Stage(suggestion.stage).label),
        "status": suggestion.status.name if suggestion.status is not None else "",
        "category": suggestion.category.name if suggestion.category is not None else "",
        "tags": [tag.name for tag in suggestion.tags.all()],
        "campaign_id": suggestion.campaign_id,
        "submitter_name": name,
        "submitter_organisation": "" if anonymous else suggestion.submitter_organisation,
        "anonymous": anonymous,
        "contact": (suggestion.submitter_contact if contacts and not anonymous else None),
        "created_at": suggestion.created_at,
    }


@api.get(
    "/suggestions",
    response={200: s.SuggestionPage, **ERRORS},
    tags=["suggestions"],
    summary="The suggestion pool, for integrations holding a role that reads it",
)
def suggestions(
    request: HttpRequest, paging: Query[s.Paging], filters: Query[SuggestionFilters]
) -> dict[str, Any]:
    membership, office_id = _office_reader(request, can_read_pool)
    rows = pool_filtered(
        Office(pk=office_id),
        PoolFilters(campaign_id=filters.campaign_id, stage=filters.stage or ""),
    )
    contacts = can_see_contacts(membership, office_id)
    return _listed(rows, paging, lambda x: _suggestion_out(x, contacts=contacts))


# --- Outcomes -------------------------------------------------------------------------------


class OutcomeFilters(s.Schema):
    campaign_id: s.Id | None = None
    status: str | None = s.Field(None, max_length=20)
    kind: str | None = s.Field(None, max_length=20)


def _outcome_out(outcome: Any) -> dict[str, Any]:
    return {
        "id": outcome.pk,
        "title": outcome.title,
        "kind": outcome.kind,
        "kind_label": str(OutcomeKind(outcome.kind).label),
        "status": outcome.status,
        "status_label": str(OutcomeStatus(outcome.status).label),
        "progress": float(outcome.progress),
        "responsible_unit": _unit(outcome.responsible_unit),
        "campaign_id": outcome.campaign_id,
        "parent_id": outcome.parent_id,
        "milestones_total": outcome.milestones_total,
        "milestones_done": outcome.milestones_done,
        "suggestions_total": outcome.suggestions_total,
        "is_public": outcome.is_public,
        "created_at": outcome.created_at,
        "updated_at": outcome.updated_at,
    }


@api.get(
    "/outcomes",
    response={200: s.OutcomePage, **ERRORS},
    tags=["outcomes"],
    summary="Outcomes with their progress",
)
def outcomes(
    request: HttpRequest, paging: Query[s.Paging], filters: Query[OutcomeFilters]
) -> dict[str, Any]:
    membership, office_id = _office_reader(request, may_read_any_outcome)
    rows = outcomes_for_api(membership, office_id)
    if filters.campaign_id:
        rows = rows.filter(campaign_id=filters.campaign_id)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    return _listed(rows.order_by("-created_at", "-id"), paging, _outcome_out)


@api.get(
    "/outcomes/{outcome_id}",
    response={200: s.OutcomeDetail, **ERRORS},
    tags=["outcomes"],
    summary="One outcome with its milestones",
)
def outcome_detail(request: HttpRequest, outcome_id: Path[s.Id]) -> dict[str, Any]:
    membership, office_id = _office_reader(request)
    outcome = _first_or_404(outcomes_for_api(membership, office_id), outcome_id)
    milestones = Milestone.objects.filter(outcome=outcome).order_by("sort_order", "due_on", "id")
    return {
        **_outcome_out(outcome),
        "description": outcome.description,
        "milestones": [
            {
                "id": m.pk,
                "title": m.title,
                "due_on": m.due_on,
                "weight": m.weight,
                "done": m.done_at is not None,
                "done_at": m.done_at,
            }
            for m in milestones
        ],
    }


# --- Column articles ------------------------------------------------------------------------


class ArticleFilters(s.Schema):
    campaign_id: s.Id | None = None


def _article_out(article: Any) -> dict[str, Any]:
    return {
        "id": article.pk,
        "title": article.title,
        "summary": article.summary,
        "body_html": article.body_html,
        "category": article.category.name if article.category is not None else "",
        "campaign_id": article.campaign_id,
        "published_at": article.published_at,
    }


@api.get(
    "/articles",
    response={200: s.ArticlePage, **ERRORS},
    tags=["column"],
    summary="The office's published column articles, newest first",
)
def articles(
    request: HttpRequest, paging: Query[s.Paging], filters: Query[ArticleFilters]
) -> dict[str, Any]:
    _m, office_id = _office_reader(request)
    rows = published_articles(office=office_id)
    if filters.campaign_id:
        rows = rows.filter(campaign_id=filters.campaign_id)
    return _listed(rows, paging, _article_out)


# --- Study ----------------------------------------------------------------------------------


@api.post(
    "/campaigns/{campaign_id}/study-records",
    response={201: s.StudyRecordOut, **WRITE_ERRORS},
    tags=["study"],
    summary="Record a personal study for a person of the integration's units",
)
def study_record_create(
    request: HttpRequest, campaign_id: Path[s.Id], body: s.StudyRecordIn
) -> Status:
    membership, campaign = _campaign(request, campaign_id)
    if not is_integration(membership):
        raise Http404
    person = _first_or_404(Person.objects.filter(office_id=campaign.office_id), body.person_id)
    record = integration_study_record_log(
        actor=_actor(request),
        campaign=campaign,
        person=person,
        kind=body.kind,
        date=body.date,
        material=body.material,
        duration_minutes=body.duration_minutes,
        notes=body.notes,
    )
    return Status(
        201,
        {
            "id": record.pk,
            "campaign_id": record.campaign_id,
            "person_id": record.person_id,
            "kind": record.kind,
            "date": record.date,
            "material": record.material,
            "duration_minutes": record.duration_minutes,
            "source": record.source,
        },
    )


@api.post(
    "/study-sessions/{session_id}/attendance",
    response={200: s.AttendanceOut, **WRITE_ERRORS},
    tags=["study"],
    summary="Mark invitees present at a session the integration's units organise",
)
def session_attendance(
    request: HttpRequest, session_id: Path[s.Id], body: s.AttendanceIn
) -> dict[str, Any]:
    session = managed_session_get(_membership(request), session_id)
    marked = session_mark_attendance(
        actor=_actor(request), session=session, person_ids=body.person_ids
    )
    return {"session_id": session.pk, "marked": marked}


__all__ = ["api"]
