"""Tests for one day's figures and the probe of what `endDate` means."""

from datetime import date
import itertools

import aiohttp
import pytest

from custom_components.flipsnack.api import (
    EndDate,
    Figures,
    FlipsnackClient,
    FlipsnackResponseError,
    day_figures,
    day_range,
    decide_end_date,
    probe_end_date,
    range_figures,
)
from tests.const import API_KEY, API_SECRET
from tests.fake_flipsnack import FakeFigures, FakeFlipsnack

MARCH_1 = date(2026, 3, 1)
MARCH_2 = date(2026, 3, 2)
MARCH_3 = date(2026, 3, 3)


@pytest.fixture
def client(
    fake_flipsnack: FakeFlipsnack, session: aiohttp.ClientSession
) -> FlipsnackClient:
    """Return a client of the test account on the fake API, whose calls never throttle."""
    ticks = itertools.count()
    fake_flipsnack.clock = lambda: next(ticks) * 60.0
    return FlipsnackClient(
        API_KEY, API_SECRET, session=session, base_url=fake_flipsnack.url
    )


def figures(impressions: int, views: int, time_spent: int, downloads: int) -> Figures:
    """Return figures in the order Flipsnack lists them."""
    return Figures(
        impressions=impressions,
        views=views,
        time_spent=time_spent,
        downloads=downloads,
    )


def add_days(fake: FakeFlipsnack, daily: dict[date, FakeFigures]) -> None:
    """Give the test account the flipbook "book" with these daily figures."""
    fake.add_flipbook(API_KEY, hash="book", title="Book", daily=daily)


def test_day_range() -> None:
    """A day alone is D..D when endDate counts, D..D+1 when it does not."""
    assert day_range(MARCH_1, EndDate.INCLUSIVE) == (MARCH_1, MARCH_1)
    assert day_range(MARCH_1, EndDate.EXCLUSIVE) == (MARCH_1, MARCH_2)


@pytest.mark.parametrize("end_date", list(EndDate))
async def test_day_and_range_figures_either_way(
    fake_flipsnack: FakeFlipsnack, client: FlipsnackClient, end_date: EndDate
) -> None:
    """Asked with the finding that matches the fake, a day's figures are its own."""
    fake_flipsnack.end_date_inclusive = end_date is EndDate.INCLUSIVE
    add_days(
        fake_flipsnack,
        {
            MARCH_1: FakeFigures(1, 2, 3, 4),
            MARCH_2: FakeFigures(10, 20, 30, 40),
            MARCH_3: FakeFigures(100, 200, 300, 400),
        },
    )

    assert await day_figures(client, "book", MARCH_2, end_date) == figures(
        10, 20, 30, 40
    )
    assert await range_figures(client, "book", MARCH_1, MARCH_2, end_date) == figures(
        11, 22, 33, 44
    )
    requests = [request.params for request in fake_flipsnack.requests]
    assert requests[0]["startDate"] == "2026-03-02"
    assert requests[0]["endDate"] == day_range(MARCH_2, end_date)[1].isoformat()


async def test_a_bad_answer_is_an_error_not_zero(
    fake_flipsnack: FakeFlipsnack, client: FlipsnackClient
) -> None:
    """A day whose answer lacks a figure raises instead of counting nothing."""
    add_days(fake_flipsnack, {MARCH_1: FakeFigures(1, 2, 3, 4)})
    fake_flipsnack.data_override = {"impressions": 1, "views": 2, "time_spent": 3}

    with pytest.raises(FlipsnackResponseError):
        await day_figures(client, "book", MARCH_1, EndDate.INCLUSIVE)


@pytest.mark.parametrize(
    ("inclusive", "daily", "expected"),
    [
        # Readers on both days: inclusive adds up, exclusive holds day D only.
        (True, {MARCH_1: FakeFigures(1, 2, 3, 4), MARCH_2: FakeFigures(5, 6, 7, 8)}, EndDate.INCLUSIVE),
        (False, {MARCH_1: FakeFigures(1, 2, 3, 4), MARCH_2: FakeFigures(5, 6, 7, 8)}, EndDate.EXCLUSIVE),
        # Readers on one of the days is enough, whichever it is.
        (True, {MARCH_1: FakeFigures(1, 2, 3, 4)}, EndDate.INCLUSIVE),
        (True, {MARCH_2: FakeFigures(5, 6, 7, 8)}, EndDate.INCLUSIVE),
        (False, {MARCH_1: FakeFigures(1, 2, 3, 4)}, EndDate.EXCLUSIVE),
        # Exclusive with readers on D+1 only answers nothing at all: undecided.
        (False, {MARCH_2: FakeFigures(5, 6, 7, 8)}, None),
        # No readers: undecided either way.
        (True, {}, None),
        (False, {}, None),
    ],
)  # fmt: skip
async def test_probe_against_the_fake(
    fake_flipsnack: FakeFlipsnack,
    client: FlipsnackClient,
    inclusive: bool,
    daily: dict[date, FakeFigures],
    expected: EndDate | None,
) -> None:
    """Three calls tell what endDate means, or that the answers cannot tell."""
    fake_flipsnack.end_date_inclusive = inclusive
    add_days(fake_flipsnack, daily)

    assert await probe_end_date(client, "book", MARCH_1) is expected
    assert [
        (request.params["startDate"], request.params["endDate"])
        for request in fake_flipsnack.requests
    ] == [
        ("2026-03-01", "2026-03-01"),
        ("2026-03-02", "2026-03-02"),
        ("2026-03-01", "2026-03-02"),
    ]


def test_figures_that_changed_between_the_calls_decide_nothing() -> None:
    """A pair that is neither the sum of its days nor day D alone is no finding."""
    assert (
        decide_end_date(figures(1, 1, 1, 1), figures(1, 1, 1, 1), figures(3, 3, 3, 3))
        is None
    )
