"""Data models of the Flipsnack API responses."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Self

from .exceptions import FlipsnackResponseError


@dataclass(frozen=True, kw_only=True, slots=True)
class UserStats:
    """Statistics totals of the whole account, from `user.getStats`.

    Attributes:
        impressions: How many times a player was loaded.
        views: How many times someone interacted with a player.
        time_spent: Total viewing time, in seconds.
        downloads: How many times a document was downloaded.
        api_uploads_left: Uploads still allowed through the API this month.
    """

    impressions: int
    views: int
    time_spent: int
    downloads: int
    api_uploads_left: int

    @classmethod
    def from_api(cls, data: object) -> Self:
        """Build the statistics from the `data` of a `user.getStats` response.

        Raises:
            FlipsnackResponseError: `data` is not an object, or a field is missing
                or is not a non-negative integer.
        """
        action = "user.getStats"
        if not isinstance(data, dict):
            raise FlipsnackResponseError(
                f"Field 'data' of the {action} response is not an object: {data!r}"
            )
        return cls(
            impressions=_read_count(data, "impressions", action),
            views=_read_count(data, "views", action),
            time_spent=_read_count(data, "time_spent", action),
            downloads=_read_count(data, "downloads", action),
            api_uploads_left=_read_count(data, "api_uploads_left", action),
        )


def _read_count(data: dict[str, Any], field: str, action: str) -> int:
    """Read a field that must hold a non-negative integer."""
    if field not in data:
        raise FlipsnackResponseError(
            f"Field '{field}' is missing from the {action} response"
        )
    value = data[field]
    count = _as_integer(value)
    if count is None or count < 0:
        raise FlipsnackResponseError(
            f"Field '{field}' is not a non-negative integer: {value!r}"
        )
    return count


def _as_integer(value: object) -> int | None:
    """Return the integer a JSON number or numeric string stands for, if any."""
    # bool is an int subclass, but True is no count.
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    if not number.is_finite() or number != number.to_integral_value():
        return None
    return int(number)
