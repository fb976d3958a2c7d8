"""Tests for the Flipsnack API client, against the fake API over a real socket."""

from collections.abc import Awaitable
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
    UserStats,
)
from tests.const import API_KEY, API_SECRET
from tests.fake_flipsnack import FakeFlipsnack, FakeMode, RecordedRequest

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
) -> ErrorT:
    """Await a call that must fail, and check that the failure reveals no secret.

    Every error test goes through here, so every error path is checked.
    """
    caplog.set_level(logging.DEBUG)
    with pytest.raises(expected) as exc_info:
        await call
    # The check below means something only if the client's log was captured.
    assert f"Calling Flipsnack action {action}" in caplog.text
    secrets = (api_key, api_secret, _signature(api_key, api_secret, action))
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


async def test_connection_refused(
    socket_enabled: None,
    session: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
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
