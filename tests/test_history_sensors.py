"""Tests for the history import's sensors: its progress, and the most viewed flipbook."""

from datetime import date, timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers.event import async_track_state_change_event
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.flipsnack.api import Figures
from custom_components.flipsnack.const import (
    CONF_HISTORY_DAYS,
)
from custom_components.flipsnack.history import HistoryImporter
from custom_components.flipsnack.history_store import NO_FIGURES, FlipbookHistory

from . import advance_to_timers
from .const import API_KEY
from .fake_flipsnack import FakeFigures, FakeFlipsnack
from .history_harness import NOW, TODAY, make_history_entry

WEEK = [TODAY - timedelta(days=age) for age in range(1, 8)]
PROGRESS = "sensor.flipsnack_7832_history_import"
MOST_VIEWED = "sensor.flipsnack_7832_most_viewed_flipbook"
SPRING = "spring-catalog"
PRICES = "price-list"


def _price_list_views(day: date) -> int:
    """Fewer views than the spring catalog each day of the week, more on any other."""
    return 9 if day in WEEK else 1000


@pytest.fixture
def books(flipsnack: FakeFlipsnack, freezer: FrozenDateTimeFactory) -> FakeFlipsnack:
    """Give the account two flipbooks with figures on each of the last 45 days.

    In the last week the spring catalog has 70 views and the price list 63, though
    the price list leads in impressions and in views today and before the week.
    """
    freezer.move_to(NOW)
    days = [TODAY - timedelta(days=age) for age in range(45)]
    flipsnack.add_flipbook(
        API_KEY,
        hash=SPRING,
        title="Spring catalog",
        daily={day: FakeFigures(impressions=20, views=10) for day in days},
    )
    flipsnack.add_flipbook(
        API_KEY,
        hash=PRICES,
        title="Price list",
        daily={
            day: FakeFigures(impressions=5000, views=_price_list_views(day))
            for day in days
        },
    )
    return flipsnack


@pytest.fixture
def quiet_books(flipsnack: FakeFlipsnack, freezer: FrozenDateTimeFactory) -> None:
    """Give the account two flipbooks without readers: the import cannot start.

    Without views the import cannot tell what endDate means, so it fetches no day
    and leaves the state the tests give it.
    """
    freezer.move_to(NOW)
    flipsnack.add_flipbook(API_KEY, hash=SPRING, title="Spring catalog", daily={})
    flipsnack.add_flipbook(API_KEY, hash=PRICES, title="Price list", daily={})


async def _set_up(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, entry: MockConfigEntry
) -> None:
    """Set the entry up and let its listing and first calls finish."""
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await advance_to_timers(hass, freezer, timedelta(seconds=10))


def _imported(views: dict[date, int]) -> FlipbookHistory:
    """Return a flipbook's import that has fetched these days with these views."""
    return FlipbookHistory(
        first_day=TODAY - timedelta(days=30),
        oldest=min(views, default=TODAY),
        before_oldest=NO_FIGURES,
        final_day=TODAY,
        final_sums=NO_FIGURES,
        daily={
            day: Figures(impressions=0, views=count, time_spent=0, downloads=0)
            for day, count in views.items()
        },
    )


def _history(entry: MockConfigEntry) -> HistoryImporter:
    history = entry.runtime_data.history
    assert history is not None
    return history


async def test_history_off_leaves_the_sensors_without_state(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, books: FakeFlipsnack
) -> None:
    """Off: the progress is unavailable and no flipbook is the most viewed."""
    entry = make_history_entry(**{CONF_HISTORY_DAYS: 0})
    await _set_up(hass, freezer, entry)
    await advance_to_timers(hass, freezer, timedelta(minutes=5))

    assert entry.runtime_data.history is None
    assert hass.states.get(PROGRESS).state == STATE_UNAVAILABLE
    most_viewed = hass.states.get(MOST_VIEWED)
    assert most_viewed.state == STATE_UNKNOWN
    assert "flipbook_hash" not in most_viewed.attributes
    assert not [r for r in books.requests if "startDate" in r.params]


async def test_the_sensors_follow_the_import(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    books: FakeFlipsnack,
    snapshot: SnapshotAssertion,
) -> None:
    """The progress rises as days come in; complete, the week's most viewed shows."""
    progress: list[str] = []

    @callback
    def record(event: Event[EventStateChangedData]) -> None:
        if (state := event.data["new_state"]) is not None:
            progress.append(state.state)

    async_track_state_change_event(hass, [PROGRESS], record)
    entry = make_history_entry()
    await _set_up(hass, freezer, entry)
    assert hass.states.get(MOST_VIEWED).state == STATE_UNKNOWN

    await advance_to_timers(hass, freezer, timedelta(minutes=15))

    assert _history(entry).progress == 100.0
    percentages = [float(state) for state in progress]
    started = percentages.index(min(percentages))
    assert percentages[-1] == 100.0
    assert percentages[started:] == sorted(percentages[started:])
    # Day by day, not only at the end.
    assert len({p for p in percentages[started:] if 0 < p < 100}) > 10
    assert hass.states.get(PROGRESS) == snapshot(name="progress")
    assert hass.states.get(MOST_VIEWED) == snapshot(name="most_viewed")
    most_viewed = hass.states.get(MOST_VIEWED)
    assert most_viewed.state == "Spring catalog"
    assert most_viewed.attributes["flipbook_hash"] == SPRING
    assert most_viewed.attributes["views"] == 70


async def test_most_viewed_waits_for_every_day_of_the_week(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    quiet_books: None,
) -> None:
    """One day missing of one flipbook leaves it unknown; the week moves at midnight."""
    freezer.move_to(NOW.replace(hour=23, minute=50))
    entry = make_history_entry()
    await _set_up(hass, freezer, entry)
    history = _history(entry)
    assert history.state.end_date is None
    assert hass.states.get(MOST_VIEWED).state == STATE_UNKNOWN
    flipbooks = entry.runtime_data.flipbooks
    assert flipbooks is not None

    # The price list leads this week, but lacks its oldest day.
    spring = dict.fromkeys(WEEK, 5) | {TODAY: 100}
    prices = dict.fromkeys(WEEK[:-1], 6)
    history.state.flipbooks = {SPRING: _imported(spring), PRICES: _imported(prices)}
    flipbooks.async_update_listeners()
    assert hass.states.get(MOST_VIEWED).state == STATE_UNKNOWN

    history.state.flipbooks[PRICES] = _imported(prices | {WEEK[-1]: 6})
    flipbooks.async_update_listeners()
    state = hass.states.get(MOST_VIEWED)
    assert state.state == "Price list"
    assert state.attributes == {
        "friendly_name": "Flipsnack …7832 Most viewed flipbook",
        "flipbook_hash": PRICES,
        "views": 42,
    }

    # Past midnight today is complete: the price list lacks it.
    await advance_to_timers(hass, freezer, timedelta(minutes=11))
    assert hass.states.get(MOST_VIEWED).state == STATE_UNKNOWN

    history.state.flipbooks[PRICES].daily[TODAY] = Figures(
        impressions=0, views=1, time_spent=0, downloads=0
    )
    await advance_to_timers(hass, freezer, timedelta(minutes=1))
    state = hass.states.get(MOST_VIEWED)
    assert state.state == "Spring catalog"
    assert state.attributes["views"] == 6 * 5 + 100


async def test_most_viewed_takes_the_title_of_the_latest_listing(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipsnack: FakeFlipsnack,
    quiet_books: None,
) -> None:
    """A renamed flipbook shows its new title after the next listing, cut to 255."""
    entry = make_history_entry()
    await _set_up(hass, freezer, entry)
    history = _history(entry)
    history.state.flipbooks = {
        SPRING: _imported(dict.fromkeys(WEEK, 3)),
        PRICES: _imported(dict.fromkeys(WEEK, 2)),
    }
    await advance_to_timers(hass, freezer, timedelta(minutes=1))
    assert hass.states.get(MOST_VIEWED).state == "Spring catalog"

    title = "Spring catalog, with every chair and table of the season. " * 6
    flipsnack.accounts[API_KEY].flipbooks[SPRING].title = title
    await advance_to_timers(hass, freezer, timedelta(minutes=31))

    assert len(title) > 255
    assert hass.states.get(MOST_VIEWED).state == title[:255]
