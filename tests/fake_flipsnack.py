"""A fake Flipsnack API, served over a real loopback socket."""

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum, auto
import hashlib
import json
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

HTML_PAGE = "<!DOCTYPE html><html><body><h1>We'll be right back</h1></body></html>"


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


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """A request as the fake received it."""

    method: str
    path: str
    params: dict[str, str]  # the query string


@dataclass(slots=True)
class FakeAccount:
    """An account the fake knows."""

    api_key: str
    api_secret: str
    stats: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_STATS))
    call_times: deque[float] = field(default_factory=deque)


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
        clock: The time source of the rate limits; tests may replace it.
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
        self.clock: Callable[[], float] = time.monotonic
        self.actions: dict[str, ActionHandler] = {
            "user.getStats": self._user_get_stats,
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

    def reset(self) -> None:
        """Forget the requests and rate limit windows, and answer normally again."""
        self.requests.clear()
        self.mode = FakeMode.NORMAL
        self.delay = 0.0
        self.data_override = None
        self.envelope_override = None
        self.http_status = 200
        for account in self.accounts.values():
            account.call_times.clear()

    async def start(self) -> None:
        """Serve the API on a free port of 127.0.0.1."""
        app = web.Application()
        app.router.add_route("*", "/v1/", self._handle)
        app.router.add_route("*", "/v1", self._handle)
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
        self.requests.append(RecordedRequest(request.method, request.path, params))
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
