"""How often the flipbook figures are written to disk, the SD card of most installations.

An entry tracks all flipbooks of the fake account; after a first hour, which lists them
and fetches their figures once, the writes of the next two simulated hours are counted:
with figures that stay, and with every flipbook's figures growing every minute, so that
every refresh brings new ones.
"""

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest

from custom_components.flipsnack.const import DOMAIN
from tests import store_writes
from tests.const import API_KEY
from tests.fake_flipsnack import FIGURES_DAY, FakeFlipsnack

from . import STORE_RESULTS, Stepping, StoreResult, pass_time, set_up_all_tracking

WARM_UP = timedelta(hours=1)
MEASURED = timedelta(hours=2)


@pytest.mark.parametrize(
    ("count", "growing"),
    [(1, False), (1, True), (100, False), (100, True)],
    ids=["1-still", "1-growing", "100-still", "100-growing"],
)
async def bench_store_writes(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    freezer: FrozenDateTimeFactory,
    stepping: Stepping,
    request: pytest.FixtureRequest,
    *,
    count: int,
    growing: bool,
) -> None:
    """Count the writes of the figures store in two hours after the first."""
    flipbooks = flipsnack.add_flipbooks(API_KEY, count, status_cycle=["public"])
    set_up = await set_up_all_tracking(hass, freezer, flipsnack, stepping)
    key = f"{DOMAIN}.{set_up.entry.entry_id}.flipbooks"
    await pass_time(
        hass,
        freezer,
        WARM_UP - timedelta(seconds=flipsnack.clock() - set_up.started_at),
        stepping,
    )
    if len(set_up.coordinator.data.figures) != count:
        pytest.fail(f"{len(set_up.coordinator.data.figures)} flipbooks with figures")
    measured_from = flipsnack.clock()
    writes_before = store_writes(key)

    for _ in range(round(MEASURED / timedelta(minutes=1))):
        if growing:
            for flipbook in flipbooks:
                flipbook.daily[FIGURES_DAY].views += 1
        await pass_time(hass, freezer, timedelta(minutes=1), stepping)

    request.config.stash.setdefault(STORE_RESULTS, []).append(
        StoreResult(
            flipbooks=count,
            growing=growing,
            simulated_hours=(flipsnack.clock() - measured_from) / 3600,
            writes=store_writes(key) - writes_before,
        )
    )
