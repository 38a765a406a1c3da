"""Fixtures shared by every app's tests."""

from collections.abc import Callable

import pytest

from huodong.orgs.models import Office, Person, RoleAssignment, Unit, User
from huodong.testing.factories import PersonFactory, UnitFactory, UserFactory


@pytest.fixture(autouse=True)
def _isolated_settings(settings):
    # Tests pin "today" explicitly where they need it; a stray environment value must not leak in.
    settings.HUODONG_TODAY = ""
    # Hashing at full strength would dominate the suite's run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def office(db) -> Office:
    return Office.objects.create(name="宿迁市政务服务管理办公室")


@pytest.fixture
def other_office(db) -> Office:
    return Office.objects.create(name="另一个办公室")


@pytest.fixture
def make_member(db) -> Callable[..., User]:
    """A login for a person of `office` in `unit`, holding `role` (scoped to `role_unit`)."""

    def make(
        office: Office,
        *,
        role: str | None = None,
        unit: Unit | None = None,
        role_unit: Unit | None = None,
        username: str | None = None,
        name: str | None = None,
    ) -> User:
        unit = unit or UnitFactory(office=office)
        user = UserFactory(**({"username": username} if username else {}))
        extra = {"name": name} if name else {}
        person: Person = PersonFactory(office=office, unit=unit, user=user, **extra)
        if role:
            RoleAssignment.objects.create(person=person, role=role, unit=role_unit)
        return user

    return make
