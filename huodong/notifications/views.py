from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huodong.core.list_export import CHUNK, filters_of, list_export_response
from huodong.notifications import selectors, services
from huodong.notifications.forms import PreferenceForm
from huodong.notifications.list_exports import inbox_columns
from huodong.orgs.models import User

PAGE_SIZE = 30


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    notifications = selectors.inbox(user)
    if request.GET.get("unread"):
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread_only": bool(request.GET.get("unread"))},
    )


@login_required
@require_GET
def inbox_export(request: HttpRequest) -> HttpResponse:
    """The user's own messages as the inbox lists them (all or unread, every page)."""
    user = cast(User, request.user)
    notifications = selectors.inbox(user)
    if request.GET.get("unread"):
        notifications = notifications.filter(read_at__isnull=True)
    return list_export_response(
        actor=user,
        action="notifications.export_inbox",
        obj=None,
        title=_("Inbox"),
        scope=user.get_username(),
        columns=inbox_columns(),
        rows=notifications.iterator(chunk_size=CHUNK),
        filters=filters_of(request.GET),
    )


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()]
    services.notification_mark_read(actor=cast(User, request.user), notification_ids=ids or None)
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect("notifications:inbox")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """The logged-in user's own e-mail preferences; there is no way to reach anyone else's."""
    user = cast(User, request.user)
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            services.notification_preference_update(
                actor=user,
                email_each=form.cleaned_data["email_each"],
                daily_digest=form.cleaned_data["daily_digest"],
            )
            messages.success(request, _("Your notification preferences are saved."))
            return redirect("notifications:preferences")
    else:
        current = selectors.preference_for(user)
        form = PreferenceForm(
            initial={"email_each": current.email_each, "daily_digest": current.daily_digest}
        )
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "has_email": bool(user.email)},
    )
