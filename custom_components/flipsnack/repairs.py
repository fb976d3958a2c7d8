"""Repair flow that shows the new webhook URL and records that the user has seen it."""

from typing import Any

from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
import probatio as vol

from .runtime_data import FlipsnackConfigEntry
from .webhook_url import async_acknowledge_url


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None
) -> RepairsFlow:
    """Return the flow of a lead_webhook_url_changed issue, the only fixable one."""
    return LeadWebhookUrlChangedFlow((data or {}).get("entry_id"))


class LeadWebhookUrlChangedFlow(RepairsFlow):
    """Shows the URL to paste into Flipsnack; submitting means it was pasted."""

    def __init__(self, entry_id: str | None) -> None:
        """Remember which entry's webhook the issue is about."""
        self._entry_id = entry_id
        self._url: str | None = None

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Go straight to the confirmation."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Show the current URL; on submit, take it as pasted into Flipsnack."""
        entry: FlipsnackConfigEntry | None = (
            self.hass.config_entries.async_get_entry(self._entry_id)
            if self._entry_id
            else None
        )
        if (
            entry is None
            or entry.state is not ConfigEntryState.LOADED
            or (lead_webhook := entry.runtime_data.lead_webhook) is None
            or (webhook_url := lead_webhook.url_watcher.url) is None
            or webhook_url.url is None
        ):
            return self.async_abort(reason="not_receiving")
        current_url = webhook_url.url
        if user_input is not None and current_url == self._url:
            async_acknowledge_url(self.hass, entry, current_url)
            return self.async_create_entry(data={})
        # First showing, or the URL changed again while the form was open.
        self._url = current_url
        return self.async_show_form(
            step_id="confirm",
            data_schema=vol.Schema({}),
            description_placeholders={"title": entry.title, "webhook_url": self._url},
        )
