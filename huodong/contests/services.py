"""Writes of the essay contest (主题征文): the call, the entries, the judging and the results.

- The call: the office writes the contest, its rubric (criteria with a maximum each), its
  judges and its awards, and moves it on: draft → open (entries) → judging → decided →
  published. A step out of order is refused. The rubric is frozen once a judge has scored.
- Entries: a member of the office writes one entry (typed, or read from a .docx), keeps it as a
  draft and submits it while the contest is open and today is within its dates, at the
  contest's length (字数, counted as Word counts). The first submission gives the entry its
  number (编号), under a lock on the contest so that two submissions never share one, and puts
  its text into the originality check in the same transaction. A member of the public enters
  through the public link; the form's one-time token becomes the entry's receipt code, so a
  form sent twice makes one entry. Judges may not enter, and entrants may not judge.
- Judging: a judge saves a whole score sheet for an entry at once (every score within its
  criterion's maximum, or nothing is saved); the entry's average over the complete sheets is
  recomputed under a lock on the entry after every save.
- Results: `contest_decide` ranks the completely judged entries and gives the awards down the
  ranking; ties an award's boundary would split are left to the office (`award_give`).

Every function checks who may act, writes its audit record in the same transaction, and
raises a `ContestError` (changing nothing) when it refuses.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import PurePosixPath

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from huodong.campaigns.models import Campaign
from huodong.contests import permissions
from huodong.contests.errors import NotAllowed, Refused, SheetInvalid
from huodong.contests.models import (
    Award,
    Contest,
    ContestStatus,
    Criterion,
    Entry,
    EntryStatus,
    Judge,
    JudgeComment,
    Score,
    new_public_key,
)
from huodong.contests.ranking import allot, ranked
from huodong.core import clock
from huodong.core.audit import audit_record
from huodong.core.docx_upload import docx_upload_paragraphs
from huodong.core.uploads import Upload, UploadRefused
from huodong.notifications.models import NotificationKind
from huodong.notifications.services import notification_send
from huodong.orgs.models import Office, Person, User
from huodong.orgs.permissions import membership_of
from huodong.originality.services import document_sync_contest_entry
from huodong.participation.wordcount import word_count

__all__ = [
    "Decision",
    "award_add",
    "award_delete",
    "award_give",
    "award_take",
    "award_update",
    "contest_create",
    "contest_decide",
    "contest_open",
    "contest_publish_results",
    "contest_start_judging",
    "contest_update",
    "criterion_add",
    "criterion_delete",
    "criterion_update",
    "entry_disqualify",
    "entry_save",
    "entry_submit",
    "entry_withdraw",
    "judge_add",
    "judge_remove",
    "public_entry_submit",
    "public_entry_token_new",
    "results_export_record",
    "score_sheet_save",
]

MAX_TITLE_CHARS = 200
MAX_THEME_CHARS = 200
MAX_RULES_CHARS = 20_000
MAX_CRITERION_NAME = 60
MAX_CRITERION_DESCRIPTION = 300
MAX_CRITERION_SCORE = 1000
MAX_AWARD_NAME = 40
MAX_AWARD_PLACES = 500
MAX_BODY_CHARS = 100_000  # far beyond any essay; refuses abuse
MAX_COMMENT_CHARS = 5_000
MAX_REASON_CHARS = 2_000
MAX_NAME_CHARS = 50
MAX_ORGANISATION_CHARS = 100
MAX_CONTACT_CHARS = 100
# A first paragraph this short is taken as the title of an entry read from Word.
MAX_IMPORTED_TITLE_CHARS = 60
# A public form may be kept open this long while its essay is written.
PUBLIC_TOKEN_MAX_AGE = 7 * 24 * 60 * 60
_TOKEN_SALT = "huodong.contests.public_entry"
_RECEIPT = re.compile(r"^[A-Za-z0-9_-]{16}$")
ONE_DECIMAL = Decimal("0.1")
TWO_DECIMALS = Decimal("0.01")

EDITABLE_ENTRY = (EntryStatus.DRAFT, EntryStatus.WITHDRAWN)
CALL_EDITABLE = (ContestStatus.DRAFT, ContestStatus.OPEN)
BEFORE_DECISION = (ContestStatus.DRAFT, ContestStatus.OPEN, ContestStatus.JUDGING)


# --- Helpers ------------------------------------------------------------------------------


def _not_allowed() -> NotAllowed:
    return NotAllowed(_("You may not do this with this contest."), code="not_allowed")


def _lock(contest: Contest) -> Contest:
    """The contest's row, locked: numbers, judges, entries and steps are decided one at a time."""
    return Contest.objects.select_for_update().get(pk=contest.pk)


def _organiser(actor: User, contest: Contest) -> permissions.Standing:
    standing = permissions.standing_of(membership_of(actor), contest)
    if not permissions.can_organise(standing):
        raise _not_allowed()
    return standing


def _organised_lock(actor: User, contest_id: int) -> Contest:
    """The contest of a criterion, judge, award or entry, locked once the actor may organise it."""
    contest = Contest.objects.get(pk=contest_id)
    _organiser(actor, contest)
    return _lock(contest)


def _delete_named(actor: User, contest: Contest, part: Criterion | Award, *, kind: str) -> None:
    """A criterion or award off the contest, on the record with the name it had."""
    audit_record(
        actor=actor,
        action=f"contest.{kind}_delete",
        obj=contest,
        changes={kind: part.pk, "name": part.name},
    )
    type(part).objects.filter(pk=part.pk).delete()


def _status_refused(contest: Contest) -> Refused:
    return Refused(
        _("This cannot be done while the contest is “%(status)s”.")
        % {"status": contest.get_status_display()},
        code="wrong_status",
    )


def _require_status(contest: Contest, allowed: Iterable[str]) -> None:
    if contest.status not in tuple(allowed):
        raise _status_refused(contest)


def _clean_line(value: str) -> str:
    return " ".join((value or "").split())


def _required_line(value: str, *, limit: int, label: str, code: str) -> str:
    cleaned = _clean_line(value)
    if not cleaned:
        raise Refused(_("Give the %(field)s.") % {"field": label}, code=code)
    if len(cleaned) > limit:
        raise Refused(
            _("The %(field)s is too long (at most %(limit)d characters).")
            % {"field": label, "limit": limit},
            code=code,
        )
    return cleaned


def _plain(value: object) -> object:
    """A value an audit record's JSON can hold."""
    if isinstance(value, dt.date | Decimal):
        return str(value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _clean_body(body: str) -> str:
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > MAX_BODY_CHARS:
        raise Refused(
            _("The text is too long (at most %(n)d characters).") % {"n": MAX_BODY_CHARS},
            code="too_long",
        )
    return text


# --- The call -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Call:
    title: str
    theme: str
    rules: str
    opens_on: dt.date
    closes_on: dt.date
    min_chars: int | None
    max_chars: int | None
    allows_public: bool
    judges_per_entry: int
    campaign_id: int | None


def _call(
    *,
    office_id: int,
    title: str,
    theme: str,
    rules: str,
    opens_on: dt.date,
    closes_on: dt.date,
    min_chars: int | None,
    max_chars: int | None,
    allows_public: bool,
    judges_per_entry: int,
    campaign: Campaign | None,
) -> _Call:
    cleaned_title = _required_line(title, limit=MAX_TITLE_CHARS, label=_("title"), code="bad_title")
    cleaned_theme = _required_line(theme, limit=MAX_THEME_CHARS, label=_("theme"), code="bad_theme")
    rules = (rules or "").strip()
    if len(rules) > MAX_RULES_CHARS:
        raise Refused(
            _("The rules are too long (at most %(n)d characters).") % {"n": MAX_RULES_CHARS},
            code="bad_rules",
        )
    if not isinstance(opens_on, dt.date) or not isinstance(closes_on, dt.date):
        raise Refused(_("Give the dates entries are accepted."), code="bad_dates")
    if closes_on < opens_on:
        raise Refused(_("Entries must close on or after the day they open."), code="bad_dates")
    for value in (min_chars, max_chars):
        if value is not None and (isinstance(value, bool) or value < 1):
            raise Refused(
                _("A length is a whole number of characters, at least 1."), code="bad_length"
            )
    if min_chars is not None and max_chars is not None and min_chars > max_chars:
        raise Refused(_("The least length is more than the most length."), code="bad_length")
    if isinstance(judges_per_entry, bool) or not 1 <= judges_per_entry <= 50:
        raise Refused(_("The judges per entry are a whole number from 1 to 50."), code="bad_judges")
    if campaign is not None and campaign.office_id != office_id:
        raise _not_allowed()
    return _Call(
        title=cleaned_title,
        theme=cleaned_theme,
        rules=rules,
        opens_on=opens_on,
        closes_on=closes_on,
        min_chars=min_chars,
        max_chars=max_chars,
        allows_public=bool(allows_public),
        judges_per_entry=judges_per_entry,
        campaign_id=campaign.pk if campaign is not None else None,
    )


@transaction.atomic
def contest_create(
    *,
    actor: User,
    office: Office,
    title: str,
    theme: str,
    opens_on: dt.date,
    closes_on: dt.date,
    rules: str = "",
    min_chars: int | None = None,
    max_chars: int | None = None,
    allows_public: bool = False,
    judges_per_entry: int = 3,
    campaign: Campaign | None = None,
) -> Contest:
    """A new contest of the office, in draft: the call is written before it is opened."""
    if not permissions.is_office_manager(membership_of(actor), office.pk):
        raise _not_allowed()
    call = _call(
        office_id=office.pk,
        title=title,
        theme=theme,
        rules=rules,
        opens_on=opens_on,
        closes_on=closes_on,
        min_chars=min_chars,
        max_chars=max_chars,
        allows_public=allows_public,
        judges_per_entry=judges_per_entry,
        campaign=campaign,
    )
    contest = Contest.objects.create(
        office=office, created_by=actor, created_at=clock.now(), **call.__dict__
    )
    audit_record(
        actor=actor,
        action="contest.create",
        obj=contest,
        changes={name: _plain(value) for name, value in call.__dict__.items()},
    )
    return contest


@transaction.atomic
def contest_update(
    *,
    actor: User,
    contest: Contest,
    title: str,
    theme: str,
    opens_on: dt.date,
    closes_on: dt.date,
    rules: str = "",
    min_chars: int | None = None,
    max_chars: int | None = None,
    allows_public: bool = False,
    judges_per_entry: int = 3,
    campaign: Campaign | None = None,
) -> Contest:
    """Rewrite the call while it is a draft or open for entries."""
    _organiser(actor, contest)
    locked = _lock(contest)
    _require_status(locked, CALL_EDITABLE)
    call = _call(
        office_id=locked.office_id,
        title=title,
        theme=theme,
        rules=rules,
        opens_on=opens_on,
        closes_on=closes_on,
        min_chars=min_chars,
        max_chars=max_chars,
        allows_public=allows_public,
        judges_per_entry=judges_per_entry,
        campaign=campaign,
    )
    changes = {
        name: _plain([getattr(locked, name), value])
        for name, value in call.__dict__.items()
        if getattr(locked, name) != value
    }
    for name, value in call.__dict__.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(call.__dict__))
    audit_record(actor=actor, action="contest.update", obj=locked, changes=changes)
    return locked


# --- The rubric ---------------------------------------------------------------------------


def _rubric_editable(contest: Contest) -> None:
    """Refused once any judge has scored: a changed rubric would change their marks."""
    if contest.status in (ContestStatus.DECIDED, ContestStatus.PUBLISHED) or (
        Score.objects.filter(entry__contest_id=contest.pk).exists()
    ):
        raise Refused(
            _(
                "The rubric can no longer change: judges have already scored with it. Scores "
                "are kept per criterion and would no longer add up."
            ),
            code="rubric_frozen",
        )


def _criterion_fields(
    contest: Contest, name: str, description: str, max_score: int, *, exclude_id: int | None
) -> tuple[str, str, int]:
    cleaned = _required_line(
        name, limit=MAX_CRITERION_NAME, label=_("criterion"), code="bad_criterion"
    )
    description = _clean_line(description)
    if len(description) > MAX_CRITERION_DESCRIPTION:
        raise Refused(
            _("The description is too long (at most %(n)d characters).")
            % {"n": MAX_CRITERION_DESCRIPTION},
            code="bad_criterion",
        )
    if isinstance(max_score, bool) or not 1 <= max_score <= MAX_CRITERION_SCORE:
        raise Refused(
            _("A criterion's maximum is a whole number from 1 to %(n)d.")
            % {"n": MAX_CRITERION_SCORE},
            code="bad_max_score",
        )
    taken = Criterion.objects.filter(contest_id=contest.pk, name=cleaned)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    if taken.exists():
        raise Refused(
            _("The rubric already has a criterion “%(name)s”.") % {"name": cleaned},
            code="duplicate",
        )
    return cleaned, description, max_score


@transaction.atomic
def criterion_add(
    *, actor: User, contest: Contest, name: str, max_score: int, description: str = ""
) -> Criterion:
    _organiser(actor, contest)
    locked = _lock(contest)
    _rubric_editable(locked)
    name, description, max_score = _criterion_fields(
        locked, name, description, max_score, exclude_id=None
    )
    last = Criterion.objects.filter(contest=locked).aggregate(last=Max("sort_order"))["last"]
    criterion = Criterion.objects.create(
        contest=locked,
        name=name,
        description=description,
        max_score=max_score,
        sort_order=(last or 0) + 1,
    )
    audit_record(
        actor=actor,
        action="contest.criterion_add",
        obj=locked,
        changes={"criterion": criterion.pk, "name": name, "max_score": max_score},
    )
    return criterion


@transaction.atomic
def criterion_update(
    *, actor: User, criterion: Criterion, name: str, max_score: int, description: str = ""
) -> Criterion:
    locked = _organised_lock(actor, criterion.contest_id)
    _rubric_editable(locked)
    current = Criterion.objects.select_for_update().get(pk=criterion.pk)
    name, description, max_score = _criterion_fields(
        locked, name, description, max_score, exclude_id=current.pk
    )
    changes = {
        "criterion": current.pk,
        "name": [current.name, name],
        "max_score": [current.max_score, max_score],
    }
    current.name, current.description, current.max_score = name, description, max_score
    current.save(update_fields=["name", "description", "max_score"])
    audit_record(actor=actor, action="contest.criterion_update", obj=locked, changes=changes)
    return current


@transaction.atomic
def criterion_delete(*, actor: User, criterion: Criterion) -> None:
    locked = _organised_lock(actor, criterion.contest_id)
    _rubric_editable(locked)
    _delete_named(actor, locked, criterion, kind="criterion")


# --- Judges -------------------------------------------------------------------------------


@transaction.atomic
def judge_add(*, actor: User, contest: Contest, person: Person) -> Judge:
    """A person of the office on the jury; refused for anyone who has an entry in it."""
    _organiser(actor, contest)
    locked = _lock(contest)
    _require_status(locked, BEFORE_DECISION)
    if person.office_id != locked.office_id:
        raise _not_allowed()
    if Judge.objects.filter(contest=locked, person=person).exists():
        raise Refused(
            _("%(name)s is already a judge of this contest.") % {"name": person.name},
            code="already_judge",
        )
    if Entry.objects.filter(contest=locked, author=person).exists():
        raise Refused(
            _(
                "%(name)s has an entry in this contest and so cannot judge it: no one judges "
                "their own essay."
            )
            % {"name": person.name},
            code="judge_has_entry",
        )
    judge = Judge.objects.create(contest=locked, person=person, added_at=clock.now())
    audit_record(
        actor=actor,
        action="contest.judge_add",
        obj=locked,
        changes={"judge": judge.pk, "person": person.pk},
    )
    return judge


@transaction.atomic
def judge_remove(*, actor: User, judge: Judge) -> None:
    """Off the jury, with their scores: the averages of the entries they scored are redone."""
    locked = _organised_lock(actor, judge.contest_id)
    _require_status(locked, BEFORE_DECISION)
    scored = list(
        Score.objects.filter(judge_id=judge.pk).values_list("entry_id", flat=True).distinct()
    )
    audit_record(
        actor=actor,
        action="contest.judge_remove",
        obj=locked,
        changes={"judge": judge.pk, "person": judge.person_id, "entries_scored": len(scored)},
    )
    Judge.objects.filter(pk=judge.pk).delete()
    for entry_id in sorted(scored):
        _recompute(entry_id)


# --- Awards -------------------------------------------------------------------------------


def _award_fields(
    contest: Contest, name: str, places: int, rank: int, *, exclude_id: int | None
) -> tuple[str, int, int]:
    cleaned = _required_line(name, limit=MAX_AWARD_NAME, label=_("award"), code="bad_award")
    if isinstance(places, bool) or not 1 <= places <= MAX_AWARD_PLACES:
        raise Refused(
            _("An award's places are a whole number from 1 to %(n)d.") % {"n": MAX_AWARD_PLACES},
            code="bad_places",
        )
    if isinstance(rank, bool) or not 1 <= rank <= 100:
        raise Refused(
            _("An award's rank is a whole number from 1 (the highest) to 100."),
            code="bad_rank",
        )
    taken = Award.objects.filter(contest_id=contest.pk, name=cleaned)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    if taken.exists():
        raise Refused(
            _("The contest already has an award “%(name)s”.") % {"name": cleaned},
            code="duplicate",
        )
    return cleaned, places, rank


def _awards_editable(contest: Contest) -> None:
    if contest.status == ContestStatus.PUBLISHED:
        raise _status_refused(contest)


@transaction.atomic
def award_add(*, actor: User, contest: Contest, name: str, places: int, rank: int) -> Award:
    """A prize (一等奖 ×1): `rank` 1 is the highest; entries get them down the ranking."""
    _organiser(actor, contest)
    locked = _lock(contest)
    _awards_editable(locked)
    name, places, rank = _award_fields(locked, name, places, rank, exclude_id=None)
    award = Award.objects.create(contest=locked, name=name, places=places, rank=rank)
    audit_record(
        actor=actor,
        action="contest.award_add",
        obj=locked,
        changes={"award": award.pk, "name": name, "places": places, "rank": rank},
    )
    return award


@transaction.atomic
def award_update(*, actor: User, award: Award, name: str, places: int, rank: int) -> Award:
    """Rename, re-rank or resize an award (to give a tie the places it needs)."""
    locked = _organised_lock(actor, award.contest_id)
    _awards_editable(locked)
    current = Award.objects.select_for_update().get(pk=award.pk)
    name, places, rank = _award_fields(locked, name, places, rank, exclude_id=current.pk)
    holders = Entry.objects.filter(award=current).count()
    if places < holders:
        raise Refused(
            _(
                "%(count)d entries already hold this award; take it from some of them before "
                "reducing its places."
            )
            % {"count": holders},
            code="award_full",
        )
    changes = {
        "award": current.pk,
        "name": [current.name, name],
        "places": [current.places, places],
        "rank": [current.rank, rank],
    }
    current.name, current.places, current.rank = name, places, rank
    current.save(update_fields=["name", "places", "rank"])
    audit_record(actor=actor, action="contest.award_update", obj=locked, changes=changes)
    return current


@transaction.atomic
def award_delete(*, actor: User, award: Award) -> None:
    locked = _organised_lock(actor, award.contest_id)
    _awards_editable(locked)
    _delete_named(actor, locked, award, kind="award")


def _entry_of_contest(entry: Entry, contest: Contest) -> Entry:
    locked = Entry.objects.select_for_update().filter(pk=entry.pk, contest=contest).first()
    if locked is None:
        raise _not_allowed()
    return locked


@transaction.atomic
def award_give(*, actor: User, entry: Entry, award: Award) -> Entry:
    """The office's own decision once the results are computed, e.g. between tied entries."""
    locked = _organised_lock(actor, entry.contest_id)
    if locked.status != ContestStatus.DECIDED:
        raise _status_refused(locked)
    if award.contest_id != locked.pk:
        raise _not_allowed()
    current = _entry_of_contest(entry, locked)
    if current.status != EntryStatus.SUBMITTED:
        raise Refused(_("Only a submitted entry can receive an award."), code="not_submitted")
    if current.award_id == award.pk:
        return current
    holders = Entry.objects.filter(award=award).exclude(pk=current.pk).count()
    if holders >= award.places:
        raise Refused(
            _(
                "All %(places)d places of “%(award)s” are taken. Take the award from another "
                "entry first, or give the award more places."
            )
            % {"places": award.places, "award": award.name},
            code="award_full",
        )
    previous = current.award_id
    current.award = award
    current.save(update_fields=["award"])
    audit_record(
        actor=actor,
        action="contest.award_give",
        obj=current,
        changes={"award": [previous, award.pk]},
    )
    return current


@transaction.atomic
def award_take(*, actor: User, entry: Entry) -> Entry:
    locked = _organised_lock(actor, entry.contest_id)
    if locked.status != ContestStatus.DECIDED:
        raise _status_refused(locked)
    current = _entry_of_contest(entry, locked)
    previous = current.award_id
    if previous is None:
        return current
    current.award = None
    current.save(update_fields=["award"])
    audit_record(
        actor=actor, action="contest.award_take", obj=current, changes={"award": [previous, None]}
    )
    return current


# --- Steps --------------------------------------------------------------------------------


def _step(actor: User, contest: Contest, *, to: str, allowed_from: str, action: str) -> Contest:
    locked = _lock(contest)
    if locked.status != allowed_from:
        raise _status_refused(locked)
    previous = locked.status
    locked.status = to
    locked.save(update_fields=["status"])
    audit_record(
        actor=actor, action=action, obj=locked, changes={"status": [previous, locked.status]}
    )
    return locked


@transaction.atomic
def contest_open(*, actor: User, contest: Contest) -> Contest:
    """Entries are accepted (within the call's dates)."""
    _organiser(actor, contest)
    return _step(
        actor,
        contest,
        to=ContestStatus.OPEN,
        allowed_from=ContestStatus.DRAFT,
        action="contest.open",
    )


@transaction.atomic
def contest_start_judging(*, actor: User, contest: Contest) -> Contest:
    """Entries close and the judges begin: refused without a rubric or with too few judges."""
    _organiser(actor, contest)
    locked = _lock(contest)
    if locked.status != ContestStatus.OPEN:
        raise _status_refused(locked)
    if not Criterion.objects.filter(contest=locked).exists():
        raise Refused(
            _("Write the rubric (at least one criterion) before judging begins."),
            code="no_rubric",
        )
    judges = list(
        Judge.objects.filter(contest=locked).select_related("person__user").order_by("pk")
    )
    if len(judges) < locked.judges_per_entry:
        raise Refused(
            _(
                "Each entry is to be scored by %(needed)d judges, but the contest has "
                "%(count)d. Add judges (or lower the number per entry) first."
            )
            % {"needed": locked.judges_per_entry, "count": len(judges)},
            code="too_few_judges",
        )
    judging = _step(
        actor,
        locked,
        to=ContestStatus.JUDGING,
        allowed_from=ContestStatus.OPEN,
        action="contest.start_judging",
    )
    notification_send(
        actor=actor,
        recipients=[judge.person.user for judge in judges if judge.person.user is not None],
        kind=NotificationKind.OTHER,
        title=_("Judging has begun: %(contest)s") % {"contest": judging.title},
        body=_("The entries are numbered; score each one against the rubric."),
        url=reverse("contests:judge_list", args=[judging.pk]),
        dedupe_key=f"contest-judging-{judging.pk}",
    )
    return judging


@dataclass(frozen=True)
class Decision:
    contest: Contest
    ranked: int  # entries judged completely, in the ranking
    awarded: int
    tied: frozenset[int]  # entry ids the office must decide between
    not_fully_judged: int


@transaction.atomic
def contest_decide(*, actor: User, contest: Contest) -> Decision:
    """Judging ends: the completely judged entries are ranked and the awards given down the
    ranking. Entries tied across an award's boundary get none: the office decides."""
    _organiser(actor, contest)
    locked = _lock(contest)
    if locked.status != ContestStatus.JUDGING:
        raise _status_refused(locked)
    submitted = Entry.objects.filter(contest=locked, status=EntryStatus.SUBMITTED)
    complete = submitted.filter(judged_by__gte=locked.judges_per_entry, average_score__isnull=False)
    rows = [
        (pk, number, average)
        for pk, number, average in complete.values_list("pk", "number", "average_score")
        if number is not None and average is not None
    ]
    if not rows:
        raise Refused(
            _(
                "No entry has been scored completely by %(needed)d judges yet: there is "
                "nothing to rank."
            )
            % {"needed": locked.judges_per_entry},
            code="nothing_judged",
        )
    ranking = ranked(rows)
    awards = list(Award.objects.filter(contest=locked).order_by("rank", "pk"))
    allotment = allot(ranking, [(award.pk, award.places) for award in awards])
    Entry.objects.filter(contest=locked).exclude(award=None).update(award=None)
    for award in awards:
        winners = [pk for pk, award_id in allotment.awards.items() if award_id == award.pk]
        if winners:
            Entry.objects.filter(pk__in=winners).update(award=award)
    not_fully = submitted.count() - len(rows)
    decided = _step(
        actor,
        locked,
        to=ContestStatus.DECIDED,
        allowed_from=ContestStatus.JUDGING,
        action="contest.decide",
    )
    audit_record(
        actor=actor,
        action="contest.awards_computed",
        obj=decided,
        changes={
            "awards": {str(k): v for k, v in sorted(allotment.awards.items())},
            "tied": sorted(allotment.tied),
            "not_fully_judged": not_fully,
        },
    )
    return Decision(
        contest=decided,
        ranked=len(rows),
        awarded=len(allotment.awards),
        tied=allotment.tied,
        not_fully_judged=not_fully,
    )


@transaction.atomic
def contest_publish_results(*, actor: User, contest: Contest) -> Contest:
    """The winners (award, title, author and unit) and their texts on the public page."""
    _organiser(actor, contest)
    published = _step(
        actor,
        contest,
        to=ContestStatus.PUBLISHED,
        allowed_from=ContestStatus.DECIDED,
        action="contest.publish_results",
    )
    published.results_published_at = clock.now()
    published.save(update_fields=["results_published_at"])
    return published


@transaction.atomic
def results_export_record(*, actor: User, contest: Contest) -> None:
    """The results left the system with the authors' contacts: on the record."""
    standing = permissions.standing_of(membership_of(actor), contest)
    if not permissions.can_see_results(standing):
        raise _not_allowed()
    audit_record(actor=actor, action="contest.results_export", obj=contest)


# --- Entries: the text --------------------------------------------------------------------


def _docx_paragraphs(upload: Upload) -> tuple[list[str], str]:
    """The paragraphs of an uploaded .docx and its cleaned name; raises Refused."""
    try:
        return docx_upload_paragraphs(
            upload,
            not_docx=_(
                "Only Word documents (.docx) can be read. Open the file in Word or WPS, save it as "
                ".docx and upload it again, or paste the text instead."
            ),
            no_text=_("The Word document has no text."),
        )
    except UploadRefused as exc:
        raise Refused(exc.message, code=exc.code) from exc


def _text_of(title: str, body: str, upload: Upload | None) -> tuple[str, str]:
    """The entry's title and text: typed, or read from the upload (which wins over typing)."""
    if upload is not None:
        paragraphs, name = _docx_paragraphs(upload)
        typed_title = _clean_line(title)
        if len(paragraphs) > 1 and (
            paragraphs[0] == typed_title
            or (not typed_title and len(paragraphs[0]) <= MAX_IMPORTED_TITLE_CHARS)
        ):
            typed_title, paragraphs = paragraphs[0], paragraphs[1:]
        title = typed_title or PurePosixPath(name).stem
        body = "\n".join(paragraphs)
    return (
        _required_line(title, limit=MAX_TITLE_CHARS, label=_("title"), code="bad_title"),
        _clean_body(body),
    )


# --- Entries: members of the office -------------------------------------------------------


def _entrant(actor: User, contest: Contest) -> Person:
    """The member entering; refused for a judge of the contest."""
    membership = membership_of(actor)
    person = membership.person
    if person is None or person.office_id != contest.office_id:
        raise _not_allowed()
    if Judge.objects.filter(contest_id=contest.pk, person=person).exists():
        raise Refused(
            _("You are a judge of this contest and so cannot enter it."),
            code="judge_cannot_enter",
        )
    return person


def _next_number(contest: Contest) -> int:
    """The next 编号 of the contest (its row is locked): numbers are never reused."""
    last = Entry.objects.filter(contest=contest).aggregate(last=Max("number"))["last"]
    return (last or 0) + 1


def _check_submittable(contest: Contest, entry: Entry) -> None:
    if contest.status != ContestStatus.OPEN:
        raise Refused(_("The contest is not accepting entries."), code="not_open")
    today = clock.today()
    if today < contest.opens_on:
        raise Refused(
            _("Entries are accepted from %(day)s.") % {"day": contest.opens_on.isoformat()},
            code="not_yet",
        )
    if today > contest.closes_on:
        raise Refused(
            _("Entries closed on %(day)s.") % {"day": contest.closes_on.isoformat()},
            code="closed",
        )
    if not entry.body.strip() or entry.word_count == 0:
        raise Refused(_("The entry has no text yet."), code="empty")
    if contest.min_chars is not None and entry.word_count < contest.min_chars:
        raise Refused(
            _(
                "The entry has %(count)d characters (字数); the contest asks for at least "
                "%(minimum)d."
            )
            % {"count": entry.word_count, "minimum": contest.min_chars},
            code="too_short",
        )
    if contest.max_chars is not None and entry.word_count > contest.max_chars:
        raise Refused(
            _("The entry has %(count)d characters (字数); the contest allows at most %(maximum)d.")
            % {"count": entry.word_count, "maximum": contest.max_chars},
            code="too_long",
        )


def _submit(actor: User | None, contest: Contest, entry: Entry) -> Entry:
    """Submit a locked entry of a locked contest: number, stamp, originality document."""
    _check_submittable(contest, entry)
    previous = entry.status
    if entry.number is None:
        entry.number = _next_number(contest)
    if entry.author_id is not None:
        author = Person.objects.select_related("unit").get(pk=entry.author_id)
        # The names the results will show, as they were when the entry was sent.
        entry.author_name = author.name[:MAX_NAME_CHARS]
        entry.author_organisation = author.unit.name[:MAX_ORGANISATION_CHARS]
    entry.status = EntryStatus.SUBMITTED
    entry.submitted_at = clock.now()
    entry.updated_at = entry.submitted_at
    entry.contest = contest
    entry.save()
    document_sync_contest_entry(entry=entry)
    audit_record(
        actor=actor,
        action="contest.entry_submit",
        obj=entry,
        changes={
            "status": [previous, entry.status],
            "number": entry.number,
            "word_count": entry.word_count,
        },
    )
    return entry


@transaction.atomic
def entry_save(
    *,
    actor: User,
    contest: Contest,
    title: str,
    body: str = "",
    upload: Upload | None = None,
    submit: bool = False,
) -> Entry:
    """Write (or rewrite) the member's entry as a draft, its text typed or read from a .docx;
    with `submit`, submit it too. All or nothing: a refused submission saves nothing either."""
    person = _entrant(actor, contest)
    locked = _lock(contest)
    if locked.status != ContestStatus.OPEN:
        raise Refused(_("The contest is not accepting entries."), code="not_open")
    entry = Entry.objects.select_for_update().filter(contest=locked, author=person).first()
    if entry is not None and entry.status not in EDITABLE_ENTRY:
        raise Refused(
            _("The entry is submitted; withdraw it first to change it."), code="not_editable"
        )
    title, body = _text_of(title, body, upload)
    now = clock.now()
    created = entry is None
    if entry is None:
        entry = Entry(contest=locked, author=person, status=EntryStatus.DRAFT, created_at=now)
    previous_count = entry.word_count
    entry.title, entry.body, entry.word_count, entry.updated_at = (
        title,
        body,
        word_count(body),
        now,
    )
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as exc:  # the same member's other tab created one meanwhile
        raise Refused(
            _("You already have an entry in this contest; open it to change it."),
            code="duplicate",
        ) from exc
    audit_record(
        actor=actor,
        action="contest.entry_create" if created else "contest.entry_save",
        obj=entry,
        changes={"word_count": [previous_count, entry.word_count]},
    )
    if submit:
        _submit(actor, locked, entry)
    return entry


def _own_entry(actor: User, entry: Entry) -> tuple[Contest, Entry]:
    contest = Contest.objects.get(pk=entry.contest_id)
    person = _entrant(actor, contest)
    locked = _lock(contest)
    current = Entry.objects.select_for_update().filter(pk=entry.pk, author=person).first()
    if current is None:
        raise _not_allowed()
    return locked, current


@transaction.atomic
def entry_submit(*, actor: User, entry: Entry) -> Entry:
    """Submit the member's draft (or withdrawn) entry as it is."""
    contest, current = _own_entry(actor, entry)
    if current.status not in EDITABLE_ENTRY:
        raise Refused(_("The entry is already submitted."), code="not_editable")
    return _submit(actor, contest, current)


@transaction.atomic
def entry_withdraw(*, actor: User, entry: Entry) -> Entry:
    """Take a submitted entry back before judging begins; it keeps its number."""
    contest, current = _own_entry(actor, entry)
    if current.status != EntryStatus.SUBMITTED or contest.status != ContestStatus.OPEN:
        raise Refused(
            _("Only a submitted entry can be withdrawn, and only before judging begins."),
            code="not_withdrawable",
        )
    current.status = EntryStatus.WITHDRAWN
    current.updated_at = clock.now()
    current.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="contest.entry_withdraw",
        obj=current,
        changes={"status": [EntryStatus.SUBMITTED, current.status]},
    )
    return current


# --- Entries: the public ------------------------------------------------------------------


def public_entry_token_new() -> str:
    """A signed one-time token for the public entry form: it becomes the entry's receipt
    code, so the same form sent twice makes one entry."""
    return signing.dumps(new_public_key(), salt=_TOKEN_SALT)


def _receipt_from(token: str) -> str:
    try:
        code = signing.loads(token or "", salt=_TOKEN_SALT, max_age=PUBLIC_TOKEN_MAX_AGE)
    except signing.BadSignature as exc:  # SignatureExpired is one
        raise Refused(
            _("The form has expired. Reload the page and send the entry again."),
            code="bad_token",
        ) from exc
    if not isinstance(code, str) or not _RECEIPT.match(code):
        raise Refused(_("The form is not valid. Reload the page."), code="bad_token")
    return code


@dataclass(frozen=True)
class PublicEntry:
    entry: Entry
    created: bool  # False: the same form was sent before


@transaction.atomic
def public_entry_submit(
    *,
    contest: Contest,
    token: str,
    name: str,
    organisation: str,
    contact: str,
    title: str,
    body: str = "",
    upload: Upload | None = None,
) -> PublicEntry:
    """An entry by a member of the public, submitted at once; the form's token is the
    receipt code to see it again."""
    if not contest.allows_public:
        raise _not_allowed()
    code = _receipt_from(token)
    locked = _lock(contest)
    sent = Entry.objects.filter(receipt_code=code).first()
    if sent is not None:
        if sent.contest_id != locked.pk:
            raise Refused(_("The form is not valid. Reload the page."), code="bad_token")
        return PublicEntry(entry=sent, created=False)
    if locked.status != ContestStatus.OPEN:
        raise Refused(_("The contest is not accepting entries."), code="not_open")
    author_name = _required_line(name, limit=MAX_NAME_CHARS, label=_("name"), code="bad_name")
    author_organisation = _required_line(
        organisation, limit=MAX_ORGANISATION_CHARS, label=_("organisation"), code="bad_org"
    )
    author_contact = _required_line(
        contact, limit=MAX_CONTACT_CHARS, label=_("contact"), code="bad_contact"
    )
    title, body = _text_of(title, body, upload)
    now = clock.now()
    entry = Entry(
        contest=locked,
        title=title,
        body=body,
        word_count=word_count(body),
        author_name=author_name,
        author_organisation=author_organisation,
        author_contact=author_contact,
        receipt_code=code,
        status=EntryStatus.DRAFT,
        created_at=now,
        updated_at=now,
    )
    try:
        with transaction.atomic():
            _submit(None, locked, entry)
    except IntegrityError:
        # The same form sent twice at once, where the contest's lock does not hold (SQLite).
        sent = Entry.objects.filter(receipt_code=code, contest=locked).first()
        if sent is None:
            raise
        return PublicEntry(entry=sent, created=False)
    return PublicEntry(entry=entry, created=True)


# --- Disqualification ---------------------------------------------------------------------


@transaction.atomic
def entry_disqualify(*, actor: User, entry: Entry, reason: str) -> Entry:
    """Out of the contest (e.g. its originality report shows it copied), with the reason."""
    locked = _organised_lock(actor, entry.contest_id)
    _require_status(locked, (ContestStatus.OPEN, ContestStatus.JUDGING, ContestStatus.DECIDED))
    current = _entry_of_contest(entry, locked)
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Give the reason for disqualifying the entry."), code="no_reason")
    if len(reason) > MAX_REASON_CHARS:
        raise Refused(
            _("The reason is too long (at most %(n)d characters).") % {"n": MAX_REASON_CHARS},
            code="no_reason",
        )
    if current.status != EntryStatus.SUBMITTED:
        raise Refused(_("Only a submitted entry can be disqualified."), code="not_submitted")
    previous_award = current.award_id
    current.status = EntryStatus.DISQUALIFIED
    current.disqualified_reason = reason
    current.award = None
    current.updated_at = clock.now()
    current.save(update_fields=["status", "disqualified_reason", "award", "updated_at"])
    audit_record(
        actor=actor,
        action="contest.entry_disqualify",
        obj=current,
        changes={
            "status": [EntryStatus.SUBMITTED, current.status],
            "reason": reason,
            "award": [previous_award, None],
        },
    )
    return current


# --- Judging ------------------------------------------------------------------------------


def _parse_score(raw: Decimal | str | int | None, criterion: Criterion) -> Decimal | None:
    """A score of one decimal place within 0..max; None for a blank. Raises ValueError with the
    message to show."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ValueError(_("not a number"))
    text = raw if isinstance(raw, str) else str(raw)
    text = text.strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(
            _("“%(criterion)s”: “%(value)s” is not a number.")
            % {"criterion": criterion.name, "value": text[:20]}
        ) from exc
    if not value.is_finite() or value < 0 or value > criterion.max_score:
        raise ValueError(
            _("“%(criterion)s” is scored from 0 to %(max)d; “%(value)s” is outside that.")
            % {"criterion": criterion.name, "max": criterion.max_score, "value": text[:20]}
        )
    if value != value.quantize(ONE_DECIMAL):
        raise ValueError(
            _("“%(criterion)s”: give at most one decimal place (e.g. 17.5).")
            % {"criterion": criterion.name}
        )
    return value.quantize(ONE_DECIMAL)


def _recompute(entry_id: int) -> None:
    """The entry's average over the complete sheets, and how many there are (entry locked)."""
    entry = Entry.objects.select_for_update().filter(pk=entry_id).first()
    if entry is None:
        return
    complete = JudgeComment.objects.filter(entry_id=entry_id, completed_at__isnull=False)
    totals = list(
        Score.objects.filter(entry_id=entry_id, judge_id__in=complete.values("judge_id"))
        .values("judge_id")
        .annotate(total=Sum("value"))
        .values_list("total", flat=True)
    )
    if totals:
        average = (sum(totals, Decimal(0)) / len(totals)).quantize(
            TWO_DECIMALS, rounding=ROUND_HALF_UP
        )
    else:
        average = None
    Entry.objects.filter(pk=entry_id).update(average_score=average, judged_by=len(totals))


@transaction.atomic
def score_sheet_save(
    *,
    actor: User,
    entry: Entry,
    scores: Mapping[int, Decimal | str | None],
    comment: str = "",
    complete: bool = False,
) -> Entry:
    """A judge's whole sheet for one entry: a score per criterion (blank for not yet), a
    comment, and whether the sheet is complete (every criterion scored). Saved only while
    the contest is being judged, all at once or not at all."""
    contest = Contest.objects.get(pk=entry.contest_id)
    judge = permissions.judge_seat(membership_of(actor), contest.pk)
    if judge is None:
        raise _not_allowed()
    current_status = Contest.objects.filter(pk=contest.pk).values_list("status", flat=True)[0]
    if current_status != ContestStatus.JUDGING:
        raise Refused(
            _("Scores are given only while the contest is being judged."), code="not_judging"
        )
    criteria = list(Criterion.objects.filter(contest_id=contest.pk).order_by("sort_order", "pk"))
    known = {criterion.pk for criterion in criteria}
    unknown = [key for key in scores if key not in known]
    if unknown:
        raise Refused(_("The sheet names a criterion this contest has not."), code="unknown")
    errors: dict[int, str] = {}
    values: dict[int, Decimal] = {}
    for criterion in criteria:
        try:
            value = _parse_score(scores.get(criterion.pk), criterion)
        except ValueError as exc:
            errors[criterion.pk] = str(exc)
            continue
        if value is not None:
            values[criterion.pk] = value
        elif complete:
            errors[criterion.pk] = _("“%(criterion)s” has no score yet.") % {
                "criterion": criterion.name
            }
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT_CHARS:
        raise Refused(
            _("The comment is too long (at most %(n)d characters).") % {"n": MAX_COMMENT_CHARS},
            code="too_long",
        )
    if errors:
        raise SheetInvalid(
            _("Nothing was saved: %(problems)s") % {"problems": " ".join(errors.values())},
            errors=errors,
        )
    locked = Entry.objects.select_for_update().filter(pk=entry.pk, contest_id=contest.pk).first()
    if locked is None or locked.status != EntryStatus.SUBMITTED or locked.number is None:
        raise _not_allowed()
    if locked.author_id is not None and locked.author_id == judge.person_id:
        # Kept apart by `judge_add` and `entry_save` (both under the contest's lock); checked
        # again here, where it matters most.
        raise Refused(_("No one judges their own essay."), code="own_entry")
    now = clock.now()
    Score.objects.filter(entry=locked, judge=judge).delete()
    Score.objects.bulk_create(
        Score(entry=locked, judge=judge, criterion_id=pk, value=value, scored_at=now)
        for pk, value in values.items()
    )
    JudgeComment.objects.update_or_create(
        entry=locked,
        judge=judge,
        defaults={"text": comment, "completed_at": now if complete else None},
    )
    _recompute(locked.pk)
    audit_record(
        actor=actor,
        action="contest.score_sheet_save",
        obj=locked,
        changes={
            "judge": judge.pk,
            "scores": {str(pk): str(value) for pk, value in values.items()},
            "complete": complete,
        },
    )
    locked.refresh_from_db()
    return locked
