"""The orders an entry has counted, and the recent order ids, kept on disk.

Flipsnack retries an order it counts as failed, and a retry can come after a restart of
Home Assistant, so the ids of the last day's orders are kept on disk beside the counts:
the same order_id within ORDER_RETRY_WINDOW fires nothing and counts nothing. The ids
are kept as digests (order_book never needs them back), at most MAX_RECENT_ORDERS of
them, the oldest going first.

The Orders and Order value sensors show what the book holds; each currency that has
appeared keeps its sensor, and the set-up makes them again from here. The book is
written SAVE_DELAY after a change, with whatever changed meanwhile, and never when
nothing changed: it changes only with an order. Nothing of a buyer is kept.

There is one book an entry, in hass.data from its first use to the entry's removal, so
that a receiver made anew (orders turned off and on) goes on with the same counts, and
the removal cancels a write still due, which would bring the file back.
"""

import asyncio
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any, Final, TypedDict

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN
from .webhook_orders import Order

STORAGE_VERSION: Final = 1
SAVE_DELAY: Final = timedelta(seconds=10)
# Flipsnack's five retries with back-off end within hours; a day leaves a margin.
ORDER_RETRY_WINDOW: Final = timedelta(days=1)
# A flood of made-up ids must not grow the file without bound.
MAX_RECENT_ORDERS: Final = 2000


class StoredOrders(TypedDict):
    """What the store holds: the counts, and when each recent id arrived."""

    orders: int
    # The sum of the orders' total prices by currency, as decimal text.
    values: dict[str, str]
    # Digest of an order id -> when it arrived, in seconds since the epoch.
    recent: dict[str, int]


_BOOKS: HassKey[dict[str, OrderBook]] = HassKey(f"{DOMAIN}_order_books")


@callback
def async_get_order_book(hass: HomeAssistant, entry: ConfigEntry) -> OrderBook:
    """Return the entry's book, made on first use."""
    books = hass.data.setdefault(_BOOKS, {})
    if (book := books.get(entry.entry_id)) is None:
        book = books[entry.entry_id] = OrderBook(
            Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry.entry_id}.orders")
        )
    return book


async def async_remove_order_book(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Delete the entry's book from disk, and any write of it still due."""
    await async_get_order_book(hass, entry).async_remove()
    hass.data[_BOOKS].pop(entry.entry_id, None)


class OrderBook:
    """Counts an entry's orders once each, by currency, and keeps them on disk."""

    def __init__(self, store: Store[StoredOrders]) -> None:
        """Start empty; async_load reads what the last run left in store."""
        self._store = store
        self.orders = 0
        self.values: dict[str, Decimal] = {}
        self._recent: dict[str, int] = {}
        self._loaded = False
        self._lock = asyncio.Lock()
        self._listeners: list[Callable[[], None]] = []

    @property
    def diagnostics(self) -> dict[str, Any]:
        """Return the counts: no order id, no price and no buyer."""
        return {
            "orders_counted": self.orders,
            "currencies": len(self.values),
            "recent_order_ids": len(self._recent),
        }

    async def async_load(self) -> None:
        """Read the counts and recent ids once; later calls return at once."""
        if self._loaded:
            return
        async with self._lock:  # a second post waits for the first one's load
            if not self._loaded:
                self._restore(await self._store.async_load())
                self._loaded = True

    def _restore(self, stored: StoredOrders | None) -> None:
        if stored is None:
            return
        self.orders = stored["orders"]
        self.values = {
            currency: Decimal(text) for currency, text in stored["values"].items()
        }
        self._recent = dict(stored["recent"])

    async def async_remove(self) -> None:
        """Delete the file and cancel a write still due; the counts start again."""
        await self._store.async_remove()
        self.orders = 0
        self.values = {}
        self._recent = {}

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call listener after each order counted, until the returned callback."""
        self._listeners.append(listener)

        @callback
        def remove() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return remove

    @callback
    def async_count(self, order: Order) -> bool:
        """Count order unless its id arrived within ORDER_RETRY_WINDOW; say if counted."""
        now = int(dt_util.utcnow().timestamp())
        oldest = now - int(ORDER_RETRY_WINDOW.total_seconds())
        # Oldest first, so the loop stops at the first one still within the window.
        for key, arrived in list(self._recent.items()):
            if arrived > oldest:
                break
            del self._recent[key]
        if order.key in self._recent:
            return False
        self._recent[order.key] = now
        while len(self._recent) > MAX_RECENT_ORDERS:
            del self._recent[next(iter(self._recent))]
        self.orders += 1
        if order.currency is not None and order.total_price is not None:
            self.values[order.currency] = (
                self.values.get(order.currency, Decimal(0)) + order.total_price
            )
        self._store.async_delay_save(self._data, SAVE_DELAY.total_seconds())
        for listener in list(self._listeners):
            listener()
        return True

    def _data(self) -> StoredOrders:
        return {
            "orders": self.orders,
            "values": {currency: str(value) for currency, value in self.values.items()},
            "recent": dict(self._recent),
        }
