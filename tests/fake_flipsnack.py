"""A fake Flipsnack API, served over a real loopback socket."""

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum, auto
import hashlib
import itertools
import json
import re
import time
from typing import Any

from aiohttp import web

# The docs' user.getStats example; its last two values were not legible.
DEFAULT_STATS: Mapping[str, int] = {
    "impressions": 2945,
    "views": 3719,
    "time_spent": 154,
    "downloads": 27,
    "api_uploads_left": 996,
}

REQUESTS_PER_SECOND = 5
REQUESTS_PER_MINUTE = 60

# collection.getList answers at most this many flipbooks per call by default, fewer
# than the client asks for, so that the client's paging is exercised. Flipsnack's own
# cap is not documented: `list_page_cap` sets another.
LIST_PAGE_CAP = 50

FLIPBOOK_STATUSES = ("public", "unlisted", "editable")

# The day `add_flipbook(totals=...)` and `add_flipbooks` put their figures on.
FIGURES_DAY = date(2026, 1, 15)

HTML_PAGE = "<!DOCTYPE html><html><body><h1>We'll be right back</h1></body></html>"


@dataclass(frozen=True, kw_only=True)
class FakeOrderItem:
    """One line of an order: a product of a shoppable catalog.

    Flipsnack's docs name an item's sku and name; their table of the other keys is
    partly unreadable, so the fake posts the quantity as `quantity` and the unit price
    as `price`, the names the integration reads first. Unpriced catalogs post neither
    price nor total.
    """

    sku: str
    name: str
    quantity: int = 1
    price: float | None = None


def order_post(
    order_id: str,
    items: Iterable[FakeOrderItem],
    /,
    *,
    buyer: Mapping[str, str],
    currency: str | None = None,
    submitted_at: datetime | None = None,
    **changes: Any,
) -> dict[str, Any]:
    """Return an order as Flipsnack posts it to the workspace's webhook.

    As Flipsnack documents it (Webhooks > Orders): `type` "orders", `order_id` (text),
    `timestamp` (a number), `datetime` (UTC text), `custom_fields` (a list of
    `field_name` and `field_value`: what the seller's order form asks of the buyer),
    `items`, and `total_price` (a number) and `currency` only when the items have
    prices. `changes` set or replace keys as they are (order_id and items too), for
    posts Flipsnack would not send; a value of ... removes the key.
    """
    now = submitted_at or datetime.now(UTC)
    lines = list(items)
    post: dict[str, Any] = {
        "type": "orders",
        "order_id": order_id,
        "timestamp": int(now.timestamp()),
        "datetime": now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        "custom_fields": [
            {"field_name": name, "field_value": value} for name, value in buyer.items()
        ],
        "items": [
            {"sku": item.sku, "name": item.name, "quantity": item.quantity}
            | ({} if item.price is None else {"price": item.price})
            for item in lines
        ],
    }
    if all(item.price is not None for item in lines) and lines:
        post["total_price"] = round(
            sum(item.price * item.quantity for item in lines if item.price), 2
        )
        post["currency"] = currency or "EUR"
    post.update(changes)
    return {key: value for key, value in post.items() if value is not ...}


def _monotonic() -> float:
    """Read the monotonic clock, looked up at each call so that a frozen one applies."""
    return time.monotonic()


def signature_for(secret: str, params: Mapping[str, str]) -> str:
    """Sign parameters the way the Flipsnack docs describe it.

    Written apart from the client's `sign()`, so that the fake checks the client
    instead of agreeing with it by construction.
    """
    text = secret + "".join(
        name + params[name]
        for name in sorted(params)
        if name not in ("signature", "file")
    )
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


class FakeMode(StrEnum):
    """How the fake answers, on top of its normal checks."""

    NORMAL = auto()
    MAINTENANCE = auto()  # code 22 once the credentials check out
    HTTP_500 = auto()  # a plain-text HTTP 500 page, no envelope
    HTML = auto()  # an HTML page with HTTP 200
    TRUNCATED_JSON = auto()  # the connection drops halfway through the envelope


class ListFault(StrEnum):
    """A way collection.getList misbehaves, to test the client's guards."""

    REPEAT_FIRST_PAGE = auto()  # answers the first page, whatever `from` says
    STOP_SHORT = auto()  # answers no flipbooks when `from` is past 0


@dataclass(slots=True)
class FakeFigures:
    """The statistics figures of a flipbook, for one day or summed over days."""

    impressions: int = 0
    views: int = 0
    time_spent: int = 0  # seconds
    downloads: int = 0

    def add(self, other: FakeFigures) -> None:
        """Add the figures of another day to these."""
        self.impressions += other.impressions
        self.views += other.views
        self.time_spent += other.time_spent
        self.downloads += other.downloads


@dataclass(slots=True)
class FakeFlipbook:
    """A flipbook (a collection, in the API's words) of a fake account.

    Attributes:
        hash: The `collectionHash`.
        title: The `collectionTitle`.
        status: The `collectionStatus`: "public", "unlisted" or "editable".
        description: The `collectionDescription`.
        daily: The figures of each UTC day; days without figures are left out.
        pages: The per-page entries `includePageStats=true` answers, whatever
            the date range: dicts with page, views, clicks and time_spent.
    """

    hash: str
    title: str
    status: str = "public"
    description: str = ""
    daily: dict[date, FakeFigures] = field(default_factory=dict)
    pages: list[dict[str, int]] = field(default_factory=list)

    def totals(
        self,
        start: date | None = None,
        end: date | None = None,
        *,
        end_included: bool = True,
    ) -> FakeFigures:
        """Sum the figures of the days from start to end.

        A missing start or end leaves that side of the range open; end is one of
        the days unless end_included is False.
        """
        totals = FakeFigures()
        for day, figures in self.daily.items():
            if start is not None and day < start:
                continue
            if end is not None and (day > end or (day == end and not end_included)):
                continue
            totals.add(figures)
        return totals

    def list_entry(self) -> dict[str, str]:
        """Return the flipbook as an element of `data.collections`."""
        return {
            "collectionHash": self.hash,
            "collectionTitle": self.title,
            "collectionStatus": self.status,
            "collectionDescription": self.description,
        }


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """A request as the fake received it."""

    method: str
    path: str
    params: dict[str, str]  # the query string
    # When it arrived, by the monotonic clock (frozen in tests that freeze time).
    at: float = field(default=0.0, compare=False)


@dataclass(slots=True)
class FakeAccount:
    """An account the fake knows."""

    api_key: str
    api_secret: str
    stats: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_STATS))
    call_times: deque[float] = field(default_factory=deque)
    # By hash; the insertion order is the order collection.getList lists them in.
    flipbooks: dict[str, FakeFlipbook] = field(default_factory=dict)


class FakeApiError(Exception):
    """Makes the fake answer with an error envelope."""

    def __init__(self, code: int, status: str) -> None:
        """Initialize the error envelope."""
        super().__init__(code, status)
        self.code = code
        self.status = status


type ActionHandler = Callable[[FakeAccount, dict[str, str]], Awaitable[Any]]


class FakeFlipsnack:
    """A Flipsnack API on 127.0.0.1 that behaves as the docs describe.

    Attributes:
        accounts: The known accounts by API key.
        requests: Every request received, in order.
        mode: How to answer; see `FakeMode`.
        delay: Seconds to wait before answering.
        data_override: If not None, sent as the `data` of successful answers.
        envelope_override: If not None, sent as the whole JSON body of every
            answer, after the request is recorded and delayed.
        http_status: The HTTP status that comes with JSON answers.
        list_fault: If not None, how collection.getList misbehaves.
        end_date_inclusive: Whether collection.getStats counts the day `endDate`
            names; Flipsnack does not document it, so the tests run both ways.
            Its days are UTC days.
        action_errors: By action: the error it answers with once a call passes the
            checks, as in maintenance; the other actions answer normally.
        stats_errors: By flipbook hash: the error collection.getStats answers for
            it, such as code 43 or 46, while collection.getList still lists it.
        list_page_cap: The most flipbooks collection.getList answers a call;
            Flipsnack does not document its own, so it may be fewer than asked for.
        clock: The time source of the rate limits; tests may replace it.
        actions: The handler of each action; tests may wrap or replace them.
    """

    def __init__(self) -> None:
        """Initialize the fake; `start()` serves it."""
        self.accounts: dict[str, FakeAccount] = {}
        self.requests: list[RecordedRequest] = []
        self.mode = FakeMode.NORMAL
        self.delay = 0.0
        self.data_override: Any = None
        self.envelope_override: Any = None
        self.http_status = 200
        self.list_fault: ListFault | None = None
        self.list_page_cap = LIST_PAGE_CAP
        self.end_date_inclusive = True
        self.action_errors: dict[str, FakeApiError] = {}
        self.stats_errors: dict[str, FakeApiError] = {}
        self.clock: Callable[[], float] = _monotonic
        self.actions: dict[str, ActionHandler] = {
            "user.getStats": self._user_get_stats,
            "collection.getList": self._collection_get_list,
            "collection.getStats": self._collection_get_stats,
        }
        self._runner: web.AppRunner | None = None
        self._port = 0

    @property
    def url(self) -> str:
        """The base URL of the API."""
        return f"http://127.0.0.1:{self._port}/v1/"

    def add_account(
        self, api_key: str, api_secret: str, stats: dict[str, Any] | None = None
    ) -> FakeAccount:
        """Make an account known, with the docs' example totals by default."""
        account = FakeAccount(api_key, api_secret)
        if stats is not None:
            account.stats = dict(stats)
        self.accounts[api_key] = account
        return account

    def add_flipbook(
        self,
        api_key: str,
        *,
        hash: str,  # noqa: A002 - the name the API gives it
        title: str,
        status: str = "public",
        description: str = "",
        daily: Mapping[date, FakeFigures] | None = None,
        totals: FakeFigures | None = None,
        pages: Iterable[Mapping[str, int]] | None = None,
    ) -> FakeFlipbook:
        """Give an account a flipbook, listed after the ones it has.

        Args:
            api_key: The API key of the account.
            hash: The `collectionHash`; one the account has is replaced.
            title: The `collectionTitle`.
            status: The `collectionStatus`.
            description: The `collectionDescription`.
            daily: The figures of each UTC day.
            totals: Figures to put on `FIGURES_DAY`, instead of `daily`.
            pages: The per-page entries of `includePageStats=true`.
        """
        if daily is not None and totals is not None:
            msg = "give daily or totals, not both"
            raise ValueError(msg)
        days = dict(daily or {})
        if totals is not None:
            days[FIGURES_DAY] = totals
        flipbook = FakeFlipbook(
            hash=hash,
            title=title,
            status=status,
            description=description,
            daily=days,
            pages=[dict(page) for page in pages or ()],
        )
        flipbooks = self.accounts[api_key].flipbooks
        flipbooks.pop(hash, None)
        flipbooks[hash] = flipbook
        return flipbook

    def add_flipbooks(
        self,
        api_key: str,
        count: int,
        *,
        status_cycle: Iterable[str] = FLIPBOOK_STATUSES,
    ) -> list[FakeFlipbook]:
        """Give an account `count` made-up flipbooks, the same ones every time.

        The n-th flipbook the account has (from 1) is titled "Flipbook n", has a
        hash derived from the API key and n, the next status of `status_cycle`,
        figures n, 2n, 3n and n % 7 on `FIGURES_DAY`, and two pages of figures.
        """
        flipbooks = self.accounts[api_key].flipbooks
        statuses = itertools.cycle(status_cycle)
        added = []
        number = len(flipbooks)
        while len(added) < count:
            number += 1
            digest = hashlib.sha256(f"{api_key}/{number}".encode()).hexdigest()
            if digest[:10] in flipbooks:
                continue
            added.append(
                self.add_flipbook(
                    api_key,
                    hash=digest[:10],
                    title=f"Flipbook {number}",
                    status=next(statuses),
                    description=f"Made-up flipbook number {number}",
                    totals=FakeFigures(
                        impressions=3 * number,
                        views=2 * number,
                        time_spent=number,
                        downloads=number % 7,
                    ),
                    pages=[
                        {"page": 1, "views": number, "clicks": 1, "time_spent": 10},
                        {"page": 2, "views": 1, "clicks": 0, "time_spent": 5},
                    ],
                )
            )
        return added

    def remove_flipbook(self, api_key: str, hash: str) -> None:  # noqa: A002
        """Delete a flipbook of an account; it must have it."""
        del self.accounts[api_key].flipbooks[hash]

    def reset(self) -> None:
        """Forget the requests and rate limit windows, and answer normally again."""
        self.requests.clear()
        self.mode = FakeMode.NORMAL
        self.delay = 0.0
        self.data_override = None
        self.envelope_override = None
        self.http_status = 200
        self.list_fault = None
        self.end_date_inclusive = True
        self.action_errors.clear()
        self.stats_errors.clear()
        for account in self.accounts.values():
            account.call_times.clear()

    def add_routes(self, app: web.Application) -> None:
        """Answer the API's calls on `app`, at /v1/ (and /v1) of its server.

        `start()` serves the fake on a free port of its own; a server that needs
        another port or more routes next to the API, such as the demo Flipsnack of
        `scripts/develop`, makes its own app and lets the fake answer there.
        """
        app.router.add_route("*", "/v1/", self._handle)
        app.router.add_route("*", "/v1", self._handle)

    async def start(self) -> None:
        """Serve the API on a free port of 127.0.0.1."""
        app = web.Application()
        self.add_routes(app)
        # The access log would print the query string: the key and the signature.
        # Cancelling handlers when the client goes away ends delayed answers of
        # timed-out calls instead of leaving them to run past the test.
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        """Answer a call."""
        params = dict(request.query)
        self.requests.append(
            RecordedRequest(request.method, request.path, params, _monotonic())
        )
        if self.delay:
            await asyncio.sleep(self.delay)

        if self.mode is FakeMode.HTTP_500:
            return web.Response(status=500, text="500 Internal Server Error")
        if self.mode is FakeMode.HTML:
            return web.Response(text=HTML_PAGE, content_type="text/html")

        envelope = self.envelope_override
        if envelope is None:
            try:
                data = await self._answer(request.method, params)
            except FakeApiError as err:
                envelope = {"code": err.code, "status": err.status}
            else:
                envelope = {"code": 20, "status": "OK", "data": data}
        body = json.dumps(envelope).encode()

        if self.mode is FakeMode.TRUNCATED_JSON:
            return await self._send_truncated(request, body)
        return web.Response(
            status=self.http_status, body=body, content_type="application/json"
        )

    async def _answer(self, method: str, params: dict[str, str]) -> Any:
        """Check a call in the order Flipsnack does and return its `data`.

        Raises:
            FakeApiError: The call fails with the error code of the first check
                it does not pass.
        """
        if method != "GET":
            raise FakeApiError(40, "Bad request")
        if any(not params.get(name) for name in ("action", "apiKey", "signature")):
            raise FakeApiError(30, "Missing mandatory parameter")
        account = self.accounts.get(params["apiKey"])
        if account is None:
            raise FakeApiError(41, "Invalid credentials")
        calls_per_second, calls_per_minute = self._count_call(account)
        if params["signature"] != signature_for(account.api_secret, params):
            raise FakeApiError(44, "Invalid signature")
        handler = self.actions.get(params["action"])
        if handler is None:
            raise FakeApiError(42, "Invalid action")
        if calls_per_second > REQUESTS_PER_SECOND:
            raise FakeApiError(31, "Requests per second limit exceeded")
        if calls_per_minute > REQUESTS_PER_MINUTE:
            raise FakeApiError(32, "Requests per minute limit exceeded")
        if self.mode is FakeMode.MAINTENANCE:
            raise FakeApiError(22, "Maintenance mode")
        if (error := self.action_errors.get(params["action"])) is not None:
            raise FakeApiError(error.code, error.status)
        data = await handler(account, params)
        return data if self.data_override is None else self.data_override

    def _count_call(self, account: FakeAccount) -> tuple[int, int]:
        """Count a call of the account; return the calls of the last second and minute.

        Every call with a known API key counts, whatever its answer.
        """
        now = self.clock()
        call_times = account.call_times
        while call_times and call_times[0] <= now - 60:
            call_times.popleft()
        call_times.append(now)
        return sum(1 for t in call_times if t > now - 1), len(call_times)

    async def _user_get_stats(
        self,
        account: FakeAccount,
        params: dict[str, str],
    ) -> dict[str, Any]:
        """Answer `user.getStats` with the account's totals."""
        return dict(account.stats)

    async def _collection_get_list(
        self,
        account: FakeAccount,
        params: dict[str, str],
    ) -> dict[str, Any]:
        """Answer `collection.getList` with one page of the account's flipbooks.

        `from` is the 0-based index of the first flipbook to answer and `to` the
        index after the last one; they default to 0 and `from` + list_page_cap, and
        at most list_page_cap flipbooks are answered. `collectionCount` counts every
        flipbook. The integration sends no filter, so the fake knows none.
        """
        flipbooks = list(account.flipbooks.values())
        first = _read_index(params, "from", 0)
        end = _read_index(params, "to", first + self.list_page_cap)
        if end < first:
            raise FakeApiError(40, "Bad request")
        if self.list_fault is ListFault.REPEAT_FIRST_PAGE:
            end -= first
            first = 0
        elif self.list_fault is ListFault.STOP_SHORT and first > 0:
            end = first
        end = min(end, first + self.list_page_cap)
        return {
            "collectionCount": len(flipbooks),
            "collections": [book.list_entry() for book in flipbooks[first:end]],
        }

    async def _collection_get_stats(
        self,
        account: FakeAccount,
        params: dict[str, str],
    ) -> dict[str, Any]:
        """Answer `collection.getStats` with a flipbook's figures.

        The figures are summed over the UTC days from `startDate` to `endDate`;
        `endDate` counts unless `end_date_inclusive` is False, when a range that
        ends where it starts holds no day. Either date may be left out, to leave
        that side open.
        """
        collection_hash = params.get("collectionHash")
        if not collection_hash:
            raise FakeApiError(30, "Missing mandatory parameter")
        if (error := self.stats_errors.get(collection_hash)) is not None:
            raise FakeApiError(error.code, error.status)
        flipbook = account.flipbooks.get(collection_hash)
        if flipbook is None:
            raise FakeApiError(43, "Forbidden")
        start = _read_date(params, "startDate")
        end = _read_date(params, "endDate")
        if start is not None and end is not None and end < start:
            raise FakeApiError(40, "Bad request")
        include_pages = params.get("includePageStats", "false")
        if include_pages not in {"true", "false"}:
            raise FakeApiError(40, "Bad request")
        totals = flipbook.totals(start, end, end_included=self.end_date_inclusive)
        data: dict[str, Any] = {
            "impressions": totals.impressions,
            "views": totals.views,
            "time_spent": totals.time_spent,
            "likes": 0,  # deprecated, and still answered
            "downloads": totals.downloads,
        }
        if include_pages == "true":
            data["pages"] = [dict(page) for page in flipbook.pages]
        return data

    async def _send_truncated(
        self, request: web.Request, body: bytes
    ) -> web.StreamResponse:
        """Promise the whole body, send half of it and close the connection."""
        response = web.StreamResponse(
            status=self.http_status, headers={"Content-Type": "application/json"}
        )
        response.content_length = len(body)
        response.force_close()
        await response.prepare(request)
        await response.write(body[: len(body) // 2])
        return response


def _read_index(params: dict[str, str], name: str, default: int) -> int:
    """Read a paging index, which must be a non-negative integer."""
    value = params.get(name)
    if value is None:
        return default
    if not (value.isascii() and value.isdigit()):
        raise FakeApiError(40, "Bad request")
    return int(value)


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _read_date(params: dict[str, str], name: str) -> date | None:
    """Read a date parameter, which must be `YYYY-MM-DD`."""
    value = params.get(name)
    if value is None:
        return None
    if _DATE.fullmatch(value) is None:
        raise FakeApiError(40, "Bad request")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FakeApiError(40, "Bad request") from None
