"""Asynchronous client for the Flipsnack REST API."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from http import HTTPStatus
import json
import logging
from typing import Any, Final

import aiohttp
from yarl import URL

from .const import DEFAULT_BASE_URL, DEFAULT_REQUEST_TIMEOUT, StatusCode
from .exceptions import (
    FlipsnackApiError,
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
    Flipbook,
    UserStats,
    read_flipbook_list,
)
from .signing import sign

LOGGER = logging.getLogger(__package__)

REDACTED: Final = "**REDACTED**"

# How many flipbooks collections() asks for per collection.getList call. Flipsnack
# may answer fewer: its page size cap is not documented.
PAGE_SIZE: Final = 100
# collections() gives up after this many collection.getList calls, whatever the
# count says; every call must list a flipbook not listed before, so it needs at
# most as many calls as there are flipbooks.
MAX_LIST_PAGES: Final = 1000

_ERRORS_BY_CODE: Final[dict[int, type[FlipsnackApiError]]] = {
    StatusCode.MAINTENANCE: FlipsnackMaintenanceError,
    StatusCode.REQUESTS_PER_SECOND_EXCEEDED: FlipsnackRateLimitError,
    StatusCode.REQUESTS_PER_MINUTE_EXCEEDED: FlipsnackRateLimitError,
    StatusCode.INVALID_CREDENTIALS: FlipsnackInvalidApiKeyError,
    StatusCode.FORBIDDEN: FlipsnackFlipbookNotFoundError,
    StatusCode.INVALID_SIGNATURE: FlipsnackInvalidSignatureError,
    StatusCode.INVALID_COLLECTION_HASH: FlipsnackFlipbookNotFoundError,
}


class FlipsnackClient:
    """Client for the Flipsnack REST API of one account."""

    def __init__(
        self,
        api_key: str,
        api_secret: str,
        *,
        session: aiohttp.ClientSession,
        base_url: str = DEFAULT_BASE_URL,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
        request_gate: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """Initialize the client.

        Args:
            api_key: The API key of the account.
            api_secret: The API secret of the account, used to sign requests.
            session: The session to send requests with; the caller owns it.
            base_url: The URL of the Flipsnack API.
            request_timeout: Seconds a call may take, reading the answer included.
            request_gate: Awaited before every HTTP request, the pages of a listing
                included, so that the caller can pace them under Flipsnack's rate
                limit. The wait does not count toward request_timeout.
        """
        self._api_key = api_key
        self._api_secret = api_secret
        self._session = session
        self.base_url = base_url
        self.request_timeout = request_timeout
        self._request_gate = request_gate

    def __repr__(self) -> str:
        """Describe the client without its credentials."""
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    async def user_stats(self) -> UserStats:
        """Get the statistics totals of the account.

        Raises:
            FlipsnackError: The call failed; the subclass tells why.
        """
        return UserStats.from_api(await self._request("user.getStats"))

    async def collections(self) -> list[Flipbook]:
        """List the flipbooks of the account, every page of them.

        Flipsnack does not document whether `from` counts from 0 or 1, nor how
        many flipbooks a call may answer. So each call asks for PAGE_SIZE
        flipbooks from the number already listed on, duplicates are dropped, and
        the listing ends once it holds `collectionCount` flipbooks.

        Returns:
            The flipbooks in the order Flipsnack lists them, each once; for a hash
            listed twice, the first listing counts.

        Raises:
            FlipsnackResponseError: An answer is malformed, or the listing is not
                consistent: the count changes, a call lists no new flipbook before
                the count is reached, more flipbooks than the count are listed, or
                MAX_LIST_PAGES calls do not reach the count. No partial list is
                returned.
            FlipsnackError: A call failed; the subclass tells why.
        """
        action = "collection.getList"
        flipbooks: dict[str, Flipbook] = {}
        total: int | None = None
        for _ in range(MAX_LIST_PAGES):
            listed = len(flipbooks)
            paging = {"from": str(listed), "to": str(listed + PAGE_SIZE)}
            count, page = read_flipbook_list(await self._request(action, **paging))
            if total is not None and count != total:
                raise FlipsnackResponseError(
                    f"The {action} count changed from {total} to {count} while"
                    " the flipbooks were listed"
                )
            total = count
            for flipbook in page:
                flipbooks.setdefault(flipbook.hash, flipbook)
            if len(flipbooks) > total:
                raise FlipsnackResponseError(
                    f"{action} listed {len(flipbooks)} flipbooks, more than its"
                    f" count of {total}"
                )
            if len(flipbooks) == total:
                return list(flipbooks.values())
            if len(flipbooks) == listed:
                problem = "repeats flipbooks it listed" if page else "stopped short"
                raise FlipsnackResponseError(
                    f"{action} {problem}: {listed} of {total} flipbooks listed"
                )
        raise FlipsnackResponseError(
            f"{action} listed {len(flipbooks)} of {total} flipbooks in"
            f" {MAX_LIST_PAGES} calls, and the client stops there"
        )

    async def collection_stats(
        self,
        collection_hash: str,
        *,
        start: date | None = None,
        end: date | None = None,
        include_pages: bool = False,
    ) -> CollectionStats:
        """Get the statistics of one flipbook.

        Flipsnack does not document its time zone, nor the range it covers when
        no dates are given; it is presumably the flipbook's whole life.

        Args:
            collection_hash: The hash of the flipbook.
            start: The first day to count; None leaves the range open there. A
                datetime counts as its date.
            end: The day `endDate` names; None leaves the range open there. A
                datetime counts as its date. Whether Flipsnack counts that day is
                not documented: `days.probe_end_date` finds out.
            include_pages: Whether to get the statistics of each page too.

        Raises:
            ValueError: The hash is empty, or end is before start; no call is made.
            FlipsnackFlipbookNotFoundError: The flipbook was deleted, belongs to
                another account, or the hash is invalid.
            FlipsnackError: The call failed; the subclass tells why.
        """
        if not collection_hash.strip():
            raise ValueError("The flipbook hash is empty")
        first = None if start is None else _day_of(start)
        last = None if end is None else _day_of(end)
        if first is not None and last is not None and last < first:
            raise ValueError(f"The range ends on {last}, before it starts on {first}")
        params = {"collectionHash": collection_hash}
        if first is not None:
            params["startDate"] = first.isoformat()
        if last is not None:
            params["endDate"] = last.isoformat()
        if include_pages:
            # Sent and signed as this exact text, not as Python's "True".
            params["includePageStats"] = "true"
        return CollectionStats.from_api(
            await self._request("collection.getStats", **params),
            include_pages=include_pages,
        )

    async def _request(self, action: str, **params: str) -> Any:
        """Call an API action and return the `data` of its answer.

        Args:
            action: The API method, such as `user.getStats`.
            **params: The parameters of the action, besides the mandatory ones.

        Returns:
            The `data` of the response envelope, or None when it has none.

        Raises:
            FlipsnackError: The call failed; the subclass tells why.
        """
        query = {"action": action, "apiKey": self._api_key, **params}
        query["signature"] = sign(self._api_secret, query)
        secrets = (self._api_key, self._api_secret, query["signature"])

        if self._request_gate is not None:
            await self._request_gate()
        LOGGER.debug("Calling Flipsnack action %s", action)
        http_status, body = await self._fetch(action, query, secrets)
        parsed = _parse_envelope(body)
        if parsed is None:
            if http_status >= HTTPStatus.BAD_REQUEST:
                raise FlipsnackResponseError(
                    f"Flipsnack answered {action} with HTTP status {http_status}"
                    " and no API response"
                )
            raise FlipsnackResponseError(
                f"Flipsnack answered {action} with something that is not"
                " an API response"
            )
        code, envelope = parsed
        LOGGER.debug("Flipsnack answered %s with code %s", action, code)
        if code == StatusCode.OK:
            return envelope.get("data")

        status = envelope.get("status")
        if not isinstance(status, str):
            status = "no status text"
        error = _ERRORS_BY_CODE.get(code, FlipsnackRequestError)
        raise error(code, _redact(status, secrets))

    async def _fetch(
        self, action: str, query: dict[str, str], secrets: tuple[str, ...]
    ) -> tuple[int, bytes]:
        """Send the request and return the HTTP status and the body."""
        try:
            async with (
                asyncio.timeout(self.request_timeout),
                self._session.get(self.base_url, params=query) as response,
            ):
                return response.status, await response.read()
        except TimeoutError:
            failure: FlipsnackError = FlipsnackConnectionError(
                f"Timeout while calling Flipsnack action {action}"
            )
        except aiohttp.ClientPayloadError as err:
            failure = FlipsnackResponseError(
                f"Flipsnack answered {action} with an incomplete body:"
                f" {_describe(err, secrets)}"
            )
        except aiohttp.ClientError as err:
            failure = FlipsnackConnectionError(
                f"Error while calling Flipsnack action {action}:"
                f" {_describe(err, secrets)}"
            )
        # aiohttp errors can show the request URL, which carries the API key and
        # the signature. Raising outside the except blocks leaves them out of both
        # __cause__ and __context__.
        raise failure


def _day_of(value: date) -> date:
    """Return the day of a date, or of a datetime as its own time zone has it."""
    return date(value.year, value.month, value.day)


def _parse_envelope(body: bytes) -> tuple[int, dict[str, Any]] | None:
    """Return the code and the envelope a response body holds, if it is one."""
    try:
        envelope = json.loads(body)
    except ValueError:
        return None
    if not isinstance(envelope, dict):
        return None
    code = envelope.get("code")
    if isinstance(code, str) and code.strip().isdecimal():
        return int(code), envelope
    # bool is an int subclass, but True is no status code.
    if isinstance(code, int) and not isinstance(code, bool):
        return code, envelope
    return None


def _describe(err: aiohttp.ClientError, secrets: tuple[str, ...]) -> str:
    """Describe an aiohttp error without the credentials it may contain."""
    return f"{type(err).__name__}: {_redact(str(err), secrets)}"


def _redact(text: str, secrets: tuple[str, ...]) -> str:
    """Replace every secret in a text, also as a URL query shows it."""
    for secret in secrets:
        # An empty secret would match between every two characters.
        if not secret:
            continue
        in_query = URL.build(query={"": secret}).raw_query_string.removeprefix("=")
        text = text.replace(secret, REDACTED).replace(in_query, REDACTED)
    return text
