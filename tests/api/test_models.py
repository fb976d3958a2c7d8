"""Tests for the Flipsnack API models."""

from dataclasses import FrozenInstanceError
from typing import Any

import pytest

from custom_components.flipsnack.api import (
    CollectionStats,
    Flipbook,
    FlipbookStatus,
    FlipsnackResponseError,
    PageStats,
    UserStats,
)
from custom_components.flipsnack.api.models import read_flipbook_list

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
    [
        -1,
        "-3",
        1.5,
        "1.5",
        "abc",
        "",
        True,
        False,
        None,
        [],
        {},
        "nan",
        "inf",
        # Read in bounded time: the exponent alone says it is no count.
        "1e1000000",
        "1e999999999999",
    ],
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


def test_long_values_are_cut_short_in_errors() -> None:
    """An error quotes at most 40 characters of a malformed value."""
    value = "9" * 1000 + "x"

    with pytest.raises(FlipsnackResponseError) as exc_info:
        UserStats.from_api({**DATA, "views": value})

    assert str(exc_info.value) == (
        f"Field 'views' is not a non-negative integer: '{'9' * 38}…"
    )


# The docs' collection.getStats example, with the deprecated and old fields.
COLLECTION_DATA: dict[str, Any] = {
    "impressions": 723,
    "views": 1240,
    "time_spent": 53,
    "downloads": 4,
    "likes": 0,
    "shares": 2,
    "pages": [
        {"page": 1, "time_spent": 127443, "clicks": 392, "views": 4529},
        {"page": 2, "time_spent": 89382, "clicks": 171, "views": 4130},
    ],
}
COLLECTION_FIELDS = ("impressions", "views", "time_spent", "downloads")


def test_flipbook_from_api() -> None:
    """The hash, title and status are read; other fields are ignored."""
    flipbook = Flipbook.from_api(
        {
            "collectionHash": "fxh4k89",
            "collectionTitle": "Spring catalogue",
            "collectionStatus": "unlisted",
            "collectionDescription": "Ignored",
            "collectionWidth": 800,
        }
    )

    assert flipbook == Flipbook(
        hash="fxh4k89", title="Spring catalogue", status=FlipbookStatus.UNLISTED
    )


@pytest.mark.parametrize(
    ("status", "expected", "published"),
    [
        ("public", FlipbookStatus.PUBLIC, True),
        ("unlisted", FlipbookStatus.UNLISTED, True),
        ("editable", FlipbookStatus.EDITABLE, False),
        ("archived", None, False),
        ("PUBLIC", None, False),
        (1, None, False),
        (None, None, False),
    ],
)
def test_flipbook_status(
    status: object, expected: FlipbookStatus | None, published: bool
) -> None:
    """A status this client does not know is None, and None is not published."""
    flipbook = Flipbook.from_api({"collectionHash": "h", "collectionStatus": status})

    assert flipbook.status is expected
    assert flipbook.published is published


def test_flipbook_without_status_or_title() -> None:
    """The status and the title may be left out."""
    assert Flipbook.from_api({"collectionHash": "h"}) == Flipbook(
        hash="h", title=None, status=None
    )


@pytest.mark.parametrize(("title", "expected"), [("", None), ("  ", None), (7, None)])
def test_flipbook_title_that_is_no_text(title: object, expected: str | None) -> None:
    """An empty title or one that is not text is None."""
    assert Flipbook.from_api(
        {"collectionHash": "h", "collectionTitle": title}
    ).title == (expected)


def test_flipbook_status_values() -> None:
    """The statuses are the three the docs list."""
    assert [str(status) for status in FlipbookStatus] == [
        "public",
        "unlisted",
        "editable",
    ]


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (
            {"collectionTitle": "No hash"},
            (
                "Field 'collectionHash' is missing from an element of 'collections'"
                " in the collection.getList response"
            ),
        ),
        (
            {"collectionHash": ""},
            "Field 'collectionHash' is not a non-empty string: ''",
        ),
        (
            {"collectionHash": " "},
            "Field 'collectionHash' is not a non-empty string: ' '",
        ),
        (
            {"collectionHash": 123},
            "Field 'collectionHash' is not a non-empty string: 123",
        ),
        (
            {"collectionHash": None},
            "Field 'collectionHash' is not a non-empty string: None",
        ),
        (
            "fxh4k89",
            (
                "An element of 'collections' in the collection.getList response is"
                " not an object: 'fxh4k89'"
            ),
        ),
        (
            ["x" * 1000],
            (
                "An element of 'collections' in the collection.getList response is"
                f" not an object: ['{'x' * 37}…"
            ),
        ),
    ],
)
def test_flipbook_rejects_malformed_items(item: object, message: str) -> None:
    """An element without a usable hash is an error that quotes little of it."""
    with pytest.raises(FlipsnackResponseError) as exc_info:
        Flipbook.from_api(item)

    assert str(exc_info.value) == message


def test_flipbook_is_frozen() -> None:
    """A flipbook cannot be changed after it is read."""
    flipbook = Flipbook.from_api({"collectionHash": "h"})

    with pytest.raises(FrozenInstanceError):
        flipbook.title = "Changed"  # type: ignore[misc]


def test_read_flipbook_list() -> None:
    """A page of the listing gives the total and its flipbooks in order."""
    count, flipbooks = read_flipbook_list(
        {
            "collectionCount": "3",
            "collections": [
                {"collectionHash": "b", "collectionTitle": "B"},
                {"collectionHash": "a", "collectionTitle": "A"},
            ],
        }
    )

    assert count == 3
    assert [flipbook.hash for flipbook in flipbooks] == ["b", "a"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (None, "Field 'data' of the collection.getList response is not an object"),
        ({"collections": []}, "Field 'collectionCount' is missing"),
        (
            {"collectionCount": -1, "collections": []},
            "Field 'collectionCount' is not a non-negative integer: -1",
        ),
        (
            {"collectionCount": "many", "collections": []},
            "Field 'collectionCount' is not a non-negative integer: 'many'",
        ),
        ({"collectionCount": 1}, "Field 'collections' is missing"),
        (
            {"collectionCount": 1, "collections": {"collectionHash": "h"}},
            "Field 'collections' is not a list",
        ),
        (
            {"collectionCount": 1, "collections": None},
            "Field 'collections' is not a list: None",
        ),
        (
            {"collectionCount": 2, "collections": [{"collectionHash": "h"}, 5]},
            "An element of 'collections'",
        ),
    ],
)
def test_read_flipbook_list_rejects_malformed_data(data: object, message: str) -> None:
    """A malformed page of the listing is an error that tells what is wrong."""
    with pytest.raises(FlipsnackResponseError) as exc_info:
        read_flipbook_list(data)

    assert str(exc_info.value).startswith(message)


def test_collection_stats_from_api() -> None:
    """The four figures are read; likes, shares and pages are ignored."""
    stats = CollectionStats.from_api(COLLECTION_DATA, include_pages=False)

    assert stats == CollectionStats(
        impressions=723, views=1240, time_spent=53, downloads=4, pages=None
    )


def test_collection_stats_with_pages() -> None:
    """With include_pages, each page's figures are read in the order sent."""
    stats = CollectionStats.from_api(COLLECTION_DATA, include_pages=True)

    assert stats.pages == (
        PageStats(page=1, views=4529, clicks=392, time_spent=127443),
        PageStats(page=2, views=4130, clicks=171, time_spent=89382),
    )
    assert stats.views == 1240


def test_collection_stats_with_no_pages() -> None:
    """A flipbook may have no page statistics at all."""
    stats = CollectionStats.from_api(
        {**COLLECTION_DATA, "pages": []}, include_pages=True
    )

    assert stats.pages == ()


def test_page_stats_figures_may_be_missing() -> None:
    """Only the page number is required; missing or null figures are None."""
    page = PageStats.from_api({"page": "3", "views": None, "clicks": "2.0"})

    assert page == PageStats(page=3, views=None, clicks=2, time_spent=None)


@pytest.mark.parametrize(
    ("pages", "message"),
    [
        (None, "Field 'pages' is not a list: None"),
        ({"page": 1}, "Field 'pages' is not a list: {'page': 1}"),
        (
            [7],
            "An element of 'pages' in the collection.getStats response is not an object: 7",
        ),
        (
            [{"views": 1}],
            "Field 'page' is missing from the collection.getStats response",
        ),
        ([{"page": None}], "Field 'page' is not a non-negative integer: None"),
        ([{"page": 1, "views": -2}], "Field 'views' is not a non-negative integer: -2"),
        (
            [{"page": 1, "clicks": "x"}],
            "Field 'clicks' is not a non-negative integer: 'x'",
        ),
        (
            [{"page": 1, "time_spent": 0.5}],
            "Field 'time_spent' is not a non-negative integer: 0.5",
        ),
    ],
)
def test_collection_stats_reject_malformed_pages(pages: object, message: str) -> None:
    """Per-page statistics that were asked for must be well formed."""
    data = {**COLLECTION_DATA, "pages": pages}

    with pytest.raises(FlipsnackResponseError) as exc_info:
        CollectionStats.from_api(data, include_pages=True)

    assert str(exc_info.value) == message
    # Pages that were not asked for are not read at all.
    assert CollectionStats.from_api(data, include_pages=False).pages is None


def test_collection_stats_require_pages_when_asked() -> None:
    """Per-page statistics that were asked for and are missing are an error."""
    data = {name: value for name, value in COLLECTION_DATA.items() if name != "pages"}

    with pytest.raises(FlipsnackResponseError) as exc_info:
        CollectionStats.from_api(data, include_pages=True)

    assert str(exc_info.value) == (
        "Field 'pages' is missing from the collection.getStats response"
    )


@pytest.mark.parametrize("field", COLLECTION_FIELDS)
@pytest.mark.parametrize("value", ["MISSING", None, -1, "1.5", [1]])
def test_collection_stats_reject_malformed_figures(field: str, value: object) -> None:
    """Each of the four figures is required and must be a non-negative integer."""
    data = {name: item for name, item in COLLECTION_DATA.items() if name != field}
    if value != "MISSING":
        data[field] = value

    with pytest.raises(FlipsnackResponseError) as exc_info:
        CollectionStats.from_api(data, include_pages=False)

    if value == "MISSING":
        expected = f"Field '{field}' is missing from the collection.getStats response"
    else:
        expected = f"Field '{field}' is not a non-negative integer: {value!r}"
    assert str(exc_info.value) == expected


@pytest.mark.parametrize("data", [None, [COLLECTION_DATA], "stats"])
def test_collection_stats_reject_data_that_is_no_object(data: object) -> None:
    """`data` must be a JSON object."""
    with pytest.raises(FlipsnackResponseError) as exc_info:
        CollectionStats.from_api(data, include_pages=False)

    assert str(exc_info.value).startswith(
        "Field 'data' of the collection.getStats response is not an object"
    )


def test_collection_stats_are_frozen() -> None:
    """The statistics cannot be changed after they are read."""
    stats = CollectionStats.from_api(COLLECTION_DATA, include_pages=True)

    with pytest.raises(FrozenInstanceError):
        stats.views = 0  # type: ignore[misc]
