"""An entry's life as a user lives it, for the call-budget test and benchmark.

Add the entry, choose flipbooks in the options, reload, re-authenticate, ask the action,
reload, then five quiet minutes: every step makes calls with the same API key, each as
soon as the one before allows.
"""

from dataclasses import dataclass
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

from . import advance_time, await_paced
from .const import API_KEY, API_SECRET
from .fake_flipsnack import FakeFlipsnack

CREDENTIALS = {CONF_API_KEY: API_KEY, CONF_API_SECRET: API_SECRET}
HASHES = [f"budget{number:04}" for number in range(3)]


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the entry's life, and the requests the fake received during it."""

    name: str
    requests: slice  # of FakeFlipsnack.requests


async def live_an_entry(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, flipsnack: FakeFlipsnack
) -> list[Step]:
    """Go through the entry's life against the fake; return its steps in order.

    The fake records each request at the simulated time it arrived.
    """
    flipsnack.clock = hass.loop.time
    for flipbook_hash in HASHES:
        flipsnack.add_flipbook(API_KEY, hash=flipbook_hash, title=flipbook_hash)
    # Each step's name and the number of requests the fake had received when it began.
    begun: list[tuple[str, int]] = []

    def step(name: str) -> None:
        begun.append((name, len(flipsnack.requests)))

    step("add")
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await await_paced(
        hass,
        freezer,
        hass.config_entries.flow.async_configure(result["flow_id"], CREDENTIALS),
    )
    _expect(result["type"] is FlowResultType.CREATE_ENTRY, result)
    entry = result["result"]
    await await_paced(hass, freezer, hass.async_block_till_done())

    step("options with a listing")
    result = await hass.config_entries.options.async_init(entry.entry_id)
    for user_input in (
        {"next_step_id": "flipbooks"},
        {CONF_TRACKING: "chosen"},
        {CONF_FLIPBOOKS: HASHES},
    ):
        result = await await_paced(
            hass,
            freezer,
            hass.config_entries.options.async_configure(result["flow_id"], user_input),
        )
    _expect(result["type"] is FlowResultType.CREATE_ENTRY, result)
    await await_paced(
        hass, freezer, hass.async_block_till_done(wait_background_tasks=True)
    )

    step("reload")
    _expect(
        await await_paced(
            hass, freezer, hass.config_entries.async_reload(entry.entry_id)
        ),
        entry.state,
    )

    step("reauth")
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
    _expect(result.get("reason") == "reauth_successful", result)
    await await_paced(hass, freezer, hass.async_block_till_done())

    step("action")
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
    _expect(response is not None, response)

    step("reload")
    _expect(
        await await_paced(
            hass, freezer, hass.config_entries.async_reload(entry.entry_id)
        ),
        entry.state,
    )
    step("five minutes")
    await advance_time(hass, freezer, timedelta(minutes=5))
    ends = [first for _, first in begun[1:]] + [len(flipsnack.requests)]
    return [
        Step(name, slice(first, end))
        for (name, first), end in zip(begun, ends, strict=True)
    ]


def _expect(condition: bool, outcome: object) -> None:
    """Stop the sequence where a step did not do what a user would see it do."""
    if not condition:
        pytest.fail(f"The step went otherwise: {outcome!r}")
