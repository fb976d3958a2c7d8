"""The orders Flipsnack posts to the workspace webhook, read into models.

Pure Python, free of Home Assistant, like webhook_posts.py, whose helpers read the parts
an order shares with a lead form (the time, the flipbook, the fields). parse_post is
where the receiver (webhook.py) hands every parsed body.

What Flipsnack documents for an order (developers.flipsnack.com, Webhooks > Orders; the
Enterprise plan's shoppable catalogs): `type` "orders", `order_id` (text), `timestamp`
(a number), `datetime` (UTC text), `custom_fields` (a list of `field_name` and
`field_value`: the buyer's name, e-mail, address, as the seller's order form asks),
`items` (a list; each with `sku` and `name`, and where the catalog has them a quantity
and a price), `total_price` (a number, only when the items have prices) and `currency`
(only when priced). The table of an item's keys is partly unreadable in the docs, so
the plausible names of the quantity and the unit price are all accepted, and any other
key of an item is kept as text.

An order, unlike a lead, is money: it is counted and summed, so an order whose id,
items, prices or currency cannot be trusted is dropped whole rather than mended. Only
what does not change the sums (a long text, an odd field, a missing time) is mended
and noted, as for leads. The custom fields are the buyer's personal data: never in a
repr, a log or a reason's text.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
import hashlib
import logging
import math
import re
from typing import Any, Final

from .webhook_posts import (
    MAX_NAME_LENGTH,
    MAX_TITLE_LENGTH,
    MAX_VALUE_LENGTH,
    REASONS,
    Lead,
    PostIgnoredError,
    field_text,
    parse_fields,
    parse_hash,
    parse_lead,
    parse_submitted_at,
    parse_title,
    shorten,
)

# The event type and attributes of the Order entity.
EVENT_ORDER_SUBMITTED: Final = "order_submitted"
ATTR_ORDER_ID: Final = "order_id"
ATTR_ITEMS: Final = "items"
ATTR_TOTAL_PRICE: Final = "total_price"
ATTR_CURRENCY: Final = "currency"
ATTR_CUSTOM_FIELDS: Final = "custom_fields"

# Limits that keep one order small in the state machine and in automation traces.
MAX_ITEMS: Final = 200
MAX_ORDER_ID_LENGTH: Final = 100
MAX_SKU_LENGTH: Final = 100
# An item's keys besides the sku, name, quantity and price that are kept as text.
MAX_OTHER_ITEM_KEYS: Final = 10

# An item's quantity and unit price under the names Flipsnack may use for them.
QUANTITY_KEYS: Final = ("quantity", "qty", "count")
UNIT_PRICE_KEYS: Final = ("price", "unit_price", "item_price", "unitPrice")
_CURRENCY: Final = re.compile(r"[A-Za-z]{3}")

# Why an order was dropped or changed, beside the REASONS it shares with lead forms.
ORDER_REASONS: Final[dict[str, tuple[int, str]]] = {
    # Dropped: no event fires and nothing is counted.
    "invalid_order_id": (
        logging.WARNING,
        "order_id is missing, empty or not a text",
    ),
    "invalid_items": (logging.WARNING, "items is not a list"),
    "too_many_items": (
        logging.WARNING,
        f"it has more than {MAX_ITEMS} items",
    ),
    "invalid_price": (
        logging.WARNING,
        "a price is not a finite number of zero or more (text, negative or infinite)",
    ),
    "price_without_currency": (
        logging.WARNING,
        "it has a total_price but no currency",
    ),
    "invalid_currency": (
        logging.WARNING,
        "currency is not a code of three letters",
    ),
    "duplicate_order": (
        logging.DEBUG,
        "it repeats an order_id received in the last day",
    ),
    # The order is kept in these cases; only the part the text names changes.
    "invalid_item": (
        logging.WARNING,
        "an item is not an object; it is kept as its name",
    ),
    "text_quantity": (
        logging.INFO,
        "an item's quantity is not a number; it is kept as text",
    ),
    "many_item_keys": (
        logging.WARNING,
        (
            f"an item has more than {MAX_OTHER_ITEM_KEYS} keys besides its sku, name,"
            " quantity and price; the first are kept"
        ),
    ),
}

# Every reason and note a post to the webhook can get.
ALL_REASONS: Final = REASONS | ORDER_REASONS


@dataclass(frozen=True, slots=True, kw_only=True)
class Order:
    """One order from a shoppable catalog, validated and trimmed to the limits.

    total_price and currency are None for an order without prices; an order may name
    its currency without a total. The flipbook's hash and title are None when the post
    names none.
    """

    order_id: str
    submitted_at: datetime
    items: tuple[dict[str, Any], ...]
    total_price: Decimal | None
    currency: str | None
    flipbook_hash: str | None
    flipbook_title: str | None
    # The buyer's personal data: never in a repr, which the dispatcher or a log may show.
    custom_fields: dict[str, str] = field(repr=False)
    # What Flipsnack's retries repeat: a digest of the whole order_id as posted.
    key: str = field(repr=False)

    def event_attributes(self) -> dict[str, Any]:
        """Return the attributes of the event entity for this order."""
        return {
            ATTR_ORDER_ID: self.order_id,
            "submitted_at": self.submitted_at.isoformat(),
            ATTR_TOTAL_PRICE: (
                None if self.total_price is None else float(self.total_price)
            ),
            ATTR_CURRENCY: self.currency,
            "flipbook_title": self.flipbook_title,
            "flipbook_hash": self.flipbook_hash,
            ATTR_ITEMS: [dict(item) for item in self.items],
            ATTR_CUSTOM_FIELDS: dict(self.custom_fields),
        }


def parse_price(value: Any) -> Decimal:
    """Return a price as the decimal it was written as.

    Raises:
        PostIgnoredError: a text, a negative or a non-finite number.
    """
    # bool is an int to Python, and no price.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PostIgnoredError("invalid_price")
    if isinstance(value, float) and not math.isfinite(value):
        raise PostIgnoredError("invalid_price")
    if value < 0:
        raise PostIgnoredError("invalid_price")
    # From the text, so 19.99 stays 19.99 rather than the binary float nearest to it.
    return Decimal(str(value))


def _quantity(value: Any, notes: set[str]) -> int | float | str | None:
    if value is None:
        return None
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and (not isinstance(value, float) or math.isfinite(value))
    ):
        return value
    notes.add("text_quantity")
    text = field_text(value, notes)
    return None if text is None else shorten(text, MAX_VALUE_LENGTH, notes)


def _item_text(value: Any, limit: int, notes: set[str]) -> str | None:
    if value is None:
        return None
    text = field_text(value, notes)
    return None if text is None else shorten(text.strip(), limit, notes)


def _first(raw: Mapping[str, Any], keys: tuple[str, ...]) -> tuple[str | None, Any]:
    """Return the first of keys that raw has, and its value."""
    for key in keys:
        if key in raw:
            return key, raw[key]
    return None, None


def parse_item(raw: Any, notes: set[str]) -> dict[str, Any]:
    """Return one item: sku, name, quantity and unit price, and its other keys as text.

    Raises:
        PostIgnoredError: its price is no price.
    """
    if not isinstance(raw, dict):
        notes.add("invalid_item")
        return {"sku": None, "name": _item_text(raw, MAX_TITLE_LENGTH, notes)}
    quantity_key, quantity = _first(raw, QUANTITY_KEYS)
    price_key, price = _first(raw, UNIT_PRICE_KEYS)
    item: dict[str, Any] = {
        "sku": _item_text(raw.get("sku"), MAX_SKU_LENGTH, notes),
        "name": _item_text(raw.get("name"), MAX_TITLE_LENGTH, notes),
    }
    if quantity_key is not None:
        item["quantity"] = _quantity(quantity, notes)
    if price_key is not None and price is not None:
        item["unit_price"] = float(parse_price(price))
    known = {"sku", "name", quantity_key, price_key}
    others = [(key, value) for key, value in raw.items() if key not in known]
    if len(others) > MAX_OTHER_ITEM_KEYS:
        notes.add("many_item_keys")
        del others[MAX_OTHER_ITEM_KEYS:]
    for key, value in others:
        name = shorten(str(key), MAX_NAME_LENGTH, notes)
        if name not in item and (text := field_text(value, notes)) is not None:
            item[name] = shorten(text, MAX_VALUE_LENGTH, notes)
    return item


def _parse_items(value: Any, notes: set[str]) -> tuple[dict[str, Any], ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise PostIgnoredError("invalid_items")
    if len(value) > MAX_ITEMS:
        raise PostIgnoredError("too_many_items")
    return tuple(parse_item(item, notes) for item in value)


def _parse_order_id(value: Any, notes: set[str]) -> tuple[str, str]:
    """Return the order id to show, and the key its retries share."""
    if not isinstance(value, str) or not value.strip():
        raise PostIgnoredError("invalid_order_id")
    key = hashlib.sha256(value.strip().encode()).hexdigest()
    return shorten(value.strip(), MAX_ORDER_ID_LENGTH, notes), key


def _parse_money(payload: Mapping[str, Any]) -> tuple[Decimal | None, str | None]:
    total = payload.get("total_price")
    currency = payload.get("currency")
    total_price = None if total is None else parse_price(total)
    if currency is None:
        if total_price is not None:
            raise PostIgnoredError("price_without_currency")
        return None, None
    if not isinstance(currency, str) or not _CURRENCY.fullmatch(currency.strip()):
        raise PostIgnoredError("invalid_currency")
    return total_price, currency.strip().upper()


def parse_order(
    payload: Mapping[str, Any],
    *,
    received_at: datetime,
    flipbook_titles: Mapping[str, str | None] | None = None,
) -> tuple[Order, set[str]]:
    """Return the order in a parsed webhook body of type orders, and notes on it.

    Raises:
        PostIgnoredError: the order cannot be counted as it was posted.
    """
    notes: set[str] = set()
    order_id, key = _parse_order_id(payload.get("order_id"), notes)
    items = _parse_items(payload.get("items"), notes)
    total_price, currency = _parse_money(payload)
    # An order need not come from one flipbook: its hash and title only where posted.
    flipbook_hash = (
        parse_hash(payload["flipbook_hash"], notes)
        if "flipbook_hash" in payload
        else None
    )
    flipbook_title = (
        parse_title(
            payload.get("flipbook_title"), flipbook_hash, flipbook_titles or {}, notes
        )
        if "flipbook_title" in payload or flipbook_hash is not None
        else None
    )
    raw_fields = payload.get("custom_fields")
    custom_fields = parse_fields(raw_fields, notes) if raw_fields else {}
    return (
        Order(
            order_id=order_id,
            submitted_at=parse_submitted_at(
                payload.get("datetime"), received_at, notes
            ),
            items=items,
            total_price=total_price,
            currency=currency,
            flipbook_hash=flipbook_hash,
            flipbook_title=flipbook_title,
            custom_fields=custom_fields,
            key=key,
        ),
        notes,
    )


def parse_post(
    payload: Any,
    *,
    received_at: datetime,
    flipbook_titles: Mapping[str, str | None] | None = None,
    orders: bool = True,
) -> tuple[Lead | Order, set[str]]:
    """Return the lead form or order in a parsed webhook body, and notes on it.

    An order is read only when orders is true: turned off, it is no concern of ours.

    Raises:
        PostIgnoredError: the body is neither, or an order that cannot be counted.
    """
    if isinstance(payload, dict) and payload.get("type") == "orders":
        if not orders:
            raise PostIgnoredError("order")
        return parse_order(
            payload, received_at=received_at, flipbook_titles=flipbook_titles
        )
    return parse_lead(payload, received_at=received_at, flipbook_titles=flipbook_titles)
