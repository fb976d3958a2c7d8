"""Tests for the Flipsnack integration."""

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from . import cloud_stub

# Before any test imports the integration, which imports homeassistant.components.cloud.
cloud_stub.install_if_needed()


async def setup_integration(hass: HomeAssistant, config_entry: MockConfigEntry) -> None:
    """Add the config entry to Home Assistant and set it up."""
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
