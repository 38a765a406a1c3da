"""Writes of online activities (解放思想大家谈, 我为高质量发展献一策, 高质量发展之我见): the office
sets them up; each staff member records their own participations with a link or a screenshot
as evidence; the office sends the ideas of an activity that collects them to the suggestion
pool. A refusal raises `NotAllowed` or `Refused` and changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from huodong.campaigns.models import Campaign
from huodong.core import clock
from huodong.core.audit import audit_record
from huodong.core.uploads import Upload
from huodong.engagement.errors import NotAllowed, Refused
from huodong.engagement.models import OnlineActivity, OnlineParticipation
from huodong.engagement.permissions import (
    can_delete_participation,
    can_manage_online,
    can_take_part_online,
)
from huodong.engagement.services.common import (
    errors_of_other_apps,
    inspected,
    not_allowed,
    save_with_upload,
    today,
    web_link,
)
from huodong.engagement.services.common import text as checked_text
from huodong.orgs.models import Person, User
from huodong.orgs.permissions import membership_of
from huodong.suggestions.models import Suggestion, SuggestionSource
from huodong.suggestions.services.pool import suggestion_create

MAX_TEXT_CHARS = 5000


def _activity_fields(
    *,
    title: str,
    description: str,
    url: str,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    collects_ideas: bool,
) -> dict:
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        raise Refused(_("The activity must end on or after its first day."), code="bad_dates")
    return {
        "title": checked_text(
            title, limit=200, label=_("The title"), required=_("Give the activity a title.")
        ),
        "description": checked_text(description, limit=5000, label=_("The description")),
        "url": web_link(url, label=_("The link")),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "collects_ideas": collects_ideas,
    }


def _check_manager(actor: User, campaign: Campaign) -> None:
    if not can_manage_online(membership_of(actor), campaign):
        raise NotAllowed(_("Only the office sets up online activities."), code="not_office")


def _check_title_free(
    campaign_id: int, title: str, *, other_than: OnlineActivity | None = None
) -> None:
    """Titles tell a campaign's activities apart: one title, one activity."""
    taken = OnlineActivity.objects.filter(campaign_id=campaign_id, title=title)
    if other_than is not None:
        taken = taken.exclude(pk=other_than.pk)
    if taken.exists():
        raise Refused(
            _("The campaign already has an online activity of this title."),
            code="duplicate_activity",
        )


@transaction.atomic
def online_activity_create(
    *,
    actor: User,
    campaign: Campaign,
    title: str,
    description: str = "",
    url: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    collects_ideas: bool = False,
) -> OnlineActivity:
    """The office sets up an online activity staff take part in (a platform's discussion, a
    call for ideas)."""
    _check_manager(actor, campaign)
    fields = _activity_fields(
        title=title,
        description=description,
        url=url,
        starts_on=starts_on,
        ends_on=ends_on,
        collects_ideas=collects_ideas,
    )
    # The campaign's activities are set up one after the other: a form sent twice adds one.
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    _check_title_free(campaign.pk, fields["title"])
    activity = OnlineActivity.objects.create(
        campaign=campaign, created_by=actor, created_at=clock.now(), **fields
    )
    audit_record(
        actor=actor,
        action="online_activity.create",
        obj=activity,
        changes={"title": activity.title, "collects_ideas": collects_ideas},
    )
    return activity


@transaction.atomic
def online_activity_update(
    *,
    actor: User,
    activity: OnlineActivity,
    title: str,
    description: str = "",
    url: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    collects_ideas: bool = False,
) -> OnlineActivity:
    locked = (
        OnlineActivity.objects.select_for_update().select_related("campaign").get(pk=activity.pk)
    )
    _check_manager(actor, locked.campaign)
    fields = _activity_fields(
        title=title,
        description=description,
        url=url,
        starts_on=starts_on,
        ends_on=ends_on,
        collects_ideas=collects_ideas,
    )
    _check_title_free(locked.campaign_id, fields["title"], other_than=locked)
    before = {name: getattr(locked, name) for name in fields}
    changed = {name: value for name, value in fields.items() if before[name] != value}
    if not changed:
        return locked
    for name, value in changed.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(changed))
    audit_record(
        actor=actor,
        action="online_activity.update",
        obj=locked,
        changes={name: [str(before[name]), str(value)] for name, value in changed.items()},
    )
    return locked


@transaction.atomic
def online_participation_record(
    *,
    actor: User,
    activity: OnlineActivity,
    date: dt.date,
    evidence_url: str = "",
    screenshot: Upload | None = None,
    text: str = "",
) -> OnlineParticipation:
    """A staff member records that they took part, on a day within the activity, with a link
    to their post or a screenshot of it (an image) as evidence, and what they contributed."""
    campaign = Campaign.objects.get(pk=activity.campaign_id)
    membership = membership_of(actor)
    person = membership.person
    if person is None or not can_take_part_online(membership, campaign):
        raise not_allowed()
    if (activity.starts_on is not None and date < activity.starts_on) or (
        activity.ends_on is not None and date > activity.ends_on
    ):
        raise Refused(
            _("The date %(date)s is outside the activity (%(start)s to %(end)s).")
            % {
                "date": date.isoformat(),
                "start": activity.starts_on.isoformat() if activity.starts_on else "…",
                "end": activity.ends_on.isoformat() if activity.ends_on else "…",
            },
            code="date_outside_activity",
        )
    if date > today():
        raise Refused(
            _("The date %(date)s is in the future; record your participation once it happened.")
            % {"date": date.isoformat()},
            code="date_in_future",
        )
    evidence_url = web_link(evidence_url, label=_("The link"))
    contributed = checked_text(text, limit=MAX_TEXT_CHARS, label=_("The text"))
    info = inspected(screenshot) if screenshot is not None else None
    if info is not None and not info.content_type.startswith("image/"):
        raise Refused(
            _("The screenshot must be an image (PNG, JPEG, GIF or WEBP)."),
            code="screenshot_not_image",
        )
    if not evidence_url and info is None:
        raise Refused(
            _("Give the link to your contribution or attach a screenshot of it."),
            code="evidence_required",
        )
    # One person's records one after the other: the duplicate check below cannot race.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    if (
        evidence_url
        and OnlineParticipation.objects.filter(
            activity=activity, person=person, evidence_url=evidence_url
        ).exists()
    ):
        raise Refused(_("You already recorded this link for this activity."), code="duplicate_link")
    row = OnlineParticipation(
        activity=activity,
        person=person,
        unit_id=person.unit_id,
        date=date,
        evidence_url=evidence_url,
        text=contributed,
        created_by=actor,
        created_at=clock.now(),
    )
    if info is not None and screenshot is not None:
        row.screenshot_type = info.content_type
        save_with_upload(row, row.screenshot, info.name, screenshot)
    else:
        row.save()
    audit_record(
        actor=actor,
        action="online_participation.record",
        obj=row,
        changes={
            "activity": activity.pk,
            "date": date.isoformat(),
            "link": bool(evidence_url),
            "screenshot": info is not None,
        },
    )
    return row


@transaction.atomic
def online_participation_delete(*, actor: User, participation: OnlineParticipation) -> None:
    """Its author deletes a participation (not once its idea is in the suggestion pool); the
    office deletes any. The screenshot goes once the deletion commits (`signals`)."""
    locked = (
        OnlineParticipation.objects.select_for_update(of=("self",))
        .filter(pk=participation.pk)
        .select_related("activity")
        .first()
    )
    if locked is None:
        raise Refused(_("This participation was already deleted."), code="gone")
    campaign = Campaign.objects.get(pk=locked.activity.campaign_id)
    membership = membership_of(actor)
    if not can_delete_participation(membership, campaign, locked.person_id):
        raise not_allowed()
    if not can_manage_online(membership, campaign) and (
        Suggestion.objects.filter(online_participation=locked).exists()
    ):
        raise Refused(
            _("Your idea is in the suggestion pool; ask the office to remove it."),
            code="in_pool",
        )
    locked.delete()
    audit_record(
        actor=actor,
        action="online_participation.delete",
        obj=None,
        changes={
            "participation": participation.pk,
            "activity": locked.activity_id,
            "person": locked.person_id,
        },
    )


@transaction.atomic
def online_participation_to_pool(*, actor: User, participation: OnlineParticipation) -> Suggestion:
    """The office sends the idea of a participation (an activity that collects ideas) to the
    suggestion pool, as its author's; sent twice, it is the same suggestion."""
    locked = (
        OnlineParticipation.objects.select_for_update(of=("self",))
        .select_related("activity", "activity__campaign", "activity__campaign__office", "person")
        .get(pk=participation.pk)
    )
    campaign = locked.activity.campaign
    if not can_manage_online(membership_of(actor), campaign):
        raise NotAllowed(_("Only the office sends ideas to the pool."), code="not_office")
    if not locked.activity.collects_ideas:
        raise Refused(
            _("This activity does not collect ideas for the pool."), code="not_collecting"
        )
    if not locked.text.strip():
        raise Refused(_("This participation has no text to send to the pool."), code="empty_text")
    with errors_of_other_apps():
        return suggestion_create(
            actor=actor,
            office=campaign.office,
            text=locked.text,
            source=SuggestionSource.ONLINE,
            campaign=campaign,
            online_participation=locked,
            submitter=locked.person,
        )
