"""Tests for the Flipsnack diagnostics."""

import json

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from .const import API_KEY, API_SECRET
from .fake_flipsnack import FakeFlipsnack, FakeMode


async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    """Diagnostics hold the entry and latest stats, and no credential at all."""
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_integration
    )

    assert diagnostics == snapshot(exclude=props("created_at", "modified_at"))
    dumped = json.dumps(diagnostics)
    for secret in (API_KEY, API_SECRET):
        assert secret not in dumped


async def test_diagnostics_after_a_failed_poll(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    flipsnack: FakeFlipsnack,
    init_integration: MockConfigEntry,
) -> None:
    """During an outage diagnostics tell the error and keep the last statistics."""
    flipsnack.mode = FakeMode.MAINTENANCE
    await init_integration.runtime_data.account.async_refresh()

    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_integration
    )

    assert diagnostics["last_update_success"] is False
    assert diagnostics["last_error"] == (
        "UpdateFailed: The Flipsnack API is down for maintenance:"
        " Flipsnack API returned code 22: Maintenance mode"
    )
    assert diagnostics["stats"]["views"] == 3719
    dumped = json.dumps(diagnostics)
    for secret in (API_KEY, API_SECRET):
        assert secret not in dumped
