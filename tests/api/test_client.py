"""Tests for the Flipsnack API client, against the fake API over a real socket."""

from collections.abc import Awaitable
from datetime import UTC, date, datetime
import hashlib
import itertools
import logging
import socket
import traceback
from typing import Any

import aiohttp
import pytest

from custom_components.flipsnack.api import (
    DEFAULT_BASE_URL,
    DEFAULT_REQUEST_TIMEOUT,
    CollectionStats,
    Flipbook,
    FlipbookStatus,
    FlipsnackApiError,
    FlipsnackAuthenticationError,
    FlipsnackClient,
    FlipsnackConnectionError,
    FlipsnackError,
    FlipsnackFlipbookNotFoundError,
    FlipsnackInvalidApiKeyError,
    FlipsnackInvalidSignatureError,
    FlipsnackMaintenanceError,
    FlipsnackRateLimitError,
    FlipsnackRequestError,
    FlipsnackResponseError,
    PageStats,
    UserStats,
    client as client_module,
)
from tests import add_book_with_days
from tests.const import API_KEY, API_SECRET
from tests.fake_flipsnack import (
    FakeApiError,
    FakeFlipbook,
    FakeFlipsnack,
    FakeMode,
    ListFault,
    RecordedRequest,
)

STATS = {
    "impressions": 10,
    "views": 20,
    "time_spent": 30,
    "downloads": 40,
    "api_uploads_left": 50,
}


def _signature(
    api_key: str = API_KEY, api_secret: str = API_SECRET, action: str = "user.getStats"
) -> str:
    """Return the signature of a call without parameters of its own, spelled out."""
    text = f"{api_secret}action{action}apiKey{api_key}"
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


@pytest.fixture
def client(
    fake_flipsnack: FakeFlipsnack, session: aiohttp.ClientSession
) -> FlipsnackClient:
    """Return a client of the test account on the fake API."""
    return FlipsnackClient(
        API_KEY, API_SECRET, session=session, base_url=fake_flipsnack.url
    )


def assert_reveals_no_secrets(
    error: BaseException, log_text: str, secrets: tuple[str, ...]
) -> None:
    """Check that neither an error, the errors it chains nor the log hold a secret."""
    texts = [log_text, "".join(traceback.format_exception(error))]
    chained: list[BaseException | None] = [error]
    while chained:
        link = chained.pop()
        if link is not None:
            texts += [str(link), repr(link)]
            chained += [link.__cause__, link.__context__]
    # An empty secret is in every text, and has nothing to reveal.
    for secret in filter(None, secrets):
        for text in texts:
            assert secret not in text


async def fails_with[ErrorT: FlipsnackError](
    call: Awaitable[Any],
    expected: type[ErrorT],
    caplog: pytest.LogCaptureFixture,
    *,
    api_key: str = API_KEY,
    api_secret: str = API_SECRET,
    action: str = "user.getStats",
    fake: FakeFlipsnack | None = None,
) -> ErrorT:
    """Await a call that must fail, and check that the failure reveals no secret.

    Every error test goes through here, so every error path is checked. With the
    fake, the signature of every request it received is checked too, for calls
    with parameters of their own.
    """
    caplog.set_level(logging.DEBUG)
    with pytest.raises(expected) as exc_info:
        await call
    # The check below means something only if the client's log was captured.
    assert f"Calling Flipsnack action {action}" in caplog.text
    secrets = (api_key, api_secret, _signature(api_key, api_secret, action))
    if fake is not None:
        assert fake.requests
        secrets += tuple(request.params["signature"] for request in fake.requests)
    assert_reveals_no_secrets(exc_info.value, caplog.text, secrets)
    return exc_info.value


async def test_user_stats(
    fake_flipsnack: FakeFlipsnack, client: FlipsnackClient
) -> None:
    """The account totals are read from user.getStats."""
    fake_flipsnack.accounts[API_KEY].stats = dict(STATS)

    assert await client.user_stats() == UserStats(**STATS)


async def test_request_is_a_signed_get(
    fake_flipsnack: FakeFlipsnack, client: FlipsnackClient
) -> None:
    """A call is a GET of the base URL with action, apiKey and signature only."""
    await client.user_stats()

    assert fake_flipsnack.requests == [
        RecordedRequest(
            method="GET",
            path="/v1/",
            params={
                "action": "user.getStats",
                "apiKey": API_KEY,
                "signature": _signature(),
            },
        )
    ]


async def test_non_ascii_value_signs_as_utf8(
    fake_flipsnack: FakeFlipsnack, client: FlipsnackClient
) -> None:
    """A non-ASCII value arrives intact, and its UTF-8 signature is accepted."""
    data = await client._request("user.getStats", query="Café ☕")

    assert data == fake_flipsnack.accounts[API_KEY].stats
    params = fake_flipsnack.requests[0].params
    assert params["query"] == "Café ☕"
    text = f"{API_SECRET}actionuser.getStatsapiKey{API_KEY}queryCafé ☕"
    expected = hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()
    assert params["signature"] == expected


def test_defaults(session: aiohttp.ClientSession) -> None:
    """The client calls the public API, with a timeout, unless told otherwise."""
    client = FlipsnackClient(API_KEY, API_SECRET, session=session)

    assert client.base_url == DEFAULT_BASE_URL == "https://api.flipsnack.com/v1/"
    assert client.request_timeout == DEFAULT_REQUEST_TIMEOUT == 10.0


def test_repr_reveals_no_secrets(session: aiohttp.ClientSession) -> None:
    """The repr shows the base URL, and neither the key nor the secret."""
    client = FlipsnackClient(API_KEY, API_SECRET, session=session)

    assert repr(client) == "FlipsnackClient(base_url='https://api.flipsnack.com/v1/')"


async def test_session_stays_open(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    session: aiohttp.ClientSession,
) -> None:
    """The session belongs to the caller: neither success nor failure closes it."""
    await client.user_stats()
    fake_flipsnack.mode = FakeMode.HTML
    with pytest.raises(FlipsnackResponseError):
        await client.user_stats()

    assert not session.closed


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (22, FlipsnackMaintenanceError),
        (30, FlipsnackRequestError),
        (31, FlipsnackRateLimitError),
        (32, FlipsnackRateLimitError),
        (33, FlipsnackRequestError),
        (40, FlipsnackRequestError),
        (41, FlipsnackInvalidApiKeyError),
        (42, FlipsnackRequestError),
        (43, FlipsnackFlipbookNotFoundError),
        (44, FlipsnackInvalidSignatureError),
        (46, FlipsnackFlipbookNotFoundError),
        (99, FlipsnackRequestError),
    ],
)
async def test_error_codes(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    caplog: pytest.LogCaptureFixture,
    code: int,
    expected: type[FlipsnackApiError],
) -> None:
    """Each error code raises its own exception, with the server's status text."""
    fake_flipsnack.envelope_override = {"code": code, "status": "Server text"}

    error = await fails_with(client.user_stats(), expected, caplog)

    assert type(error) is expected
    assert error.code == code
    assert error.status == "Server text"
    assert str(error) == f"Flipsnack API returned code {code}: Server text"


@pytest.mark.parametrize("code", [41, 44])
async def test_authentication_errors_share_a_base(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    caplog: pytest.LogCaptureFixture,
    code: int,
) -> None:
    """A wrong key and a wrong secret can be caught together."""
    fake_flipsnack.envelope_override = {"code": code, "status": "Refused"}

    await fails_with(client.user_stats(), FlipsnackAuthenticationError, caplog)


@pytest.mark.parametrize(("code", "retry_after"), [(31, 1.0), (32, 60.0)])
async def test_rate_limit_tells_when_to_retry(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    caplog: pytest.LogCaptureFixture,
    code: int,
    retry_after: float,
) -> None:
    """The wait matches the window that was exceeded."""
    fake_flipsnack.envelope_override = {"code": code, "status": "Slow down"}

    error = await fails_with(client.user_stats(), FlipsnackRateLimitError, caplog)

    assert error.retry_after == retry_after


async def test_unknown_api_key(
    fake_flipsnack: FakeFlipsnack,
    session: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The fake rejects an API key it does not know with code 41."""
    client = FlipsnackClient(
        "unknown-key", API_SECRET, session=session, base_url=fake_flipsnack.url
    )

    error = await fails_with(
        client.user_stats(), FlipsnackInvalidApiKeyError, caplog, api_key="unknown-key"
    )

    assert error.code == 41


async def test_wrong_api_secret(
    fake_flipsnack: FakeFlipsnack,
    session: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The fake rejects a signature made with another secret with code 44."""
    client = FlipsnackClient(
        API_KEY, "wrong-secret", session=session, base_url=fake_flipsnack.url
    )

    error = await fails_with(
        client.user_stats(),
        FlipsnackInvalidSignatureError,
        caplog,
        api_secret="wrong-secret",
    )

    assert error.code == 44


async def test_empty_api_secret_leaves_messages_intact(
    fake_flipsnack: FakeFlipsnack,
    session: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Redacting an empty secret does not garble the message."""
    client = FlipsnackClient(API_KEY, "", session=session, base_url=fake_flipsnack.url)

    error = await fails_with(
        client.user_stats(), FlipsnackInvalidSignatureError, caplog, api_secret=""
    )

    assert str(error) == "Flipsnack API returned code 44: Invalid signature"


async def test_unknown_action(
    client: FlipsnackClient, caplog: pytest.LogCaptureFixture
) -> None:
    """The fake answers an action it does not know with code 42."""
    error = await fails_with(
        client._request("user.getNothing"),
        FlipsnackRequestError,
        caplog,
        action="user.getNothing",
    )

    assert error.code == 42


async def test_maintenance(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The fake in maintenance answers with code 22."""
    fake_flipsnack.mode = FakeMode.MAINTENANCE

    error = await fails_with(client.user_stats(), FlipsnackMaintenanceError, caplog)

    assert error.code == 22
    assert error.status == "Maintenance mode"


async def test_requests_per_second_exceeded(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The sixth call within a second is refused with code 31."""
    fake_flipsnack.clock = lambda: 100.0
    for _ in range(5):
        await client.user_stats()

    error = await fails_with(client.user_stats(), FlipsnackRateLimitError, caplog)

    assert error.code == 31
    assert error.retry_after == 1.0


async def test_requests_per_minute_exceeded(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The 61st call within a minute is refused with code 32."""
    ticks = itertools.count()
    fake_flipsnack.clock = lambda: next(ticks) * 0.5  # two calls a second
    for _ in range(60):
        await client.user_stats()

    error = await fails_with(client.user_stats(), FlipsnackRateLimitError, caplog)

    assert error.code == 32
    assert error.retry_after == 60.0


@pytest.mark.parametrize("code", ["41", " 41 "])
async def test_numeric_string_code(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    caplog: pytest.LogCaptureFixture,
    code: str,
) -> None:
    """A code sent as a numeric string counts like the number."""
    fake_flipsnack.envelope_override = {"code": code, "status": "Invalid credentials"}

    error = await fails_with(client.user_stats(), FlipsnackInvalidApiKeyError, caplog)

    assert error.code == 41


async def test_numeric_string_ok_code(
    fake_flipsnack: FakeFlipsnack, client: FlipsnackClient
) -> None:
    """A success code sent as a string still returns the data."""
    fake_flipsnack.envelope_override = {"code": "20", "status": "OK", "data": STATS}

    assert await client.user_stats() == UserStats(**STATS)


@pytest.mark.parametrize("envelope", [{"code": 42}, {"code": 42, "status": 7}])
async def test_error_without_status_text(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    caplog: pytest.LogCaptureFixture,
    envelope: dict[str, Any],
) -> None:
    """An error without a status text gets a generic one."""
    fake_flipsnack.envelope_override = envelope

    error = await fails_with(client.user_stats(), FlipsnackRequestError, caplog)

    assert str(error) == "Flipsnack API returned code 42: no status text"


async def test_status_text_is_redacted(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Credentials the server echoes in its status text are redacted."""
    fake_flipsnack.envelope_override = {
        "code": 41,
        "status": f"Key {API_KEY}, secret {API_SECRET}, signature {_signature()}",
    }

    error = await fails_with(client.user_stats(), FlipsnackInvalidApiKeyError, caplog)

    assert error.status == (
        "Key **REDACTED**, secret **REDACTED**, signature **REDACTED**"
    )


@pytest.mark.parametrize("http_status", [403, 503])
async def test_code_is_read_whatever_the_http_status(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    caplog: pytest.LogCaptureFixture,
    http_status: int,
) -> None:
    """An envelope sent with an HTTP error status still tells what went wrong."""
    fake_flipsnack.mode = FakeMode.MAINTENANCE
    fake_flipsnack.http_status = http_status

    await fails_with(client.user_stats(), FlipsnackMaintenanceError, caplog)


async def test_success_without_data(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A success without `data` returns None, which user_stats cannot use."""
    fake_flipsnack.envelope_override = {"code": 20, "status": "OK"}

    assert await client._request("user.getStats") is None
    error = await fails_with(client.user_stats(), FlipsnackResponseError, caplog)

    assert str(error) == (
        "Field 'data' of the user.getStats response is not an object: None"
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({**STATS, "views": "many"}, "views"),
        ({**STATS, "downloads": -1}, "downloads"),
        ({**STATS, "time_spent": None}, "time_spent"),
        ({"impressions": 1}, "views"),
        ([STATS], "data"),
    ],
)
async def test_invalid_stats(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    caplog: pytest.LogCaptureFixture,
    data: Any,
    field: str,
) -> None:
    """Stats of the wrong type or shape raise an error that names the field."""
    fake_flipsnack.data_override = data

    error = await fails_with(client.user_stats(), FlipsnackResponseError, caplog)

    assert f"Field '{field}'" in str(error)


async def test_http_error_without_envelope(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An HTTP 500 page is no API response; the error tells the HTTP status."""
    fake_flipsnack.mode = FakeMode.HTTP_500

    error = await fails_with(client.user_stats(), FlipsnackResponseError, caplog)

    assert "HTTP status 500" in str(error)


async def test_wrong_base_url(
    fake_flipsnack: FakeFlipsnack,
    session: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A base URL the API does not serve gives a 404 page, no API response."""
    client = FlipsnackClient(
        API_KEY, API_SECRET, session=session, base_url=f"{fake_flipsnack.url}wrong/"
    )

    error = await fails_with(client.user_stats(), FlipsnackResponseError, caplog)

    assert "HTTP status 404" in str(error)


async def test_html_page(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An HTML page with HTTP 200 is no API response."""
    fake_flipsnack.mode = FakeMode.HTML

    error = await fails_with(client.user_stats(), FlipsnackResponseError, caplog)

    assert "not an API response" in str(error)


async def test_truncated_json(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A body cut off before its announced length is a response error."""
    fake_flipsnack.mode = FakeMode.TRUNCATED_JSON

    error = await fails_with(client.user_stats(), FlipsnackResponseError, caplog)

    assert "incomplete body" in str(error)


@pytest.mark.parametrize(
    "body",
    [
        [],
        "OK",
        20,
        {"status": "OK", "data": STATS},
        {"code": True, "status": "OK"},
        {"code": 20.0, "status": "OK"},
        {"code": "twenty", "status": "OK"},
        {"code": "-20", "status": "OK"},
    ],
)
async def test_json_that_is_no_envelope(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    caplog: pytest.LogCaptureFixture,
    body: Any,
) -> None:
    """JSON that is not an object with an integer code is no API response."""
    fake_flipsnack.envelope_override = body

    error = await fails_with(client.user_stats(), FlipsnackResponseError, caplog)

    assert "not an API response" in str(error)


async def test_timeout(
    fake_flipsnack: FakeFlipsnack,
    session: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A call that takes longer than the request timeout is a connection error."""
    fake_flipsnack.delay = 1.0
    client = FlipsnackClient(
        API_KEY,
        API_SECRET,
        session=session,
        base_url=fake_flipsnack.url,
        request_timeout=0.05,
    )

    error = await fails_with(client.user_stats(), FlipsnackConnectionError, caplog)

    assert "Timeout" in str(error)


@pytest.mark.usefixtures("socket_enabled")
async def test_connection_refused(
    session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing listening on the port is a connection error."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = FlipsnackClient(
        API_KEY, API_SECRET, session=session, base_url=f"http://127.0.0.1:{port}/v1/"
    )

    error = await fails_with(client.user_stats(), FlipsnackConnectionError, caplog)

    assert "ClientConnectorError" in str(error)


async def test_request_url_in_aiohttp_error_is_redacted(
    fake_flipsnack: FakeFlipsnack, caplog: pytest.LogCaptureFixture
) -> None:
    """An aiohttp error that shows the request URL has the credentials redacted.

    A header longer than the session allows makes aiohttp fail with an error
    that carries the URL, the API key and the signature in its query included.
    A key with characters that a URL encodes checks the encoded form as well.
    """
    api_key = "key+with/slash é"
    fake_flipsnack.add_account(api_key, API_SECRET)
    async with aiohttp.ClientSession(max_field_size=10) as session:
        with pytest.raises(aiohttp.ClientResponseError) as raw_error:
            await session.get(fake_flipsnack.url, params={"apiKey": api_key})
        assert "apiKey=key%2Bwith/slash+%C3%A9" in str(raw_error.value)

        client = FlipsnackClient(
            api_key, API_SECRET, session=session, base_url=fake_flipsnack.url
        )
        error = await fails_with(
            client.user_stats(), FlipsnackConnectionError, caplog, api_key=api_key
        )

    assert "apiKey=**REDACTED**&signature=**REDACTED**" in str(error)
    assert_reveals_no_secrets(error, caplog.text, ("key%2Bwith/slash+%C3%A9",))


@pytest.fixture
def no_rate_limit(fake_flipsnack: FakeFlipsnack) -> None:
    """Space the fake's calls a minute apart, so that no limit is reached."""
    ticks = itertools.count()
    fake_flipsnack.clock = lambda: next(ticks) * 60.0


def _paging(fake: FakeFlipsnack) -> list[tuple[str, str]]:
    """Return the `from` and `to` of every call the fake received."""
    return [(request.params["from"], request.params["to"]) for request in fake.requests]


def _as_flipbook(book: FakeFlipbook) -> Flipbook:
    """Return the flipbook the client should read from a fake one."""
    return Flipbook(
        hash=book.hash, title=book.title, status=FlipbookStatus(book.status)
    )


@pytest.mark.usefixtures("no_rate_limit")
async def test_collections_reads_every_page(
    fake_flipsnack: FakeFlipsnack, client: FlipsnackClient
) -> None:
    """Pages of 50 are read until the count is reached, each from the last one on."""
    books = fake_flipsnack.add_flipbooks(API_KEY, 230)

    flipbooks = await client.collections()

    assert flipbooks == [_as_flipbook(book) for book in books]
    assert _paging(fake_flipsnack) == [
        ("0", "100"),
        ("50", "150"),
        ("100", "200"),
        ("150", "250"),
        ("200", "300"),
    ]
    assert {request.params["action"] for request in fake_flipsnack.requests} == {
        "collection.getList"
    }
    assert client_module.PAGE_SIZE == 100


async def test_collections_takes_full_pages(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
) -> None:
    """A server that answers 100 a call is asked for 100 a call."""
    fake_flipsnack.list_page_cap = 1000
    books = fake_flipsnack.add_flipbooks(API_KEY, 150)

    assert await client.collections() == [_as_flipbook(book) for book in books]
    assert _paging(fake_flipsnack) == [("0", "100"), ("100", "200")]


async def test_collections_reads_the_status_and_titles(
    fake_flipsnack: FakeFlipsnack, client: FlipsnackClient
) -> None:
    """Each flipbook has its hash, title and status; unknown statuses are None."""
    fake_flipsnack.add_flipbook(API_KEY, hash="a", title="Public", status="public")
    fake_flipsnack.add_flipbook(API_KEY, hash="b", title="Draft", status="editable")
    fake_flipsnack.add_flipbook(API_KEY, hash="c", title="", status="archived")

    flipbooks = await client.collections()

    assert flipbooks == [
        Flipbook(hash="a", title="Public", status=FlipbookStatus.PUBLIC),
        Flipbook(hash="b", title="Draft", status=FlipbookStatus.EDITABLE),
        Flipbook(hash="c", title=None, status=None),
    ]
    assert [flipbook.published for flipbook in flipbooks] == [True, False, False]


async def test_collections_of_an_account_without_flipbooks(
    fake_flipsnack: FakeFlipsnack, client: FlipsnackClient
) -> None:
    """A count of 0 ends the listing after one call."""
    assert await client.collections() == []
    assert _paging(fake_flipsnack) == [("0", "100")]


@pytest.mark.usefixtures("no_rate_limit")
async def test_collections_drops_repeated_flipbooks(
    fake_flipsnack: FakeFlipsnack, client: FlipsnackClient
) -> None:
    """A server whose `from` counts from 1 repeats a flipbook per page; it is dropped."""
    books = fake_flipsnack.add_flipbooks(API_KEY, 120)
    list_from_zero = fake_flipsnack.actions["collection.getList"]

    async def list_from_one(account: Any, params: dict[str, str]) -> Any:
        first = max(int(params["from"]) - 1, 0)
        return await list_from_zero(account, {**params, "from": str(first)})

    fake_flipsnack.actions["collection.getList"] = list_from_one

    assert await client.collections() == [_as_flipbook(book) for book in books]
    # Each page after the first starts with the last flipbook of the one before.
    assert _paging(fake_flipsnack) == [("0", "100"), ("50", "150"), ("99", "199")]


async def test_collections_keeps_the_first_of_a_repeated_hash(
    fake_flipsnack: FakeFlipsnack, client: FlipsnackClient
) -> None:
    """Within a page too, the first flipbook with a hash counts, in its place."""
    fake_flipsnack.data_override = {
        "collectionCount": "2",
        "collections": [
            {"collectionHash": "a", "collectionTitle": "First"},
            {"collectionHash": "b", "collectionTitle": "B"},
            {"collectionHash": "a", "collectionTitle": "Second"},
        ],
    }

    assert await client.collections() == [
        Flipbook(hash="a", title="First", status=None),
        Flipbook(hash="b", title="B", status=None),
    ]


async def test_collections_signature_spelled_out(
    fake_flipsnack: FakeFlipsnack, client: FlipsnackClient
) -> None:
    """A listing sends the paging alone, signed in byte order of the names."""
    await client.collections()

    text = f"{API_SECRET}actioncollection.getListapiKey{API_KEY}from0to100"
    expected = hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()
    assert fake_flipsnack.requests[0].params == {
        "action": "collection.getList",
        "apiKey": API_KEY,
        "from": "0",
        "to": "100",
        "signature": expected,
    }


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (
            ListFault.REPEAT_FIRST_PAGE,
            "collection.getList repeats flipbooks it listed: 50 of 120 flipbooks listed",
        ),
        (
            ListFault.STOP_SHORT,
            "collection.getList stopped short: 50 of 120 flipbooks listed",
        ),
    ],
)
async def test_collections_needs_progress(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    caplog: pytest.LogCaptureFixture,
    fault: ListFault,
    message: str,
) -> None:
    """A call that lists no new flipbook before the count is reached is an error."""
    fake_flipsnack.add_flipbooks(API_KEY, 120)
    fake_flipsnack.list_fault = fault

    error = await fails_with(
        client.collections(),
        FlipsnackResponseError,
        caplog,
        action="collection.getList",
        fake=fake_flipsnack,
    )

    assert str(error) == message
    assert len(fake_flipsnack.requests) == 2


@pytest.mark.usefixtures("no_rate_limit")
async def test_collections_gives_up_after_max_pages(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A listing that needs more than MAX_LIST_PAGES calls is an error."""
    assert client_module.MAX_LIST_PAGES == 1000
    monkeypatch.setattr(client_module, "MAX_LIST_PAGES", 3)
    fake_flipsnack.list_page_cap = 2
    fake_flipsnack.add_flipbooks(API_KEY, 7)

    error = await fails_with(
        client.collections(),
        FlipsnackResponseError,
        caplog,
        action="collection.getList",
        fake=fake_flipsnack,
    )

    assert str(error) == (
        "collection.getList listed 6 of 7 flipbooks in 3 calls,"
        " and the client stops there"
    )
    assert _paging(fake_flipsnack) == [("0", "100"), ("2", "102"), ("4", "104")]


async def test_collections_with_a_count_that_changes(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A flipbook removed while the pages are read makes the listing fail."""
    books = fake_flipsnack.add_flipbooks(API_KEY, 60)
    list_normally = fake_flipsnack.actions["collection.getList"]

    async def list_then_remove(account: Any, params: dict[str, str]) -> Any:
        answer = await list_normally(account, params)
        if params["from"] == "0":
            fake_flipsnack.remove_flipbook(API_KEY, books[0].hash)
        return answer

    fake_flipsnack.actions["collection.getList"] = list_then_remove

    error = await fails_with(
        client.collections(),
        FlipsnackResponseError,
        caplog,
        action="collection.getList",
        fake=fake_flipsnack,
    )

    assert str(error) == (
        "The collection.getList count changed from 60 to 59 while the flipbooks"
        " were listed"
    )


async def test_collections_more_than_the_count(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """More distinct flipbooks than the count is an error, not a longer list."""
    fake_flipsnack.data_override = {
        "collectionCount": 1,
        "collections": [{"collectionHash": "a"}, {"collectionHash": "b"}],
    }

    error = await fails_with(
        client.collections(),
        FlipsnackResponseError,
        caplog,
        action="collection.getList",
        fake=fake_flipsnack,
    )

    assert str(error) == (
        "collection.getList listed 2 flipbooks, more than its count of 1"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "Field 'data' of the collection.getList response is not an object"),
        ({"collections": []}, "Field 'collectionCount' is missing"),
        (
            {"collectionCount": 1.5, "collections": []},
            "Field 'collectionCount' is not a non-negative integer",
        ),
        (
            {"collectionCount": "-1", "collections": []},
            "Field 'collectionCount' is not a non-negative integer",
        ),
        ({"collectionCount": 1}, "Field 'collections' is missing"),
        (
            {"collectionCount": 1, "collections": "a"},
            "Field 'collections' is not a list",
        ),
        (
            {"collectionCount": 1, "collections": [{"collectionTitle": "T"}]},
            "Field 'collectionHash' is missing",
        ),
    ],
)
async def test_collections_malformed_answers(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    caplog: pytest.LogCaptureFixture,
    data: Any,
    message: str,
) -> None:
    """A malformed page is an error that tells what is wrong with it."""
    fake_flipsnack.data_override = data

    error = await fails_with(
        client.collections(),
        FlipsnackResponseError,
        caplog,
        action="collection.getList",
        fake=fake_flipsnack,
    )

    assert str(error).startswith(message)


async def test_collections_fails_on_a_throttled_page(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A rate limit hit mid-listing raises; the pages read are not returned."""
    fake_flipsnack.clock = lambda: 100.0
    fake_flipsnack.add_flipbooks(API_KEY, 300)

    error = await fails_with(
        client.collections(),
        FlipsnackRateLimitError,
        caplog,
        action="collection.getList",
        fake=fake_flipsnack,
    )

    assert error.code == 31
    assert len(fake_flipsnack.requests) == 6


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (FakeApiError(22, "Maintenance mode"), FlipsnackMaintenanceError),
        ({"collectionCount": 80, "collections": [7]}, FlipsnackResponseError),
    ],
)
async def test_collections_fails_on_a_later_page(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    caplog: pytest.LogCaptureFixture,
    failure: Any,
    expected: type[FlipsnackError],
) -> None:
    """An error or a malformed answer on the second page fails the whole listing."""
    fake_flipsnack.add_flipbooks(API_KEY, 80)
    list_normally = fake_flipsnack.actions["collection.getList"]

    async def fail_after_first_page(account: Any, params: dict[str, str]) -> Any:
        if params["from"] == "0":
            return await list_normally(account, params)
        if isinstance(failure, FakeApiError):
            raise failure
        return failure

    fake_flipsnack.actions["collection.getList"] = fail_after_first_page

    await fails_with(
        client.collections(),
        expected,
        caplog,
        action="collection.getList",
        fake=fake_flipsnack,
    )

    assert _paging(fake_flipsnack) == [("0", "100"), ("50", "150")]


async def test_collection_stats_of_all_time(
    fake_flipsnack: FakeFlipsnack, client: FlipsnackClient
) -> None:
    """Without dates, only the hash is sent, and the whole life is counted."""
    add_book_with_days(fake_flipsnack)

    stats = await client.collection_stats("fxh4k89")

    assert stats == CollectionStats(
        impressions=111, views=222, time_spent=333, downloads=444, pages=None
    )
    text = f"{API_SECRET}actioncollection.getStatsapiKey{API_KEY}collectionHashfxh4k89"
    assert fake_flipsnack.requests[0].params == {
        "action": "collection.getStats",
        "apiKey": API_KEY,
        "collectionHash": "fxh4k89",
        "signature": hashlib.md5(text.encode(), usedforsecurity=False).hexdigest(),
    }


@pytest.mark.parametrize(
    ("start", "end", "sent", "views"),
    [
        (
            date(2026, 3, 2),
            date(2026, 3, 31),
            {"startDate": "2026-03-02", "endDate": "2026-03-31"},
            220,
        ),
        (
            date(2026, 3, 2),
            date(2026, 3, 2),
            {"startDate": "2026-03-02", "endDate": "2026-03-02"},
            20,
        ),
        (date(2026, 3, 2), None, {"startDate": "2026-03-02"}, 220),
        (None, date(2026, 3, 2), {"endDate": "2026-03-02"}, 22),
        (
            datetime(2026, 3, 2, 23, 59, tzinfo=UTC),
            datetime(2026, 3, 31, 0, 1, tzinfo=UTC),
            {"startDate": "2026-03-02", "endDate": "2026-03-31"},
            220,
        ),
        (
            date(2026, 3, 2),
            datetime(2026, 3, 2, 8, 0, tzinfo=UTC),
            {"startDate": "2026-03-02", "endDate": "2026-03-02"},
            20,
        ),
    ],
)
async def test_collection_stats_of_a_range(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    start: date | None,
    end: date | None,
    sent: dict[str, str],
    views: int,
) -> None:
    """The dates are sent as YYYY-MM-DD, and either may be left out."""
    add_book_with_days(fake_flipsnack)

    stats = await client.collection_stats("fxh4k89", start=start, end=end)

    assert stats.views == views
    (request,) = fake_flipsnack.requests
    assert {
        name: value
        for name, value in request.params.items()
        if name in {"startDate", "endDate", "includePageStats"}
    } == sent


async def test_collection_stats_with_pages(
    fake_flipsnack: FakeFlipsnack, client: FlipsnackClient
) -> None:
    """include_pages sends includePageStats=true, signed as sent."""
    add_book_with_days(fake_flipsnack)

    stats = await client.collection_stats(
        "fxh4k89", start=date(2026, 3, 2), include_pages=True
    )

    assert stats == CollectionStats(
        impressions=110,
        views=220,
        time_spent=330,
        downloads=440,
        pages=(
            PageStats(page=1, views=7, clicks=2, time_spent=900),
            PageStats(page=2, views=3, clicks=0, time_spent=100),
        ),
    )
    text = (
        f"{API_SECRET}actioncollection.getStatsapiKey{API_KEY}collectionHashfxh4k89"
        "includePageStatstruestartDate2026-03-02"
    )
    params = fake_flipsnack.requests[0].params
    assert params["includePageStats"] == "true"
    assert (
        params["signature"]
        == hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()
    )


async def test_collection_stats_of_an_unknown_flipbook(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A hash the account does not have is code 43, a flipbook not found."""
    fake_flipsnack.add_flipbooks(API_KEY, 2)

    error = await fails_with(
        client.collection_stats("gone123"),
        FlipsnackFlipbookNotFoundError,
        caplog,
        action="collection.getStats",
        fake=fake_flipsnack,
    )

    assert (error.code, error.status) == (43, "Forbidden")


async def test_collection_stats_of_an_invalid_hash(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Code 46 is a flipbook not found too."""
    fake_flipsnack.envelope_override = {
        "code": 46,
        "status": "Invalid collection hash",
    }

    error = await fails_with(
        client.collection_stats("not a hash"),
        FlipsnackFlipbookNotFoundError,
        caplog,
        action="collection.getStats",
        fake=fake_flipsnack,
    )

    assert error.code == 46


@pytest.mark.parametrize(
    ("collection_hash", "start", "end", "message"),
    [
        ("", None, None, "The flipbook hash is empty"),
        ("  ", None, None, "The flipbook hash is empty"),
        (
            "fxh4k89",
            date(2026, 3, 2),
            date(2026, 3, 1),
            "The range ends on 2026-03-01, before it starts on 2026-03-02",
        ),
    ],
)
async def test_collection_stats_refuses_before_calling(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    collection_hash: str,
    start: date | None,
    end: date | None,
    message: str,
) -> None:
    """An empty hash or a range that ends before it starts makes no call."""
    with pytest.raises(ValueError, match=message):
        await client.collection_stats(collection_hash, start=start, end=end)

    assert fake_flipsnack.requests == []


@pytest.mark.parametrize(
    ("data", "include_pages", "message"),
    [
        (
            {"impressions": 1, "views": "many", "time_spent": 0, "downloads": 0},
            False,
            "Field 'views' is not a non-negative integer: 'many'",
        ),
        (
            {"impressions": 1, "views": 1, "time_spent": 0},
            False,
            "Field 'downloads' is missing from the collection.getStats response",
        ),
        (
            {"impressions": 1, "views": 1, "time_spent": 0, "downloads": 0},
            True,
            "Field 'pages' is missing from the collection.getStats response",
        ),
        (
            {
                "impressions": 1,
                "views": 1,
                "time_spent": 0,
                "downloads": 0,
                "pages": [{"page": 1, "clicks": -1}],
            },
            True,
            "Field 'clicks' is not a non-negative integer: -1",
        ),
        (
            [],
            False,
            "Field 'data' of the collection.getStats response is not an object: []",
        ),
    ],
)
async def test_collection_stats_malformed_answers(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    caplog: pytest.LogCaptureFixture,
    data: Any,
    include_pages: bool,
    message: str,
) -> None:
    """Malformed figures are an error that names the field."""
    add_book_with_days(fake_flipsnack)
    fake_flipsnack.data_override = data

    error = await fails_with(
        client.collection_stats("fxh4k89", include_pages=include_pages),
        FlipsnackResponseError,
        caplog,
        action="collection.getStats",
        fake=fake_flipsnack,
    )

    assert str(error) == message


async def test_collection_stats_keep_secrets_out_of_errors(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Credentials the server echoes for a stats call are redacted, signature too."""
    add_book_with_days(fake_flipsnack)
    await client.collection_stats("fxh4k89", start=date(2026, 3, 1))
    signature = fake_flipsnack.requests[0].params["signature"]
    fake_flipsnack.envelope_override = {
        "code": 43,
        "status": f"No {API_KEY} {API_SECRET} {signature}",
    }

    error = await fails_with(
        client.collection_stats("fxh4k89", start=date(2026, 3, 1)),
        FlipsnackFlipbookNotFoundError,
        caplog,
        action="collection.getStats",
        fake=fake_flipsnack,
    )

    assert error.status == "No **REDACTED** **REDACTED** **REDACTED**"
    assert API_KEY not in repr(client)
    assert API_SECRET not in repr(client)


async def test_request_gate_is_awaited_before_every_request(
    fake_flipsnack: FakeFlipsnack, session: aiohttp.ClientSession
) -> None:
    """A caller's gate holds back each request, the pages of a listing included."""
    fake_flipsnack.add_flipbooks(API_KEY, 120)
    requests_seen_by_gate: list[int] = []

    async def gate() -> None:
        requests_seen_by_gate.append(len(fake_flipsnack.requests))

    client = FlipsnackClient(
        API_KEY,
        API_SECRET,
        session=session,
        base_url=fake_flipsnack.url,
        request_gate=gate,
    )
    await client.collections()
    await client.user_stats()

    # Three pages of 50 and one statistics call: the gate ran before each of them.
    assert requests_seen_by_gate == [0, 1, 2, 3]
    assert len(fake_flipsnack.requests) == 4
