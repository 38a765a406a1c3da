"""A stored file (an upload kept in a `FileField`) served back to the browser.

One place for the headers every app's download sets: an image inline (so a page can show it),
anything else as a download under its original name; `nosniff`, so a browser never reads a file
as something other than its stored type; a sandboxing Content-Security-Policy, so an uploaded
file opened on its own can run nothing; and no caching unless the file is public.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404
from django.utils.http import content_disposition_header


def stored_file_response(
    field_file: Any,
    *,
    content_type: str,
    name: str,
    size: int | None,
    public: bool = False,
    sandbox: bool = True,
) -> FileResponse:
    """The stored file `field_file` (a `FieldFile`), 404 when its file is gone from storage.

    `public`: the public's copies may be cached briefly; staff copies (drafts too) never.
    `sandbox`: send `Content-Security-Policy: default-src 'none'; sandbox`.
    """
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_type)
    disposition = content_disposition_header(
        as_attachment=not content_type.startswith("image/"), filename=name
    )
    if disposition is not None:  # None only for an image without a name: nothing to say
        response["Content-Disposition"] = disposition
    if size is not None:
        response["Content-Length"] = str(size)
    response["X-Content-Type-Options"] = "nosniff"
    if sandbox:
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-store"
    return response
