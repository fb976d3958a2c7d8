"""Tests for polling Flipsnack: updates, outages, throttling and revoked credentials."""

from datetime import timedelta
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.flipsnack.const import DOMAIN, SCAN_INTERVAL

from .const import API_KEY, API_SECRET
from .fake_flipsnack import FakeFlipsnack, FakeMode


@pytest.fixture(autouse=True)
def frozen_time_before_setup(
    freezer: FrozenDateTimeFactory, init_integration: MockConfigEntry
) -> None:
    """Freeze time before the integration schedules its first poll."""


VIEWS = "sensor.flipsnack_7832_views"


async def _poll(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, after: timedelta
) -> None:
    """Let time pass until the next poll and wait for it to finish."""
    freezer.tick(after)
    async_fire_time_changed(hass)
    # The coordinator polls in a background task.
    await hass.async_block_till_done(wait_background_tasks=True)


def _logged(caplog: pytest.LogCaptureFixture, level: int, text: str) -> int:
    """Count the log records at level or above that contain text."""
    return sum(
        1
        for record in caplog.records
        if record.levelno >= level and text in record.getMessage()
    )


async def test_polls_once_per_interval(
    hass: HomeAssistant, flipsnack: FakeFlipsnack, freezer: FrozenDateTimeFactory
) -> None:
    """Every ten minutes one user.getStats call brings the new figures."""
    assert hass.states.get(VIEWS).state == "3719"
    flipsnack.accounts[API_KEY].stats["views"] = 4000

    await _poll(hass, freezer, SCAN_INTERVAL / 2)
    assert len(flipsnack.requests) == 1
    assert hass.states.get(VIEWS).state == "3719"

    # Home Assistant spreads polls over the second they are due in.
    await _poll(hass, freezer, SCAN_INTERVAL / 2 + timedelta(seconds=1))
    assert len(flipsnack.requests) == 2
    assert hass.states.get(VIEWS).state == "4000"


async def test_outage_makes_entities_unavailable_until_recovered(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An outage is logged once, shown as unavailable, and its end logged once."""
    flipsnack.mode = FakeMode.MAINTENANCE
    await _poll(hass, freezer, SCAN_INTERVAL)
    await _poll(hass, freezer, SCAN_INTERVAL)
    assert hass.states.get(VIEWS).state == STATE_UNAVAILABLE
    assert (
        _logged(caplog, logging.ERROR, "The Flipsnack API is down for maintenance") == 1
    )

    flipsnack.reset()
    flipsnack.accounts[API_KEY].stats["views"] = 4100
    await _poll(hass, freezer, SCAN_INTERVAL)
    await _poll(hass, freezer, SCAN_INTERVAL)
    assert hass.states.get(VIEWS).state == "4100"
    assert _logged(caplog, logging.INFO, "Fetching flipsnack data recovered") == 1
    for secret in (API_KEY, API_SECRET):
        assert secret not in caplog.text


@pytest.mark.parametrize(
    ("code", "status", "retry_after"),
    [
        (31, "Requests per second limit exceeded", timedelta(seconds=1)),
        (32, "Requests per minute limit exceeded", timedelta(seconds=60)),
    ],
)
async def test_rate_limit_retries_after_the_suggested_wait(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    freezer: FrozenDateTimeFactory,
    code: int,
    status: str,
    retry_after: timedelta,
) -> None:
    """A throttled poll is retried after Flipsnack's wait, not a whole interval."""
    flipsnack.envelope_override = {"code": code, "status": status}
    await _poll(hass, freezer, SCAN_INTERVAL)
    assert len(flipsnack.requests) == 2
    assert hass.states.get(VIEWS).state == STATE_UNAVAILABLE

    flipsnack.envelope_override = None
    await _poll(hass, freezer, retry_after)
    assert len(flipsnack.requests) == 3
    assert hass.states.get(VIEWS).state == "3719"


async def test_revoked_credentials_start_reauth(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """A secret rotated in Flipsnack makes the entities unavailable and asks for it."""
    flipsnack.accounts[API_KEY].api_secret = "rotated-secret"
    await _poll(hass, freezer, SCAN_INTERVAL)

    assert hass.states.get(VIEWS).state == STATE_UNAVAILABLE
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert len(flows) == 1
    assert flows[0]["context"]["source"] == SOURCE_REAUTH
    assert flows[0]["context"]["entry_id"] == init_integration.entry_id
