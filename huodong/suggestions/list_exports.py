"""The outcome and "my" lists as .xlsx columns (see huodong.core.list_export): the outcome tree
and a unit's outcomes, a staff member's own suggestions and evaluations. The office's pool has
its own export (exports.py)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from huodong.core.list_export import Column, yes_no
from huodong.suggestions.selectors.outcomes import OutcomeNode

PERCENT = "0.0%"


def _share(progress: Decimal | None) -> float | None:
    """A progress in percent as the fraction a "0.0%" cell shows."""
    return float(progress) / 100 if progress is not None else None


def outcome_tree_columns(*, filtered: bool) -> list[Column]:
    """The outcome list's rows (`OutcomeNode`s, each tree depth first); with filters set, a
    column says which rows match them (the page greys the others)."""
    columns = [
        Column(_("Outcome"), lambda n: n.outcome.title, 40),
        Column(_("Part of"), lambda n: n.outcome.parent.title if n.outcome.parent_id else "", 30),
        Column(_("Kind"), lambda n: n.outcome.get_kind_display(), 12),
        Column(_("Responsible unit"), lambda n: n.outcome.responsible_unit.name, 20),
        Column(_("Progress"), lambda n: _share(n.outcome.progress), 10, PERCENT),
        Column(_("Milestones done"), lambda n: n.outcome.milestones_done, 8),
        Column(_("Milestones"), lambda n: n.outcome.milestones_total, 8),
        Column(_("Suggestions"), lambda n: n.outcome.suggestions_total, 8),
        Column(_("Status"), lambda n: n.outcome.get_status_display(), 10),
        Column(_("Shown on the public column"), lambda n: yes_no(n.outcome.is_public), 10),
    ]
    if filtered:
        columns.append(Column(_("Matches the filters"), lambda n: yes_no(n.matches), 10))
    return columns


def tree_rows(nodes: list[OutcomeNode]) -> list[OutcomeNode]:
    return [node for tree in nodes for node in tree.walk()]


def unit_outcome_columns() -> list[Column]:
    return [
        Column(_("Outcome"), lambda o: o.title, 40),
        Column(_("Part of"), lambda o: o.parent.title if o.parent_id else "", 30),
        Column(_("Responsible unit"), lambda o: o.responsible_unit.name, 20),
        Column(_("Progress"), lambda o: _share(o.progress), 10, PERCENT),
        Column(_("Milestones done"), lambda o: o.milestones_done, 8),
        Column(_("Milestones"), lambda o: o.milestones_total, 8),
        Column(_("Status"), lambda o: o.get_status_display(), 10),
    ]


def my_suggestion_columns() -> list[Column]:
    return [
        Column(_("No."), lambda s: s.number, 8),
        Column(_("Suggestion"), lambda s: s.text, 60),
        Column(_("Campaign"), lambda s: s.campaign.title if s.campaign_id else "", 30),
        Column(_("Stage"), lambda s: s.get_stage_display(), 12),
        Column(_("Status"), lambda s: s.status.name if s.status_id else "", 12),
        Column(_("Answer"), lambda s: s.answer, 50),
        Column(pgettext("suggestion date", "Received"), lambda s: s.created_at, 17),
    ]


def my_evaluation_columns() -> list[Column]:
    return [
        Column(_("No."), lambda e: e.suggestion.number, 8),
        Column(_("Suggestion"), lambda e: e.suggestion.text, 60),
        Column(_("Stage"), lambda e: e.suggestion.get_stage_display(), 12),
        Column(
            _("Your opinion"),
            lambda e: e.get_recommended_stage_display() if e.given_at else _("waiting for you"),
            14,
        ),
        Column(capfirst(_("opinion")), lambda e: e.opinion, 40),
        Column(_("Asked"), lambda e: e.assigned_at, 17),
        Column(capfirst(_("given")), lambda e: e.given_at, 17),
    ]
