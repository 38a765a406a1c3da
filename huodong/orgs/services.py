"""Writes to the organisation: offices, units, people, logins and standing roles."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from huodong.core.audit import audit_record
from huodong.orgs.models import Office, Person, Role, RoleAssignment, Unit, UnitKind, User
from huodong.orgs.people_import import ImportProblem, ImportResult, InitialLogin, import_org_xlsx


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
def person_grant_login(*, actor: User | None, person: Person, username: str, password: str) -> User:
    """Give a person a login; the password must pass the configured validators."""
    user = User(username=username.strip(), first_name=person.name)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    Person.objects.filter(pk=person.pk).update(user=user)
    person.user = user
    audit_record(
        actor=actor, action="person.grant_login", obj=person, changes={"username": username}
    )
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


@transaction.atomic
def org_import(*, actor: User | None, office: Office, data: bytes) -> ImportResult:
    """Import units and people from a filled-in template: all rows, or nothing if one is bad.

    Logins listed in the file get a random initial password, reported once in the result.
    """
    result = import_org_xlsx(data, office=office)
    if not result.ok:
        return result
    try:
        # Validation read the office in this transaction, but another request may still have
        # added a unit, person or login since; the constraints catch that, and the savepoint
        # lets us answer with a message instead of a server error.
        with transaction.atomic():
            logins = _org_import_save(actor=actor, office=office, result=result)
    except IntegrityError:
        result.errors.append(
            ImportProblem(
                _(
                    "The organisation was changed by someone else during the import. "
                    "Nothing was saved; please import the file again."
                )
            )
        )
        return result
    result.saved = True
    result.logins = logins
    audit_record(
        actor=actor,
        action="org.import",
        obj=office,
        changes={
            "units": len(result.units),
            "people": len(result.people),
            "logins": [login.username for login in logins],
        },
    )
    return result


def _org_import_save(
    *, actor: User | None, office: Office, result: ImportResult
) -> list[InitialLogin]:
    units = {unit.name: unit for unit in Unit.objects.filter(office=office)}
    # One count for the whole file instead of one per row inside unit_create/person_create.
    unit_base = len(units)
    for index, row in enumerate(result.units):
        units[row.name] = unit_create(
            actor=actor,
            office=office,
            name=row.name,
            kind=row.kind,
            parent=units[row.parent] if row.parent else None,
            sort_order=row.sort_order if row.sort_order is not None else unit_base + index,
        )
    person_base = Person.objects.filter(office=office).count()
    logins: list[InitialLogin] = []
    for index, person_row in enumerate(result.people):
        person = person_create(
            actor=actor,
            office=office,
            name=person_row.name,
            unit=units[person_row.unit],
            branch=units[person_row.branch] if person_row.branch else None,
            position=person_row.position,
            is_window_staff=person_row.is_window_staff,
            phone=person_row.phone,
            sort_order=person_base + index,
        )
        if person_row.username:
            password = _initial_password()
            person_grant_login(
                actor=actor, person=person, username=person_row.username, password=password
            )
            logins.append(InitialLogin(person.name, person_row.unit, person_row.username, password))
    return logins


# No 0/O, 1/l/I: initial passwords are read off a screen and typed in by someone else.
_PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"


def _initial_password() -> str:
    """About 90 bits of randomness, in four-character groups that are easy to pass on."""
    while True:
        chars = [secrets.choice(_PASSWORD_ALPHABET) for _position in range(16)]
        if (
            any(c.islower() for c in chars)
            and any(c.isupper() for c in chars)
            and any(c.isdigit() for c in chars)
        ):
            return "-".join("".join(chars[i : i + 4]) for i in range(0, 16, 4))
