"""How the API client's errors are told to the user, in one place.

The config and options flows show these keys as form errors, the coordinators and the
action raise them as translated exceptions; strings.json has a text for each key in both
sections.
"""

import math

from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    HomeAssistantError,
    ServiceValidationError,
)
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
from .const import DOMAIN, LOGGER

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


def form_error(err: FlipsnackError, answer_to: str) -> str:
    """Return the translation key a form shows for err.

    Errors that point at a bug on our side or Flipsnack's rather than at the user's input
    are logged too, with their traceback.
    """
    key = translation_key(err)
    if key in {"request_rejected", "unknown"}:
        LOGGER.exception("Unexpected answer from Flipsnack to %s", answer_to)
    return key


def update_error(
    err: FlipsnackError, *, repeated: bool = False
) -> ConfigEntryAuthFailed | UpdateFailed:
    """Return what a coordinator raises for err: reauth, or a translated failure.

    A repeated error is an earlier call's, raised again by an update that did not make
    that call: a rate limit it met does not bring the next update forward.
    """
    if isinstance(err, FlipsnackAuthenticationError):
        return ConfigEntryAuthFailed(
            translation_domain=DOMAIN, translation_key=translation_key(err)
        )
    return UpdateFailed(
        translation_domain=DOMAIN,
        translation_key=translation_key(err),
        translation_placeholders={"error": str(err)},
        retry_after=(
            err.retry_after
            if isinstance(err, FlipsnackRateLimitError) and not repeated
            else None
        ),
    )


def unknown_flipbook_error(flipbook: str, account: str) -> ServiceValidationError:
    """Return the action's error for a flipbook the account does not have."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="unknown_flipbook",
        translation_placeholders={"flipbook": flipbook, "account": account},
    )


def action_error(
    err: FlipsnackError, *, flipbook: str, account: str, paused_for: float
) -> HomeAssistantError:
    """Return what an action raises for err.

    A flipbook Flipsnack does not know is the user's mistake; anything else is a failure
    of the call. Refused credentials need a new key or secret: the caller also starts
    re-authentication.

    Args:
        err: The failure of the call.
        flipbook: The flipbook as the user gave it.
        account: The title of the account's config entry.
        paused_for: Seconds until the entry's scheduler lets calls through again.
    """
    if isinstance(err, FlipsnackFlipbookNotFoundError):
        return unknown_flipbook_error(flipbook, account)
    if isinstance(err, FlipsnackRateLimitError):
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="rate_limited_retry",
            translation_placeholders={
                "retry_after": str(math.ceil(max(err.retry_after, paused_for)))
            },
        )
    if isinstance(err, FlipsnackAuthenticationError):
        return HomeAssistantError(
            translation_domain=DOMAIN, translation_key=translation_key(err)
        )
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=translation_key(err),
        translation_placeholders={"error": str(err)},
    )
