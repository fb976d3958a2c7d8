"""The webhook Flipsnack posts lead forms to: receive, parse, then dispatch.

Flipsnack disables the webhook after five failed deliveries, and any answer other than a quick
2xx is a failure. The handler therefore answers every post with 200 at once and acts only on
well-formed lead forms (webhook_posts.py reads them). The URL (webhook_url.py) is the only
secret, so it, like the lead's fields, never goes into a log message or diagnostics.
"""

from collections import Counter
from datetime import datetime, timedelta
import logging
from typing import Any, Final

from aiohttp.hdrs import METH_POST
from aiohttp.web import Request
from homeassistant.components import webhook
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.util import dt as dt_util
from homeassistant.util.json import json_loads
from homeassistant.util.signal_type import SignalType

from .const import CONF_LEAD_FORMS, DOMAIN, LOGGER
from .webhook_posts import MAX_BODY_BYTES, REASONS, Lead, PostIgnoredError, parse_lead
from .webhook_url import WebhookUrlWatcher

# Flipsnack retries a delivery it counts as failed (up to five times, with back-off); the
# same submission within this window fires one event.
DUPLICATE_WINDOW: Final = timedelta(minutes=10)
MAX_REMEMBERED: Final = 1000


def lead_signal(entry_id: str) -> SignalType[Lead]:
    """Return the dispatcher signal that carries the leads of an entry."""
    return SignalType(f"{DOMAIN}_lead_{entry_id}")


@callback
def async_setup_lead_webhook(
    hass: HomeAssistant, entry: ConfigEntry
) -> LeadWebhook | None:
    """Start receiving lead forms if the user turned them on in the options."""
    if not entry.options.get(CONF_LEAD_FORMS) or CONF_WEBHOOK_ID not in entry.data:
        return None
    lead_webhook = LeadWebhook(hass, entry)
    lead_webhook.async_start()
    return lead_webhook


async def _async_read_payload(request: Request) -> Any:
    """Return the parsed JSON body, read no further than MAX_BODY_BYTES."""
    body = bytearray()
    # Once: a request relayed by Home Assistant Cloud makes a new reader at each access.
    stream = request.content
    while chunk := await stream.read(MAX_BODY_BYTES + 1 - len(body)):
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise PostIgnoredError("too_large")
    try:
        return json_loads(body)
    except ValueError as err:
        raise PostIgnoredError("invalid_json") from err


class LeadWebhook:
    """Receives an entry's lead forms, while a watcher keeps its URL reachable."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Prepare the webhook of entry; async_start registers it."""
        self.hass = hass
        self.entry = entry
        self.url_watcher = WebhookUrlWatcher(hass, entry)
        self.webhook_id = self.url_watcher.webhook_id
        self.leads_received = 0
        self.posts_ignored: Counter[str] = Counter()
        self.last_received: datetime | None = None
        self._signal = lead_signal(entry.entry_id)
        self._recent: dict[str, datetime] = {}
        self._logged: set[str] = set()

    @property
    def diagnostics(self) -> dict[str, Any]:
        """Return how the webhook fares, without its URL and without any lead."""
        return {
            **self.url_watcher.diagnostics,
            "leads_received": self.leads_received,
            "posts_ignored": self.posts_ignored.total(),
            "posts_ignored_by_reason": dict(sorted(self.posts_ignored.items())),
            "last_received": (
                self.last_received.isoformat() if self.last_received else None
            ),
        }

    @callback
    def async_start(self) -> None:
        """Register the webhook until the entry unloads, and watch its URL."""
        # Flipsnack posts from the internet, and only ever POSTs.
        webhook.async_register(
            self.hass,
            DOMAIN,
            self.entry.title,
            self.webhook_id,
            self._async_handle_webhook,
            local_only=False,
            allowed_methods=[METH_POST],
        )
        self.entry.async_on_unload(
            lambda: webhook.async_unregister(self.hass, self.webhook_id)
        )
        self.url_watcher.async_start()

    async def _async_handle_webhook(
        self, hass: HomeAssistant, webhook_id: str, request: Request
    ) -> None:
        """Take one post from Flipsnack; Home Assistant answers it with 200."""
        self.last_received = received_at = dt_util.utcnow()
        try:
            lead, notes = parse_lead(
                await _async_read_payload(request), received_at=received_at
            )
        except PostIgnoredError as err:
            self._async_ignore(err.reason)
            return
        for note in sorted(notes):
            self._async_log_reason(note, "Changed a lead form posted to")
        if self._async_is_retry(lead):
            self._async_ignore("duplicate")
            return
        self.leads_received += 1
        async_dispatcher_send(hass, self._signal, lead)

    @callback
    def _async_ignore(self, reason: str) -> None:
        self.posts_ignored[reason] += 1
        self._async_log_reason(reason, "Ignored a post to")

    @callback
    def _async_log_reason(self, reason: str, action: str) -> None:
        """Log why a post was changed or ignored, at its level the first time only.

        Later ones go to the debug log, so a flood of bad posts cannot flood the log.
        """
        level, text = REASONS[reason]
        if reason in self._logged:
            level = logging.DEBUG
        self._logged.add(reason)
        LOGGER.log(
            level, f"{action} the lead form webhook of %s: {text}", self.entry.title
        )

    @callback
    def _async_is_retry(self, lead: Lead) -> bool:
        """Return whether lead repeats one received within DUPLICATE_WINDOW."""
        now = dt_util.utcnow()
        # Oldest first, so the loop stops at the first one still within the window.
        for key, received in list(self._recent.items()):
            if now - received < DUPLICATE_WINDOW:
                break
            del self._recent[key]
        digest = lead.digest()
        if digest in self._recent:
            return True
        self._recent[digest] = now
        # A flood of distinct posts must not grow the memory without bound.
        while len(self._recent) > MAX_REMEMBERED:
            del self._recent[next(iter(self._recent))]
        return False
