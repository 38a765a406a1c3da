import dataclasses
import re
from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from huodong.campaigns.lights import Light
from huodong.campaigns.models import (
    Campaign,
    RequirementPeriod,
    RequirementScope,
    TaskRecurrence,
)
from huodong.campaigns.plan_drafts import blank_phase, blank_quota, blank_task, blank_theme
from huodong.campaigns.plan_import import ParsedPlan


class ScheduleFilterForm(forms.Form):
    phase = forms.TypedChoiceField(label=_("Phase"), required=False, coerce=int, empty_value=None)
    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)
    light = forms.ChoiceField(label=_("Light"), required=False)

    def __init__(self, *args, campaign: Campaign, phases, units, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["phase"].choices = everything + [(p.pk, p.name) for p in phases]
        self.fields["unit"].choices = everything + [(u.pk, u.name) for u in units]
        self.fields["light"].choices = everything + list(Light.choices)


class CompletionForm(forms.Form):
    completed_on = forms.DateField(
        label=_("Completed on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class CampaignCopyForm(forms.Form):
    title = forms.CharField(label=_("Title of the new campaign"), max_length=200)
    start = forms.DateField(
        label=_("New start date"),
        help_text=_("Every date of the plan moves by the same number of days."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


# --- Plan import and review ---------------------------------------------------------------

NAME_SEPARATORS = re.compile(r"[、，,；;\n\r]+")
NAME_JOINER = "、"


def split_names(text: str) -> list[str]:
    return list(dict.fromkeys(n.strip() for n in NAME_SEPARATORS.split(text or "") if n.strip()))


class NamesField(forms.CharField):
    """Names written as one 、-separated line; cleaned to a list."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("Separate names with 、"))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return NAME_JOINER.join(value)
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return list(value)
        return split_names(super().to_python(value))

    def has_changed(self, initial, data) -> bool:
        return self.to_python(initial or "") != self.to_python(data or "")


class PlanUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Plan document (.docx, .xlsx or .txt)"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".docx,.xlsx,.txt,application/vnd.openxmlformats-officedocument"
                ".wordprocessingml.document,application/vnd.openxmlformats-officedocument"
                ".spreadsheetml.sheet,text/plain"
            }
        ),
    )
    text = forms.CharField(
        label=_("Or paste the plan's text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10}),
    )

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def _too_large(self, size: int) -> forms.ValidationError:
        return forms.ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(self.max_bytes)},
        )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        # Judged by the declared size, before anything is read into memory.
        if upload is not None and upload.size > self.max_bytes:
            raise self._too_large(upload.size)
        return upload

    def clean_text(self):
        text = self.cleaned_data.get("text") or ""
        if text.strip() and len(text.encode("utf-8")) > self.max_bytes:
            raise self._too_large(len(text.encode("utf-8")))
        return text if text.strip() else ""

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        has_file = cleaned.get("file") is not None
        has_text = bool(cleaned.get("text"))
        if has_file and has_text:
            raise forms.ValidationError(_("Upload a file or paste text, not both."), code="both")
        if not has_file and not has_text:
            raise forms.ValidationError(
                _("Choose the plan’s .docx, .xlsx or .txt file, or paste its text."), code="nothing"
            )
        return cleaned


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date_field(label, *, required: bool = False) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE_INPUT)


class _RefForm(forms.Form):
    """A row of a review formset; `ref` is the row's index in the stored plan, if it has one."""

    ref = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0)


class PlanHeaderForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    doc_number = forms.CharField(label=_("Document number"), max_length=60, required=False)
    issuer = forms.CharField(label=_("Issuer"), max_length=100, required=False)
    issued = _date_field(_("Issued on"))
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2200)
    theme = forms.CharField(label=_("Theme"), max_length=200, required=False)
    warning_days = forms.IntegerField(
        label=_("Warn this many days before a deadline"), min_value=0, max_value=365
    )
    guiding_thought = forms.CharField(
        label=_("Guiding thought"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    principles = forms.CharField(
        label=_("Principles"),
        required=False,
        help_text=_("One per line"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_principles(self) -> list[str]:
        text = self.cleaned_data.get("principles") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class LeadingGroupForm(forms.Form):
    leaders = NamesField(label=_("Group leader (组长)"))
    deputies = NamesField(label=_("Deputy leaders (副组长)"))
    members = NamesField(label=_("Members (成员)"))
    office_unit = forms.CharField(
        label=_("Office of the leading group"), max_length=100, required=False
    )
    office_director = forms.CharField(
        label=_("Office director (办公室主任)"), max_length=50, required=False
    )


class PhaseForm(_RefForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    start = _date_field(_("Start"), required=True)
    end = _date_field(_("End"), required=True)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end comes before the start."))
        return cleaned


class ThemeForm(_RefForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    lead_leader = forms.CharField(label=_("Lead leader"), max_length=50, required=False)
    units = NamesField(label=_("Responsible units"))


class TaskForm(_RefForm):
    seq = forms.IntegerField(label=_("Number"), min_value=1, max_value=99999)
    phase = forms.ChoiceField(label=_("Phase"), required=False)
    text = forms.CharField(label=_("Task"), widget=forms.Textarea(attrs={"rows": 2}))
    due = _date_field(_("Deadline"))
    start = _date_field(_("From"))
    # Kept to the stored length by the service, as the command-line import does.
    due_text = forms.CharField(label=_("Deadline (as written)"), max_length=200, required=False)
    recurrence = forms.ChoiceField(
        label=_("Repeats"), choices=TaskRecurrence.choices, required=False
    )
    lead_units = NamesField(label=_("Lead units"))
    co_units = NamesField(label=_("Co-units"))

    def __init__(self, *args, phase_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        phase = self.fields["phase"]
        assert isinstance(phase, forms.ChoiceField)
        phase.choices = phase_choices


class QuotaForm(_RefForm):
    # A blank first choice leaves the extra row unchanged until something is entered.
    scope = forms.ChoiceField(label=_("Scope"), choices=[("", "—"), *RequirementScope.choices])
    min = forms.IntegerField(label=_("Minimum"), min_value=1, max_value=10**9)
    subject = forms.CharField(label=_("Subject"), max_length=60)
    period = forms.ChoiceField(label=_("Period"), choices=RequirementPeriod.choices, required=False)
    task_seq = forms.IntegerField(label=_("From task number"), required=False, min_value=1)


class _RowFormSet(forms.BaseFormSet):
    def rows(self) -> list[forms.Form]:
        """The kept rows, in order: neither deleted nor a blank extra row."""
        kept = []
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            kept.append(form)
        return kept


class TaskFormSet(_RowFormSet):
    def clean(self):
        # Checked even when other rows have errors, so every mistake shows at once.
        first_by_seq: dict[int, forms.Form] = {}
        for form in self.rows():
            seq = form.cleaned_data.get("seq")
            if seq is None:
                continue
            if seq in first_by_seq:
                form.add_error("seq", _("Number %(seq)s is used by another task.") % {"seq": seq})
            first_by_seq.setdefault(seq, form)
        if not self.rows():
            raise forms.ValidationError(_("A plan needs at least one task."), code="no_tasks")


def _formset(form: type[forms.Form], base: type[forms.BaseFormSet] = _RowFormSet):
    # The whole plan is one page: a plan of a few hundred tasks stays under the field limit
    # Django applies to a request anyway, so the formset adds no lower one.
    return forms.formset_factory(
        form, formset=base, extra=1, can_delete=True, max_num=2000, absolute_max=2000
    )


PhaseFormSet = _formset(PhaseForm)
ThemeFormSet = _formset(ThemeForm)
TasksFormSet = _formset(TaskForm, TaskFormSet)
QuotaFormSet = _formset(QuotaForm)


def _replace(base: Any, **values: Any) -> Any:
    """`dataclasses.replace` with only the fields `base` has (the importer's classes grow)."""
    names = {f.name for f in dataclasses.fields(base)}
    return dataclasses.replace(base, **{k: v for k, v in values.items() if k in names})


def _base(items: list, ref: int | None, blank: Any) -> Any:
    return items[ref] if ref is not None and 0 <= ref < len(items) else blank()


class PlanReview:
    """Every form of the review screen for one plan: showing the stored plan, or bound to a POST.

    Rows carry `ref`, their index in the stored plan, so what the screen does not show (a
    phase's text, a task's leaders or source row, fields the importer adds later) survives an
    edit; new rows start blank.
    """

    def __init__(self, plan: ParsedPlan, *, warning_days: int, data=None) -> None:
        self.plan = plan
        group = plan.leading_group
        self.header = PlanHeaderForm(
            data,
            prefix="plan",
            initial={
                "title": plan.title,
                "doc_number": plan.doc_number,
                "issuer": plan.issuer,
                "issued": plan.issued,
                "year": plan.year,
                "theme": plan.theme,
                "warning_days": warning_days,
                "guiding_thought": plan.guiding_thought,
                "principles": "\n".join(plan.principles),
            },
        )
        self.group = LeadingGroupForm(
            data,
            prefix="group",
            initial={
                "leaders": group.members.get("组长", []),
                "deputies": group.members.get("副组长", []),
                "members": group.members.get("成员", []),
                "office_unit": group.office_unit,
                "office_director": group.office_director,
            },
        )
        self.phases = PhaseFormSet(
            data,
            prefix="phases",
            initial=[
                {"ref": i, "name": p.name, "start": p.start, "end": p.end}
                for i, p in enumerate(plan.phases)
            ],
        )
        self.themes = ThemeFormSet(
            data,
            prefix="themes",
            initial=[
                {"ref": i, "name": t.name, "lead_leader": t.lead_leader, "units": t.units}
                for i, t in enumerate(plan.themes)
            ],
        )
        self.tasks = TasksFormSet(
            data,
            prefix="tasks",
            initial=[
                {
                    "ref": i,
                    "seq": t.seq,
                    "phase": t.phase,
                    "text": t.text,
                    "due": t.due,
                    "start": getattr(t, "start", None),
                    "due_text": t.due_text,
                    "recurrence": getattr(t, "recurrence", None) or "",
                    "lead_units": t.lead_units,
                    "co_units": t.co_units,
                }
                for i, t in enumerate(plan.tasks)
            ],
            form_kwargs={"phase_choices": self._phase_choices(data)},
        )
        self.quotas = QuotaFormSet(
            data,
            prefix="quotas",
            initial=[
                {
                    "ref": i,
                    "scope": q.scope,
                    "min": q.min,
                    "subject": q.subject,
                    "period": q.period or "",
                    "task_seq": q.task_seq,
                }
                for i, q in enumerate(plan.quotas)
            ],
        )

    def _phase_choices(self, data) -> list[tuple[str, str]]:
        names = [p.name for p in self.plan.phases]
        if data is not None:
            # Phases added or renamed in this very submit are choices too.
            try:
                total = min(int(data.get("phases-TOTAL_FORMS", 0)), 2000)
            except ValueError:
                total = 0
            names += [data.get(f"phases-{i}-name", "") for i in range(total)]
        names += [t.phase for t in self.plan.tasks]
        unique = dict.fromkeys(n.strip() for n in names if n and n.strip())
        return [("", "—"), *((n, n) for n in unique)]

    @property
    def formsets(self) -> list[forms.BaseFormSet]:
        return [self.phases, self.themes, self.tasks, self.quotas]

    def is_valid(self) -> bool:
        valid = [self.header.is_valid(), self.group.is_valid()]
        valid += [formset.is_valid() for formset in self.formsets]
        # Also run on partly invalid input, so every mistake shows at once.
        return self._cross_check() and all(valid)

    def _phase_renames(self) -> dict[str, str]:
        renames: dict[str, str] = {}
        for form in self.phases.rows():
            ref, name = form.cleaned_data.get("ref"), form.cleaned_data.get("name")
            if name and ref is not None and 0 <= ref < len(self.plan.phases):
                old = self.plan.phases[ref].name
                if old != name:
                    renames.setdefault(old, name)
        return renames

    def _cross_check(self) -> bool:
        ok = True
        phase_names: set[str] = set()
        for form in self.phases.rows():
            name = form.cleaned_data.get("name")
            if not name:
                continue
            if name in phase_names:
                form.add_error("name", _("Another phase has this name."))
                ok = False
            phase_names.add(name)
        renames = self._phase_renames()
        task_rows = self.tasks.rows()
        for form in task_rows:
            written = form.cleaned_data.get("phase") or ""
            phase = renames.get(written, written)
            if phase and phase not in phase_names:
                form.add_error("phase", _("Choose one of the phases of the plan, or none."))
                ok = False
        seqs = {form.cleaned_data.get("seq") for form in task_rows}
        for form in self.quotas.rows():
            task_seq = form.cleaned_data.get("task_seq")
            if task_seq is not None and task_seq not in seqs:
                form.add_error(
                    "task_seq", _("There is no task number %(seq)s.") % {"seq": task_seq}
                )
                ok = False
        return ok

    @property
    def warning_days(self) -> int:
        return self.header.cleaned_data["warning_days"]

    def cleaned_plan(self) -> ParsedPlan:
        """The plan as edited; call after `is_valid()`."""
        plan = self.plan
        header = self.header.cleaned_data
        group = self.group.cleaned_data
        members = dict(plan.leading_group.members)
        for title, key in (("组长", "leaders"), ("副组长", "deputies"), ("成员", "members")):
            if group[key] or title in members:
                members[title] = group[key]
        leading_group = _replace(
            plan.leading_group,
            members=members,
            office_unit=group["office_unit"],
            office_director=group["office_director"],
        )
        phases = [
            _replace(
                _base(plan.phases, f.cleaned_data.get("ref"), blank_phase),
                name=f.cleaned_data["name"],
                start=f.cleaned_data["start"],
                end=f.cleaned_data["end"],
            )
            for f in self.phases.rows()
        ]
        themes = [
            _replace(
                _base(plan.themes, f.cleaned_data.get("ref"), blank_theme),
                name=f.cleaned_data["name"],
                lead_leader=f.cleaned_data["lead_leader"],
                units=f.cleaned_data["units"],
            )
            for f in self.themes.rows()
        ]
        renames = self._phase_renames()
        tasks = []
        for f in self.tasks.rows():
            data = f.cleaned_data
            tasks.append(
                _replace(
                    _base(plan.tasks, data.get("ref"), blank_task),
                    seq=data["seq"],
                    phase=renames.get(data["phase"], data["phase"]),
                    text=data["text"],
                    due=data["due"],
                    start=data["start"],
                    due_text=data["due_text"],
                    recurrence=data["recurrence"] or None,
                    lead_units=data["lead_units"],
                    co_units=data["co_units"],
                )
            )
        quotas = [
            _replace(
                _base(plan.quotas, f.cleaned_data.get("ref"), blank_quota),
                scope=f.cleaned_data["scope"],
                min=f.cleaned_data["min"],
                subject=f.cleaned_data["subject"],
                period=f.cleaned_data["period"] or None,
                task_seq=f.cleaned_data["task_seq"],
            )
            for f in self.quotas.rows()
        ]
        return _replace(
            plan,
            title=header["title"],
            doc_number=header["doc_number"],
            issuer=header["issuer"],
            issued=header["issued"],
            year=header["year"],
            theme=header["theme"],
            guiding_thought=header["guiding_thought"],
            principles=header["principles"],
            leading_group=leading_group,
            phases=phases,
            themes=themes,
            tasks=tasks,
            quotas=quotas,
        )
