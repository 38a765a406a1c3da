"""Pages and actions of supervision. Each asks `permissions` and calls one service.

A campaign or object the user may not see answers 404; an action on a visible task that the
user's role may not take answers 403; a transition the task's state refuses comes back as a
message on the task page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huodong.campaigns import selectors as campaign_selectors
from huodong.campaigns.models import Campaign, Task
from huodong.core import clock
from huodong.core.list_export import Sheet, list_export_response
from huodong.orgs.models import User
from huodong.orgs.permissions import Membership, membership_of
from huodong.supervision import selectors, services
from huodong.supervision.errors import AttachmentRefused, NotAllowed, SupervisionError
from huodong.supervision.forms import (
    LedgerFilterForm,
    NewReportForm,
    NoteForm,
    ReasonForm,
    ReceiveForm,
    ReportForm,
    ReturnForm,
)
from huodong.supervision.ledger_export import LEDGER_XLSX_TYPE, ledger_xlsx
from huodong.supervision.list_exports import rate_columns
from huodong.supervision.models import ReportStatus
from huodong.supervision.permissions import (
    can_accept,
    can_reopen,
    can_view_rates,
    lead_units_acted_for,
    ledger_scope,
    report_units_acted_for,
    task_units,
)

LEDGER_PAGE_SIZE = 50


def _task(request: HttpRequest, campaign_id: int, seq: int) -> tuple[Membership, Campaign, Task]:
    membership = membership_of(request.user)
    campaign = campaign_selectors.campaign_get(membership, campaign_id)
    task = campaign_selectors.task_get(campaign, seq=seq, today=clock.today())
    return membership, campaign, task


def _task_page(task: Task) -> HttpResponse:
    url = reverse("campaigns:task", args=[task.campaign_id, task.seq])
    return redirect(f"{url}#supervision")


def _run(request: HttpRequest, task: Task, action: Callable[[], object], done: str) -> HttpResponse:
    try:
        action()
    except NotAllowed as exc:
        raise PermissionDenied from exc
    except SupervisionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return _task_page(task)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


# --- Lifecycle transitions ----------------------------------------------------------------


@login_required
@require_POST
def task_receive(request: HttpRequest, campaign_id: int, seq: int) -> HttpResponse:
    membership, _campaign, task = _task(request, campaign_id, seq)
    lead = lead_units_acted_for(membership, task_units(task))
    if not lead:
        raise PermissionDenied
    units = [link.unit for link in task.unit_links if link.unit_id in lead]  # type: ignore[attr-defined]
    form = ReceiveForm(request.POST, units=units)
    if not form.is_valid():
        messages.error(request, _("Choose the unit that receives the task."))
        return _task_page(task)
    return _run(
        request,
        task,
        lambda: services.task_receive(actor=_user(request), task=task, unit=form.chosen_unit()),
        _("The task is received."),
    )


@login_required
@require_POST
def task_submit(request: HttpRequest, campaign_id: int, seq: int) -> HttpResponse:
    membership, _campaign, task = _task(request, campaign_id, seq)
    if not lead_units_acted_for(membership, task_units(task)):
        raise PermissionDenied
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _run(
        request,
        task,
        lambda: services.task_submit(actor=_user(request), task=task, note=note),
        _("The task is submitted for acceptance."),
    )


@login_required
@require_POST
def task_accept(request: HttpRequest, campaign_id: int, seq: int) -> HttpResponse:
    membership, campaign, task = _task(request, campaign_id, seq)
    if not can_accept(membership, campaign):
        raise PermissionDenied
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _run(
        request,
        task,
        lambda: services.task_accept(actor=_user(request), task=task, note=note),
        _("The task is accepted as done."),
    )


@login_required
@require_POST
def task_return(request: HttpRequest, campaign_id: int, seq: int) -> HttpResponse:
    membership, campaign, task = _task(request, campaign_id, seq)
    if not can_accept(membership, campaign):
        raise PermissionDenied
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the task is returned."))
        return _task_page(task)
    return _run(
        request,
        task,
        lambda: services.task_return(
            actor=_user(request), task=task, reason=form.cleaned_data["reason"]
        ),
        _("The task is returned to the lead unit."),
    )


@login_required
@require_POST
def task_reopen(request: HttpRequest, campaign_id: int, seq: int) -> HttpResponse:
    membership, campaign, task = _task(request, campaign_id, seq)
    if not can_reopen(membership, campaign):
        raise PermissionDenied
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _run(
        request,
        task,
        lambda: services.task_reopen_accepted(actor=_user(request), task=task, note=note),
        _("The task is open again."),
    )


@login_required
@require_POST
def overdue_reason(request: HttpRequest, campaign_id: int, seq: int) -> HttpResponse:
    membership, _campaign, task = _task(request, campaign_id, seq)
    lead = lead_units_acted_for(membership, task_units(task))
    if not lead:
        raise PermissionDenied
    units = [link.unit for link in task.unit_links if link.unit_id in lead]  # type: ignore[attr-defined]
    form = ReasonForm(request.POST, units=units)
    if not form.is_valid():
        messages.error(request, _("Write the reason."))
    else:
        try:
            services.overdue_reason_give(
                actor=_user(request),
                task=task,
                unit=form.chosen_unit(),
                text=form.cleaned_data["text"],
            )
        except NotAllowed as exc:
            raise PermissionDenied from exc
        except SupervisionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The reason is recorded."))
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return _task_page(task)


# --- Progress reports ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest, campaign_id: int, seq: int) -> HttpResponse:
    membership, campaign, task = _task(request, campaign_id, seq)
    allowed = report_units_acted_for(membership, task_units(task))
    if not allowed:
        raise PermissionDenied
    units = list(
        {
            link.unit_id: link.unit
            for link in task.unit_links  # type: ignore[attr-defined]
            if link.unit_id in allowed
        }.values()
    )
    form = NewReportForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_create(
                actor=_user(request),
                task=task,
                unit=form.chosen_unit(),
                text=form.cleaned_data["text"],
                files=form.cleaned_data["files"],
            )
        except AttachmentRefused as exc:
            form.add_error("files", exc.message)
        except NotAllowed as exc:
            raise PermissionDenied from exc
        except SupervisionError as exc:
            messages.error(request, exc.message)
            return _task_page(task)
        else:
            return _after_save(request, task, report)
    return render(
        request,
        "supervision/report_form.html",
        {"campaign": campaign, "task": task, "form": form, "report": None},
    )


def _after_save(request: HttpRequest, task: Task, report) -> HttpResponse:
    if request.POST.get("action") != "submit":
        messages.success(request, _("The draft is saved."))
        return redirect("supervision:report", campaign_id=task.campaign_id, report_id=report.pk)
    try:
        services.report_submit(actor=_user(request), report=report)
    except NotAllowed as exc:
        raise PermissionDenied from exc
    except SupervisionError as exc:
        messages.error(request, exc.message)
        return redirect("supervision:report", campaign_id=task.campaign_id, report_id=report.pk)
    messages.success(request, _("The report is submitted."))
    return _task_page(task)


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request: HttpRequest, campaign_id: int, report_id: int) -> HttpResponse:
    """A report: read-only once submitted; a draft is edited here by its unit."""
    membership = membership_of(request.user)
    campaign = campaign_selectors.campaign_get(membership, campaign_id)
    report = selectors.report_get(membership, campaign, report_id)
    task = report.task
    editable = report.status == ReportStatus.DRAFT
    form = ReportForm(request.POST or None, request.FILES or None, initial={"text": report.text})
    if request.method == "POST":
        if not editable:
            messages.error(
                request, _("A submitted report and its files can no longer be changed or deleted.")
            )
            return redirect("supervision:report", campaign_id=campaign.pk, report_id=report.pk)
        if form.is_valid():
            try:
                report = services.report_update(
                    actor=_user(request),
                    report=report,
                    text=form.cleaned_data["text"],
                    files=form.cleaned_data["files"],
                )
            except AttachmentRefused as exc:
                form.add_error("files", exc.message)
            except NotAllowed as exc:
                raise PermissionDenied from exc
            except SupervisionError as exc:
                messages.error(request, exc.message)
                return redirect("supervision:report", campaign_id=campaign.pk, report_id=report.pk)
            else:
                return _after_save(request, task, report)
    return render(
        request,
        "supervision/report_form.html",
        {
            "campaign": campaign,
            "task": task,
            "form": form if editable else None,
            "report": report,
            "attachments": list(report.attachments.all()),
        },
    )


@login_required
@require_POST
def report_delete(request: HttpRequest, campaign_id: int, report_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    campaign = campaign_selectors.campaign_get(membership, campaign_id)
    report = selectors.report_get(membership, campaign, report_id)
    try:
        services.report_delete(actor=_user(request), report=report)
    except NotAllowed as exc:
        raise PermissionDenied from exc
    except SupervisionError as exc:
        messages.error(request, exc.message)
        return redirect("supervision:report", campaign_id=campaign.pk, report_id=report.pk)
    messages.success(request, _("The draft is deleted."))
    return _task_page(report.task)


# --- Attachments --------------------------------------------------------------------------


@login_required
@require_GET
def attachment_download(request: HttpRequest, campaign_id: int, attachment_id: int) -> HttpResponse:
    attachment = selectors.attachment_get(membership_of(request.user), attachment_id)
    if attachment.report.task.campaign_id != campaign_id:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=attachment.original_name
    )
    response["Content-Length"] = str(attachment.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def attachment_delete(request: HttpRequest, campaign_id: int, attachment_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    attachment = selectors.attachment_get(membership, attachment_id)
    if attachment.report.task.campaign_id != campaign_id:
        raise Http404
    try:
        services.attachment_delete(actor=_user(request), attachment=attachment)
    except NotAllowed as exc:
        raise PermissionDenied from exc
    except SupervisionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The file is removed."))
    return redirect("supervision:report", campaign_id=campaign_id, report_id=attachment.report_id)


# --- Rates and the overdue ledger ---------------------------------------------------------


@login_required
@require_GET
def rates(request: HttpRequest, campaign_id: int) -> HttpResponse:
    membership = membership_of(request.user)
    campaign = campaign_selectors.campaign_get(membership, campaign_id)
    if not can_view_rates(membership, campaign):
        raise PermissionDenied
    today = clock.today()
    return render(
        request,
        "supervision/rates.html",
        {
            "campaign": campaign,
            "today": today,
            "overall": selectors.rate_overall(campaign, today=today),
            "by_unit": selectors.rates_by_unit(campaign, today=today),
            "by_leader": selectors.rates_by_leader(campaign, today=today),
        },
    )


@login_required
@require_GET
def rates_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The rates page as .xlsx: by lead unit, then a sheet by lead leader."""
    membership = membership_of(request.user)
    campaign = campaign_selectors.campaign_get(membership, campaign_id)
    if not can_view_rates(membership, campaign):
        raise PermissionDenied
    today = clock.today()
    by_leader = selectors.rates_by_leader(campaign, today=today)
    leader_title = _("By lead leader")
    return list_export_response(
        actor=request.user,
        action="supervision.export_rates",
        obj=campaign,
        title=_("On-time rates"),
        scope=campaign.title,
        columns=rate_columns(_("Lead unit")),
        rows=[
            *selectors.rates_by_unit(campaign, today=today),
            selectors.rate_overall(campaign, today=today),
        ],
        extra_sheets=[
            Sheet(
                name=leader_title,
                heading=f"{campaign.title} · {leader_title} · {today.isoformat()}",
                columns=rate_columns(_("Lead leader")),
                rows=by_leader.rows,
            )
        ],
    )


def _ledger(request: HttpRequest, campaign_id: int):
    membership = membership_of(request.user)
    campaign = campaign_selectors.campaign_get(membership, campaign_id)
    scope = ledger_scope(membership, campaign)
    form = LedgerFilterForm(
        request.GET or None, units=selectors.ledger_units(campaign, scope=scope)
    )
    unit_id = form.cleaned_data["unit"] if form.is_bound and form.is_valid() else None
    tasks = selectors.ledger_tasks(campaign, today=clock.today(), scope=scope, unit_id=unit_id)
    return membership, campaign, form, unit_id, tasks


@login_required
@require_GET
def ledger(request: HttpRequest, campaign_id: int) -> HttpResponse:
    membership, campaign, form, _unit_id, tasks = _ledger(request, campaign_id)
    today = clock.today()
    page = Paginator(tasks, LEDGER_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "supervision/ledger.html",
        {
            "campaign": campaign,
            "form": form,
            "page": page,
            "rows": selectors.ledger_rows(page.object_list, membership=membership, today=today),
            "query": query.urlencode(),
            "today": today,
        },
    )


@login_required
@require_GET
def ledger_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    membership, campaign, _form, unit_id, tasks = _ledger(request, campaign_id)
    today = clock.today()
    rows = selectors.ledger_rows(list(tasks), membership=membership, today=today)
    body = ledger_xlsx(campaign, rows, today=today)
    services.ledger_record_export(actor=_user(request), campaign=campaign, unit_id=unit_id)
    response = HttpResponse(body, content_type=LEDGER_XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{campaign.title}·{_('Overdue ledger')}.xlsx"
    )
    return response
