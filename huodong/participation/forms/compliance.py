from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from huodong.campaigns.models import (
    RequirementMeasure,
    RequirementPeriod,
    RequirementScope,
    StudyKind,
)
from huodong.participation.periods import Period
from huodong.participation.selectors.compliance import UnitNode

# Indents a unit under its parent in the filter's list.
INDENT = "　"


class PlainSelect(forms.Select):
    """A select rendered in one pass from `options`, not through a template per option: the unit
    filter of an office lists a thousand units or more, which the per-option templates (and the
    normalising of `choices`) take a good part of a second for. The form validates nothing
    against the options: the view checks the value."""

    def __init__(self, attrs=None, options: Sequence[tuple[object, str]] = ()) -> None:
        super().__init__(attrs)
        self.options = list(options)

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.options = list(self.options)
        return copy

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        chosen = {str(v) for v in self.format_value(value)}
        options = "".join(
            '<option value="{}"{}>{}</option>'.format(
                escape("" if key is None else str(key)),
                " selected" if str(key) in chosen else "",
                escape(str(label)),
            )
            for key, label in self.options
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), mark_safe(options))


class ComplianceFilterForm(forms.Form):
    """Period, unit (with the units below it) and "short only" of a compliance page."""

    # Not validated against the choices: an unknown period falls back to the current one.
    period = forms.CharField(label=_("Period"), required=False, max_length=10)
    unit = forms.IntegerField(label=_("Unit"), required=False, min_value=1, widget=PlainSelect)
    short = forms.BooleanField(label=_("Only those short"), required=False)

    def __init__(self, *args, periods: Sequence[Period], units: Sequence[UnitNode], **kwargs):
        super().__init__(*args, **kwargs)
        if len(periods) > 1:
            self.fields["period"].widget = PlainSelect(options=[(p.key, p.label) for p in periods])
        else:
            self.fields["period"].widget = forms.HiddenInput()
        widget = self.fields["unit"].widget
        assert isinstance(widget, PlainSelect)
        widget.options = [("", _("All units"))] + [
            (unit.pk, INDENT * unit.depth + unit.name) for unit in units
        ]

    def filters(self) -> tuple[str | None, int | None, bool]:
        """(period key or None for the current one, unit id or None, short only)."""
        if not self.is_bound or not self.is_valid():
            return None, None, False
        data = self.cleaned_data
        return data.get("period") or None, data.get("unit"), data["short"]


class RemindForm(forms.Form):
    period = forms.CharField(required=False, max_length=10)
    unit = forms.IntegerField(required=False, min_value=1)


class RequirementForm(forms.Form):
    """A numeric requirement; the service checks that the values fit together."""

    scope = forms.ChoiceField(label=_("Required of"), choices=RequirementScope.choices)
    minimum = forms.IntegerField(label=_("At least"), min_value=1, max_value=1_000_000)
    subject = forms.CharField(
        label=_("Of what"),
        max_length=60,
        help_text=_("As the plan says it, e.g. 学习活动, 心得体会字数, 问题."),
    )
    period = forms.ChoiceField(
        label=_("Checked over"), choices=RequirementPeriod.choices, required=False
    )
    measure = forms.ChoiceField(label=_("Counts"), choices=RequirementMeasure.choices)
    study_kind = forms.ChoiceField(
        label=_("Kind of study"),
        choices=[("", _("Any kind")), *StudyKind.choices],
        required=False,
        help_text=_("Only for study activities and group sessions."),
    )
    tolerance_percent = forms.IntegerField(
        label=_("Met from this percentage of the number"),
        min_value=1,
        max_value=100,
        initial=90,
        help_text=_("For a reflection of “about 3000 characters”: 90 counts 2700 as met."),
    )

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "scope": data["scope"],
            "minimum": data["minimum"],
            "subject": data["subject"],
            "period": data.get("period") or "",
            "measure": data["measure"],
            "study_kind": data.get("study_kind") or "",
            "tolerance_percent": data["tolerance_percent"],
        }
