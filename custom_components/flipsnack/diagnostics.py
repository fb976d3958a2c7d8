"""Diagnostics support for Flipsnack."""

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_API_KEY, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant

from .const import (
    CONF_API_SECRET,
    CONF_CLOUDHOOK_URL,
    CONF_FLIPBOOKS,
    CONF_LEAD_FORMS,
    CONF_ORDERS,
    CONF_WEBHOOK_URL,
    Tracking,
)
from .runtime_data import FlipsnackConfigEntry

# The title and unique id are derived from the API key; neither is needed to debug. The
# hash of an unlisted flipbook is the link to it, so chosen hashes are left out too. The
# webhook id and URLs let anyone post leads: Flipsnack cannot authenticate its posts.
TO_REDACT = {
    CONF_API_KEY,
    CONF_API_SECRET,
    CONF_CLOUDHOOK_URL,
    CONF_FLIPBOOKS,
    CONF_WEBHOOK_ID,
    CONF_WEBHOOK_URL,
    "title",
    "unique_id",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: FlipsnackConfigEntry
) -> dict[str, Any]:
    """Return the entry, the figures, how the calls go, history, lead and order counts.

    Without credentials, flipbook titles or hashes, webhook URLs, leads or orders.
    """
    data = entry.runtime_data
    account = data.account
    history = data.history
    lead_webhook = data.lead_webhook
    return {
        "entry": async_redact_data(entry.as_dict(), TO_REDACT),
        "last_update_success": account.last_update_success,
        # The client already keeps the key, secret and signature out of its errors.
        "last_error": _describe(account.last_exception),
        "stats": asdict(account.data),
        "flipbooks": _flipbooks(entry),
        "scheduler": asdict(data.scheduler.stats),
        # Counts and what endDate means: no hash and no title.
        "history": {"enabled": history is not None}
        | (history.diagnostics if history else {}),
        # Counts and kinds only: no URL, no lead and no order.
        "lead_forms": {
            "enabled": lead_webhook is not None
            and bool(entry.options.get(CONF_LEAD_FORMS))
        }
        | (lead_webhook.diagnostics if lead_webhook else {}),
        "orders": {
            "enabled": lead_webhook is not None and bool(entry.options.get(CONF_ORDERS))
        }
        | (lead_webhook.receiver.order_book.diagnostics if lead_webhook else {}),
    }


def _flipbooks(entry: FlipsnackConfigEntry) -> dict[str, Any]:
    """Describe the flipbook tracking by counts only: titles and hashes are the user's."""
    coordinator = entry.runtime_data.flipbooks
    if coordinator is None:
        return {"tracking": Tracking.NONE}
    flipbooks = coordinator.data
    return {
        "tracking": coordinator.tracking,
        "tracked": len(flipbooks.flipbooks),
        "with_figures": sum(
            1 for h in flipbooks.flipbooks if coordinator.figures_of(h) is not None
        ),
        "cycle_minutes": coordinator.cycle.total_seconds() / 60,
        "listed_at": flipbooks.listed_at.isoformat() if flipbooks.listed_at else None,
        "last_update_success": coordinator.last_update_success,
        "last_error": _describe(coordinator.last_exception),
    }


def _describe(error: BaseException | None) -> str | None:
    return f"{type(error).__name__}: {error}" if error else None
