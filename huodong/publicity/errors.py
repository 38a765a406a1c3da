"""What the publicity services refuse. Each refusal changes nothing; `message` is translated."""

from __future__ import annotations


class PublicityError(Exception):
    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code  # stable, for views and tests

    def __str__(self) -> str:
        return self.message


class NotAllowed(PublicityError):
    """The actor may not do this at all (views answer 404)."""


class Refused(PublicityError):
    """Allowed in general, refused here: out of order, an invalid value, a bad file."""
