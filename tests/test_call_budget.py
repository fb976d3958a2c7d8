"""Tests that the calls made with one API key stay within its budget over an entry's life.

Set-up, flows, reloads and actions each make calls; the key's scheduler outlives each of
them, so Flipsnack never sees more than the integration's share, whatever their order.
"""

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, SOURCE_USER
from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.flipsnack.const import (
    CONF_API_SECRET,
    CONF_FLIPBOOKS,
    CONF_TRACKING,
    DOMAIN,
)
from custom_components.flipsnack.scheduler import CALLS_PER_MINUTE, CALLS_PER_SECOND

from . import advance_time, await_paced
from .const import API_KEY, API_SECRET
from .fake_flipsnack import FakeFlipsnack

CREDENTIALS = {CONF_API_KEY: API_KEY, CONF_API_SECRET: API_SECRET}
HASHES = [f"budget{number:04}" for number in range(3)]


def _most_in_any_window(times: list[float], seconds: float) -> int:
    """Return the most calls that fell within any window of the given length."""
    return max(
        sum(1 for other in times if start <= other < start + seconds) for start in times
    )


@pytest.mark.usefixtures("socket_enabled")
async def test_setup_options_reloads_reauth_and_action_share_one_budget(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, flipsnack: FakeFlipsnack
) -> None:
    """Add, choose flipbooks, reload, re-authenticate, ask the action, reload."""
    flipsnack.clock = hass.loop.time
    for flipbook_hash in HASHES:
        flipsnack.add_flipbook(API_KEY, hash=flipbook_hash, title=flipbook_hash)

    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await await_paced(
        hass,
        freezer,
        hass.config_entries.flow.async_configure(result["flow_id"], CREDENTIALS),
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]
    await await_paced(hass, freezer, hass.async_block_till_done())

    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await await_paced(
        hass,
        freezer,
        hass.config_entries.options.async_configure(
            result["flow_id"], {"next_step_id": "flipbooks"}
        ),
    )
    result = await await_paced(
        hass,
        freezer,
        hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_TRACKING: "chosen"}
        ),
    )
    result = await await_paced(
        hass,
        freezer,
        hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_FLIPBOOKS: HASHES}
        ),
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await await_paced(
        hass, freezer, hass.async_block_till_done(wait_background_tasks=True)
    )

    assert await await_paced(
        hass, freezer, hass.config_entries.async_reload(entry.entry_id)
    )

    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_REAUTH, "entry_id": entry.entry_id},
        data=dict(entry.data),
    )
    result = await await_paced(
        hass,
        freezer,
        hass.config_entries.flow.async_configure(result["flow_id"], CREDENTIALS),
    )
    assert result["reason"] == "reauth_successful"
    await await_paced(hass, freezer, hass.async_block_till_done())

    response = await await_paced(
        hass,
        freezer,
        hass.services.async_call(
            DOMAIN,
            "get_statistics",
            {"config_entry_id": entry.entry_id, "flipbook": HASHES[0]},
            blocking=True,
            return_response=True,
        ),
    )
    assert response is not None

    assert await await_paced(
        hass, freezer, hass.config_entries.async_reload(entry.entry_id)
    )
    await advance_time(hass, freezer, timedelta(minutes=5))

    times = sorted(request.at for request in flipsnack.requests)
    # Enough calls that the limits were in play: every step above made some.
    assert len(times) > 2 * CALLS_PER_SECOND
    assert _most_in_any_window(times, 1) <= CALLS_PER_SECOND
    assert _most_in_any_window(times, 60) <= CALLS_PER_MINUTE
