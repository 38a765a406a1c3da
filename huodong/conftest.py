"""Fixtures shared by every app's tests."""

import os
import shutil
from collections.abc import Callable

import pytest
from django.utils import translation

from huodong.orgs.models import Office, Person, RoleAssignment, Unit, User
from huodong.originality import index_cache
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
    # Each process keeps an originality index per office; a test's rolled-back rows (whose ids
    # SQLite hands out again) must not linger in it for the next test.
    index_cache.reset()
    # A request through the test client (or a command) leaves its language active in the
    # thread; every test starts in the default language (Chinese) whatever ran before it.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


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


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def browser():
    """Debian's chromium through Playwright; skipped, saying why, where it is missing."""
    if CHROMIUM is None:
        pytest.skip(
            "Debian's chromium is not installed (apt-get install chromium): browser test skipped"
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    # The live server runs in this process; Playwright's sync API must not see a running loop.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield launched
        launched.close()


def new_browser_page(browser, *, phone: bool = False):
    viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(locale="zh-CN", viewport=viewport, is_mobile=phone)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def browser_page(browser):
    page = new_browser_page(browser)
    yield page
    page.context.close()


@pytest.fixture
def demo(transactional_db, settings):
    """The demo office of `make run`, at its demo date."""
    from huodong.core.demo_office import build_demo_office

    settings.HUODONG_TODAY = "2018-06-20"
    build_demo_office()
