"""Tests for the fake Flipsnack API itself, where the client tests do not reach."""

from datetime import date
import itertools
import time
from typing import Any

import aiohttp
import pytest

from . import add_book_with_days
from .const import API_KEY, API_SECRET, OTHER_API_KEY, OTHER_API_SECRET
from .fake_flipsnack import (
    DEFAULT_STATS,
    FIGURES_DAY,
    LIST_PAGE_CAP,
    FakeApiError,
    FakeFigures,
    FakeFlipbook,
    FakeFlipsnack,
    FakeMode,
    ListFault,
    signature_for,
)


def signed(
    action: str = "user.getStats", api_key: str = API_KEY, secret: str = API_SECRET
) -> dict[str, str]:
    """Return the parameters of a correctly signed call."""
    params = {"action": action, "apiKey": api_key}
    return {**params, "signature": signature_for(secret, params)}


def signed_with(
    action: str,
    params: dict[str, str],
    api_key: str = API_KEY,
    secret: str = API_SECRET,
) -> dict[str, str]:
    """Return the parameters of a correctly signed call with parameters of its own."""
    params = {"action": action, "apiKey": api_key, **params}
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
    fake_flipsnack.list_fault = ListFault.STOP_SHORT
    fake_flipsnack.action_errors["user.getStats"] = FakeApiError(22, "Maintenance")
    fake_flipsnack.stats_errors["fxh4k89"] = FakeApiError(46, "Invalid collection")

    fake_flipsnack.reset()

    assert fake_flipsnack.list_fault is None
    assert not fake_flipsnack.action_errors
    assert not fake_flipsnack.stats_errors

    assert fake_flipsnack.requests == []
    async with session.get(fake_flipsnack.url, params=signed()) as response:
        assert response.status == 200
        assert (await response.json())["data"] == DEFAULT_STATS


async def list_page(
    session: aiohttp.ClientSession, fake: FakeFlipsnack, **params: str
) -> tuple[int, list[str]]:
    """Call collection.getList and return its count and the hashes it lists."""
    answer = await call(session, fake.url, signed_with("collection.getList", params))
    assert answer["code"] == 20, answer
    data = answer["data"]
    return data["collectionCount"], [
        item["collectionHash"] for item in data["collections"]
    ]


async def stats_of(
    session: aiohttp.ClientSession, fake: FakeFlipsnack, **params: str
) -> dict[str, Any]:
    """Call collection.getStats and return its whole answer."""
    answer: dict[str, Any] = await call(
        session, fake.url, signed_with("collection.getStats", params)
    )
    return answer


@pytest.fixture
def no_rate_limit(fake_flipsnack: FakeFlipsnack) -> None:
    """Space the fake's calls a minute apart, so that no limit is reached."""
    ticks = itertools.count()
    fake_flipsnack.clock = lambda: next(ticks) * 60.0


def test_add_flipbooks_is_deterministic_and_quick() -> None:
    """1,000 made-up flipbooks are made at once, the same ones every time."""
    fakes = [FakeFlipsnack(), FakeFlipsnack()]
    lists = []
    started = time.monotonic()
    for fake in fakes:
        fake.add_account(API_KEY, API_SECRET)
        lists.append(fake.add_flipbooks(API_KEY, 1000))
    elapsed = time.monotonic() - started

    assert elapsed < 2.0
    assert lists[0] == lists[1]
    flipbooks = lists[0]
    assert len({book.hash for book in flipbooks}) == 1000
    assert list(fakes[0].accounts[API_KEY].flipbooks.values()) == flipbooks
    assert [book.status for book in flipbooks[:4]] == [
        "public",
        "unlisted",
        "editable",
        "public",
    ]
    assert flipbooks[9].title == "Flipbook 10"
    assert flipbooks[9].totals() == FakeFigures(
        impressions=30, views=20, time_spent=10, downloads=3
    )
    assert flipbooks[9].pages[0] == {
        "page": 1,
        "views": 10,
        "clicks": 1,
        "time_spent": 10,
    }


def test_add_flipbooks_continues_numbering() -> None:
    """A second batch neither repeats nor replaces the first."""
    fake = FakeFlipsnack()
    fake.add_account(API_KEY, API_SECRET)
    first = fake.add_flipbooks(API_KEY, 2, status_cycle=["editable"])
    second = fake.add_flipbooks(API_KEY, 2)

    assert [book.title for book in first + second] == [
        "Flipbook 1",
        "Flipbook 2",
        "Flipbook 3",
        "Flipbook 4",
    ]
    assert [book.status for book in first] == ["editable", "editable"]
    assert len(fake.accounts[API_KEY].flipbooks) == 4


def test_add_flipbooks_skips_a_hash_in_use() -> None:
    """A flipbook added by hand keeps its hash; the made-up one moves on."""
    fake = FakeFlipsnack()
    fake.add_account(API_KEY, API_SECRET)
    made_up = fake.add_flipbooks(API_KEY, 2)
    fake.remove_flipbook(API_KEY, made_up[0].hash)
    # The account now has one flipbook, so the next one would be number 2 again.
    (added,) = fake.add_flipbooks(API_KEY, 1)

    assert added.title == "Flipbook 3"
    assert added.hash not in {book.hash for book in made_up}


def test_add_flipbook() -> None:
    """A flipbook is listed last; totals land on FIGURES_DAY; a hash is replaced."""
    fake = FakeFlipsnack()
    fake.add_account(API_KEY, API_SECRET)
    fake.add_flipbook(API_KEY, hash="first", title="First")
    added = fake.add_flipbook(
        API_KEY,
        hash="second",
        title="Second",
        status="unlisted",
        totals=FakeFigures(views=5),
        pages=[{"page": 1, "views": 5}],
    )
    again = fake.add_flipbook(API_KEY, hash="first", title="First again")

    assert added == FakeFlipbook(
        hash="second",
        title="Second",
        status="unlisted",
        daily={FIGURES_DAY: FakeFigures(views=5)},
        pages=[{"page": 1, "views": 5}],
    )
    assert list(fake.accounts[API_KEY].flipbooks.values()) == [added, again]
    with pytest.raises(ValueError, match="not both"):
        fake.add_flipbook(API_KEY, hash="x", title="X", daily={}, totals=FakeFigures())


def test_totals_over_a_range() -> None:
    """Totals sum the days of an inclusive range, open where a side is None."""
    flipbook = FakeFlipbook(
        hash="h",
        title="T",
        daily={
            date(2026, 1, 1): FakeFigures(1, 10, 100, 1000),
            date(2026, 1, 2): FakeFigures(2, 20, 200, 2000),
            date(2026, 1, 3): FakeFigures(4, 40, 400, 4000),
        },
    )

    assert flipbook.totals() == FakeFigures(7, 70, 700, 7000)
    assert flipbook.totals(date(2026, 1, 2), date(2026, 1, 2)) == FakeFigures(
        2, 20, 200, 2000
    )
    assert flipbook.totals(start=date(2026, 1, 2)).impressions == 6
    assert flipbook.totals(end=date(2026, 1, 2)).impressions == 3
    assert flipbook.totals(date(2026, 1, 4)) == FakeFigures()
    assert flipbook.totals(
        date(2026, 1, 1), date(2026, 1, 3), end_included=False
    ) == FakeFigures(3, 30, 300, 3000)
    assert (
        flipbook.totals(date(2026, 1, 2), date(2026, 1, 2), end_included=False)
        == FakeFigures()
    )
    # Summing does not change the figures of a day.
    assert flipbook.daily[date(2026, 1, 1)] == FakeFigures(1, 10, 100, 1000)


async def test_list_entries(
    fake_flipsnack: FakeFlipsnack, session: aiohttp.ClientSession
) -> None:
    """collection.getList answers the count and the documented keys."""
    fake_flipsnack.add_flipbook(
        API_KEY, hash="fxh4k89", title="Catalogue", description="Spring"
    )

    answer = await call(
        session, fake_flipsnack.url, signed_with("collection.getList", {})
    )

    assert answer == {
        "code": 20,
        "status": "OK",
        "data": {
            "collectionCount": 1,
            "collections": [
                {
                    "collectionHash": "fxh4k89",
                    "collectionTitle": "Catalogue",
                    "collectionStatus": "public",
                    "collectionDescription": "Spring",
                }
            ],
        },
    }


async def test_list_of_an_account_without_flipbooks(
    fake_flipsnack: FakeFlipsnack, session: aiohttp.ClientSession
) -> None:
    """An account without flipbooks lists none, and each account its own."""
    fake_flipsnack.add_account(OTHER_API_KEY, OTHER_API_SECRET)
    fake_flipsnack.add_flipbooks(OTHER_API_KEY, 3)

    assert await list_page(session, fake_flipsnack) == (0, [])


@pytest.mark.usefixtures("no_rate_limit")
async def test_list_paging(
    fake_flipsnack: FakeFlipsnack, session: aiohttp.ClientSession
) -> None:
    """`from` is 0-based, `to` exclusive, and a page holds at most 50 flipbooks."""
    hashes = [book.hash for book in fake_flipsnack.add_flipbooks(API_KEY, 120)]
    fake = fake_flipsnack

    assert LIST_PAGE_CAP == 50
    assert await list_page(session, fake) == (120, hashes[:50])
    assert await list_page(session, fake, **{"from": "0", "to": "100"}) == (
        120,
        hashes[:50],
    )
    assert await list_page(session, fake, **{"from": "50", "to": "60"}) == (
        120,
        hashes[50:60],
    )
    assert await list_page(session, fake, **{"from": "100", "to": "200"}) == (
        120,
        hashes[100:],
    )
    assert await list_page(session, fake, **{"from": "70"}) == (120, hashes[70:120])
    assert await list_page(session, fake, to="3") == (120, hashes[:3])
    assert await list_page(session, fake, **{"from": "5", "to": "5"}) == (120, [])
    assert await list_page(session, fake, **{"from": "500", "to": "600"}) == (120, [])


@pytest.mark.parametrize(
    "params",
    [
        {"from": "-1"},
        {"from": "1.5"},
        {"from": "x"},
        {"from": ""},
        {"from": "\u0661"},  # an Arabic-Indic one, which int() would accept
        {"to": "abc"},
        {"to": "-5"},
        {"from": "10", "to": "9"},
    ],
)
async def test_list_bad_request(
    fake_flipsnack: FakeFlipsnack,
    session: aiohttp.ClientSession,
    params: dict[str, str],
) -> None:
    """A paging index that is no non-negative integer is 40."""
    fake_flipsnack.add_flipbooks(API_KEY, 3)
    url = fake_flipsnack.url

    assert await code_of(session, url, signed_with("collection.getList", params)) == 40


@pytest.mark.usefixtures("no_rate_limit")
async def test_list_faults(
    fake_flipsnack: FakeFlipsnack, session: aiohttp.ClientSession
) -> None:
    """The list faults repeat the first page, or answer nothing past it."""
    hashes = [book.hash for book in fake_flipsnack.add_flipbooks(API_KEY, 80)]
    fake = fake_flipsnack
    later_page = {"from": "50", "to": "150"}

    fake.list_fault = ListFault.REPEAT_FIRST_PAGE
    assert await list_page(session, fake, **later_page) == (80, hashes[:50])
    assert await list_page(session, fake, **{"from": "3", "to": "5"}) == (
        80,
        hashes[:2],
    )

    fake.list_fault = ListFault.STOP_SHORT
    assert await list_page(session, fake, **{"from": "0", "to": "100"}) == (
        80,
        hashes[:50],
    )
    assert await list_page(session, fake, **later_page) == (80, [])


async def test_remove_flipbook(
    fake_flipsnack: FakeFlipsnack, session: aiohttp.ClientSession
) -> None:
    """A removed flipbook is no longer listed, and its stats are forbidden."""
    books = fake_flipsnack.add_flipbooks(API_KEY, 3)

    fake_flipsnack.remove_flipbook(API_KEY, books[1].hash)

    assert await list_page(session, fake_flipsnack) == (
        2,
        [books[0].hash, books[2].hash],
    )
    answer = await stats_of(session, fake_flipsnack, collectionHash=books[1].hash)
    assert answer == {"code": 43, "status": "Forbidden"}
    with pytest.raises(KeyError):
        fake_flipsnack.remove_flipbook(API_KEY, books[1].hash)


@pytest.mark.usefixtures("no_rate_limit")
async def test_action_errors(
    fake_flipsnack: FakeFlipsnack, session: aiohttp.ClientSession
) -> None:
    """An action given an error answers with it after the checks; the others don't."""
    book = add_book_with_days(fake_flipsnack)
    fake_flipsnack.action_errors["collection.getList"] = FakeApiError(40, "Bad request")

    answer = await call(session, fake_flipsnack.url, signed("collection.getList"))
    assert answer == {"code": 40, "status": "Bad request"}
    wrong_secret = signed("collection.getList", secret="wrong-secret")
    assert await code_of(session, fake_flipsnack.url, wrong_secret) == 44
    answer = await stats_of(session, fake_flipsnack, collectionHash=book.hash)
    assert answer["code"] == 20


@pytest.mark.usefixtures("no_rate_limit")
async def test_stats_errors(
    fake_flipsnack: FakeFlipsnack, session: aiohttp.ClientSession
) -> None:
    """A flipbook given an error is still listed, but its statistics answer the error."""
    book = add_book_with_days(fake_flipsnack)
    other = fake_flipsnack.add_flipbook(API_KEY, hash="other", title="Other")
    fake_flipsnack.stats_errors[book.hash] = FakeApiError(46, "Invalid collection")

    answer = await stats_of(session, fake_flipsnack, collectionHash=book.hash)
    assert answer == {"code": 46, "status": "Invalid collection"}
    answer = await stats_of(session, fake_flipsnack, collectionHash=other.hash)
    assert answer["code"] == 20
    assert await list_page(session, fake_flipsnack) == (2, [book.hash, other.hash])


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ({}, (111, 222, 333, 444)),
        ({"startDate": "2026-03-02", "endDate": "2026-03-31"}, (110, 220, 330, 440)),
        ({"startDate": "2026-03-02", "endDate": "2026-03-02"}, (10, 20, 30, 40)),
        ({"startDate": "2026-03-02"}, (110, 220, 330, 440)),
        ({"endDate": "2026-03-02"}, (11, 22, 33, 44)),
        ({"startDate": "2026-04-01"}, (0, 0, 0, 0)),
    ],
)
async def test_stats(
    fake_flipsnack: FakeFlipsnack,
    session: aiohttp.ClientSession,
    dates: dict[str, str],
    expected: tuple[int, int, int, int],
) -> None:
    """collection.getStats sums the days of the inclusive range, and adds likes."""
    add_book_with_days(fake_flipsnack)

    answer = await stats_of(session, fake_flipsnack, collectionHash="fxh4k89", **dates)

    impressions, views, time_spent, downloads = expected
    assert answer == {
        "code": 20,
        "status": "OK",
        "data": {
            "impressions": impressions,
            "views": views,
            "time_spent": time_spent,
            "likes": 0,
            "downloads": downloads,
        },
    }


@pytest.mark.parametrize(
    ("dates", "expected_views"),
    [
        ({}, 222),
        ({"startDate": "2026-03-02", "endDate": "2026-03-31"}, 20),
        ({"startDate": "2026-03-01", "endDate": "2026-03-02"}, 2),
        ({"startDate": "2026-03-02", "endDate": "2026-03-02"}, 0),
        ({"startDate": "2026-03-02"}, 220),
        ({"endDate": "2026-03-02"}, 2),
    ],
)
async def test_stats_with_an_exclusive_end_date(
    fake_flipsnack: FakeFlipsnack,
    session: aiohttp.ClientSession,
    dates: dict[str, str],
    expected_views: int,
) -> None:
    """With the switch off, `endDate` names the first day left out."""
    add_book_with_days(fake_flipsnack)
    fake_flipsnack.end_date_inclusive = False

    answer = await stats_of(session, fake_flipsnack, collectionHash="fxh4k89", **dates)

    assert answer["data"]["views"] == expected_views


def test_reset_makes_the_end_date_inclusive_again() -> None:
    """`reset` brings back the default, an inclusive `endDate`."""
    fake = FakeFlipsnack()
    fake.end_date_inclusive = False

    fake.reset()

    assert fake.end_date_inclusive


async def test_stats_with_pages(
    fake_flipsnack: FakeFlipsnack, session: aiohttp.ClientSession
) -> None:
    """`includePageStats=true` adds the per-page entries; `false` leaves them out."""
    book = add_book_with_days(fake_flipsnack)
    fake = fake_flipsnack

    with_pages = await stats_of(
        session, fake, collectionHash=book.hash, includePageStats="true"
    )
    without = await stats_of(
        session, fake, collectionHash=book.hash, includePageStats="false"
    )

    assert with_pages["data"]["pages"] == book.pages
    assert with_pages["data"]["views"] == 222
    assert "pages" not in without["data"]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, 30),
        ({"collectionHash": ""}, 30),
        ({"collectionHash": "unknown"}, 43),
        ({"collectionHash": "other-account"}, 43),
        ({"collectionHash": "fxh4k89", "startDate": "2026-3-01"}, 40),
        ({"collectionHash": "fxh4k89", "startDate": "20260301"}, 40),
        ({"collectionHash": "fxh4k89", "endDate": "2026-02-30"}, 40),
        ({"collectionHash": "fxh4k89", "endDate": "2026-03-01T00:00"}, 40),
        ({"collectionHash": "fxh4k89", "endDate": "yesterday"}, 40),
        (
            {
                "collectionHash": "fxh4k89",
                "startDate": "2026-03-02",
                "endDate": "2026-03-01",
            },
            40,
        ),
        ({"collectionHash": "fxh4k89", "includePageStats": "True"}, 40),
        ({"collectionHash": "fxh4k89", "includePageStats": "1"}, 40),
    ],
)
async def test_stats_bad_request(
    fake_flipsnack: FakeFlipsnack,
    session: aiohttp.ClientSession,
    params: dict[str, str],
    code: int,
) -> None:
    """A missing hash is 30, one of no flipbook of the account 43, bad values 40."""
    add_book_with_days(fake_flipsnack)
    fake_flipsnack.add_account(OTHER_API_KEY, OTHER_API_SECRET)
    fake_flipsnack.add_flipbook(OTHER_API_KEY, hash="other-account", title="Theirs")
    url = fake_flipsnack.url

    assert await code_of(session, url, signed_with("collection.getStats", params)) == (
        code
    )


async def test_actions_share_one_rate_limit(
    fake_flipsnack: FakeFlipsnack, session: aiohttp.ClientSession
) -> None:
    """Calls of every action count against the same per-key limit."""
    book = add_book_with_days(fake_flipsnack)
    fake_flipsnack.clock = lambda: 0.0
    calls = [
        signed(),
        signed_with("collection.getList", {}),
        signed_with("collection.getStats", {"collectionHash": book.hash}),
        signed_with("collection.getList", {"from": "0", "to": "100"}),
        signed_with("collection.getStats", {"collectionHash": "unknown"}),
    ]
    url = fake_flipsnack.url

    assert [await code_of(session, url, params) for params in calls] == [
        20,
        20,
        20,
        20,
        43,
    ]
    assert await code_of(session, url, signed_with("collection.getList", {})) == 31
    assert await code_of(session, url, signed()) == 31


@pytest.mark.usefixtures("no_rate_limit")
async def test_list_a_thousand_flipbooks(
    fake_flipsnack: FakeFlipsnack, session: aiohttp.ClientSession
) -> None:
    """1,000 flipbooks are listed in 20 pages of 50, each once and in order."""
    hashes = [book.hash for book in fake_flipsnack.add_flipbooks(API_KEY, 1000)]
    listed: list[str] = []

    for first in range(0, 1000, 50):
        count, page = await list_page(
            session, fake_flipsnack, **{"from": str(first), "to": str(first + 100)}
        )
        assert count == 1000
        listed += page

    assert listed == hashes
