"""What the integration adds to one flipbook refresh, against a raw signed request."""

from datetime import timedelta
from functools import partial
import json

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
import pytest

from custom_components.flipsnack.scheduler import CALLS_PER_MINUTE
from tests.const import API_KEY, API_SECRET
from tests.fake_flipsnack import FakeFlipsnack, signature_for

from . import (
    OVERHEAD_RESULTS,
    OverheadResult,
    Stepping,
    pass_time,
    set_up_all_tracking,
    wall_clock,
)

WARM_UP = 5
RUNS = 100
# The views add_flipbooks gives the first flipbook.
VIEWS = 2
# Simulated time between two measured calls: longer than the scheduler's 1 s window, and
# long enough that at most 18 of them fall in any 60 s. So a measured call never waits
# for a slot (with time frozen, such a wait would never end) unless something else used
# the scheduler, which the benchmark checks before each call.
SPACING = timedelta(seconds=3.5)
BUSY = CALLS_PER_MINUTE - 2


async def bench_refresh_overhead(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    freezer: FrozenDateTimeFactory,
    stepping: Stepping,
    request: pytest.FixtureRequest,
) -> None:
    """Time one flipbook's figures through the entry's scheduler and client, and raw.

    The integration's refresh: the scheduler's call and slot, signing, the request on
    Home Assistant's shared web session, reading, parsing and checking the answer. The
    raw request: signing, the same request on the same session, reading the body. Both
    are timed alternately against the same fake, with the scheduler idle.
    """
    (flipbook,) = flipsnack.add_flipbooks(API_KEY, 1, status_cycle=["public"])
    set_up = await set_up_all_tracking(hass, freezer, flipsnack, stepping)
    # After the first refresh nothing is due for 30 minutes, nor is the account poll.
    await pass_time(hass, freezer, timedelta(minutes=2), stepping)
    data = set_up.entry.runtime_data
    scheduler = data.scheduler
    refresh = partial(data.client.collection_stats, flipbook.hash)
    session = async_get_clientsession(hass)
    query = {
        "action": "collection.getStats",
        "apiKey": API_KEY,
        "collectionHash": flipbook.hash,
    }

    async def raw() -> bytes:
        signed = {**query, "signature": signature_for(API_SECRET, query)}
        async with session.get(flipsnack.url, params=signed) as response:
            return await response.read()

    integration_times: list[float] = []
    raw_times: list[float] = []
    for run in range(WARM_UP + RUNS):
        await pass_time(hass, freezer, SPACING, stepping)
        if scheduler.stats.waiting or scheduler.stats.calls_last_minute > BUSY:
            pytest.fail(f"The scheduler is busy: {scheduler.stats}")
        # Alternate which goes first, so that neither always finds the other's traces.
        for integration in (run % 2 == 0, run % 2 != 0):
            started = wall_clock()
            if integration:
                stats = await scheduler.async_call(refresh)
                elapsed = wall_clock() - started
                answer: object = stats.views
            else:
                body = await raw()
                elapsed = wall_clock() - started
                answer = json.loads(body)["data"]["views"]
            if answer != VIEWS:
                pytest.fail(f"Wrong figures: {answer}")
            if run >= WARM_UP:
                (integration_times if integration else raw_times).append(elapsed)

    request.config.stash.setdefault(OVERHEAD_RESULTS, []).append(
        OverheadResult(integration=integration_times, raw=raw_times)
    )
