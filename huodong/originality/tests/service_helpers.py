"""Texts and submissions for the originality tests."""

from __future__ import annotations

import random

from huodong.originality.models import DocumentKind, OriginalityDocument
from huodong.participation.models import Reflection
from huodong.participation.services.reflections import reflection_create, reflection_submit

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def chinese(seed: int, length: int) -> str:
    """`length` random common CJK characters, no punctuation: every one counts."""
    rng = random.Random(seed)
    return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(length))


def submit(user, campaign, title: str, body: str) -> Reflection:
    reflection = reflection_create(actor=user, campaign=campaign, title=title, body=body)
    return reflection_submit(actor=user, reflection=reflection)


def make_document(office, text: str, *, title: str = "参考", kind=DocumentKind.REFERENCE):
    import hashlib

    return OriginalityDocument.objects.create(
        office=office,
        kind=kind,
        title=title,
        text=text,
        text_hash=hashlib.sha256(text.encode()).hexdigest(),
    )
