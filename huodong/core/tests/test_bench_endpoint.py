"""The load test's bare insert endpoints: absent unless HUODONG_BENCH_ENDPOINTS is on."""

import importlib

import pytest
from django.urls import clear_url_caches

from huodong.config import urls as config_urls
from huodong.core.models import BenchPing

pytestmark = pytest.mark.django_db


def _reload_urls():
    clear_url_caches()
    importlib.reload(config_urls)


@pytest.fixture
def bench_on(settings):
    settings.HUODONG_BENCH_ENDPOINTS = True
    _reload_urls()
    yield
    settings.HUODONG_BENCH_ENDPOINTS = False
    _reload_urls()


def test_off_by_default_it_is_not_there(client, settings):
    assert settings.HUODONG_BENCH_ENDPOINTS is False
    assert client.post("/bench/insert/").status_code == 404
    assert not BenchPing.objects.exists()


def test_on_it_inserts_one_row_per_post(client, bench_on):
    assert client.post("/bench/insert/").status_code == 204
    assert client.post("/bench/insert/").status_code == 204
    assert BenchPing.objects.count() == 2


def test_on_only_posts_insert(client, bench_on):
    assert client.get("/bench/insert/").status_code == 405
    assert not BenchPing.objects.exists()


def test_mounted_but_switched_off_it_refuses(client, bench_on, settings):
    settings.HUODONG_BENCH_ENDPOINTS = False
    assert client.post("/bench/insert/").status_code == 404
    assert not BenchPing.objects.exists()


def test_signed_in_insert_needs_a_login_and_the_csrf_token(client, bench_on, make_member, office):
    assert client.post("/bench/insert-signed-in/").status_code == 302  # to the login page
    assert not BenchPing.objects.exists()
    client.force_login(make_member(office))
    assert client.post("/bench/insert-signed-in/").status_code == 204
    assert BenchPing.objects.count() == 1
    checked = client.__class__(enforce_csrf_checks=True)
    checked.force_login(make_member(office))
    assert checked.post("/bench/insert-signed-in/").status_code == 403
    assert BenchPing.objects.count() == 1


def test_signed_in_insert_refuses_when_switched_off(
    client, bench_on, settings, make_member, office
):
    client.force_login(make_member(office))
    settings.HUODONG_BENCH_ENDPOINTS = False
    assert client.post("/bench/insert-signed-in/").status_code == 404
    assert not BenchPing.objects.exists()
