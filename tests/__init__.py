"""Tests for the Flipsnack integration."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import restore_state, storage
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    get_scheduled_timer_handles,
    mock_restore_cache_with_extra_data,
)

from . import cloud_stub
from .const import API_KEY
from .fake_flipsnack import FakeFigures, FakeFlipbook, FakeFlipsnack, FakeMode

# Before anything imports the integration, which imports homeassistant.components.cloud.
cloud_stub.install_if_needed()

from custom_components.flipsnack.const import DOMAIN  # noqa: E402 - after the stand-in
from custom_components.flipsnack.scheduler import (  # noqa: E402 - after the stand-in
    RequestScheduler,
)


async def setup_integration(hass: HomeAssistant, config_entry: MockConfigEntry) -> None:
    """Add the config entry to Home Assistant and set it up."""
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()


async def _settle(hass: HomeAssistant) -> int:
    """Wait until every update has finished or waits for a slot of the scheduler.

    Waiting for the background tasks themselves would never end while one of them
    waits for a slot: only simulated time frees it. Returns how many calls wait.
    """
    for _ in range(100_000):
        await hass.async_block_till_done()
        loaded = hass.config_entries.async_loaded_entries(DOMAIN)
        waiting = sum(entry.runtime_data.scheduler.stats.waiting for entry in loaded)
        # A history import that sleeps waits for time, as a call waits for its slot.
        sleeping = sum(
            1
            for entry in loaded
            if (history := entry.runtime_data.history) is not None and history.sleeping
        )
        pending = [task for task in hass._background_tasks if not task.done()]
        if len(pending) <= waiting + sleeping:
            return waiting
        # Frozen time stops asyncio's timeouts; yielding lets loopback answers in.
        await asyncio.sleep(0)
    pytest.fail(f"updates never settled: {[task.get_stack() for task in pending]}")


async def advance_to_timers(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta
) -> None:
    """Let simulated time pass from one armed timer to the next, at most 20 s a step.

    For the history import, whose calls are paced by timers of their own.
    """
    end = hass.loop.time() + delta.total_seconds()
    await _settle(hass)
    while (now := hass.loop.time()) < end:
        due = [handle.when() for handle in armed_timers(hass)]
        step = min(end - now, 20.0, *(max(0.001, when - now) for when in due))
        freezer.tick(timedelta(seconds=step))
        async_fire_time_changed(hass)
        await _settle(hass)


async def advance_time(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    delta: timedelta,
    *,
    longest_step: float = 20.0,
) -> None:
    """Let simulated time pass, in steps short enough for the paced calls."""
    remaining = delta.total_seconds()
    waiting = await _settle(hass)
    while remaining > 0:
        # Paced calls need the scheduler's second-long windows; between updates
        # time may leap from one coordinator interval to the next.
        step = min(remaining, 1.0 if waiting else longest_step)
        freezer.tick(timedelta(seconds=step))
        async_fire_time_changed(hass)
        waiting = await _settle(hass)
        remaining -= step


async def setup_and_list(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, entry: MockConfigEntry
) -> None:
    """Set the entry up and let its first listing finish."""
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await advance_time(hass, freezer, timedelta(seconds=5))


def restore_last_event(
    hass: HomeAssistant,
    entity_id: str,
    fired: str,
    event_type: str,
    attributes: dict[str, Any],
) -> None:
    """Make the restore cache hold an event entity's last event, as an older run left it.

    Its state and its event data both have the attributes, as Home Assistant kept them
    before the entities left some out.
    """
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(entity_id, fired, {"event_type": event_type, **attributes}),
                {"last_event_type": event_type, "last_event_attributes": attributes},
            )
        ],
    )


def stored_event_data(hass: HomeAssistant, entity_id: str) -> dict[str, Any]:
    """Return the event data an event entity hands to the restore cache now."""
    stored = {
        stored.state.entity_id: stored
        for stored in restore_state.async_get(hass).async_get_stored_states()
    }[entity_id]
    assert stored.extra_data is not None
    return stored.extra_data.as_dict()


def store_writes(key: str) -> int:
    """Count the writes of the store with this key since the test began.

    Home Assistant's test plugin replaces the writing of every store with a mock, which
    keeps its calls.
    """
    write = storage.Store._async_write_data  # type: ignore[attr-defined]
    return sum(1 for call in write.call_args_list if call.args[0].key == key)


def answer_with_code(code: int, status: str) -> Callable[[FakeFlipsnack], None]:
    """Make the fake answer every call with an error envelope."""

    def apply(fake: FakeFlipsnack) -> None:
        fake.envelope_override = {"code": code, "status": status}

    return apply


def set_mode(mode: FakeMode) -> Callable[[FakeFlipsnack], None]:
    """Make the fake answer every call in the given mode."""

    def apply(fake: FakeFlipsnack) -> None:
        fake.mode = mode

    return apply


def armed_timers(hass: HomeAssistant) -> list[asyncio.TimerHandle]:
    """Return the timers of Home Assistant's event loop that have yet to fire."""
    return [
        handle
        for handle in get_scheduled_timer_handles(hass.loop)
        if not handle.cancelled()
    ]


def scheduler_timers(hass: HomeAssistant) -> list[asyncio.TimerHandle]:
    """Return the armed timers that wake a request scheduler up.

    Such a timer runs a job whose target is a method of the scheduler; the job is the
    timer's last argument, where Home Assistant's own check for lingering timers
    reads it too.
    """
    return [
        handle
        for handle in armed_timers(hass)
        if handle._args
        and isinstance(
            getattr(getattr(handle._args[-1], "target", None), "__self__", None),
            RequestScheduler,
        )
    ]


async def await_paced[T](
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, step: Awaitable[T]
) -> T:
    """Await a flow step or an action, moving the clock whenever it waits for a slot.

    The clock moves only to a timer of a scheduler, which is armed only while a
    request waits for its slot, so no request times out on its way.
    """
    task: asyncio.Future[T] = asyncio.ensure_future(step)
    for _ in range(100_000):
        if task.done():
            break
        if timers := scheduler_timers(hass):
            when = min(handle.when() for handle in timers)
            freezer.tick(max(0.0, when - hass.loop.time()))
            async_fire_time_changed(hass)
        await asyncio.sleep(0)
    else:
        pytest.fail("The step did not finish")
    return task.result()


def add_book_with_days(fake: FakeFlipsnack) -> FakeFlipbook:
    """Give the test account a flipbook with figures on three days and two pages."""
    return fake.add_flipbook(
        API_KEY,
        hash="fxh4k89",
        title="Catalogue",
        daily={
            date(2026, 3, 1): FakeFigures(1, 2, 3, 4),
            date(2026, 3, 2): FakeFigures(10, 20, 30, 40),
            date(2026, 3, 31): FakeFigures(100, 200, 300, 400),
        },
        pages=[
            {"page": 1, "views": 7, "clicks": 2, "time_spent": 900},
            {"page": 2, "views": 3, "clicks": 0, "time_spent": 100},
        ],
    )


def add_spring_catalog(fake: FakeFlipsnack) -> FakeFlipbook:
    """Give the test account a flipbook with figures on five days and two pages.

    From Tuesday 10 March 2026, last week (2 to 8 March) holds three of the days; the
    figures of 1 and 9 March, just outside it, are large enough to show in any sum.
    """
    return fake.add_flipbook(
        API_KEY,
        hash="spring-catalog",
        title="Spring catalog",
        daily={
            date(2026, 3, 1): FakeFigures(1000, 1000, 1000, 1000),
            date(2026, 3, 2): FakeFigures(40, 12, 300, 1),
            date(2026, 3, 5): FakeFigures(60, 20, 420, 2),
            date(2026, 3, 8): FakeFigures(15, 5, 60, 0),
            date(2026, 3, 9): FakeFigures(2000, 2000, 2000, 2000),
        },
        pages=[
            {"page": 1, "views": 37, "clicks": 4, "time_spent": 410},
            {"page": 2, "views": 21, "clicks": 0, "time_spent": 370},
        ],
    )
