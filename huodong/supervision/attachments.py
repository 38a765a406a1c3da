"""Report attachments: the shared content check, refusals as the supervision services raise them."""

from __future__ import annotations

from huodong.core.uploads import Inspected, Upload, UploadRefused
from huodong.core.uploads import inspect_upload as inspect_any_upload
from huodong.supervision.errors import AttachmentRefused

MAX_ATTACHMENTS_PER_REPORT = 20

__all__ = ["MAX_ATTACHMENTS_PER_REPORT", "Inspected", "Upload", "inspect_upload"]


def inspect_upload(upload: Upload) -> Inspected:
    try:
        return inspect_any_upload(upload)
    except UploadRefused as exc:
        raise AttachmentRefused(exc.message, code=exc.code) from exc
