"""Constants for the Flipsnack API client."""

from enum import IntEnum
from typing import Final

DEFAULT_BASE_URL: Final = "https://api.flipsnack.com/v1/"
DEFAULT_REQUEST_TIMEOUT: Final = 10.0  # seconds


class StatusCode(IntEnum):
    """The `code` of a Flipsnack API response envelope."""

    OK = 20
    MAINTENANCE = 22
    MISSING_PARAMETER = 30
    REQUESTS_PER_SECOND_EXCEEDED = 31
    REQUESTS_PER_MINUTE_EXCEEDED = 32
    UPLOADS_PER_MONTH_EXCEEDED = 33
    FILE_SIZE_TOO_LARGE = 34
    TOO_MANY_PAGES = 35
    MULTIPLE_FILES_NOT_ALLOWED = 36
    DELETE_FLIPBOOK_NOT_AVAILABLE = 37
    COLLECTION_PROCESSING = 38
    BAD_REQUEST = 40
    INVALID_CREDENTIALS = 41
    INVALID_ACTION = 42
    FORBIDDEN = 43
    INVALID_SIGNATURE = 44
    INVALID_FILE_FORMAT = 45
    # The stored docs cut this row off after "Invalid collection ha".
    INVALID_COLLECTION_HASH = 46
