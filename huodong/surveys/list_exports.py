"""The questionnaires list as .xlsx columns (see huodong.core.list_export); the answers of one
questionnaire have their own export (exports.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from huodong.core.list_export import Column
from huodong.surveys.models import Survey


def survey_columns(
    *, status: Callable[[Survey], str], public_link: Callable[[Survey], str]
) -> list[Column]:
    """The list's columns; `status` and `public_link` are the page's own (where the survey
    stands, and its answering address once published)."""
    return [
        Column(_("Title"), lambda s: s.title, 40),
        Column(_("Who answers"), lambda s: s.get_audience_display(), 12),
        Column(_("Campaign"), lambda s: s.campaign.title if s.campaign_id else "", 30),
        Column(_("Status"), status, 12),
        Column(capfirst(_("opens")), lambda s: s.opens_at, 17),
        Column(capfirst(_("closes")), lambda s: s.closes_at, 17),
        Column(_("Responses"), lambda s: s.response_count, 10),
        Column(_("Public link"), public_link, 50),
    ]
