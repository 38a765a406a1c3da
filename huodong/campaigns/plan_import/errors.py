"""The one exception the importer raises, so callers can show its message as is."""


class PlanImportError(Exception):
    """A plan file that cannot be imported; `message` is already translated for the user."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        # A stable machine-readable reason, so views and tests need not match on translated text.
        self.code = code

    def __str__(self) -> str:
        return self.message
