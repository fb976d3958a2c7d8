"""Tests for the flipbooks through long failures: logged once, and backing off."""

from collections.abc import Callable
from datetime import timedelta
import itertools
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.flipsnack.const import (
    DOMAIN,
    FLIPBOOK_UPDATE_INTERVAL,
    LISTING_INTERVAL,
    LISTING_RETRY,
    REFUSED_FIGURES_MAX_BACKOFF,
    Tracking,
)

from . import advance_time
from .const import API_KEY, API_SECRET
from .fake_flipsnack import FakeApiError, FakeFigures, FakeFlipsnack, FakeMode

ENTRY_ID = "01JFLIPSNACKTESTENTRY00000"
CATALOG = "spring-catalog"
PRICES = "price-list"
GET_LIST = "collection.getList"
GET_STATS = "collection.getStats"
FLIPBOOKS_FAILED = "Error fetching flipsnack flipbooks data"
FLIPBOOKS_RECOVERED = "Fetching flipsnack flipbooks data recovered"


@pytest.fixture
async def entry(
    hass: HomeAssistant, flipsnack: FakeFlipsnack, freezer: FrozenDateTimeFactory
) -> MockConfigEntry:
    """Track two published flipbooks, and let the listing and their figures come."""
    flipsnack.add_flipbook(
        API_KEY,
        hash=CATALOG,
        title="Spring catalog",
        totals=FakeFigures(impressions=500, views=120, time_spent=5580, downloads=7),
    )
    flipsnack.add_flipbook(
        API_KEY,
        hash=PRICES,
        title="Price list",
        totals=FakeFigures(impressions=90, views=30, time_spent=154, downloads=12),
    )
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Flipsnack …7832",
        data={"api_key": API_KEY, "api_secret": API_SECRET},
        options={"tracking": Tracking.ALL},
        entry_id=ENTRY_ID,
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await advance_time(hass, freezer, FLIPBOOK_UPDATE_INTERVAL + timedelta(seconds=5))
    assert entry.runtime_data.flipbooks is not None
    assert set(entry.runtime_data.flipbooks.data.figures) == {CATALOG, PRICES}
    flipsnack.requests.clear()
    return entry


def _logged(caplog: pytest.LogCaptureFixture, level: int, text: str) -> int:
    """Count the log records of exactly this level that contain text."""
    return sum(
        1
        for record in caplog.records
        if record.levelno == level and text in record.getMessage()
    )


def _listing_fails(fake: FakeFlipsnack) -> None:
    fake.action_errors[GET_LIST] = FakeApiError(22, "Maintenance mode")


def _everything_fails(fake: FakeFlipsnack) -> None:
    fake.mode = FakeMode.MAINTENANCE


@pytest.mark.usefixtures("entry")
@pytest.mark.parametrize(
    "outage",
    [_listing_fails, _everything_fails],
    ids=["listing", "everything"],
)
async def test_a_long_outage_is_logged_once_and_its_end_once(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    outage: Callable[[FakeFlipsnack], None],
) -> None:
    """One ERROR when the flipbooks stop updating, one INFO when they are back.

    While only the listing fails, the figures of the known flipbooks go on between its
    retries; those updates don't count as the end of the outage.
    """
    outage(flipsnack)
    await advance_time(hass, freezer, timedelta(hours=2))

    actions = [request.params["action"] for request in flipsnack.requests]
    assert actions.count(GET_LIST) >= timedelta(hours=1.5) / LISTING_RETRY
    assert GET_STATS in actions
    assert _logged(caplog, logging.ERROR, FLIPBOOKS_FAILED) == 1
    assert _logged(caplog, logging.INFO, FLIPBOOKS_RECOVERED) == 0

    flipsnack.reset()
    await advance_time(hass, freezer, LISTING_RETRY + FLIPBOOK_UPDATE_INTERVAL)
    await advance_time(hass, freezer, LISTING_INTERVAL)

    assert _logged(caplog, logging.ERROR, FLIPBOOKS_FAILED) == 1
    assert _logged(caplog, logging.INFO, FLIPBOOKS_RECOVERED) == 1


@pytest.mark.usefixtures("entry")
async def test_a_failed_refresh_of_figures_is_logged_once_and_its_end_once(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Figures that fail while the listing works recover with the next refresh."""
    flipsnack.action_errors[GET_STATS] = FakeApiError(22, "Maintenance mode")
    await advance_time(hass, freezer, LISTING_INTERVAL + FLIPBOOK_UPDATE_INTERVAL * 2)
    assert _logged(caplog, logging.ERROR, FLIPBOOKS_FAILED) == 1

    flipsnack.reset()
    await advance_time(hass, freezer, FLIPBOOK_UPDATE_INTERVAL * 2)

    assert _logged(caplog, logging.ERROR, FLIPBOOKS_FAILED) == 1
    assert _logged(caplog, logging.INFO, FLIPBOOKS_RECOVERED) == 1


@pytest.mark.usefixtures("entry")
async def test_a_throttled_listing_brings_only_its_own_retry_forward(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The updates after a listing refused with code 31 keep their minute.

    Each of them fails with the listing's error again, but only the listing met the
    limit: Flipsnack's one-second wait must not make them run every second.
    """
    caplog.set_level(logging.DEBUG, logger="custom_components.flipsnack")
    flipsnack.action_errors[GET_LIST] = FakeApiError(31, "Requests per second limit")

    await advance_time(hass, freezer, LISTING_INTERVAL + LISTING_RETRY * 3)

    listings = sum(1 for r in flipsnack.requests if r.params["action"] == GET_LIST)
    assert listings >= 2
    assert _logged(caplog, logging.DEBUG, "Retry after triggered") == listings
    assert _logged(caplog, logging.ERROR, FLIPBOOKS_FAILED) == 1


def _stats_of(fake: FakeFlipsnack, flipbook_hash: str) -> list[float]:
    """Return when the fake was asked for a flipbook's figures."""
    return [
        request.at
        for request in fake.requests
        if request.params["action"] == GET_STATS
        and request.params.get("collectionHash") == flipbook_hash
    ]


def _listings(fake: FakeFlipsnack) -> int:
    return sum(1 for request in fake.requests if request.params["action"] == GET_LIST)


@pytest.mark.parametrize(
    ("code", "status"), [(43, "Forbidden"), (46, "Invalid collection hash")]
)
async def test_figures_refused_for_a_listed_flipbook_are_asked_less_and_less(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    freezer: FrozenDateTimeFactory,
    entry: MockConfigEntry,
    code: int,
    status: str,
) -> None:
    """A flipbook still listed but refused is asked again after a cycle, then doubling.

    The first refusal asks for a listing, which keeps the flipbook; after that only the
    regular listings look again. The other flipbook goes on as usual, and the refused
    one's figures come back once Flipsnack answers again.
    """
    coordinator = entry.runtime_data.flipbooks
    assert coordinator is not None
    flipsnack.stats_errors[CATALOG] = FakeApiError(code, status)

    # The first refusal comes a cycle in, the eighth-cycle wait ends 7.5 hours later;
    # each ask waits a few seconds for its slot in the rotation.
    await advance_time(hass, freezer, timedelta(hours=8, minutes=5))

    asked = _stats_of(flipsnack, CATALOG)
    gaps = [later - earlier for earlier, later in itertools.pairwise(asked)]
    cycle = coordinator.cycle.total_seconds()
    # Eight cycles are four hours, the longest wait.
    assert [round(gap / cycle) for gap in gaps] == [1, 2, 4, 8]
    assert _listings(flipsnack) <= timedelta(hours=8) / LISTING_INTERVAL + 1
    assert len(_stats_of(flipsnack, PRICES)) >= timedelta(hours=8) / coordinator.cycle
    assert coordinator.figures_of(CATALOG) is None
    assert CATALOG in coordinator.data.flipbooks

    flipsnack.stats_errors.clear()
    await advance_time(hass, freezer, REFUSED_FIGURES_MAX_BACKOFF)

    figures = coordinator.figures_of(CATALOG)
    assert figures is not None
    assert figures.views == 120


async def test_the_back_off_stops_at_its_longest(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    freezer: FrozenDateTimeFactory,
    entry: MockConfigEntry,
) -> None:
    """However long the figures are refused, they are asked for again this often."""
    coordinator = entry.runtime_data.flipbooks
    assert coordinator is not None
    flipsnack.stats_errors[CATALOG] = FakeApiError(46, "Invalid collection hash")

    await advance_time(hass, freezer, timedelta(hours=24))

    asked = _stats_of(flipsnack, CATALOG)
    gaps = [later - earlier for earlier, later in itertools.pairwise(asked)]
    longest = REFUSED_FIGURES_MAX_BACKOFF.total_seconds()
    assert max(gaps) <= longest + FLIPBOOK_UPDATE_INTERVAL.total_seconds()
    assert gaps[-2] >= longest
    assert len(asked) <= 9
