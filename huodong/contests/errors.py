"""What the contest services refuse. Each refusal changes nothing; `message` is translated."""

from __future__ import annotations


class ContestError(Exception):
    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        # Stable, for views and tests that must not match on translated text.
        self.code = code

    def __str__(self) -> str:
        return self.message


class NotAllowed(ContestError):
    """The actor may not do this at all (views answer 404)."""


class Refused(ContestError):
    """Allowed in general, refused here: out of order, outside the dates, a frozen rubric."""


class SheetInvalid(Refused):
    """A score sheet that cannot be saved as given; `errors` says why, per criterion id."""

    def __init__(self, message: str, *, errors: dict[int, str]) -> None:
        super().__init__(message, code="sheet_invalid")
        self.errors = errors
