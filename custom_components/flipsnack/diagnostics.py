"""Diagnostics support for Flipsnack."""

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_API_KEY, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant

from .const import CONF_API_SECRET
from .coordinator import FlipsnackConfigEntry
from .webhook import CONF_CLOUDHOOK_URL, CONF_WEBHOOK_URL

# The title and unique id are derived from the API key; neither is needed to debug. The
# webhook id and URLs let anyone post leads: Flipsnack cannot authenticate its posts.
TO_REDACT = {
    CONF_API_KEY,
    CONF_API_SECRET,
    CONF_CLOUDHOOK_URL,
    CONF_WEBHOOK_ID,
    CONF_WEBHOOK_URL,
    "title",
    "unique_id",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: FlipsnackConfigEntry
) -> dict[str, Any]:
    """Return the entry, statistics, last error and lead form counts, without secrets."""
    coordinator = entry.runtime_data.account
    lead_webhook = entry.runtime_data.lead_webhook
    last_error = coordinator.last_exception
    return {
        "entry": async_redact_data(entry.as_dict(), TO_REDACT),
        "last_update_success": coordinator.last_update_success,
        # The client already keeps the key, secret and signature out of its errors.
        "last_error": f"{type(last_error).__name__}: {last_error}"
        if last_error
        else None,
        "stats": asdict(coordinator.data),
        # Counts and kinds only: no URL and no lead.
        "lead_forms": {"enabled": lead_webhook is not None}
        | (lead_webhook.diagnostics if lead_webhook else {}),
    }
