"""The webhook Flipsnack posts lead forms and orders to: receive, parse, hand to entities.

Flipsnack disables the webhook after five failed deliveries, any answer other than a quick
2xx is a failure, and a post answered with 2xx is never sent again. The handler therefore
answers every request with 200 at once and acts only on lead forms and orders, each while
it is turned on in the options (webhook_posts.py and webhook_orders.py read them). The
URL (webhook_url.py) is the only secret, so it, like a lead's fields or a buyer's, never
goes into a log message, diagnostics or an exception that leaves the handler: Home
Assistant would log such an exception with the webhook id.

A lead form does not depend on Flipsnack's API, so the receiver of an entry outlives the
loaded entry. The set-up registers it first, before any call to Flipsnack, and keeps it in
hass.data: it stays registered while the set-up waits for a retry or for
re-authentication, and across a reload, so nothing posted meanwhile is lost. Home
Assistant runs an entry's unload callbacks when its set-up fails, which is why its
registration does not hang on async_on_unload. Posts that arrive while their entity is
not there wait in memory (webhook_delivery.py). An order is counted once, at once, in the
entry's order book (order_book.py), which keeps the recent order ids on disk so that a
retry after a restart counts nothing. The receiver is unregistered when the user turns
both lead forms and orders off, disables the entry or deletes it.
"""

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
import logging
from typing import Any, Final

from aiohttp.hdrs import METH_GET, METH_POST, METH_PUT
from aiohttp.web import Request
from homeassistant.components import webhook
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey
from homeassistant.util.json import json_loads

from .const import CONF_LEAD_FORMS, CONF_ORDERS, DOMAIN, LOGGER
from .order_book import async_get_order_book
from .webhook_delivery import MAX_WAITING, Mailbox
from .webhook_orders import ALL_REASONS, Order, parse_post
from .webhook_posts import MAX_BODY_BYTES, UNREADABLE_REASONS, Lead, PostIgnoredError
from .webhook_url import WebhookUrlWatcher

# Flipsnack retries a delivery it counts as failed (up to five times, with back-off); the
# same submission within this window fires one event.
DUPLICATE_WINDOW: Final = timedelta(minutes=10)
MAX_REMEMBERED: Final = 1000

ISSUE_UNREADABLE: Final = "unreadable_lead_forms"

# Why the receiver drops a post of its own accord, beside those of webhook_orders.py.
RECEIVER_REASONS: Final[dict[str, tuple[int, str]]] = {
    "entity_disabled": (logging.DEBUG, "the Lead form entity is disabled"),
    "order_entity_disabled": (
        logging.DEBUG,
        "the Order entity is disabled; the order is counted all the same",
    ),
    "too_many_waiting": (
        logging.WARNING,
        (
            f"more than {MAX_WAITING} leads or orders waited for their entity; the"
            " oldest was dropped"
        ),
    ),
    "unexpected_error": (logging.ERROR, "an unexpected error occurred"),
}

# Anything else than a POST (someone opening the URL in a browser) is answered 200 quietly;
# Home Assistant would answer a method not allowed with 405 and a warning holding the id.
ANSWERED_METHODS: Final = (METH_GET, METH_POST, METH_PUT)

_RECEIVERS: HassKey[dict[str, LeadReceiver]] = HassKey(f"{DOMAIN}_lead_receivers")

type FlipbookTitles = Callable[[], Mapping[str, str | None]]


@callback
def async_setup_lead_receiver(
    hass: HomeAssistant, entry: ConfigEntry
) -> LeadReceiver | None:
    """Return the entry's registered receiver while lead forms or orders are on.

    Registered on first use and kept until both are off, or the entry is disabled or
    deleted: a set-up that fails or a reload keeps it.
    """
    if not webhook_wanted(entry) or CONF_WEBHOOK_ID not in entry.data:
        async_remove_lead_receiver(hass, entry.entry_id)
        return None
    receivers = hass.data.setdefault(_RECEIVERS, {})
    if (receiver := receivers.get(entry.entry_id)) is None:
        receiver = receivers[entry.entry_id] = LeadReceiver(hass, entry)
        receiver.async_register()
    return receiver


def webhook_wanted(entry: ConfigEntry) -> bool:
    """Return whether the entry's options turn lead forms or orders on."""
    return bool(entry.options.get(CONF_LEAD_FORMS) or entry.options.get(CONF_ORDERS))


@callback
def async_remove_lead_receiver(hass: HomeAssistant, entry_id: str) -> None:
    """Unregister the entry's receiver and forget the leads waiting in it."""
    if (receiver := hass.data.get(_RECEIVERS, {}).pop(entry_id, None)) is not None:
        receiver.async_unregister()


@dataclass(frozen=True, kw_only=True, slots=True)
class LeadWebhook:
    """The webhook of a loaded entry: the receiver, and the watcher of its URL."""

    receiver: LeadReceiver
    url_watcher: WebhookUrlWatcher

    @property
    def diagnostics(self) -> dict[str, Any]:
        """Return how the webhook fares, without its URL, any lead or any order."""
        return self.url_watcher.diagnostics | self.receiver.diagnostics


@callback
def async_start_lead_webhook(
    hass: HomeAssistant,
    entry: ConfigEntry,
    receiver: LeadReceiver | None,
    flipbook_titles: FlipbookTitles,
) -> LeadWebhook | None:
    """Watch the URL of the receiver until unload, and give it the listing's titles."""
    if receiver is None:
        return None
    url_watcher = WebhookUrlWatcher(hass, entry)
    url_watcher.async_start()
    receiver.flipbook_titles = flipbook_titles
    entry.async_on_unload(receiver.async_forget_titles)
    return LeadWebhook(receiver=receiver, url_watcher=url_watcher)


async def _async_read_payload(request: Request) -> Any:
    """Return the parsed JSON body, read no further than MAX_BODY_BYTES."""
    body = bytearray()
    try:
        # Once: a request relayed by Home Assistant Cloud makes a new reader each time.
        stream = request.content
        while len(body) <= MAX_BODY_BYTES and (
            chunk := await stream.read(MAX_BODY_BYTES + 1 - len(body))
        ):
            body += chunk
    except Exception as err:
        # aiohttp has errors of many kinds for a body cut short or badly framed.
        raise PostIgnoredError("read_error") from err
    if len(body) > MAX_BODY_BYTES:
        raise PostIgnoredError("too_large")
    try:
        return json_loads(body)
    except ValueError as err:
        raise PostIgnoredError("invalid_json") from err


class LeadReceiver:
    """Receives an entry's lead forms and orders and hands them to its event entities."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Prepare the receiver of entry; async_register registers it."""
        self.hass = hass
        self.entry = entry
        self.webhook_id: str = entry.data[CONF_WEBHOOK_ID]
        self.leads_received = 0
        self.orders_received = 0
        # Posts that fired no event, by reason (a key of ALL_REASONS or RECEIVER_REASONS).
        self.posts_dropped: Counter[str] = Counter()
        self.last_received: datetime | None = None
        self.flipbook_titles: FlipbookTitles | None = None
        self.leads = Mailbox[Lead](hass)
        self.orders = Mailbox[Order](hass)
        self.order_book = async_get_order_book(hass, entry)
        self._recent: dict[str, datetime] = {}
        self._logged: set[str] = set()
        self._stop_watching_entry: CALLBACK_TYPE = lambda: None

    @property
    def diagnostics(self) -> dict[str, Any]:
        """Return the counts of posts, without any lead or order."""
        return {
            "leads_received": self.leads_received,
            "leads_waiting": self.leads.waiting,
            "orders_received": self.orders_received,
            "orders_waiting": self.orders.waiting,
            "posts_dropped": self.posts_dropped.total(),
            "posts_dropped_by_reason": dict(sorted(self.posts_dropped.items())),
            "last_received": (
                self.last_received.isoformat() if self.last_received else None
            ),
        }

    @property
    def _issue_id(self) -> str:
        return f"{ISSUE_UNREADABLE}_{self.entry.entry_id}"

    @callback
    def async_register(self) -> None:
        """Register the webhook, until async_unregister."""
        webhook.async_register(
            self.hass,
            DOMAIN,
            self.entry.title,
            self.webhook_id,
            self._async_handle_webhook,
            local_only=False,  # Flipsnack posts from the internet
            allowed_methods=ANSWERED_METHODS,
        )
        self._stop_watching_entry = self.entry.async_on_state_change(
            self._async_entry_state_changed
        )

    @callback
    def async_unregister(self) -> None:
        """Unregister the webhook and forget what waits; the entry's issue goes too."""
        webhook.async_unregister(self.hass, self.webhook_id)
        self._stop_watching_entry()
        self.leads.async_close()
        self.orders.async_close()
        ir.async_delete_issue(self.hass, DOMAIN, self._issue_id)

    @callback
    def _async_entry_state_changed(self) -> None:
        """Unregister once a disabled entry is unloaded; a reload keeps the receiver."""
        if (
            self.entry.disabled_by is not None
            and self.entry.state is ConfigEntryState.NOT_LOADED
        ):
            # Not from within: the entry is still going through its state listeners.
            self.hass.loop.call_soon(
                async_remove_lead_receiver, self.hass, self.entry.entry_id
            )

    @callback
    def async_forget_titles(self) -> None:
        """Stop asking the unloaded entry for flipbook titles."""
        self.flipbook_titles = None

    @callback
    def async_attach(self, deliver: Callable[[Lead], None]) -> CALLBACK_TYPE:
        """Hand each lead to deliver until the returned callback is called."""
        return self.leads.async_attach(deliver)

    async def _async_handle_webhook(
        self, hass: HomeAssistant, webhook_id: str, request: Request
    ) -> None:
        """Take one request to the webhook; Home Assistant answers it with 200."""
        if request.method != METH_POST:
            LOGGER.debug(
                "Answered a %s request to the Flipsnack webhook of %s",
                request.method,
                self.entry.title,
            )
            return
        try:
            await self._async_take_post(request)
        except Exception:  # noqa: BLE001 - Home Assistant would log it with the id
            # Neither the message nor the traceback: either may hold the lead.
            self._async_drop("unexpected_error")

    async def _async_take_post(self, request: Request) -> None:
        self.last_received = received_at = dt_util.utcnow()
        titles = self.flipbook_titles() if self.flipbook_titles else {}
        try:
            post, notes = parse_post(
                await _async_read_payload(request),
                received_at=received_at,
                flipbook_titles=titles,
                orders=bool(self.entry.options.get(CONF_ORDERS)),
            )
        except PostIgnoredError as err:
            self._async_drop(err.reason)
            return
        if isinstance(post, Order):
            await self._async_take_order(post, notes)
            return
        if not self.entry.options.get(CONF_LEAD_FORMS):
            self._async_drop("lead_form")
            return
        for note in sorted(notes):
            self._async_log_once(note, "Changed a lead form posted to")
        if self._async_is_retry(post):
            self._async_drop("duplicate")
            return
        self.leads_received += 1
        self._async_hand_over(self.leads, post, "entity_disabled")

    async def _async_take_order(self, order: Order, notes: set[str]) -> None:
        """Count the order once, then fire it, unless it is a retry."""
        for note in sorted(notes):
            self._async_log_once(note, "Changed an order posted to")
        await self.order_book.async_load()
        if not self.order_book.async_count(order):
            self._async_drop("duplicate_order")
            return
        self.orders_received += 1
        self._async_hand_over(self.orders, order, "order_entity_disabled")

    @callback
    def _async_hand_over[T](
        self, mailbox: Mailbox[T], post: T, disabled_reason: str
    ) -> None:
        """Fire post through its entity, or keep it until the entity is there."""
        if not mailbox.attached and self.entry.state is ConfigEntryState.LOADED:
            # Loaded without the entity: the user disabled it.
            self._async_drop(disabled_reason)
        elif not mailbox.async_deliver(post):
            self._async_drop("too_many_waiting")

    @callback
    def _async_drop(self, reason: str) -> None:
        """Count a post that fires no event; tell the user if it was unreadable."""
        self.posts_dropped[reason] += 1
        self._async_log_once(reason, "Dropped a post to")
        if reason not in UNREADABLE_REASONS:
            return
        counts = {key: self.posts_dropped[key] for key in UNREADABLE_REASONS}
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            self._issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=ISSUE_UNREADABLE,
            translation_placeholders={
                "title": self.entry.title,
                "count": str(sum(counts.values())),
                **{key: str(count) for key, count in counts.items()},
            },
        )

    @callback
    def _async_log_once(self, reason: str, action: str) -> None:
        """Log why a post was changed or dropped, the first time of each reason only.

        The counts are in diagnostics, so a flood of bad posts cannot flood the log.
        """
        if reason in self._logged:
            return
        self._logged.add(reason)
        level, text = ALL_REASONS.get(reason) or RECEIVER_REASONS[reason]
        LOGGER.log(
            level, f"{action} the Flipsnack webhook of %s: {text}", self.entry.title
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
