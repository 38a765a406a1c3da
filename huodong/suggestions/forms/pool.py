"""Forms of the suggestion pool. Their choices come from the office's own lists, read once per
request (`selectors.pool.pool_choices`), so validating a filter costs no query."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huodong.suggestions.models import Stage, SuggestionSource
from huodong.suggestions.selectors.pool import PoolChoices, PoolFilters
from huodong.suggestions.services.pool import MAX_ANSWER_CHARS, MAX_TEXT_CHARS
from huodong.suggestions.services.pool_triage import (
    MAX_OPINION_CHARS,
    MAX_REASON_CHARS,
    RECOMMENDED_STAGES,
    TRIAGE_STAGES,
)

TAG_SEPARATORS = re.compile(r"[,，、;；\s]+")
EMPTY = [("", "—")]


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _stage_choices(stages: tuple[str, ...]) -> list[tuple[str, Any]]:
    return [(stage, Stage(stage).label) for stage in stages]


def status_choices(choices: PoolChoices, *, active_only: bool) -> list[Any]:
    """The office's statuses grouped under their stages (a <select> with optgroups)."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    for status in choices.statuses:
        if active_only and status.archived_at is not None:
            continue
        grouped.setdefault(status.stage, []).append((str(status.pk), status.name))
    return [*EMPTY, *((Stage(stage).label, items) for stage, items in grouped.items())]


def tag_names(value: str) -> list[str]:
    return [name for name in TAG_SEPARATORS.split(value.strip()) if name]


class _CategoryChoices:
    """For a form whose `category` field offers the office's categories (given as (pk, name))."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def __init__(self, *args: Any, categories: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            *EMPTY,
            *((str(pk), name) for pk, name in categories),
        ]

    @property
    def category_id(self) -> int | None:
        return _int(self.cleaned_data.get("category"))


class PoolFilterForm(forms.Form):
    campaign = forms.ChoiceField(label=_("Campaign"), required=False)
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=[*EMPTY, *Stage.choices])
    status = forms.ChoiceField(label=_("Status"), required=False)
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[*EMPTY, *SuggestionSource.choices]
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    evaluator = forms.ChoiceField(label=_("Evaluator"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    received_from = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label=_("Received to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, choices: PoolChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        as_text = [(str(pk), label) for pk, label in choices.campaigns]
        self.fields["campaign"].choices = [*EMPTY, *as_text]  # type: ignore[attr-defined]
        self.fields["status"].choices = status_choices(  # type: ignore[attr-defined]
            choices, active_only=False
        )
        for name, items in (
            ("category", choices.categories),
            ("tag", choices.tags),
            ("evaluator", choices.evaluators),
        ):
            self.fields[name].choices = [  # type: ignore[attr-defined]
                *EMPTY,
                *((str(pk), label) for pk, label in items),
            ]

    def filters(self) -> PoolFilters:
        if not self.is_valid():
            return PoolFilters()
        data = self.cleaned_data
        return PoolFilters(
            campaign_id=_int(data["campaign"]),
            stage=data["stage"],
            status_id=_int(data["status"]),
            source=data["source"],
            category_id=_int(data["category"]),
            tag_id=_int(data["tag"]),
            evaluator_id=_int(data["evaluator"]),
            text=data["q"],
            received_from=data["received_from"],
            received_to=data["received_to"],
        )


class SuggestForm(_CategoryChoices, forms.Form):
    """A staff member's own suggestion."""

    text = forms.CharField(
        label=_("Your suggestion"),
        max_length=MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    is_anonymous = forms.BooleanField(
        label=_("Anonymous (the office does not see who made it, and cannot answer you)"),
        required=False,
    )


class MailboxForm(forms.Form):
    text = forms.CharField(
        label=_("Your suggestion"),
        max_length=MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    name = forms.CharField(label=_("Your name"), required=False, max_length=50)
    organisation = forms.CharField(
        label=_("Organisation or enterprise"), required=False, max_length=100
    )
    contact = forms.CharField(
        label=_("Phone or e-mail"),
        required=False,
        max_length=100,
        help_text=_("To receive an answer. Only the office sees it."),
    )
    is_anonymous = forms.BooleanField(label=_("Send anonymously"), required=False)
    token = forms.CharField(widget=forms.HiddenInput)
    # Left empty by people; filled by robots that fill every field.
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


class TriageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=_stage_choices(TRIAGE_STAGES))
    status = forms.ChoiceField(label=_("Status"), required=False)
    reason = forms.CharField(
        label=_("Reason (required when not adopted)"),
        required=False,
        max_length=MAX_REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, choices: PoolChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = status_choices(  # type: ignore[attr-defined]
            choices, active_only=True
        )

    @property
    def status_id(self) -> int | None:
        return _int(self.cleaned_data.get("status"))


class UpdateForm(_CategoryChoices, forms.Form):
    category = forms.ChoiceField(label=_("Category"), required=False)
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=400,
        help_text=_("Separated by commas or spaces."),
    )
    text = forms.CharField(
        label=_("Text (correct a typo)"),
        max_length=MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class EvaluatorsForm(forms.Form):
    evaluators = forms.MultipleChoiceField(
        label=_("Evaluators"), widget=forms.SelectMultiple(attrs={"size": 6})
    )

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evaluators"].choices = [  # type: ignore[attr-defined]
            (str(pk), label) for pk, label in people
        ]

    @property
    def evaluator_ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data.get("evaluators", [])]


class EvaluationForm(forms.Form):
    opinion = forms.CharField(
        label=_("Your opinion"),
        max_length=MAX_OPINION_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    recommended_stage = forms.ChoiceField(
        label=_("You recommend"), choices=_stage_choices(RECOMMENDED_STAGES)
    )


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Answer to the submitter"),
        max_length=MAX_ANSWER_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class MergeForm(forms.Form):
    original = forms.IntegerField(label=_("Number of the original suggestion"), min_value=1)


class BulkForm(forms.Form):
    ACTIONS = [
        ("triage", _("Move to a stage")),
        ("evaluators", _("Assign evaluators")),
        ("tag", _("Add a tag")),
        ("category", _("Set the category")),
    ]
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[*EMPTY, *_stage_choices(TRIAGE_STAGES)]
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    reason = forms.CharField(
        label=pgettext_lazy("explanation", "Reason"), required=False, max_length=MAX_REASON_CHARS
    )
    evaluators = forms.MultipleChoiceField(
        label=_("Evaluators"), required=False, widget=forms.SelectMultiple(attrs={"size": 4})
    )
    tag = forms.CharField(label=_("Tag"), required=False, max_length=30)
    category = forms.ChoiceField(label=_("Category"), required=False)

    def __init__(self, *args: Any, choices: PoolChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = status_choices(  # type: ignore[attr-defined]
            choices, active_only=True
        )
        self.fields["evaluators"].choices = [  # type: ignore[attr-defined]
            (str(pk), label) for pk, label in choices.evaluators
        ]
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("(no category)")),
            *((str(pk), name) for pk, name in choices.categories),
        ]


class NameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=40)


class StatusForm(forms.Form):
    stage = forms.ChoiceField(label=_("Under the stage"), choices=_stage_choices(TRIAGE_STAGES))
    name = forms.CharField(label=_("Name"), max_length=40)
