"""The integrations pages (/api/integrations/): the office's administrator and the director of
the leading group's office list integrations, create one, issue and revoke tokens. Anyone else
gets 404. A new token is shown once, on the page that answers the request issuing it."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from huodong.api import selectors, services
from huodong.api.errors import NotAllowed, Refused
from huodong.api.forms import IntegrationForm
from huodong.api.models import Integration, IntegrationToken
from huodong.api.permissions import can_manage_integrations
from huodong.core.view_actions import office_or_404
from huodong.orgs.models import User
from huodong.orgs.permissions import membership_of

PAGE_SIZE = 30


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def _token_page(
    request: HttpRequest, integration: Integration, issued: services.IssuedToken
) -> HttpResponse:
    response = render(
        request,
        "api/token.html",
        {
            "integration": integration,
            "token": issued.token,
            "docs_url": reverse("api:v1:openapi-view"),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def integration_list(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    office = office_or_404(request, membership, may=can_manage_integrations)
    form = IntegrationForm(request.POST or None, office=office)
    if request.method == "POST" and form.is_valid():
        try:
            integration, issued = services.integration_create(
                actor=_actor(request),
                office=office,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                roles=form.roles(),
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            form.add_error(None, str(exc))
        else:
            return _token_page(request, integration, issued)
    page = Paginator(selectors.integrations_of(office), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "api/integration_list.html",
        {"office": office, "page": page, "form": form, "docs_url": reverse("api:v1:openapi-view")},
    )


@login_required
def integration_detail(request: HttpRequest, integration_id: int) -> HttpResponse:
    integration = selectors.integration_get(membership_of(request.user), integration_id)
    return render(request, "api/integration_detail.html", {"integration": integration})


@never_cache
@login_required
@require_POST
def integration_token_new(request: HttpRequest, integration_id: int) -> HttpResponse:
    integration = selectors.integration_get(membership_of(request.user), integration_id)
    try:
        issued = services.integration_token_issue(actor=_actor(request), integration=integration)
    except NotAllowed as exc:
        raise Http404 from exc
    except Refused as exc:
        messages.error(request, str(exc))
        return redirect("api:integration", integration_id=integration.pk)
    return _token_page(request, integration, issued)


@login_required
@require_POST
def integration_token_revoke_view(
    request: HttpRequest, integration_id: int, token_id: int
) -> HttpResponse:
    integration = selectors.integration_get(membership_of(request.user), integration_id)
    token = IntegrationToken.objects.filter(pk=token_id, integration=integration).first()
    if token is None:
        raise Http404
    try:
        services.integration_token_revoke(actor=_actor(request), token=token)
    except NotAllowed as exc:
        raise Http404 from exc
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The token was revoked; it no longer works."))
    return redirect("api:integration", integration_id=integration.pk)


@login_required
@require_POST
def integration_revoke_view(request: HttpRequest, integration_id: int) -> HttpResponse:
    integration = selectors.integration_get(membership_of(request.user), integration_id)
    try:
        services.integration_revoke(actor=_actor(request), integration=integration)
    except NotAllowed as exc:
        raise Http404 from exc
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The integration was revoked; none of its tokens works."))
    return redirect("api:integration", integration_id=integration.pk)
