"""The Flipsnack integration: account statistics from the Flipsnack API."""

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant

from .coordinator import (
    FlipsnackConfigEntry,
    FlipsnackData,
    FlipsnackDataUpdateCoordinator,
)
from .webhook import async_remove_lead_webhook, async_setup_lead_webhook

# The event platform is always set up, so that unloading never depends on options that
# changed since; it creates the Lead form entity only while lead forms are on.
PLATFORMS: list[Platform] = [Platform.EVENT, Platform.SENSOR]


async def async_setup_entry(hass: HomeAssistant, entry: FlipsnackConfigEntry) -> bool:
    """Set up Flipsnack from a config entry."""
    coordinator = FlipsnackDataUpdateCoordinator(hass, entry)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = FlipsnackData(
        account=coordinator, lead_webhook=async_setup_lead_webhook(hass, entry)
    )
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: FlipsnackConfigEntry) -> bool:
    """Unload a Flipsnack config entry."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: FlipsnackConfigEntry) -> None:
    """Delete what a removed entry kept outside itself: the lead forms' cloudhook."""
    await async_remove_lead_webhook(hass, entry)
