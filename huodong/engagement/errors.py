"""What the engagement services refuse. Each refusal changes nothing; `message` is translated,
`code` is stable for views and tests."""

from __future__ import annotations


class EngagementError(Exception):
    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message


class NotAllowed(EngagementError):
    """The actor may not do this at all (views answer 404)."""


class Refused(EngagementError):
    """Allowed in general, refused here: registration closed, no places left, a wrong code,
    a file of the wrong type, a duplicate."""
