"""What the survey services refuse. Each refusal changes nothing; `message` is translated."""

from __future__ import annotations


class SurveyError(Exception):
    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        # Stable, for views and tests that must not match on translated text.
        self.code = code

    def __str__(self) -> str:
        return self.message


class NotAllowed(SurveyError):
    """The actor may not do this at all (views answer 404)."""


class Refused(SurveyError):
    """Allowed in general, refused here: a closed survey, a frozen question, a second answer."""


class AnswersInvalid(SurveyError):
    """Answers that cannot be saved as given; `errors` says why, per question id."""

    def __init__(self, message: str, *, errors: dict[int, str]) -> None:
        super().__init__(message, code="answers_invalid")
        self.errors = errors
