"""Data models of the Flipsnack API responses."""

from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Final, Self

from .exceptions import FlipsnackResponseError

# The most digits a count may have; more is no count Flipsnack would send.
_MAX_DIGITS: Final = 30
# Errors show at most this many characters of a value they quote.
_PREVIEW_LENGTH: Final = 40

_LIST_ACTION: Final = "collection.getList"
_STATS_ACTION: Final = "collection.getStats"


class FlipbookStatus(StrEnum):
    """The publication status of a flipbook (`collectionStatus`)."""

    PUBLIC = "public"  # published, listed on the profile and in search
    UNLISTED = "unlisted"  # published, reachable only by link or embed
    EDITABLE = "editable"  # not published; its hash is temporary


_STATUSES: Final[dict[str, FlipbookStatus]] = {
    status.value: status for status in FlipbookStatus
}


@dataclass(frozen=True, kw_only=True, slots=True)
class Figures:
    """The four figures Flipsnack counts, for the account and for each flipbook.

    Attributes:
        impressions: How many times a player was loaded.
        views: How many times someone interacted with a player.
        time_spent: Total viewing time, in seconds.
        downloads: How many times a document was downloaded.
    """

    impressions: int
    views: int
    time_spent: int
    downloads: int

    def figures(self) -> Figures:
        """Return the four figures alone, without what a subclass adds to them."""
        return Figures(**self.as_dict())

    def as_dict(self) -> dict[str, int]:
        """Return the four figures by name, without what a subclass adds to them."""
        return {name: getattr(self, name) for name in _FIGURE_NAMES}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Figures:
        """Return the figures that as_dict gave, kept somewhere as plain data.

        Raises:
            KeyError, TypeError, ValueError: A figure is missing or not a number.
        """
        return Figures(**{name: int(data[name]) for name in _FIGURE_NAMES})


_FIGURE_NAMES: Final = tuple(field.name for field in fields(Figures))


@dataclass(frozen=True, kw_only=True, slots=True)
class UserStats(Figures):
    """Statistics totals of the whole account, from `user.getStats`.

    Attributes:
        api_uploads_left: Uploads still allowed through the API this month.
    """

    api_uploads_left: int

    @classmethod
    def from_api(cls, data: object) -> Self:
        """Build the statistics from the `data` of a `user.getStats` response.

        Raises:
            FlipsnackResponseError: `data` is not an object, or a field is missing
                or is not a non-negative integer.
        """
        action = "user.getStats"
        data = _read_object(data, action)
        return cls(
            **_read_figures(data, action),
            api_uploads_left=_read_count(data, "api_uploads_left", action),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class Flipbook:
    """A flipbook (a collection, in the API's words), from `collection.getList`.

    Attributes:
        hash: The `collectionHash` that identifies the flipbook in the API. The
            hash of an editable flipbook is temporary: publishing it gives it a
            new one.
        title: The title, or None when it is missing, empty or not text.
        status: The publication status, or None when it is missing or a value
            this client does not know.
    """

    hash: str
    title: str | None
    status: FlipbookStatus | None

    @property
    def published(self) -> bool:
        """Whether the flipbook is published, listed or not."""
        return self.status in {FlipbookStatus.PUBLIC, FlipbookStatus.UNLISTED}

    @classmethod
    def from_api(cls, item: object) -> Self:
        """Build a flipbook from one element of `data.collections`.

        Fields other than `collectionHash`, `collectionTitle` and
        `collectionStatus` are ignored.

        Raises:
            FlipsnackResponseError: The element is not an object, or its
                `collectionHash` is not a non-empty string.
        """
        if not isinstance(item, dict):
            raise FlipsnackResponseError(
                f"An element of 'collections' in the {_LIST_ACTION} response is"
                f" not an object: {_preview(item)}"
            )
        if "collectionHash" not in item:
            raise FlipsnackResponseError(
                f"Field 'collectionHash' is missing from an element of"
                f" 'collections' in the {_LIST_ACTION} response"
            )
        collection_hash = item["collectionHash"]
        if not isinstance(collection_hash, str) or not collection_hash.strip():
            raise FlipsnackResponseError(
                f"Field 'collectionHash' is not a non-empty string:"
                f" {_preview(collection_hash)}"
            )
        title = item.get("collectionTitle")
        status = item.get("collectionStatus")
        return cls(
            hash=collection_hash,
            title=title if isinstance(title, str) and title.strip() else None,
            status=_STATUSES.get(status) if isinstance(status, str) else None,
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class PageStats:
    """Statistics of one page of a flipbook, from `collection.getStats`.

    Each figure is None when Flipsnack leaves it out.

    Attributes:
        page: The page number; Flipsnack counts pages from 1.
        views: How many times the page was viewed.
        clicks: How many clicks the page received.
        time_spent: Viewing time of the page. Its unit is unknown: the docs'
            example is about 2,400 times the flipbook's total in seconds, so it
            may be milliseconds. Do not compare it with the flipbook's
            `time_spent` before live data shows the unit.
    """

    page: int
    views: int | None
    clicks: int | None
    time_spent: int | None

    @classmethod
    def from_api(cls, item: object) -> Self:
        """Build the statistics from one element of `data.pages`.

        Raises:
            FlipsnackResponseError: The element is not an object, its `page` is
                missing, or a figure is not a non-negative integer.
        """
        if not isinstance(item, dict):
            raise FlipsnackResponseError(
                f"An element of 'pages' in the {_STATS_ACTION} response is not"
                f" an object: {_preview(item)}"
            )
        return cls(
            page=_read_count(item, "page", _STATS_ACTION),
            views=_read_optional_count(item, "views"),
            clicks=_read_optional_count(item, "clicks"),
            time_spent=_read_optional_count(item, "time_spent"),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class CollectionStats(Figures):
    """Statistics of one flipbook, from `collection.getStats`.

    The figures cover the requested date range, or the flipbook's whole life
    when none was given.

    Attributes:
        pages: The statistics of each page, in the order Flipsnack sent them;
            None unless they were asked for.
    """

    pages: tuple[PageStats, ...] | None

    @classmethod
    def from_api(cls, data: object, *, include_pages: bool) -> Self:
        """Build the statistics from the `data` of a `collection.getStats` response.

        The deprecated `likes`, the old `shares` and any other field the model
        does not know are ignored.

        Args:
            data: The `data` of the response.
            include_pages: Whether the request asked for per-page statistics;
                they must then be present, and are ignored otherwise.

        Raises:
            FlipsnackResponseError: `data` is not an object, a figure is missing
                or is not a non-negative integer, or the per-page statistics that
                were asked for are missing or malformed.
        """
        data = _read_object(data, _STATS_ACTION)
        pages: tuple[PageStats, ...] | None = None
        if include_pages:
            items = _read_list(data, "pages", _STATS_ACTION)
            pages = tuple(PageStats.from_api(item) for item in items)
        return cls(**_read_figures(data, _STATS_ACTION), pages=pages)


def read_flipbook_list(data: object) -> tuple[int, list[Flipbook]]:
    """Read one page of a `collection.getList` response.

    Returns:
        The `collectionCount`, the number of flipbooks the whole listing has,
        and the flipbooks of this page in the order Flipsnack sent them.

    Raises:
        FlipsnackResponseError: `data` is not an object, `collectionCount` is not
            a non-negative integer, `collections` is not a list, or one of its
            elements is not a flipbook.
    """
    data = _read_object(data, _LIST_ACTION)
    count = _read_count(data, "collectionCount", _LIST_ACTION)
    items = _read_list(data, "collections", _LIST_ACTION)
    return count, [Flipbook.from_api(item) for item in items]


def _read_object(data: object, action: str) -> dict[str, Any]:
    """Return the `data` of a response, which must be an object."""
    if not isinstance(data, dict):
        raise FlipsnackResponseError(
            f"Field 'data' of the {action} response is not an object: {_preview(data)}"
        )
    return data


def _read_figures(data: dict[str, Any], action: str) -> dict[str, int]:
    """Read the four figures, each a non-negative integer."""
    return {name: _read_count(data, name, action) for name in _FIGURE_NAMES}


def _read_list(data: dict[str, Any], field: str, action: str) -> list[Any]:
    """Read a field that must hold a list."""
    if field not in data:
        raise FlipsnackResponseError(
            f"Field '{field}' is missing from the {action} response"
        )
    items = data[field]
    if not isinstance(items, list):
        raise FlipsnackResponseError(
            f"Field '{field}' is not a list: {_preview(items)}"
        )
    return items


def _read_count(data: dict[str, Any], field: str, action: str) -> int:
    """Read a field that must hold a non-negative integer."""
    if field not in data:
        raise FlipsnackResponseError(
            f"Field '{field}' is missing from the {action} response"
        )
    count = _read_optional_count(data, field)
    if count is None:
        raise FlipsnackResponseError(
            f"Field '{field}' is not a non-negative integer: None"
        )
    return count


def _read_optional_count(data: dict[str, Any], field: str) -> int | None:
    """Read a field that holds a non-negative integer, or None when it is absent."""
    value = data.get(field)
    if value is None:
        return None
    count = _as_integer(value)
    if count is None or count < 0:
        raise FlipsnackResponseError(
            f"Field '{field}' is not a non-negative integer: {_preview(value)}"
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
    # A count has a few dozen digits at most. Checked before any arithmetic, which on a
    # text such as "1e1000000" would hold the event loop for seconds or hours.
    if not number.is_finite() or number.adjusted() > _MAX_DIGITS:
        return None
    if number != number.to_integral_value():
        return None
    return int(number)


def _preview(value: object) -> str:
    """Return the repr of a value an error quotes, cut short if it is long."""
    text = repr(value)
    if len(text) > _PREVIEW_LENGTH:
        return f"{text[: _PREVIEW_LENGTH - 1]}…"
    return text
