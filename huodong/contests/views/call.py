"""The contest list, the contest page, and the organisers' setup: the call, the rubric, the
judges, the awards and the steps from draft to published results."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huodong.contests import permissions, selectors, services
from huodong.contests.errors import NotAllowed, Refused
from huodong.contests.forms import AwardForm, ContestForm, CriterionForm, JudgeForm
from huodong.contests.list_exports import contest_columns
from huodong.contests.models import (
    Award,
    Contest,
    ContestStatus,
    Criterion,
    Entry,
    EntryStatus,
    Judge,
    Score,
)
from huodong.contests.views.common import (
    act,
    acting_user,
    back,
    organiser_for,
    standing_for,
    steps,
)
from huodong.core.links import phone_url
from huodong.core.list_export import CHUNK, filters_of, list_export_response
from huodong.orgs.models import Office
from huodong.orgs.permissions import Membership, membership_of, office_for_request

PAGE_SIZE = 30

_Part = TypeVar("_Part", Criterion, Judge, Award)

CALL_FIELDS = (
    "title",
    "theme",
    "rules",
    "opens_on",
    "closes_on",
    "min_chars",
    "max_chars",
    "allows_public",
    "judges_per_entry",
    "campaign",
)


def _listed(request: HttpRequest) -> tuple[Membership, Office, QuerySet[Contest]]:
    """The office whose contests the user reads (404 for who is not in one) and the contests
    the list shows them."""
    membership = membership_of(request.user)
    try:
        office = office_for_request(
            request, membership, may=lambda m, office_id: m.in_office(office_id)
        )
    except PermissionDenied as exc:
        raise Http404 from exc
    return membership, office, selectors.contests_visible_to(membership, office.pk)


@login_required
@require_GET
def contest_list(request: HttpRequest) -> HttpResponse:
    membership, office, contests = _listed(request)
    page = Paginator(contests, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "contests/list.html",
        {
            "office": office,
            "page": page,
            "can_create": permissions.is_office_manager(membership, office.pk),
        },
    )


@login_required
@require_GET
def contest_list_export(request: HttpRequest) -> FileResponse:
    """The contests the list shows (every page) as .xlsx."""
    _membership, office, contests = _listed(request)
    return list_export_response(
        actor=request.user,
        action="contests.export_contests",
        obj=office,
        title=_("Essay contests"),
        scope=office.name,
        columns=contest_columns(),
        rows=contests.iterator(chunk_size=CHUNK),
        filters=filters_of(request.GET),
    )


def _call_values(form: ContestForm) -> dict:
    return {name: form.cleaned_data[name] for name in CALL_FIELDS}


@login_required
@require_http_methods(["GET", "POST"])
def contest_create(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    try:
        office = office_for_request(request, membership, may=permissions.is_office_manager)
    except PermissionDenied as exc:
        raise Http404 from exc
    form = ContestForm(request.POST or None, office_id=office.pk)
    if request.method == "POST" and form.is_valid():
        try:
            contest = services.contest_create(
                actor=acting_user(request), office=office, **_call_values(form)
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("The contest is saved as a draft. Write its rubric, judges and awards.")
            )
            return redirect("contests:setup", contest_id=contest.pk)
    return render(request, "contests/form.html", {"form": form, "contest": None})


@login_required
@require_http_methods(["GET", "POST"])
def contest_edit(request: HttpRequest, contest_id: int) -> HttpResponse:
    standing = organiser_for(request, contest_id)
    contest = standing.contest
    initial = {name: getattr(contest, name) for name in CALL_FIELDS}
    form = ContestForm(request.POST or None, office_id=contest.office_id, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.contest_update(
                actor=acting_user(request), contest=contest, **_call_values(form)
            )
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The call is saved."))
            return redirect("contests:setup", contest_id=contest.pk)
    return render(request, "contests/form.html", {"form": form, "contest": contest})


@login_required
@require_GET
def contest_detail(request: HttpRequest, contest_id: int) -> HttpResponse:
    """The call (rules, dates, length) and, per role, my entry, judging, the organisers' pages."""
    standing = standing_for(request, contest_id)
    contest = standing.contest
    organise = permissions.can_organise(standing)
    counts = None
    if organise:
        counts = {
            row["status"]: row["n"]
            for row in Entry.objects.filter(contest=contest)
            .values("status")
            .order_by()
            .annotate(n=Count("pk"))
        }
    return render(
        request,
        "contests/detail.html",
        {
            "contest": contest,
            "standing": standing,
            "organise": organise,
            "results_visible": permissions.can_see_results(standing),
            "judge": permissions.can_judge(standing),
            "enter": permissions.can_enter(standing),
            "entry": selectors.my_entry(contest, standing.membership.person)
            if permissions.can_enter(standing)
            else None,
            "counts": counts,
            "submitted": (counts or {}).get(EntryStatus.SUBMITTED, 0),
            "public_link": _public_link(request, contest),
            "statuses": ContestStatus,
            "steps": steps(contest),
        },
    )


def _public_link(request: HttpRequest, contest) -> str:
    return phone_url(request, reverse("contests_public:enter", args=[contest.public_key]))


# --- Setup --------------------------------------------------------------------------------


def _render_setup(
    request: HttpRequest, standing, *, sent: forms.Form | None = None
) -> HttpResponse:
    """The setup page; with `sent`, that form shown again as sent, with its errors (400)."""
    contest = standing.contest
    criteria = selectors.criteria_of(contest)
    judges = selectors.judge_progress(contest)
    awards = list(Award.objects.filter(contest=contest).order_by("rank", "pk"))
    scored = contest.status in (ContestStatus.DECIDED, ContestStatus.PUBLISHED) or (
        Score.objects.filter(entry__contest=contest).exists()
    )
    return render(
        request,
        "contests/setup.html",
        {
            "contest": contest,
            "criteria": criteria,
            "rubric_total": sum(criterion.max_score for criterion in criteria),
            "rubric_frozen": scored,
            "judges": judges,
            "awards": awards,
            "award_places": sum(award.places for award in awards),
            "criterion_form": sent if isinstance(sent, CriterionForm) else CriterionForm(),
            "judge_form": sent
            if isinstance(sent, JudgeForm)
            else JudgeForm(
                office_id=contest.office_id,
                exclude_ids=[progress.judge.person_id for progress in judges],
            ),
            "award_form": sent
            if isinstance(sent, AwardForm)
            else AwardForm(initial={"rank": (awards[-1].rank + 1) if awards else 1}),
            "statuses": ContestStatus,
            "steps": steps(contest),
            "public_link": _public_link(request, contest),
        },
        status=200 if sent is None else 400,
    )


def _add_on_setup(
    request: HttpRequest,
    standing,
    form: forms.Form,
    add: Callable[[], object],
    *,
    success: str,
    anchor: str,
    error_field: str | None = None,
) -> HttpResponse:
    """Add what a setup form describes; a form that does not validate, or a refusal, shows the
    page again with the form as sent, so nothing typed is lost."""
    if form.is_valid():
        try:
            add()
        except NotAllowed as exc:
            raise Http404 from exc
        except Refused as exc:
            form.add_error(error_field, exc.message)
        else:
            messages.success(request, success)
            return back("contests:setup", standing.contest.pk, anchor)
    return _render_setup(request, standing, sent=form)


def _edit_on_setup(
    request: HttpRequest,
    contest_id: int,
    form: forms.Form,
    update: Callable[[], object],
    *,
    invalid: str,
    success: str,
    anchor: str,
) -> HttpResponse:
    """Save a row edited in place on the setup page. The page draws its rows from what is saved,
    not from a form, so an invalid row comes back as a message, like a refusal."""
    to = back("contests:setup", contest_id, anchor)
    if not form.is_valid():
        messages.error(request, invalid)
        return to
    return act(request, update, success, to)


def _part_of(model: type[_Part], standing, pk: int) -> _Part:
    """A criterion, judge or award of this contest; another contest's answers 404 as a missing
    one does."""
    part = model.objects.filter(contest=standing.contest, pk=pk).first()
    if part is None:
        raise Http404
    return part


@login_required
@require_GET
def setup(request: HttpRequest, contest_id: int) -> HttpResponse:
    return _render_setup(request, organiser_for(request, contest_id))


@login_required
@require_POST
def criterion_add(request: HttpRequest, contest_id: int) -> HttpResponse:
    standing = organiser_for(request, contest_id)
    form = CriterionForm(request.POST)
    return _add_on_setup(
        request,
        standing,
        form,
        lambda: services.criterion_add(
            actor=acting_user(request), contest=standing.contest, **form.cleaned_data
        ),
        success=_("The criterion is added to the rubric."),
        anchor="rubric",
    )


@login_required
@require_POST
def criterion_edit(request: HttpRequest, contest_id: int, criterion_id: int) -> HttpResponse:
    standing = organiser_for(request, contest_id)
    criterion = _part_of(Criterion, standing, criterion_id)
    form = CriterionForm(request.POST)
    return _edit_on_setup(
        request,
        contest_id,
        form,
        lambda: services.criterion_update(
            actor=acting_user(request), criterion=criterion, **form.cleaned_data
        ),
        invalid=_("Give the criterion's name and a maximum from 1 to 1000."),
        success=_("The criterion is saved."),
        anchor="rubric",
    )


@login_required
@require_POST
def criterion_delete(request: HttpRequest, contest_id: int, criterion_id: int) -> HttpResponse:
    standing = organiser_for(request, contest_id)
    criterion = _part_of(Criterion, standing, criterion_id)
    return act(
        request,
        lambda: services.criterion_delete(actor=acting_user(request), criterion=criterion),
        _("The criterion is removed from the rubric."),
        back("contests:setup", contest_id, "rubric"),
    )


@login_required
@require_POST
def judge_add(request: HttpRequest, contest_id: int) -> HttpResponse:
    standing = organiser_for(request, contest_id)
    contest = standing.contest
    judges = list(Judge.objects.filter(contest=contest).values_list("person_id", flat=True))
    form = JudgeForm(request.POST, office_id=contest.office_id, exclude_ids=judges)
    return _add_on_setup(
        request,
        standing,
        form,
        lambda: services.judge_add(
            actor=acting_user(request), contest=contest, person=form.cleaned_data["person"]
        ),
        success=_("The judge is added."),
        anchor="judges",
        error_field="person",
    )


@login_required
@require_POST
def judge_remove(request: HttpRequest, contest_id: int, judge_id: int) -> HttpResponse:
    standing = organiser_for(request, contest_id)
    judge = _part_of(Judge, standing, judge_id)
    return act(
        request,
        lambda: services.judge_remove(actor=acting_user(request), judge=judge),
        _("The judge is removed; their scores are removed with them."),
        back("contests:setup", contest_id, "judges"),
    )


@login_required
@require_POST
def award_add(request: HttpRequest, contest_id: int) -> HttpResponse:
    standing = organiser_for(request, contest_id)
    form = AwardForm(request.POST)
    return _add_on_setup(
        request,
        standing,
        form,
        lambda: services.award_add(
            actor=acting_user(request), contest=standing.contest, **form.cleaned_data
        ),
        success=_("The award is added."),
        anchor="awards",
    )


@login_required
@require_POST
def award_edit(request: HttpRequest, contest_id: int, award_id: int) -> HttpResponse:
    standing = organiser_for(request, contest_id)
    award = _part_of(Award, standing, award_id)
    form = AwardForm(request.POST)
    return _edit_on_setup(
        request,
        contest_id,
        form,
        lambda: services.award_update(actor=acting_user(request), award=award, **form.cleaned_data),
        invalid=_("Give the award's name, places and rank."),
        success=_("The award is saved."),
        anchor="awards",
    )


@login_required
@require_POST
def award_delete(request: HttpRequest, contest_id: int, award_id: int) -> HttpResponse:
    standing = organiser_for(request, contest_id)
    award = _part_of(Award, standing, award_id)
    return act(
        request,
        lambda: services.award_delete(actor=acting_user(request), award=award),
        _("The award is removed."),
        back("contests:setup", contest_id, "awards"),
    )


# --- Steps --------------------------------------------------------------------------------


@login_required
@require_POST
def step(request: HttpRequest, contest_id: int, step: str) -> HttpResponse:
    standing = organiser_for(request, contest_id)
    contest = standing.contest
    actor = acting_user(request)
    try:
        if step == "open":
            services.contest_open(actor=actor, contest=contest)
            messages.success(request, _("The contest is open for entries."))
        elif step == "judging":
            services.contest_start_judging(actor=actor, contest=contest)
            messages.success(request, _("Entries are closed and the judges may begin."))
        elif step == "decide":
            decision = services.contest_decide(actor=actor, contest=contest)
            messages.success(
                request,
                _("The results are decided: %(ranked)d entries ranked, %(awarded)d awarded.")
                % {"ranked": decision.ranked, "awarded": decision.awarded},
            )
            if decision.tied:
                messages.warning(
                    request,
                    _(
                        "%(count)d tied entries are split by an award's places and have no "
                        "award yet: decide between them on the results page."
                    )
                    % {"count": len(decision.tied)},
                )
            return redirect("contests:results", contest_id=contest.pk)
        elif step == "publish":
            services.contest_publish_results(actor=actor, contest=contest)
            messages.success(request, _("The results are published on the public page."))
            return redirect("contests:results", contest_id=contest.pk)
        else:
            raise Http404
    except NotAllowed as exc:
        raise Http404 from exc
    except Refused as exc:
        messages.error(request, exc.message)
    return redirect("contests:setup", contest_id=contest.pk)
