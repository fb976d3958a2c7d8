"""Asynchronous client for the Flipsnack REST API."""

from .client import FlipsnackClient
from .const import DEFAULT_BASE_URL, DEFAULT_REQUEST_TIMEOUT, StatusCode
from .days import (
    EndDate,
    day_figures,
    day_range,
    decide_end_date,
    probe_end_date,
    range_figures,
)
from .exceptions import (
    FlipsnackApiError,
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
from .models import (
    CollectionStats,
    Figures,
    Flipbook,
    FlipbookStatus,
    PageStats,
    UserStats,
)
from .signing import sign

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_REQUEST_TIMEOUT",
    "CollectionStats",
    "EndDate",
    "Figures",
    "Flipbook",
    "FlipbookStatus",
    "FlipsnackApiError",
    "FlipsnackAuthenticationError",
    "FlipsnackClient",
    "FlipsnackConnectionError",
    "FlipsnackError",
    "FlipsnackFlipbookNotFoundError",
    "FlipsnackInvalidApiKeyError",
    "FlipsnackInvalidSignatureError",
    "FlipsnackMaintenanceError",
    "FlipsnackRateLimitError",
    "FlipsnackRequestError",
    "FlipsnackResponseError",
    "PageStats",
    "StatusCode",
    "UserStats",
    "day_figures",
    "day_range",
    "decide_end_date",
    "probe_end_date",
    "range_figures",
    "sign",
]
