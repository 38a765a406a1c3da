"""Writes to the organisation: offices, units, people, logins and standing roles."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from huodong.core.audit import audit_record
from huodong.orgs.models import Office, Person, Role, RoleAssignment, Unit, UnitKind, User


@transaction.atomic
def office_create(*, actor: User | None, name: str, short_name: str = "") -> Office:
    office = Office.objects.create(name=name.strip(), short_name=short_name.strip())
    audit_record(actor=actor, action="office.create", obj=office, changes={"name": office.name})
    return office


@transaction.atomic
def unit_create(
    *,
    actor: User | None,
    office: Office,
    name: str,
    kind: str,
    parent: Unit | None = None,
    sort_order: int | None = None,
) -> Unit:
    if kind not in UnitKind.values:
        raise ValueError(f"unknown unit kind {kind!r}")
    if sort_order is None:
        sort_order = Unit.objects.filter(office=office).count()
    unit = Unit.objects.create(
        office=office, name=name.strip(), kind=kind, parent=parent, sort_order=sort_order
    )
    audit_record(
        actor=actor,
        action="unit.create",
        obj=unit,
        changes={"name": unit.name, "kind": kind, "parent": parent.name if parent else None},
    )
    return unit


@transaction.atomic
def person_create(
    *,
    actor: User | None,
    office: Office,
    name: str,
    unit: Unit,
    branch: Unit | None = None,
    position: str = "",
    is_window_staff: bool = False,
    phone: str = "",
    sort_order: int | None = None,
) -> Person:
    if unit.office_id != office.pk or (branch is not None and branch.office_id != office.pk):
        raise ValueError("unit and branch must belong to the person's office")
    if sort_order is None:
        sort_order = Person.objects.filter(office=office).count()
    person = Person.objects.create(
        office=office,
        name=name.strip(),
        unit=unit,
        branch=branch,
        position=position.strip(),
        is_window_staff=is_window_staff,
        phone=phone.strip(),
        sort_order=sort_order,
    )
    audit_record(
        actor=actor,
        action="person.create",
        obj=person,
        changes={
            "name": person.name,
            "unit": unit.name,
            "branch": branch.name if branch else None,
            "position": person.position,
            "is_window_staff": is_window_staff,
        },
    )
    return person


@transaction.atomic
def person_grant_login(
    *, actor: User | None, person: Person, username: str, password: str
) -> User:
    """Give a person a login; the password must pass the configured validators."""
    user = User(username=username.strip(), first_name=person.name)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    Person.objects.filter(pk=person.pk).update(user=user)
    person.user = user
    audit_record(actor=actor, action="person.grant_login", obj=person, changes={"username": username})
    return user


@transaction.atomic
def role_assign(
    *, actor: User | None, person: Person, role: str, unit: Unit | None = None
) -> RoleAssignment:
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}")
    if unit is not None and unit.office_id != person.office_id:
        raise ValueError("a role's unit must belong to the person's office")
    assignment, created = RoleAssignment.objects.get_or_create(person=person, role=role, unit=unit)
    if created:
        audit_record(
            actor=actor,
            action="role.assign",
            obj=assignment,
            changes={"role": role, "unit": unit.name if unit else None},
        )
    return assignment
