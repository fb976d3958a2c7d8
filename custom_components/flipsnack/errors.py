"""How the API client's errors are told to the user, in one place.

The config flow shows these keys as form errors, the coordinator raises them as translated
exceptions; strings.json has a text for each key in both sections.
"""

from .api import (
    FlipsnackConnectionError,
    FlipsnackError,
    FlipsnackInvalidApiKeyError,
    FlipsnackInvalidSignatureError,
    FlipsnackMaintenanceError,
    FlipsnackRateLimitError,
    FlipsnackRequestError,
    FlipsnackResponseError,
)

_TRANSLATION_KEYS: tuple[tuple[type[FlipsnackError], str], ...] = (
    (FlipsnackInvalidApiKeyError, "invalid_api_key"),
    (FlipsnackInvalidSignatureError, "invalid_api_secret"),
    (FlipsnackRateLimitError, "rate_limited"),
    (FlipsnackMaintenanceError, "maintenance"),
    (FlipsnackConnectionError, "cannot_connect"),
    (FlipsnackResponseError, "invalid_response"),
    (FlipsnackRequestError, "request_rejected"),
)


def translation_key(err: FlipsnackError) -> str:
    """Return the translation key that explains err to the user."""
    for error_type, key in _TRANSLATION_KEYS:
        if isinstance(err, error_type):
            return key
    return "unknown"
