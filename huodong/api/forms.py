from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from huodong.orgs.models import PARTY_BRANCH_KINDS, Office, Role, Unit, UnitKind

OFFICE_ROLE_CHOICES = [
    (Role.OFFICE_DIRECTOR.value, Role.OFFICE_DIRECTOR.label),
    (Role.OFFICE_STAFF.value, Role.OFFICE_STAFF.label),
    (Role.LEADER.value, Role.LEADER.label),
    (Role.INSPECTOR.value, Role.INSPECTOR.label),
]


class IntegrationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Which system this is, who runs it, what it uses the data for."),
    )
    office_roles = forms.MultipleChoiceField(
        label=_("Office-wide roles"),
        required=False,
        choices=OFFICE_ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    unit_head = forms.ModelMultipleChoiceField(
        label=_("Unit head of"), required=False, queryset=Unit.objects.none()
    )
    unit_contact = forms.ModelMultipleChoiceField(
        label=_("Unit contact of"), required=False, queryset=Unit.objects.none()
    )
    branch_secretary = forms.ModelMultipleChoiceField(
        label=_("Branch secretary of"), required=False, queryset=Unit.objects.none()
    )

    def __init__(self, *args: object, office: Office, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        units = Unit.objects.filter(office=office).order_by("sort_order", "id")
        for name in ("unit_head", "unit_contact"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = units.exclude(kind=UnitKind.LEADERSHIP)
        secretary = self.fields["branch_secretary"]
        assert isinstance(secretary, forms.ModelMultipleChoiceField)
        secretary.queryset = units.filter(kind__in=PARTY_BRANCH_KINDS)

    def clean(self) -> dict:
        data = super().clean() or {}
        if not any(
            data.get(name)
            for name in ("office_roles", "unit_head", "unit_contact", "branch_secretary")
        ):
            raise forms.ValidationError(_("Give the integration at least one role."))
        return data

    def roles(self) -> list[tuple[str, Unit | None]]:
        data = self.cleaned_data
        roles: list[tuple[str, Unit | None]] = [(role, None) for role in data["office_roles"]]
        for role in (Role.UNIT_HEAD, Role.UNIT_CONTACT, Role.BRANCH_SECRETARY):
            roles.extend((role.value, unit) for unit in data[role.value])
        return roles
