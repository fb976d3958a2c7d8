"""How the API client's errors are told to the user, in one place.

The config and options flows show these keys as form errors, the coordinators and the
action raise them as translated exceptions; strings.json has a text for each key in both
sections.
"""

from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import UpdateFailed

from .api import (
    FlipsnackAuthenticationError,
    FlipsnackConnectionError,
    FlipsnackError,
    FlipsnackFlipbookNotFoundError,
    FlipsnackInvalidApiKeyError,
    FlipsnackInvalidSignatureError,
    FlipsnackMaintenanceError,
    FlipsnackRateLimitError,
    FlipsnackRequestError,
    FlipsnackResponseError,
)
from .const import DOMAIN

_TRANSLATION_KEYS: tuple[tuple[type[FlipsnackError], str], ...] = (
    (FlipsnackInvalidApiKeyError, "invalid_api_key"),
    (FlipsnackInvalidSignatureError, "invalid_api_secret"),
    (FlipsnackRateLimitError, "rate_limited"),
    (FlipsnackMaintenanceError, "maintenance"),
    (FlipsnackConnectionError, "cannot_connect"),
    (FlipsnackResponseError, "invalid_response"),
    (FlipsnackFlipbookNotFoundError, "flipbook_not_found"),
    (FlipsnackRequestError, "request_rejected"),
)


def translation_key(err: FlipsnackError) -> str:
    """Return the translation key that explains err to the user."""
    for error_type, key in _TRANSLATION_KEYS:
        if isinstance(err, error_type):
            return key
    return "unknown"


def update_error(err: FlipsnackError) -> ConfigEntryAuthFailed | UpdateFailed:
    """Return what a coordinator raises for err: reauth, or a translated failure."""
    if isinstance(err, FlipsnackAuthenticationError):
        return ConfigEntryAuthFailed(
            translation_domain=DOMAIN, translation_key=translation_key(err)
        )
    return UpdateFailed(
        translation_domain=DOMAIN,
        translation_key=translation_key(err),
        translation_placeholders={"error": str(err)},
        retry_after=(
            err.retry_after if isinstance(err, FlipsnackRateLimitError) else None
        ),
    )
