"""Asynchronous client for the Flipsnack REST API."""

from .client import FlipsnackClient
from .const import DEFAULT_BASE_URL, DEFAULT_REQUEST_TIMEOUT, StatusCode
from .exceptions import (
    FlipsnackApiError,
    FlipsnackAuthenticationError,
    FlipsnackConnectionError,
    FlipsnackError,
    FlipsnackInvalidApiKeyError,
    FlipsnackInvalidSignatureError,
    FlipsnackMaintenanceError,
    FlipsnackRateLimitError,
    FlipsnackRequestError,
    FlipsnackResponseError,
)
from .models import UserStats
from .signing import sign

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_REQUEST_TIMEOUT",
    "FlipsnackApiError",
    "FlipsnackAuthenticationError",
    "FlipsnackClient",
    "FlipsnackConnectionError",
    "FlipsnackError",
    "FlipsnackInvalidApiKeyError",
    "FlipsnackInvalidSignatureError",
    "FlipsnackMaintenanceError",
    "FlipsnackRateLimitError",
    "FlipsnackRequestError",
    "FlipsnackResponseError",
    "StatusCode",
    "UserStats",
    "sign",
]
