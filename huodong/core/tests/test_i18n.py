"""Chinese first, English selectable, and a catalogue that is complete and compiled."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from huodong.orgs.models import Role
from huodong.testing.factories import TEST_PASSWORD

PO_FILE = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _unquote(block: str) -> str:
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', block)
    return "".join(parts).encode("latin-1", "backslashreplace").decode("unicode_escape")


def catalogue() -> list[tuple[str, str, bool, str | None]]:
    """(msgid, first msgstr, is plural, context) for every entry of the Chinese catalogue."""
    text = PO_FILE.read_text(encoding="utf-8")
    entries = []
    for chunk in text.split("\n\n")[1:]:
        if chunk.lstrip().startswith("#~"):
            continue
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', chunk, re.M)
        if msgid is None:
            continue
        plural = "msgid_plural" in chunk
        context = re.search(r'^msgctxt ((?:".*"\n?)+)', chunk, re.M)
        msgstr = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', chunk, re.M)
        entries.append(
            (
                _unquote(msgid.group(1)),
                _unquote(msgstr.group(1)) if msgstr else "",
                plural,
                _unquote(context.group(1)) if context else None,
            )
        )
    return entries


def test_every_string_has_a_chinese_translation():
    entries = catalogue()
    assert len(entries) > 100
    untranslated = [msgid for msgid, msgstr, *_ in entries if not msgstr]
    assert untranslated == []
    assert "#, fuzzy" not in PO_FILE.read_text(encoding="utf-8").split("\n\n", 1)[1]


def test_the_compiled_catalogue_matches_the_source():
    # A .po edited without `make messages` would leave the .mo behind.
    with translation.override("zh-hans"):
        stale = [
            msgid
            for msgid, msgstr, plural, context in catalogue()
            if not plural
            and (translation.pgettext(context, msgid) if context else translation.gettext(msgid))
            != msgstr
        ]
    assert stale == []


@pytest.mark.django_db
def test_chinese_by_default_and_english_on_request(client, office, make_member):
    user = make_member(office, role=Role.OFFICE_STAFF)
    client.login(username=user.username, password=TEST_PASSWORD)
    assert "首页" in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in html
    assert "Log out" in html
