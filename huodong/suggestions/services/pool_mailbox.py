"""The public mailbox (意见箱): anyone leaves a suggestion for a campaign, by name or not.

The form carries a signed one-time token; the suggestion's tracking code is derived from it, so
a form submitted twice (a double click, a resent request) records one suggestion and shows the
same tracking code. One network address may leave at most `HUODONG_MAILBOX_RATE_LIMIT`
suggestions an hour per office (default 20); its address is kept only as a keyed hash
(`Suggestion.address_hash`), which no page shows.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _

from huodong.campaigns.models import Campaign
from huodong.core import clock
from huodong.suggestions.errors import Refused
from huodong.suggestions.models import Suggestion, SuggestionSource
from huodong.suggestions.services.pool import is_email, suggestion_create

TOKEN_SALT = "huodong.suggestions.mailbox"
TOKEN_MAX_AGE = 60 * 60 * 24  # a form left open a day still submits
RATE_WINDOW = timedelta(hours=1)
DEFAULT_RATE_LIMIT = 20
PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,19}$")


def mailbox_token_new() -> str:
    """The hidden one-time token of a fresh mailbox form."""
    return signing.dumps(secrets.token_urlsafe(16), salt=TOKEN_SALT)


def _code_of(token: str) -> str:
    try:
        nonce = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature as exc:
        raise Refused(
            _("This form has expired or is not valid; reload the page and send it again."),
            code="bad_token",
        ) from exc
    if not isinstance(nonce, str) or not nonce:
        raise Refused(_("This form is not valid; reload the page."), code="bad_token")
    # The page holds the token, never the code: only the server can derive it.
    digest = hmac.new(settings.SECRET_KEY.encode(), nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:9]).decode()


def _address_hash(address: str) -> str:
    if not address:
        return ""
    key = (settings.SECRET_KEY + TOKEN_SALT).encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


def rate_limit() -> int:
    return int(getattr(settings, "HUODONG_MAILBOX_RATE_LIMIT", DEFAULT_RATE_LIMIT))


def contact_clean(contact: str) -> str:
    """A phone number or an e-mail address, or refused."""
    contact = contact.strip()
    if not contact:
        return ""
    if is_email(contact) or PHONE.match(contact):
        return contact
    raise Refused(
        _("Leave a phone number or an e-mail address as the contact."), code="bad_contact"
    )


@dataclass(frozen=True)
class MailboxReceipt:
    suggestion: Suggestion
    is_new: bool


@transaction.atomic
def mailbox_suggestion_submit(
    *,
    campaign: Campaign,
    token: str,
    text: str,
    name: str = "",
    organisation: str = "",
    contact: str = "",
    is_anonymous: bool = False,
    address: str = "",
) -> MailboxReceipt:
    """Record a suggestion from the public mailbox of a campaign, once per form token.

    Refused with nothing saved: an expired or forged form, an empty or oversized text, a
    contact that is neither a phone number nor an e-mail address, too many suggestions from one
    address within the hour.
    """
    code = _code_of(token)
    office = campaign.office
    existing = Suggestion.objects.filter(tracking_code=code, office=office).first()
    if existing is not None:
        return MailboxReceipt(existing, is_new=False)
    if not is_anonymous:
        contact = contact_clean(contact)
    address_hash = _address_hash(address)
    if address_hash:
        recent = Suggestion.objects.filter(
            office=office,
            address_hash=address_hash,
            created_at__gte=clock.now() - RATE_WINDOW,
        ).count()
        if recent >= rate_limit():
            raise Refused(
                _("Too many suggestions from this network just now; try again in an hour."),
                code="rate_limited",
            )
    suggestion = suggestion_create(
        actor=None,
        office=office,
        campaign=campaign,
        text=text,
        source=SuggestionSource.MAILBOX,
        submitter_name=name,
        submitter_organisation=organisation,
        submitter_contact=contact,
        is_anonymous=is_anonymous,
        tracking_code=code,
        address_hash=address_hash,
    )
    # Two clicks that raced both get the one row (the second waited on the office's lock);
    # each is told it was received, which is true.
    return MailboxReceipt(suggestion, is_new=True)
