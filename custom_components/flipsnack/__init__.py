"""The Flipsnack integration: account statistics from the Flipsnack API."""

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant

from .coordinator import (
    FlipsnackConfigEntry,
    FlipsnackData,
    FlipsnackDataUpdateCoordinator,
)

PLATFORMS: list[Platform] = [Platform.SENSOR]


async def async_setup_entry(hass: HomeAssistant, entry: FlipsnackConfigEntry) -> bool:
    """Set up Flipsnack from a config entry."""
    coordinator = FlipsnackDataUpdateCoordinator(hass, entry)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = FlipsnackData(account=coordinator)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: FlipsnackConfigEntry) -> bool:
    """Unload a Flipsnack config entry."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
