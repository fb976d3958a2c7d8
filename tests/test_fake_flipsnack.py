"""Tests for the fake Flipsnack API itself, where the client tests do not reach."""

from typing import Any

import aiohttp
import pytest

from .const import API_KEY, API_SECRET, OTHER_API_KEY, OTHER_API_SECRET
from .fake_flipsnack import DEFAULT_STATS, FakeFlipsnack, FakeMode, signature_for


def signed(
    action: str = "user.getStats", api_key: str = API_KEY, secret: str = API_SECRET
) -> dict[str, str]:
    """Return the parameters of a correctly signed call."""
    params = {"action": action, "apiKey": api_key}
    return {**params, "signature": signature_for(secret, params)}


async def call(
    session: aiohttp.ClientSession,
    url: str,
    params: dict[str, str],
    method: str = "GET",
) -> Any:
    """Call the fake and return its JSON answer."""
    async with session.request(method, url, params=params) as response:
        return await response.json()


async def code_of(
    session: aiohttp.ClientSession, url: str, params: dict[str, str]
) -> int:
    """Make a GET call of the fake and return the code it answers with."""
    answer = await call(session, url, params)
    return int(answer["code"])


def test_signature_matches_the_documented_example() -> None:
    """The fake signs like the worked example of the Flipsnack docs."""
    params = {
        "action": "collection.getCollection",
        "apiKey": API_KEY,
        "collectionHash": "fxh4k89",
        "signature": "not signed",
    }

    assert signature_for(API_SECRET, params) == "26e781d3d1751d82ec284acf4a019def"


@pytest.mark.parametrize(
    ("method", "params", "code"),
    [
        ("GET", signed(), 20),
        ("POST", signed(), 40),
        ("GET", {"apiKey": API_KEY, "signature": "x"}, 30),
        ("GET", {"action": "user.getStats", "signature": "x"}, 30),
        ("GET", {"action": "user.getStats", "apiKey": API_KEY}, 30),
        ("GET", {**signed(), "apiKey": ""}, 30),
        ("GET", signed(api_key="unknown-key"), 41),
        ("GET", signed(secret="wrong-secret"), 44),
        ("GET", {**signed(), "extra": "unsigned"}, 44),
        ("GET", signed(action="user.getNothing"), 42),
    ],
)
async def test_checks(
    fake_flipsnack: FakeFlipsnack,
    session: aiohttp.ClientSession,
    method: str,
    params: dict[str, str],
    code: int,
) -> None:
    """Each check answers with the code the docs give for it."""
    answer = await call(session, fake_flipsnack.url, params, method)

    assert answer["code"] == code
    assert ("data" in answer) is (code == 20)


async def test_user_get_stats(
    fake_flipsnack: FakeFlipsnack, session: aiohttp.ClientSession
) -> None:
    """user.getStats answers like the docs' example, with the account's totals."""
    fake_flipsnack.add_account(OTHER_API_KEY, OTHER_API_SECRET, stats={"views": 1})

    assert await call(session, fake_flipsnack.url, signed()) == {
        "code": 20,
        "status": "OK",
        "data": DEFAULT_STATS,
    }
    answer = await call(
        session,
        fake_flipsnack.url,
        signed("user.getStats", OTHER_API_KEY, OTHER_API_SECRET),
    )
    assert answer["data"] == {"views": 1}


async def test_requests_are_recorded(
    fake_flipsnack: FakeFlipsnack, session: aiohttp.ClientSession
) -> None:
    """Every request is recorded, refused ones and the path without slash too."""
    await call(session, fake_flipsnack.url, signed())
    await call(session, fake_flipsnack.url.rstrip("/"), {"a": "1"}, "POST")

    assert [
        (request.method, request.path, request.params)
        for request in fake_flipsnack.requests
    ] == [("GET", "/v1/", signed()), ("POST", "/v1", {"a": "1"})]


async def test_requests_per_second(
    fake_flipsnack: FakeFlipsnack, session: aiohttp.ClientSession
) -> None:
    """More than 5 calls of one key within a second are refused with code 31."""
    fake_flipsnack.add_account(OTHER_API_KEY, OTHER_API_SECRET)
    url = fake_flipsnack.url
    now = 0.0
    fake_flipsnack.clock = lambda: now

    assert [await code_of(session, url, signed()) for _ in range(5)] == [20] * 5
    now = 0.999
    assert await code_of(session, url, signed()) == 31
    other_account = signed("user.getStats", OTHER_API_KEY, OTHER_API_SECRET)
    assert await code_of(session, url, other_account) == 20
    # The calls made at 0 s have left the window (0 s, 1 s].
    now = 1.0
    assert await code_of(session, url, signed()) == 20


async def test_requests_per_minute(
    fake_flipsnack: FakeFlipsnack, session: aiohttp.ClientSession
) -> None:
    """More than 60 calls of one key within a minute are refused with code 32."""
    url = fake_flipsnack.url
    now = 0.0
    fake_flipsnack.clock = lambda: now

    for step in range(60):
        now = step * 0.5
        assert await code_of(session, url, signed()) == 20
    now = 30.0
    assert await code_of(session, url, signed()) == 32
    # The calls made at 0 s and 0.5 s have left the window (0.5 s, 60.5 s]; the
    # refused call at 30 s still counts.
    now = 60.5
    assert await code_of(session, url, signed()) == 20


async def test_refused_calls_count(
    fake_flipsnack: FakeFlipsnack, session: aiohttp.ClientSession
) -> None:
    """Calls with a known key count against its limit, whatever their answer."""
    url = fake_flipsnack.url
    fake_flipsnack.clock = lambda: 0.0
    for _ in range(5):
        assert await code_of(session, url, signed(secret="wrong-secret")) == 44

    assert await code_of(session, url, signed()) == 31


async def test_maintenance_comes_after_the_checks(
    fake_flipsnack: FakeFlipsnack, session: aiohttp.ClientSession
) -> None:
    """In maintenance, calls that pass the checks are answered with code 22."""
    fake_flipsnack.mode = FakeMode.MAINTENANCE

    assert await code_of(session, fake_flipsnack.url, signed()) == 22
    wrong_secret = signed(secret="wrong-secret")
    assert await code_of(session, fake_flipsnack.url, wrong_secret) == 44


async def test_overrides(
    fake_flipsnack: FakeFlipsnack, session: aiohttp.ClientSession
) -> None:
    """data_override replaces the data, envelope_override the whole answer."""
    fake_flipsnack.data_override = ["not", "stats"]
    assert (await call(session, fake_flipsnack.url, signed()))["data"] == [
        "not",
        "stats",
    ]

    fake_flipsnack.envelope_override = {"code": 43, "status": "Forbidden"}
    assert await call(session, fake_flipsnack.url, {}) == {
        "code": 43,
        "status": "Forbidden",
    }


async def test_reset(
    fake_flipsnack: FakeFlipsnack, session: aiohttp.ClientSession
) -> None:
    """reset() forgets requests and rate limit windows and answers normally."""
    fake_flipsnack.clock = lambda: 0.0
    for _ in range(6):
        await call(session, fake_flipsnack.url, signed())
    fake_flipsnack.mode = FakeMode.HTML
    fake_flipsnack.delay = 5.0
    fake_flipsnack.data_override = []
    fake_flipsnack.envelope_override = {}
    fake_flipsnack.http_status = 503

    fake_flipsnack.reset()

    assert fake_flipsnack.requests == []
    async with session.get(fake_flipsnack.url, params=signed()) as response:
        assert response.status == 200
        assert (await response.json())["data"] == DEFAULT_STATS
