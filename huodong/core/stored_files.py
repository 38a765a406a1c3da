"""Adding an upload as a `StoredFile` row: judge it, store it, save the row, leave no orphan.

Every app that keeps attachments (article attachments, outcome documents, meeting files) does
the same four steps, in its own transaction:

1. judge the upload by its bytes (`huodong.core.uploads.inspect_upload`), the refusal turned
   into the app's own error (`refused`), so its views show it like any other refusal;
2. build the row with what `StoredFile` keeps: the cleaned name, the size, the detected type,
   who uploaded it and when, plus the app's own fields (the object it belongs to, a caption);
3. store the file under the random name of the model's `upload_to` (only the extension of the
   detected type survives from the user's name, see `random_stored_name`);
4. save the row; if that fails, delete the stored file again, since a rolled-back transaction
   takes the row but never the file.

The callers keep their own checks (who may add, how many files) before, and their audit after.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models.fields.files import FieldFile

from huodong.core import clock
from huodong.core.models import StoredFile
from huodong.core.uploads import Inspected, Upload, UploadRefused, inspect_upload
from huodong.orgs.models import User

S = TypeVar("S", bound=StoredFile)

Refusal = Callable[[UploadRefused], Exception]
"""Turns the upload's refusal into the app's own error (keeping its message and code)."""


def upload_inspected(upload: Upload, *, refused: Refusal) -> Inspected:
    """`inspect_upload`, its refusal raised as `refused(exc)`."""
    try:
        return inspect_upload(upload)
    except UploadRefused as exc:
        raise refused(exc) from exc


def stored_file_add(
    model: type[S],
    upload: Upload,
    *,
    actor: User | None,
    refused: Refusal,
    then: Callable[[S], object] | None = None,
    **fields: Any,
) -> S:
    """Store `upload` as a new, saved `model` row with `fields`; raises `refused(...)` for an
    upload that is not accepted.

    `then(row)` runs right after the row is saved, for work that must take the file with it
    when it fails (the caller's event and audit). When saving the row or `then` fails, the
    stored file is deleted and the error goes on.
    """
    info = upload_inspected(upload, refused=refused)
    row = model(
        original_name=info.name,
        size=info.size,
        content_type=info.content_type,
        uploaded_by=actor,
        uploaded_at=clock.now(),
        **fields,
    )
    stored: FieldFile = row.file  # type: ignore[attr-defined]  # each concrete model adds `file`
    upload.seek(0)
    stored.save(info.name, upload, save=False)  # type: ignore[arg-type]
    try:
        row.save()
        if then is not None:
            then(row)
    except BaseException:
        if stored.name:
            stored.storage.delete(stored.name)
        raise
    return row
