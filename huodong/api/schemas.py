"""What the open API takes and returns (OpenAPI components).

Inputs are bounded so that nothing a client sends reaches the database in a form it cannot
store: ids fit a 32-bit column, text has a length limit and no NUL character or lone
surrogate, and pages stop at `MAX_PAGE`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator

MAX_ID = 2_147_483_647
MAX_PAGE = 100_000
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20

Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Text may not contain a NUL character.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("Text must be valid Unicode.") from exc
    return value


ShortText = Annotated[str, Field(max_length=200), AfterValidator(_storable)]
LongText = Annotated[str, Field(max_length=20_000), AfterValidator(_storable)]
NoteText = Annotated[str, Field(max_length=2_000), AfterValidator(_storable)]


class Paging(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Rows per page (at most 100)."
    )


class Error(Schema):
    detail: str
    code: str = ""


# --- Campaigns ------------------------------------------------------------------------------


class UnitRef(Schema):
    id: int
    name: str


class CampaignOut(Schema):
    id: int
    title: str
    doc_number: str
    issuer: str
    issued: dt.date | None
    year: int | None
    theme: str
    start: dt.date | None
    end: dt.date | None


class CampaignPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[CampaignOut]


class SubThemeOut(Schema):
    id: int
    order: int
    name: str
    text: str
    lead_leader: str
    units: list[UnitRef]


class PhaseOut(Schema):
    id: int
    order: int
    name: str
    start: dt.date
    end: dt.date


class LeadingGroupSeat(Schema):
    role: str
    role_label: str
    name: str


class CampaignDetail(CampaignOut):
    guiding_thought: str
    principles: list[str]
    warning_days: int
    leading_group_office: UnitRef | None
    sub_themes: list[SubThemeOut]
    phases: list[PhaseOut]
    leading_group: list[LeadingGroupSeat]


# --- Tasks ------------------------------------------------------------------------------------

LightName = Literal["done_on_time", "done_late", "overdue", "due_soon", "pending", "not_started"]
TrackingName = Literal["assigned", "received", "in_progress", "submitted", "returned", "accepted"]


class TaskOut(Schema):
    id: int
    seq: int
    text: str
    phase_id: int | None
    phase: str
    due: dt.date | None
    due_text: str
    recurrence: str
    start: dt.date | None
    completed_on: dt.date | None
    light: LightName
    light_label: str
    tracking_status: TrackingName
    tracking_label: str
    lead_units: list[UnitRef]
    co_units: list[UnitRef]


class TaskPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[TaskOut]


class ReportOut(Schema):
    id: int
    task_id: int
    unit: UnitRef
    status: Literal["draft", "submitted"]
    text: str
    author_name: str
    created_at: dt.datetime
    submitted_at: dt.datetime | None


class TaskDetail(TaskOut):
    reports: list[ReportOut]


class ReportIn(Schema):
    unit_id: Id
    text: LongText = ""
    submit: bool = Field(
        False, description="Submit the report at once (it can then no longer change)."
    )


class ReceiveIn(Schema):
    unit_id: Id | None = None


class TrackingOut(Schema):
    task_id: int
    status: TrackingName
    status_label: str


# --- Requirements and compliance --------------------------------------------------------------


class ComplianceSummaryOut(Schema):
    period: str
    period_label: str
    targets: int
    met: int
    short: int
    share: float | None
    shortfall: int


class RequirementOut(Schema):
    id: int
    order: int
    scope: Literal["person", "branch", "unit", "campaign"]
    minimum: int
    subject: str
    period: str
    measure: str
    study_kind: str
    task_id: int | None
    counted: bool
    compliance: ComplianceSummaryOut | None = Field(
        None, description="The share met in the current period, for those who see compliance."
    )


class RequirementPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[RequirementOut]


class ComplianceRowOut(Schema):
    target_type: Literal["person", "branch", "unit", "campaign"]
    target_id: int
    name: str
    unit: UnitRef | None
    done: int
    needed: int
    met: bool
    short_by: int
    best_words: int | None


class CompliancePage(Schema):
    count: int
    page: int
    page_size: int
    summary: ComplianceSummaryOut
    items: list[ComplianceRowOut]


# --- Suggestions and outcomes -----------------------------------------------------------------

StageName = Literal[
    "received", "evaluating", "valuable", "adopted", "converted", "not_adopted", "duplicate"
]


class SuggestionOut(Schema):
    id: int
    number: int
    text: str
    source: str
    stage: StageName
    stage_label: str
    status: str
    category: str
    tags: list[str]
    campaign_id: int | None
    submitter_name: str
    submitter_organisation: str
    anonymous: bool
    contact: str | None = Field(None, description="Only for those who answer submitters.")
    created_at: dt.datetime


class SuggestionPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[SuggestionOut]


class MilestoneOut(Schema):
    id: int
    title: str
    due_on: dt.date | None
    weight: int
    done: bool
    done_at: dt.datetime | None


class OutcomeOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    progress: float
    responsible_unit: UnitRef
    campaign_id: int | None
    parent_id: int | None
    milestones_total: int
    milestones_done: int
    suggestions_total: int
    is_public: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class OutcomePage(Schema):
    count: int
    page: int
    page_size: int
    items: list[OutcomeOut]


class OutcomeDetail(OutcomeOut):
    description: str
    milestones: list[MilestoneOut]


# --- Column articles -------------------------------------------------------------------------


class ArticleOut(Schema):
    id: int
    title: str
    summary: str
    body_html: str
    category: str
    campaign_id: int | None
    published_at: dt.datetime | None


class ArticlePage(Schema):
    count: int
    page: int
    page_size: int
    items: list[ArticleOut]


# --- Study ------------------------------------------------------------------------------------

StudyKindName = Literal["self", "group", "lecture", "discussion"]


class StudyRecordIn(Schema):
    person_id: Id
    kind: StudyKindName = "self"
    date: dt.date
    material: ShortText
    duration_minutes: int | None = Field(None, ge=1, le=24 * 60)
    notes: NoteText = ""


class StudyRecordOut(Schema):
    id: int
    campaign_id: int
    person_id: int
    kind: str
    date: dt.date
    material: str
    duration_minutes: int | None
    source: str


class AttendanceIn(Schema):
    person_ids: list[Id] = Field(..., min_length=1, max_length=500)


class AttendanceOut(Schema):
    session_id: int
    marked: list[int]
