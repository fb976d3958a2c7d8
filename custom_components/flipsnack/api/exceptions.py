"""Exceptions raised by the Flipsnack API client."""

from .const import StatusCode


class FlipsnackError(Exception):
    """Base for every error of the Flipsnack API client."""


class FlipsnackConnectionError(FlipsnackError):
    """Flipsnack could not be reached, or did not answer in time."""


class FlipsnackResponseError(FlipsnackError):
    """Flipsnack answered with something that is not a usable API response."""


class FlipsnackApiError(FlipsnackError):
    """Flipsnack answered with an error code.

    Attributes:
        code: The `code` of the response envelope.
        status: The `status` text of the response envelope.
    """

    def __init__(self, code: int, status: str) -> None:
        """Initialize the error from the response envelope."""
        super().__init__(f"Flipsnack API returned code {code}: {status}")
        self.code = code
        self.status = status


class FlipsnackAuthenticationError(FlipsnackApiError):
    """Flipsnack rejected the API key or the API secret."""


class FlipsnackInvalidApiKeyError(FlipsnackAuthenticationError):
    """Flipsnack does not know the API key (code 41)."""


class FlipsnackInvalidSignatureError(FlipsnackAuthenticationError):
    """The signature does not match, so the API secret is wrong (code 44)."""


class FlipsnackRateLimitError(FlipsnackApiError):
    """Too many calls were made with the API key (codes 31 and 32).

    Attributes:
        retry_after: Seconds until the exceeded window has room again.
    """

    def __init__(self, code: int, status: str) -> None:
        """Initialize the error and derive the wait from the exceeded limit."""
        super().__init__(code, status)
        self.retry_after = (
            60.0 if code == StatusCode.REQUESTS_PER_MINUTE_EXCEEDED else 1.0
        )


class FlipsnackMaintenanceError(FlipsnackApiError):
    """The Flipsnack API is in maintenance (code 22)."""


class FlipsnackFlipbookNotFoundError(FlipsnackApiError):
    """The flipbook was deleted, belongs to another account, or its hash is invalid (codes 43 and 46)."""


class FlipsnackRequestError(FlipsnackApiError):
    """Flipsnack refused the request for any other reason."""
