"""What the api services refuse. Each refusal changes nothing; `message` is translated."""


class ApiError(Exception):
    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message


class NotAllowed(ApiError):
    """The actor may not do this at all (pages answer 404, the API 403)."""


class Refused(ApiError):
    """Allowed in general, refused here (a bad role, an already revoked token)."""
