"""Staged progress reports: drafts are the unit's own; a submitted report is frozen."""

import pytest
from django.core.files.storage import default_storage
from django.http import Http404

from huodong.orgs.permissions import membership_of
from huodong.supervision import selectors, services
from huodong.supervision.errors import NotAllowed, SupervisionError, TransitionRefused
from huodong.supervision.models import ProgressReport, ReportAttachment, ReportStatus

from .conftest import PDF, PNG, ROLES, upload
from .helpers import report, snapshot, status_of, to_accepted, to_received

pytestmark = pytest.mark.django_db


def draft(world, user=None, *, unit=None, files=()):
    return services.report_create(
        actor=user or world["lead_head"],
        task=world.task,
        unit=unit or world.lead,
        text="草稿",
        files=files,
    )


def test_the_lead_unit_reports_only_after_receiving(world):
    before = snapshot()
    with pytest.raises(TransitionRefused) as refused:
        draft(world)
    assert refused.value.code == "not_received"
    assert snapshot() == before
    to_received(world)
    report(world)
    assert status_of(world.task) == "in_progress"


def test_a_co_unit_reports_on_its_own_part_at_any_open_stage(world):
    submitted = report(world, world["co_head"], unit=world.co, text="配合完成问卷")
    assert submitted.status == ReportStatus.SUBMITTED
    assert submitted.unit == world.co
    assert status_of(world.task) == "assigned"


@pytest.mark.parametrize("role", ROLES)
def test_who_writes_reports_for_which_unit(world, role):
    to_received(world)
    allowed = {
        "lead_head": world.lead,
        "lead_contact": world.lead,
        "co_head": world.co,
    }
    before = snapshot()
    if role in allowed:
        created = draft(world, world[role], unit=allowed[role])
        assert created.author == world[role]
    else:
        for unit in (world.lead, world.co):
            with pytest.raises(NotAllowed):
                draft(world, world[role], unit=unit)
        assert snapshot() == before


def test_a_co_unit_may_not_report_as_the_lead_unit(world):
    to_received(world)
    with pytest.raises(NotAllowed):
        draft(world, world["co_head"], unit=world.lead)


def test_a_draft_is_edited_by_its_unit_and_nobody_else(world):
    to_received(world)
    mine = draft(world)
    services.report_update(actor=world["lead_contact"], report=mine, text="改过的草稿")
    mine.refresh_from_db()
    assert mine.text == "改过的草稿"
    before = snapshot()
    for role in ("co_head", "director", "inspector", "unrelated_head", "plain"):
        with pytest.raises(NotAllowed):
            services.report_update(actor=world[role], report=mine, text="别人改的")
        with pytest.raises(NotAllowed):
            services.report_delete(actor=world[role], report=mine)
        with pytest.raises(NotAllowed):
            services.report_submit(actor=world[role], report=mine)
    assert snapshot() == before


def test_a_submitted_report_and_its_files_cannot_be_changed_or_deleted(world):
    to_received(world)
    submitted = report(world, files=[upload("材料.pdf", PDF)])
    attachment = submitted.attachments.get()
    stored = attachment.file.name
    before = snapshot()
    attempts = [
        lambda: services.report_update(actor=world["lead_head"], report=submitted, text="改"),
        lambda: services.report_delete(actor=world["lead_head"], report=submitted),
        lambda: services.report_submit(actor=world["lead_head"], report=submitted),
        lambda: services.attachment_add(
            actor=world["lead_head"], report=submitted, upload=upload("新.png", PNG)
        ),
        lambda: services.attachment_delete(actor=world["lead_head"], attachment=attachment),
    ]
    for attempt in attempts:
        with pytest.raises(TransitionRefused) as refused:
            attempt()
        assert refused.value.code == "report_submitted"
    assert snapshot() == before
    assert default_storage.exists(stored)


def test_drafts_take_and_lose_files_and_their_deletion_removes_the_files(
    world, django_capture_on_commit_callbacks
):
    to_received(world)
    mine = draft(world, files=[upload("一.pdf", PDF)])
    services.attachment_add(actor=world["lead_head"], report=mine, upload=upload("二.png", PNG))
    first, second = ReportAttachment.objects.filter(report=mine).order_by("pk")
    names = [first.file.name, second.file.name]
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_delete(actor=world["lead_contact"], attachment=first)
    assert not default_storage.exists(names[0])
    with django_capture_on_commit_callbacks(execute=True):
        services.report_delete(actor=world["lead_head"], report=mine)
    assert not ProgressReport.objects.filter(pk=mine.pk).exists()
    assert not default_storage.exists(names[1])


def test_an_empty_report_is_not_submitted(world):
    to_received(world)
    empty = services.report_create(actor=world["lead_head"], task=world.task, unit=world.lead)
    with pytest.raises(SupervisionError) as refused:
        services.report_submit(actor=world["lead_head"], report=empty)
    assert refused.value.code == "empty_report"
    empty.refresh_from_db()
    assert empty.status == ReportStatus.DRAFT


def test_no_reports_on_an_accepted_task(world):
    to_accepted(world)
    before = snapshot()
    with pytest.raises(TransitionRefused):
        draft(world, world["co_head"], unit=world.co)
    assert snapshot() == before


SEES_SUBMITTED = {
    "lead_head",
    "lead_contact",
    "lead_staff",  # a member of the lead unit
    "co_head",
    "director",
    "staff",
    "admin",
    "inspector",
    "leader",
    "seat",
}


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_reports(world, role):
    to_received(world)
    submitted = report(world)
    own_draft = draft(world)
    membership = membership_of(world[role])
    if role in SEES_SUBMITTED:
        assert selectors.report_get(membership, world.campaign, submitted.pk) == submitted
    else:
        with pytest.raises(Http404):
            selectors.report_get(membership, world.campaign, submitted.pk)
    if role in {"lead_head", "lead_contact"}:
        assert selectors.report_get(membership, world.campaign, own_draft.pk) == own_draft
    else:
        with pytest.raises(Http404):
            selectors.report_get(membership, world.campaign, own_draft.pk)


def test_files_go_with_a_task_a_revised_plan_removes(world, django_capture_on_commit_callbacks):
    to_received(world)
    stored = report(world, files=[upload("材料.pdf", PDF)]).attachments.get().file.name
    assert default_storage.exists(stored)
    with django_capture_on_commit_callbacks(execute=True):
        world.task.delete()
    assert not default_storage.exists(stored)
