"""What the engagement services share: text checks, contacts, errors of the apps they call."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import EmailValidator, URLValidator
from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from huodong.core import clock
from huodong.core.uploads import Inspected, Upload, UploadRefused, inspect_upload
from huodong.engagement.errors import NotAllowed, Refused
from huodong.participation import errors as participation_errors
from huodong.suggestions import errors as suggestion_errors

_PHONE = re.compile(r"^\+?\d{7,20}$")
_WEB_URL = URLValidator(schemes=["http", "https"])


def today() -> dt.date:
    """The day of `clock.now()`: `clock.today()`, or the day the demo stages (`frozen_at`)."""
    return timezone.localtime(clock.now()).date()


def not_allowed() -> NotAllowed:
    return NotAllowed(_("You may not do this for this campaign."), code="not_allowed")


def text(value: str | None, *, limit: int, label: str, required: str = "") -> str:
    """`value` stripped; refused when longer than `limit`, or empty when `required` says why."""
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise Refused(required, code="required")
    if len(cleaned) > limit:
        raise Refused(
            _("%(field)s is too long: at most %(limit)d characters.")
            % {"field": label, "limit": limit},
            code="too_long",
        )
    return cleaned


def normalise_contact(value: str) -> str:
    """A phone number or e-mail address as stored and compared: full-width characters folded,
    spaces, dashes and brackets out of a phone number, an e-mail address in lower case."""
    folded = unicodedata.normalize("NFKC", value or "").strip()
    if "@" in folded:
        return "".join(folded.split()).lower()
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "-–—()")


def contact(value: str, *, required: bool) -> str:
    """A guest's contact (phone or e-mail), normalised; refused when it is neither."""
    cleaned = normalise_contact(value)
    if not cleaned:
        if required:
            raise Refused(
                _("Give a phone number or an e-mail address, so that we recognise you."),
                code="contact_required",
            )
        return ""
    if len(cleaned) > 100:
        raise Refused(_("The contact is too long."), code="bad_contact")
    if "@" in cleaned:
        try:
            EmailValidator()(cleaned)
        except ValidationError as exc:
            raise Refused(_("That e-mail address is not valid."), code="bad_contact") from exc
        return cleaned
    if not _PHONE.match(cleaned):
        raise Refused(
            _("Give a phone number (digits only) or an e-mail address."), code="bad_contact"
        )
    return cleaned


def web_link(value: str, *, label: str) -> str:
    """An http(s) link, or "" for none; anything else (javascript:, ftp:) is refused."""
    cleaned = (value or "").strip()
    if not cleaned:
        return ""
    if len(cleaned) > 500:
        raise Refused(
            _("%(field)s is too long: at most %(limit)d characters.")
            % {"field": label, "limit": 500},
            code="too_long",
        )
    try:
        _WEB_URL(cleaned)
    except ValidationError as exc:
        raise Refused(
            _("Give a web address starting with http:// or https://."), code="bad_url"
        ) from exc
    return cleaned


def inspected(upload: Upload) -> Inspected:
    try:
        return inspect_upload(upload)
    except UploadRefused as exc:
        raise Refused(exc.message, code=f"file_{exc.code}") from exc


def save_with_upload(row: Model, stored: FieldFile, name: str, upload: Upload) -> None:
    """Store the upload in the row's file field and save the row; a row that fails to save
    leaves no file behind."""
    upload.seek(0)
    # The stored name is random (the field's upload_to); only the detected extension is kept.
    stored.save(name, upload, save=False)  # type: ignore[arg-type]
    try:
        row.save()
    except BaseException:
        if stored.name:
            default_storage.delete(stored.name)
        raise


@contextmanager
def errors_of_other_apps() -> Iterator[None]:
    """Refusals of the study and suggestion services, as this app's own."""
    try:
        yield
    except (participation_errors.NotAllowed, suggestion_errors.NotAllowed) as exc:
        raise NotAllowed(exc.message, code=exc.code) from exc
    except (participation_errors.Refused, suggestion_errors.Refused) as exc:
        raise Refused(exc.message, code=exc.code) from exc
