"""Tests that the calls made with one API key stay within its budget over an entry's life.

Set-up, flows, reloads and actions each make calls; the key's scheduler outlives each of
them, so Flipsnack never sees more than the integration's share, whatever their order.
"""

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest

from custom_components.flipsnack.scheduler import CALLS_PER_MINUTE, CALLS_PER_SECOND

from .call_windows import most_in_any_window
from .entry_life import live_an_entry
from .fake_flipsnack import FakeFlipsnack


@pytest.mark.usefixtures("socket_enabled")
async def test_setup_options_reloads_reauth_and_action_share_one_budget(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, flipsnack: FakeFlipsnack
) -> None:
    """Add, choose flipbooks, reload, re-authenticate, ask the action, reload."""
    steps = await live_an_entry(hass, freezer, flipsnack)

    times = sorted(request.at for request in flipsnack.requests)
    # Every step made calls, enough that the limits were in play.
    for step in steps:
        assert flipsnack.requests[step.requests], step.name
    assert len(times) > 2 * CALLS_PER_SECOND
    assert most_in_any_window(times, 1) <= CALLS_PER_SECOND
    assert most_in_any_window(times, 60) <= CALLS_PER_MINUTE
