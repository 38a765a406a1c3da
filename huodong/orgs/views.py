"""Organisation pages: the unit tree with its people, and the .xlsx import of both."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import cast

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from huodong.core.list_export import CHUNK, Sheet, filters_of, list_export_response
from huodong.orgs import services
from huodong.orgs.forms import OrgImportForm
from huodong.orgs.list_exports import people_columns, unit_columns
from huodong.orgs.models import Office, Person, Unit, User
from huodong.orgs.people_import import (
    KIND_SHORT_LABELS,
    MAX_ROWS,
    TEMPLATE_FILENAME,
    XLSX_CONTENT_TYPE,
    ImportResult,
    build_import_template,
    too_large_message,
)
from huodong.orgs.permissions import can_manage_org, membership_of, office_for_request

PEOPLE_PER_PAGE = 50
SEARCH_MAX_LENGTH = 50


@dataclass(frozen=True)
class UnitNode:
    unit: Unit
    depth: int
    members: int
    branch_members: int

    @property
    def indent(self) -> str:
        # Ideographic spaces survive HTML whitespace collapsing inside <option>.
        return "\u3000" * self.depth

    @property
    def indent_rem(self) -> str:
        return f"{0.6 + 1.2 * self.depth:.1f}"

    @property
    def kind_label(self) -> str:
        return KIND_SHORT_LABELS.get(self.unit.kind, self.unit.kind)


def _managed_office(request: HttpRequest) -> Office:
    """The office whose organisation the user manages; a page-level denial is a 403."""
    return office_for_request(request, membership_of(request.user), may=can_manage_org)


def _unit_tree(office: Office) -> list[UnitNode]:
    """Units in display order (each parent followed by its children), in three queries."""
    units = list(Unit.objects.filter(office=office).order_by("sort_order", "id"))
    people = Person.objects.filter(office=office).order_by()
    members = dict(people.values("unit_id").annotate(n=Count("id")).values_list("unit_id", "n"))
    branch_members = dict(
        people.filter(branch__isnull=False)
        .values("branch_id")
        .annotate(n=Count("id"))
        .values_list("branch_id", "n")
    )
    ids = {unit.pk for unit in units}
    children: dict[int | None, list[Unit]] = defaultdict(list)
    for unit in units:
        children[unit.parent_id if unit.parent_id in ids else None].append(unit)

    nodes: list[UnitNode] = []
    seen: set[int] = set()
    # Roots first; then anything unreachable from a root (a parent cycle made in the admin)
    # so that no unit disappears from the page.
    for start in [*children[None], *units]:
        stack = [(start, 0)]
        while stack:
            unit, depth = stack.pop()
            if unit.pk in seen:
                continue
            seen.add(unit.pk)
            nodes.append(
                UnitNode(unit, depth, members.get(unit.pk, 0), branch_members.get(unit.pk, 0))
            )
            stack.extend((child, depth + 1) for child in reversed(children[unit.pk]))
    return nodes


def _subtree_ids(nodes: list[UnitNode], unit_id: int) -> set[int]:
    ids: set[int] = set()
    depth: int | None = None
    for node in nodes:
        if depth is not None:
            if node.depth <= depth:
                break
            ids.add(node.unit.pk)
        elif node.unit.pk == unit_id:
            depth = node.depth
            ids.add(unit_id)
    return ids


def _people(request: HttpRequest, office: Office, tree: list[UnitNode]):
    """The people the page lists with its filters: (query, unit_id, queryset)."""
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    unit_id: int | None = None
    try:
        unit_id = int(request.GET.get("unit", ""))
    except ValueError:
        unit_id = None
    selected = _subtree_ids(tree, unit_id) if unit_id is not None else set()
    if unit_id is not None and not selected:
        unit_id = None  # not a unit of this office

    people = Person.objects.filter(office=office).select_related("unit", "branch", "user")
    if query:
        people = people.filter(name__icontains=query)
    if selected:
        # A party branch's people are its branch members, not only those placed in it.
        people = people.filter(Q(unit_id__in=selected) | Q(branch_id__in=selected))
    return query, unit_id, people


@login_required
def units(request: HttpRequest) -> HttpResponse:
    office = _managed_office(request)
    membership = membership_of(request.user)
    tree = _unit_tree(office)
    query, unit_id, people = _people(request, office, tree)
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))

    return render(
        request,
        "orgs/units.html",
        {
            "office": office,
            "tree": tree,
            "page": page,
            "query": query,
            "unit_id": unit_id,
            # Phones are private; only org managers reach this page, so they are shown.
            "show_phone": can_manage_org(membership, office.pk),
            "offices": Office.objects.order_by("name") if membership.is_superuser else None,
        },
    )


@login_required
@require_GET
def people_export(request: HttpRequest) -> HttpResponse:
    """The people the page lists (its filters, every page) and the unit tree, as .xlsx."""
    office = _managed_office(request)
    show_phone = can_manage_org(membership_of(request.user), office.pk)
    tree = _unit_tree(office)
    _query, _unit_id, people = _people(request, office, tree)
    return list_export_response(
        actor=request.user,
        action="orgs.export_people",
        obj=office,
        title=_("People"),
        scope=office.name,
        columns=people_columns(show_phone=show_phone),
        rows=people.iterator(chunk_size=CHUNK),
        filters=filters_of(request.GET),
        extra_sheets=[
            Sheet(
                name=_("Units"),
                heading=f"{office.name} · {_('Units')}",
                columns=unit_columns(),
                rows=tree,
            )
        ],
    )


@login_required
@never_cache
def org_import(request: HttpRequest) -> HttpResponse:
    # never_cache: a successful import's page carries initial passwords.
    office = _managed_office(request)
    result: ImportResult | None = None
    if request.method == "POST":
        form = OrgImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            # Checked before reading so an oversize upload is never held in memory.
            if upload.size > settings.HUODONG_MAX_IMPORT_BYTES:
                form.add_error("file", too_large_message())
            else:
                result = services.org_import(
                    # login_required: never anonymous here
                    actor=cast(User, request.user),
                    office=office,
                    data=upload.read(),
                )
        if result is not None and result.saved:
            form = OrgImportForm()
    else:
        form = OrgImportForm()
    return render(
        request,
        "orgs/import.html",
        {
            "office": office,
            "form": form,
            "result": result,
            "kinds": KIND_SHORT_LABELS.values(),
            "max_rows": MAX_ROWS,
            "max_bytes": settings.HUODONG_MAX_IMPORT_BYTES,
        },
    )


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    _managed_office(request)
    response = HttpResponse(build_import_template(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=TEMPLATE_FILENAME
    )
    return response
