"""What the suggestion and outcome services refuse. Each refusal changes nothing; `message`
is translated, `code` is stable for views and tests."""

from __future__ import annotations


class SuggestionError(Exception):
    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message


class NotAllowed(SuggestionError):
    """The actor may not do this at all (views answer 404)."""


class Refused(SuggestionError):
    """Allowed in general, refused here: an empty text, a duplicate of itself, a cycle."""
