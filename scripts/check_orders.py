"""The orders part of `scripts/develop --check` (scripts/check_develop.py).

With orders turned on beside lead forms, the demo's send-order command posts a priced
order and then one without prices to the webhook URL, as Flipsnack would. The Order
entity must fire with each order's id, the Orders sensor must count both, and the Order
value EUR sensor, which appears with the first euro, must hold the priced order's total.
"""

from collections.abc import Callable
import re
from typing import Any

from scripts.harness import HarnessError, Sandbox, demo_post

ORDER_ENTITY = "event.flipsnack_7832_order"
ORDERS_SENSOR = "sensor.flipsnack_7832_orders"
EUR_SENSOR = "sensor.flipsnack_7832_order_value_eur"
# What send-order prints: "posted order ID of N items (12.34 EUR) from NAME".
PRINTED = re.compile(
    r"posted order (?P<id>\S+) of (?P<items>\d+) items \((?P<total>[\d.]+ EUR|no prices)\)"
)
ORDER_TIMEOUT = 60.0


def send_order(webhook_url: str, *, priced: bool) -> re.Match[str]:
    """Post a sample order with the demo's send-order; return what it printed, parsed."""
    printed = demo_post("send-order", webhook_url, *(() if priced else ("--unpriced",)))
    if (match := PRINTED.search(printed)) is None:
        raise HarnessError(f"send-order printed no order: {printed.strip()}")
    return match


def _number(state: dict[str, Any]) -> float | None:
    try:
        return float(state["state"])
    except ValueError:
        return None


def _same_total(attributes: dict[str, Any], printed: str) -> bool:
    """Whether the event's total and currency are what send-order printed."""
    if printed == "no prices":
        return attributes.get("total_price") is None
    amount, currency = printed.split()
    total = attributes.get("total_price")
    return (
        isinstance(total, int | float)
        and round(total, 2) == float(amount)
        and attributes.get("currency") == currency
    )


def expect_order(
    sandbox: Sandbox, sent: re.Match[str], orders: int, euros: float
) -> None:
    """Wait until the Order entity fired with this order and the sensors count it."""
    wrong: list[str] = []

    def fired_and_counted() -> bool:
        wrong[:] = []
        attributes = sandbox.entity_state(ORDER_ENTITY)["attributes"]
        checks: dict[str, Callable[[], bool]] = {
            "event type": lambda: attributes.get("event_type") == "order_submitted",
            "order id": lambda: attributes.get("order_id") == sent["id"],
            "items": lambda: len(attributes.get("items", ())) == int(sent["items"]),
            "total": lambda: _same_total(attributes, sent["total"]),
            f"{ORDERS_SENSOR} {orders}": lambda: (
                _number(sandbox.entity_state(ORDERS_SENSOR)) == orders
            ),
            f"{EUR_SENSOR} {euros:.2f}": lambda: (
                round(_number(sandbox.entity_state(EUR_SENSOR)) or 0.0, 2)
                == round(euros, 2)
            ),
        }
        wrong.extend(name for name, check in checks.items() if not check())
        return not wrong

    sandbox.wait_for(
        f"{ORDER_ENTITY} firing with order {sent['id']} and the sensors counting it",
        fired_and_counted,
        ORDER_TIMEOUT,
        explain=lambda: f"  not yet: {', '.join(wrong)}",
    )


def check_orders(sandbox: Sandbox, webhook_url: str) -> None:
    """Send a priced and an unpriced order; check the entity and both sensors."""
    sandbox.wait_for_entities((ORDER_ENTITY, ORDERS_SENSOR), "after orders turned on")
    priced = send_order(webhook_url, priced=True)
    euros = float(priced["total"].split()[0])
    expect_order(sandbox, priced, 1, euros)
    unpriced = send_order(webhook_url, priced=False)
    expect_order(sandbox, unpriced, 2, euros)
