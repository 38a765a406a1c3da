"""/c/<key>/: the public's pages of a contest, without logging in.

- The entry form, when the contest allows the public: name, organisation, contact, title and
  the text (typed or a .docx). The form carries a signed one-time token that becomes the
  entry's receipt code: sent twice, it makes one entry and shows the same receipt.
- The receipt (/c/<key>/receipt/<code>/): the entry as sent, for whoever holds the code.
- The published results (/c/<key>/results/): the awards, the winners' titles, names and units,
  and their texts. Before publication: 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from huodong.contests import selectors, services
from huodong.contests.errors import NotAllowed, Refused
from huodong.contests.forms import PublicEntryForm
from huodong.contests.models import Contest, ContestStatus, Entry
from huodong.core import clock
from huodong.participation.wordcount import word_count

HONEYPOT = "website"


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _state(contest: Contest) -> str:
    if contest.status != ContestStatus.OPEN:
        return "closed"
    today = clock.today()
    if today < contest.opens_on:
        return "not_yet"
    if today > contest.closes_on:
        return "closed"
    return "open"


def _public_contest(key: str) -> Contest:
    contest = selectors.contest_by_public_key(key)
    if contest is None or not contest.allows_public or contest.status == ContestStatus.DRAFT:
        raise Http404
    return contest


def _page(request: HttpRequest, contest: Contest, form: PublicEntryForm, status: int = 200):
    return _private(
        render(
            request,
            "contests/public/enter.html",
            {
                "contest": contest,
                "form": form,
                "state": _state(contest),
                "count": word_count(form["body"].value() or ""),
                "published": contest.status == ContestStatus.PUBLISHED,
            },
            status=status,
        )
    )


@require_http_methods(["GET", "POST"])
def enter(request: HttpRequest, key: str) -> HttpResponse:
    contest = _public_contest(key)
    if request.method == "GET":
        form = PublicEntryForm(initial={"token": services.public_entry_token_new()})
        return _page(request, contest, form)
    form = PublicEntryForm(request.POST, request.FILES)
    if request.POST.get(HONEYPOT, "").strip():
        return redirect("contests_public:enter", key=contest.public_key)  # a robot: nothing saved
    if not form.is_valid():
        return _page(request, contest, form, status=400)
    data = form.cleaned_data
    try:
        sent = services.public_entry_submit(
            contest=contest,
            token=data["token"],
            name=data["name"],
            organisation=data["organisation"],
            contact=data["contact"],
            title=data["title"],
            body=data["body"],
            upload=data["file"],
        )
    except NotAllowed as exc:
        raise Http404 from exc
    except Refused as exc:
        if exc.code == "bad_token":
            # A fresh token, so that sending again works.
            form = PublicEntryForm(
                {**request.POST.dict(), "token": services.public_entry_token_new()}
            )
            form.is_valid()
        form.add_error("file" if exc.code in _FILE_CODES else None, exc.message)
        return _page(request, contest, form, status=400)
    if sent.created:
        messages.success(request, _("Your entry is received. Keep the receipt code below."))
    else:
        messages.info(request, _("This entry was already received; here is its receipt."))
    return redirect("contests_public:receipt", key=contest.public_key, code=sent.entry.receipt_code)


_FILE_CODES = {"not_docx", "corrupt", "no_text", "empty", "too_large", "encrypted", "macros"}


@require_GET
def receipt(request: HttpRequest, key: str, code: str) -> HttpResponse:
    contest = _public_contest(key)
    entry = Entry.objects.filter(contest=contest, receipt_code=code, author__isnull=True).first()
    if entry is None:
        raise Http404
    return _private(
        render(request, "contests/public/receipt.html", {"contest": contest, "entry": entry})
    )


@require_GET
def results(request: HttpRequest, key: str) -> HttpResponse:
    contest = selectors.contest_by_public_key(key)
    if contest is None or contest.status != ContestStatus.PUBLISHED:
        raise Http404
    return render(
        request,
        "contests/public/results.html",
        {"contest": contest, "winners": selectors.winners(contest)},
    )
