"""Pages of a campaign's supervision. Each finds the campaign (404 outside its office), the user's
standing in it, and asks permissions.py; writes go through services.py."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from huodong.campaigns.selectors import campaign_get
from huodong.core import clock
from huodong.core.list_export import CHUNK, filters_of, list_export_response
from huodong.core.officedoc import DOCX_CONTENT_TYPE, OfficialDocument, chinese_date, official_docx
from huodong.inspections import list_exports, selectors, services
from huodong.inspections.attachments import AttachmentRefused
from huodong.inspections.forms import (
    AccountabilityForm,
    InspectionForm,
    NoticeEditForm,
    NoticePeriodForm,
    OrderAnswerForm,
    OrderCloseForm,
    OrderFilterForm,
    OrderForm,
    OrderReturnForm,
    UnitFilterForm,
)
from huodong.inspections.models import ANSWERABLE_STATUSES, NoticeStatus, OrderStatus
from huodong.inspections.permissions import (
    Standing,
    can_add_to_ledger,
    can_answer_order,
    can_issue_order,
    can_list_inspections,
    can_list_notices,
    can_list_orders,
    can_manage_notices,
    can_record_inspection,
    can_verify_order,
    can_view_ledger,
    standing_of,
)
from huodong.orgs.models import User
from huodong.orgs.permissions import membership_of

PAGE_SIZE = 30


def _standing(request: HttpRequest, campaign_id: int) -> Standing:
    membership = membership_of(request.user)
    return standing_of(membership, campaign_get(membership, campaign_id))


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def _page(request: HttpRequest, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _context(st: Standing, **extra) -> dict:
    """What every supervision page shows: the campaign and the sections the user may open."""
    return {
        "campaign": st.campaign,
        "sections": {
            "inspections": can_list_inspections(st),
            "notices": can_list_notices(st),
            "orders": can_list_orders(st),
            "ledger": can_view_ledger(st),
        },
        **extra,
    }


# Inspections ---------------------------------------------------------------------------------


def _inspections(request: HttpRequest, campaign_id: int):
    st = _standing(request, campaign_id)
    if not can_list_inspections(st):
        raise PermissionDenied
    form = UnitFilterForm(request.GET or None, campaign=st.campaign)
    unit_id = None
    if form.is_bound and form.is_valid() and form.cleaned_data["unit"]:
        unit_id = form.cleaned_data["unit"].pk
    return st, form, selectors.inspections_visible(st, unit_id=unit_id)


def _export(request: HttpRequest, st: Standing, *, what: str, title: str, columns, rows):
    return list_export_response(
        actor=_actor(request),
        action=f"inspections.export_{what}",
        obj=st.campaign,
        title=title,
        scope=st.campaign.title,
        columns=columns,
        rows=rows.iterator(chunk_size=CHUNK),
        filters=filters_of(request.GET),
    )


@login_required
@require_GET
def inspection_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    st, _form, inspections = _inspections(request, campaign_id)
    return _export(
        request,
        st,
        what="inspections",
        title=_("Inspections"),
        columns=list_exports.inspection_columns(),
        rows=inspections,
    )


@login_required
@require_GET
def inspection_list(request: HttpRequest, campaign_id: int) -> HttpResponse:
    st, form, inspections = _inspections(request, campaign_id)
    page = _page(request, inspections)
    return render(
        request,
        "inspections/inspection_list.html",
        _context(
            st,
            form=form,
            page=page,
            query=_query_without_page(request),
            can_record=can_record_inspection(st),
            can_issue=can_issue_order(st),
        ),
    )


@login_required
def inspection_create(request: HttpRequest, campaign_id: int) -> HttpResponse:
    st = _standing(request, campaign_id)
    if not can_record_inspection(st):
        raise PermissionDenied
    form = InspectionForm(
        request.POST or None,
        campaign=st.campaign,
        initial={"inspected_on": clock.today(), "unit": request.GET.get("unit")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_record(
                actor=_actor(request), campaign=st.campaign, **form.cleaned_data
            )
        except services.SupervisionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The inspection was recorded."))
            return redirect("inspections:inspection", st.campaign.pk, inspection.pk)
    return render(request, "inspections/inspection_form.html", _context(st, form=form))


@login_required
@require_GET
def inspection_detail(request: HttpRequest, campaign_id: int, inspection_id: int) -> HttpResponse:
    st = _standing(request, campaign_id)
    inspection = selectors.inspection_get(st, inspection_id)
    return render(
        request,
        "inspections/inspection_detail.html",
        _context(
            st,
            inspection=inspection,
            orders=list(
                selectors.orders_visible(st).filter(inspection=inspection).order_by("created_at")
            ),
            can_issue=can_issue_order(st),
        ),
    )


# Notices -------------------------------------------------------------------------------------


@login_required
@require_GET
def notice_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    st = _standing(request, campaign_id)
    if not can_list_notices(st):
        raise PermissionDenied
    return _export(
        request,
        st,
        what="notices",
        title=_("Notices"),
        columns=list_exports.notice_columns(),
        rows=selectors.notices_visible(st),
    )


@login_required
@require_GET
def notice_list(request: HttpRequest, campaign_id: int) -> HttpResponse:
    st = _standing(request, campaign_id)
    if not can_list_notices(st):
        raise PermissionDenied
    return render(
        request,
        "inspections/notice_list.html",
        _context(
            st,
            page=_page(request, selectors.notices_visible(st)),
            query="",
            can_manage=can_manage_notices(st),
        ),
    )


@login_required
def notice_create(request: HttpRequest, campaign_id: int) -> HttpResponse:
    st = _standing(request, campaign_id)
    if not can_manage_notices(st):
        raise PermissionDenied
    today = clock.today()
    form = NoticePeriodForm(
        request.POST or None,
        initial={"period_start": today.replace(day=1), "period_end": today},
    )
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.notice_draft_create(
                actor=_actor(request), campaign=st.campaign, **form.cleaned_data
            )
        except services.SupervisionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("A draft was written from the data; check and edit it before publishing."),
            )
            return redirect("inspections:notice_edit", st.campaign.pk, notice.pk)
    return render(request, "inspections/notice_new.html", _context(st, form=form))


@login_required
@require_GET
def notice_detail(request: HttpRequest, campaign_id: int, notice_id: int) -> HttpResponse:
    st = _standing(request, campaign_id)
    notice = selectors.notice_get(st, notice_id)
    return render(
        request,
        "inspections/notice_detail.html",
        _context(
            st,
            notice=notice,
            paragraphs=[line for line in notice.body.splitlines() if line.strip()],
            can_manage=can_manage_notices(st),
            is_draft=notice.status == NoticeStatus.DRAFT,
        ),
    )


def _managed_notice(request: HttpRequest, campaign_id: int, notice_id: int):
    st = _standing(request, campaign_id)
    notice = selectors.notice_get(st, notice_id)
    if not can_manage_notices(st):
        raise Http404
    return st, notice


@login_required
def notice_edit(request: HttpRequest, campaign_id: int, notice_id: int) -> HttpResponse:
    st, notice = _managed_notice(request, campaign_id, notice_id)
    if notice.status != NoticeStatus.DRAFT:
        messages.info(request, _("A published notice can no longer be changed."))
        return redirect("inspections:notice", st.campaign.pk, notice.pk)
    form = NoticeEditForm(
        request.POST or None,
        campaign=st.campaign,
        initial={
            "doc_number": notice.doc_number,
            "title": notice.title,
            "body": notice.body,
            "issuer": notice.issuer,
            "issued_on": notice.issued_on,
            "units": list(notice.units.all()),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.notice_update(
                actor=_actor(request),
                notice=notice,
                title=data["title"],
                doc_number=data["doc_number"],
                body=data["body"],
                issuer=data["issuer"],
                issued_on=data["issued_on"],
                units=list(data["units"]),
            )
        except services.DocNumberTaken as exc:
            form.add_error("doc_number", exc.message)
        except services.SupervisionError as exc:
            messages.error(request, exc.message)
            return redirect("inspections:notice", st.campaign.pk, notice.pk)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect("inspections:notice", st.campaign.pk, notice.pk)
    return render(request, "inspections/notice_edit.html", _context(st, notice=notice, form=form))


@login_required
@require_POST
def notice_publish(request: HttpRequest, campaign_id: int, notice_id: int) -> HttpResponse:
    st, notice = _managed_notice(request, campaign_id, notice_id)
    try:
        services.notice_publish(actor=_actor(request), notice=notice)
    except services.SupervisionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The notice was published to the units concerned."))
    return redirect("inspections:notice", st.campaign.pk, notice.pk)


@login_required
@require_GET
def notice_docx(request: HttpRequest, campaign_id: int, notice_id: int) -> HttpResponse:
    st = _standing(request, campaign_id)
    notice = selectors.notice_get(st, notice_id)
    body = official_docx(
        OfficialDocument(
            doc_number=notice.doc_number,
            title=notice.title,
            body=notice.body,
            issuer=notice.issuer,
            dated=chinese_date(notice.issued_on) if notice.issued_on else "",
        )
    )
    services.notice_record_export(actor=_actor(request), notice=notice)
    response = HttpResponse(body, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{notice.doc_number or notice.title}.docx"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Rectification orders ------------------------------------------------------------------------


def _orders(request: HttpRequest, campaign_id: int):
    st = _standing(request, campaign_id)
    if not can_list_orders(st):
        raise PermissionDenied
    form = OrderFilterForm(request.GET or None, campaign=st.campaign)
    filters = selectors.OrderFilters()
    if form.is_bound and form.is_valid():
        unit = form.cleaned_data["unit"]
        filters = selectors.OrderFilters(
            unit_id=unit.pk if unit else None, status=form.cleaned_data["status"] or None
        )
    return st, form, selectors.orders_visible(st, filters=filters)


@login_required
@require_GET
def order_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    st, _form, orders = _orders(request, campaign_id)
    return _export(
        request,
        st,
        what="orders",
        title=_("Rectification orders"),
        columns=list_exports.order_columns(today=clock.today()),
        rows=orders,
    )


@login_required
@require_GET
def order_list(request: HttpRequest, campaign_id: int) -> HttpResponse:
    st, form, orders = _orders(request, campaign_id)
    return render(
        request,
        "inspections/order_list.html",
        _context(
            st,
            form=form,
            page=_page(request, orders),
            query=_query_without_page(request),
            today=clock.today(),
            can_issue=can_issue_order(st),
        ),
    )


@login_required
def order_create(request: HttpRequest, campaign_id: int) -> HttpResponse:
    st = _standing(request, campaign_id)
    if not can_issue_order(st):
        raise PermissionDenied
    initial = {key: request.GET.get(key) for key in ("unit", "task", "inspection")}
    form = OrderForm(request.POST or None, campaign=st.campaign, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            order = services.order_issue(
                actor=_actor(request), campaign=st.campaign, **form.cleaned_data
            )
        except services.SupervisionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The rectification order was issued to the unit."))
            return redirect("inspections:order", st.campaign.pk, order.pk)
    return render(request, "inspections/order_form.html", _context(st, form=form))


@login_required
@require_GET
def order_detail(request: HttpRequest, campaign_id: int, order_id: int) -> HttpResponse:
    st = _standing(request, campaign_id)
    order = selectors.order_get(st, order_id)
    may_answer = can_answer_order(st, unit_id=order.unit_id)
    may_verify = can_verify_order(st)
    return render(
        request,
        "inspections/order_detail.html",
        _context(
            st,
            order=order,
            today=clock.today(),
            answer_form=OrderAnswerForm()
            if may_answer and order.status in ANSWERABLE_STATUSES
            else None,
            verify=may_verify and order.status == OrderStatus.ANSWERED,
            return_form=OrderReturnForm(),
            close_form=OrderCloseForm(),
            can_ledger=can_add_to_ledger(st),
        ),
    )


@login_required
@require_POST
def order_answer(request: HttpRequest, campaign_id: int, order_id: int) -> HttpResponse:
    st = _standing(request, campaign_id)
    order = selectors.order_get(st, order_id)
    if not can_answer_order(st, unit_id=order.unit_id):
        raise Http404
    form = OrderAnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.order_answer(
                actor=_actor(request),
                order=order,
                text=form.cleaned_data["text"],
                attachment=form.cleaned_data["attachment"],
            )
        except (services.SupervisionError, AttachmentRefused) as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Your answer was sent to the office for verification."))
            return redirect("inspections:order", st.campaign.pk, order.pk)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("inspections:order", st.campaign.pk, order.pk)


@login_required
@require_POST
def order_return(request: HttpRequest, campaign_id: int, order_id: int) -> HttpResponse:
    st = _standing(request, campaign_id)
    order = selectors.order_get(st, order_id)
    if not can_verify_order(st):
        raise Http404
    form = OrderReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reasons for sending the order back."))
    else:
        try:
            services.order_return(
                actor=_actor(request), order=order, reason=form.cleaned_data["reason"]
            )
        except services.SupervisionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The order was sent back to the unit."))
    return redirect("inspections:order", st.campaign.pk, order.pk)


@login_required
@require_POST
def order_close(request: HttpRequest, campaign_id: int, order_id: int) -> HttpResponse:
    st = _standing(request, campaign_id)
    order = selectors.order_get(st, order_id)
    if not can_verify_order(st):
        raise Http404
    form = OrderCloseForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.order_close(actor=_actor(request), order=order, note=note)
    except services.SupervisionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The order was verified and closed."))
    return redirect("inspections:order", st.campaign.pk, order.pk)


@login_required
@require_GET
def order_attachment(
    request: HttpRequest, campaign_id: int, order_id: int, answer_id: int
) -> FileResponse:
    st = _standing(request, campaign_id)
    answer = selectors.answer_get(st, order_id, answer_id)
    response = FileResponse(
        answer.attachment.open("rb"),
        as_attachment=True,
        filename=answer.attachment_name or "evidence",
        content_type=answer.attachment_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# Accountability ------------------------------------------------------------------------------


@login_required
@require_GET
def ledger(request: HttpRequest, campaign_id: int) -> HttpResponse:
    st = _standing(request, campaign_id)
    entries = selectors.ledger_entries(st)  # 404 outside the leading group
    return render(
        request,
        "inspections/ledger.html",
        _context(st, page=_page(request, entries), query="", can_add=can_add_to_ledger(st)),
    )


@login_required
@require_GET
def ledger_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    st = _standing(request, campaign_id)
    entries = selectors.ledger_entries(st)  # 404 outside the leading group
    return _export(
        request,
        st,
        what="ledger",
        title=_("Accountability ledger"),
        columns=list_exports.ledger_columns(),
        rows=entries,
    )


@login_required
def ledger_create(request: HttpRequest, campaign_id: int) -> HttpResponse:
    st = _standing(request, campaign_id)
    if not can_add_to_ledger(st):
        raise Http404
    initial = {key: request.GET.get(key) for key in ("unit", "task", "order")}
    initial["decided_on"] = clock.today()
    form = AccountabilityForm(request.POST or None, campaign=st.campaign, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.accountability_record(
                actor=_actor(request), campaign=st.campaign, **form.cleaned_data
            )
        except services.SupervisionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The entry was added to the accountability ledger."))
            return redirect("inspections:ledger", st.campaign.pk)
    return render(request, "inspections/ledger_form.html", _context(st, form=form))
