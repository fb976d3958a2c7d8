"""Tests for how the client's errors are told to the user."""

import pytest

from custom_components.flipsnack.api import (
    FlipsnackConnectionError,
    FlipsnackError,
    FlipsnackInvalidApiKeyError,
    FlipsnackInvalidSignatureError,
    FlipsnackMaintenanceError,
    FlipsnackRateLimitError,
    FlipsnackRequestError,
    FlipsnackResponseError,
)
from custom_components.flipsnack.errors import translation_key


@pytest.mark.parametrize(
    ("error", "key"),
    [
        (FlipsnackInvalidApiKeyError(41, "Invalid credentials"), "invalid_api_key"),
        (FlipsnackInvalidSignatureError(44, "Invalid signature"), "invalid_api_secret"),
        (FlipsnackRateLimitError(31, "Requests per second"), "rate_limited"),
        (FlipsnackRateLimitError(32, "Requests per minute"), "rate_limited"),
        (FlipsnackMaintenanceError(22, "Maintenance mode"), "maintenance"),
        (FlipsnackConnectionError("Timeout"), "cannot_connect"),
        (FlipsnackResponseError("Not JSON"), "invalid_response"),
        (FlipsnackRequestError(42, "Invalid action"), "request_rejected"),
        (FlipsnackError("Something else"), "unknown"),
    ],
)
def test_translation_key(error: FlipsnackError, key: str) -> None:
    """Each kind of failure has its own explanation."""
    assert translation_key(error) == key
