"""Tests for the flipbook figures on disk: written when they change, rarely, never after removal."""

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import (
    EVENT_HOMEASSISTANT_FINAL_WRITE,
    EVENT_HOMEASSISTANT_STOP,
)
from homeassistant.core import CoreState, HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.flipsnack.const import (
    DOMAIN,
    FLIPBOOK_UPDATE_INTERVAL,
    LISTING_INTERVAL,
    Tracking,
    flipbook_cycle,
)
from custom_components.flipsnack.coordinator import FlipsnackFlipbooksCoordinator
from custom_components.flipsnack.flipbook_store import (
    SAVE_DELAY,
    FlipbookStore,
    StoredFlipbooks,
)

from . import advance_time, scheduler_timers, store_writes
from .const import API_KEY, API_SECRET
from .fake_flipsnack import FakeFigures, FakeFlipsnack

ENTRY_ID = "01JFLIPSNACKTESTENTRY00000"
KEY = f"{DOMAIN}.{ENTRY_ID}.flipbooks"
CATALOG = "spring-catalog"
GET_STATS = "collection.getStats"


def _entry() -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        title="Flipsnack …7832",
        data={"api_key": API_KEY, "api_secret": API_SECRET},
        options={"tracking": Tracking.ALL},
        entry_id=ENTRY_ID,
    )


@pytest.fixture
def catalog(flipsnack: FakeFlipsnack) -> FakeFigures:
    """Give the test account one published flipbook; return its figures to change."""
    figures = FakeFigures(impressions=500, views=120, time_spent=5580, downloads=7)
    flipsnack.add_flipbook(
        API_KEY, hash=CATALOG, title="Spring catalog", totals=figures
    )
    return figures


async def _set_up_with_figures(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hass_storage: dict[str, Any]
) -> FlipsnackFlipbooksCoordinator:
    """Set the entry up, and let its listing, first figures and their write pass."""
    entry = _entry()
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await advance_time(hass, freezer, FLIPBOOK_UPDATE_INTERVAL + SAVE_DELAY)
    assert _stored_views(hass_storage) == 120
    coordinator = entry.runtime_data.flipbooks
    assert coordinator is not None
    return coordinator


def _stored_views(hass_storage: dict[str, Any]) -> int | None:
    stored = hass_storage.get(KEY)
    if stored is None:
        return None
    figures = stored["data"]["flipbooks"][CATALOG]["figures"]
    return None if figures is None else int(figures["views"])


@pytest.mark.usefixtures("catalog")
async def test_figures_that_stay_the_same_are_not_written_again(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hass_storage: dict[str, Any]
) -> None:
    """Listings and refreshes that change nothing but their times write nothing."""
    await _set_up_with_figures(hass, freezer, hass_storage)
    writes = store_writes(KEY)

    await advance_time(hass, freezer, timedelta(hours=3))

    assert store_writes(KEY) == writes


async def test_changed_figures_are_written_after_the_delay(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    catalog: FakeFigures,
    hass_storage: dict[str, Any],
) -> None:
    """New figures reach the disk SAVE_DELAY after the refresh that brought them."""
    coordinator = await _set_up_with_figures(hass, freezer, hass_storage)
    writes = store_writes(KEY)
    catalog.views = 125

    # The next refresh brings them, within a cycle; the disk waits.
    while (figures := coordinator.figures_of(CATALOG)) and figures.views == 120:
        await advance_time(hass, freezer, timedelta(seconds=20))
    assert _stored_views(hass_storage) == 120
    await advance_time(hass, freezer, SAVE_DELAY - timedelta(seconds=40))
    assert _stored_views(hass_storage) == 120

    await advance_time(hass, freezer, timedelta(seconds=40))

    assert _stored_views(hass_storage) == 125
    assert store_writes(KEY) == writes + 1


def _changing_data(views: list[int]) -> Callable[[], StoredFlipbooks]:
    """Return data whose figures are views[0], fetched now."""

    def data() -> StoredFlipbooks:
        return {
            "tracking": Tracking.ALL,
            "chosen": [],
            "listed_at": dt_util.utcnow().isoformat(),
            "flipbooks": {
                CATALOG: {
                    "title": "Spring catalog",
                    "status": "public",
                    "figures": {
                        "impressions": 1,
                        "views": views[0],
                        "time_spent": 2,
                        "downloads": 3,
                        "fetched_at": dt_util.utcnow().isoformat(),
                    },
                }
            },
        }

    return data


@pytest.mark.parametrize(
    "on_disk",
    [None, {"tracking": "all", "flipbooks": {CATALOG: "damaged"}}],
    ids=["nothing", "damaged"],
)
async def test_figures_changing_every_minute_are_written_every_five_minutes(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    on_disk: dict[str, Any] | None,
) -> None:
    """However often the figures change, the disk sees them once per SAVE_DELAY."""
    if on_disk is not None:
        hass_storage[KEY] = {"version": 1, "key": KEY, "data": on_disk}
    entry = _entry()
    entry.add_to_hass(hass)
    views = [0]
    store = FlipbookStore(hass, entry, _changing_data(views))
    await store.async_load()

    for _ in range(60):
        views[0] += 1
        store.async_save_if_changed()
        freezer.tick(timedelta(minutes=1))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()

    assert store_writes(KEY) == timedelta(hours=1) / SAVE_DELAY
    assert _stored_views(hass_storage) == 60

    # The disk has it all: neither a stop nor the unload writes again.
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()
    await store.async_close()
    assert store_writes(KEY) == timedelta(hours=1) / SAVE_DELAY


async def test_nothing_is_written_before_the_store_is_loaded(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """An entry that unloads before its store was read leaves the disk alone."""
    entry = _entry()
    entry.add_to_hass(hass)
    store = FlipbookStore(hass, entry, _changing_data([1]))

    store.async_save_if_changed()
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()
    await store.async_close()

    assert store_writes(KEY) == 0
    assert KEY not in hass_storage


async def test_stop_writes_the_latest_times_once(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    catalog: FakeFigures,
    hass_storage: dict[str, Any],
) -> None:
    """Times that moved without a change are written when Home Assistant stops."""
    coordinator = await _set_up_with_figures(hass, freezer, hass_storage)
    await advance_time(hass, freezer, LISTING_INTERVAL + flipbook_cycle(1))
    writes = store_writes(KEY)
    listed_at = coordinator.data.listed_at
    assert listed_at is not None
    assert hass_storage[KEY]["data"]["listed_at"] != listed_at.isoformat()

    hass.set_state(CoreState.stopping)
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()
    hass.set_state(CoreState.final_write)
    hass.bus.async_fire(EVENT_HOMEASSISTANT_FINAL_WRITE)
    await hass.async_block_till_done()
    hass.set_state(CoreState.running)

    assert store_writes(KEY) == writes + 1
    assert hass_storage[KEY]["data"]["listed_at"] == listed_at.isoformat()
    assert _stored_views(hass_storage) == catalog.views


async def _until(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, done: Callable[[], bool]
) -> None:
    """Let the event loop run until done() holds, moving the clock to paced calls."""
    for _ in range(100_000):
        if done():
            return
        if timers := scheduler_timers(hass):
            freezer.tick(max(0.0, min(t.when() for t in timers) - hass.loop.time()))
            async_fire_time_changed(hass)
        await asyncio.sleep(0)
    pytest.fail("It never happened")


@pytest.mark.parametrize("cancelled", [True, False], ids=["cancelled", "finished"])
async def test_no_store_after_the_entry_is_removed(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipsnack: FakeFlipsnack,
    catalog: FakeFigures,
    hass_storage: dict[str, Any],
    cancelled: bool,
) -> None:
    """An update in flight when the entry goes, cancelled or not, writes nothing after.

    The unload cancels the entry's own updates; one that `homeassistant.update_entity`
    started runs on, and brings new figures after the entry's removal.
    """
    coordinator = await _set_up_with_figures(hass, freezer, hass_storage)
    answering = asyncio.Event()
    asked: list[str] = []
    get_stats = flipsnack.actions[GET_STATS]

    async def held(account: Any, params: dict[str, str]) -> Any:
        asked.append(params["collectionHash"])
        await answering.wait()
        return await get_stats(account, params)

    # A listing now, so that the next update refreshes the figures, which are due.
    freezer.tick(flipbook_cycle(1))
    await coordinator.async_refresh()
    flipsnack.actions[GET_STATS] = held
    catalog.views = 130
    update = coordinator.async_refresh()
    if cancelled:
        # As the coordinator runs its updates at each interval.
        coordinator.config_entry.async_create_background_task(hass, update, "update")
        refresh: asyncio.Future[None] | None = None
    else:
        refresh = asyncio.ensure_future(update)
    await _until(hass, freezer, lambda: bool(asked))

    assert await hass.config_entries.async_remove(ENTRY_ID) == {
        "require_restart": False
    }
    assert KEY not in hass_storage
    answering.set()
    if refresh is not None:
        await refresh
        assert coordinator.figures_of(CATALOG) is not None
        assert coordinator.data.figures[CATALOG].figures.views == 130
    await advance_time(hass, freezer, SAVE_DELAY * 2)

    assert KEY not in hass_storage
