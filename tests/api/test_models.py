"""Tests for the Flipsnack API models."""

from dataclasses import FrozenInstanceError
from typing import Any

import pytest

from custom_components.flipsnack.api import FlipsnackResponseError, UserStats

FIELDS = ("impressions", "views", "time_spent", "downloads", "api_uploads_left")
DATA = {
    "impressions": 2945,
    "views": 3719,
    "time_spent": 154,
    "downloads": 27,
    "api_uploads_left": 996,
}


def test_user_stats_from_api() -> None:
    """Every field is read into the attribute of the same name."""
    stats = UserStats.from_api(DATA)

    assert stats == UserStats(
        impressions=2945,
        views=3719,
        time_spent=154,
        downloads=27,
        api_uploads_left=996,
    )


def test_user_stats_ignore_extra_fields() -> None:
    """Fields the model does not know, like the old `shares`, are ignored."""
    assert UserStats.from_api({**DATA, "shares": "n/a"}) == UserStats.from_api(DATA)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, 0),
        ("12", 12),
        (" 12 ", 12),
        ("12.0", 12),
        (12.0, 12),
        ("1e3", 1000),
        (10**20, 10**20),
        ("-0", 0),
    ],
)
def test_user_stats_accept_integral_numbers(value: Any, expected: int) -> None:
    """Integers, integral floats and numeric strings are read as integers."""
    stats = UserStats.from_api({**DATA, "views": value})

    assert stats.views == expected
    assert type(stats.views) is int


@pytest.mark.parametrize(
    "value",
    [-1, "-3", 1.5, "1.5", "abc", "", True, False, None, [], {}, "nan", "inf"],
)
def test_user_stats_reject_what_is_no_count(value: Any) -> None:
    """A negative, fractional or non-numeric value names the field."""
    with pytest.raises(FlipsnackResponseError) as exc_info:
        UserStats.from_api({**DATA, "views": value})

    assert str(exc_info.value) == (
        f"Field 'views' is not a non-negative integer: {value!r}"
    )


@pytest.mark.parametrize("field", FIELDS)
def test_user_stats_reject_a_missing_field(field: str) -> None:
    """A missing field is named in the error."""
    data = {name: value for name, value in DATA.items() if name != field}

    with pytest.raises(FlipsnackResponseError) as exc_info:
        UserStats.from_api(data)

    assert str(exc_info.value) == (
        f"Field '{field}' is missing from the user.getStats response"
    )


@pytest.mark.parametrize("data", [None, [DATA], "stats", 42])
def test_user_stats_reject_data_that_is_no_object(data: object) -> None:
    """`data` must be a JSON object."""
    with pytest.raises(FlipsnackResponseError, match="Field 'data'") as exc_info:
        UserStats.from_api(data)

    assert "is not an object" in str(exc_info.value)


def test_user_stats_are_frozen() -> None:
    """The statistics cannot be changed after they are read."""
    stats = UserStats.from_api(DATA)

    with pytest.raises(FrozenInstanceError):
        stats.views = 0  # type: ignore[misc]
