"""What the originality services refuse. Each refusal changes nothing; `message` is translated."""


class OriginalityError(Exception):
    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        # Stable, for views and tests that must not match on translated text.
        self.code = code

    def __str__(self) -> str:
        return self.message


class NotAllowed(OriginalityError):
    """The actor may not do this at all (views answer 404)."""


class Refused(OriginalityError):
    """Allowed in general, refused here: an empty or unreadable file, a rescan already running."""
