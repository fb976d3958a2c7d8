"""Diagnostics support for Flipsnack."""

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant

from .const import CONF_API_SECRET
from .coordinator import FlipsnackConfigEntry

# The title and unique id are derived from the API key; neither is needed to debug.
TO_REDACT = {CONF_API_KEY, CONF_API_SECRET, "title", "unique_id"}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: FlipsnackConfigEntry
) -> dict[str, Any]:
    """Return the entry, the latest statistics and the last error, without credentials."""
    coordinator = entry.runtime_data.account
    last_error = coordinator.last_exception
    return {
        "entry": async_redact_data(entry.as_dict(), TO_REDACT),
        "last_update_success": coordinator.last_update_success,
        # The client already keeps the key, secret and signature out of its errors.
        "last_error": f"{type(last_error).__name__}: {last_error}"
        if last_error
        else None,
        "stats": asdict(coordinator.data),
    }
