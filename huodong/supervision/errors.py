"""What the supervision services refuse. Each refusal changes nothing; `message` is translated."""


class SupervisionError(Exception):
    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        # Stable, for views and tests that must not match on translated text.
        self.code = code

    def __str__(self) -> str:
        return self.message


class NotAllowed(SupervisionError):
    """The actor may not do this at all (views answer 403 or 404)."""


class TransitionRefused(SupervisionError):
    """Not in the task's or report's present state (e.g. returning an accepted task)."""


class AttachmentRefused(SupervisionError):
    """An upload that is not stored: too large, or not an accepted kind of file."""
