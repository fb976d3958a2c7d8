"""Tests for reading Flipsnack's order posts into models, without Home Assistant."""

from datetime import UTC, datetime
from decimal import Decimal
import math
from typing import Any

import pytest

from custom_components.flipsnack.webhook_orders import (
    ALL_REASONS,
    MAX_OTHER_ITEM_KEYS,
    ORDER_REASONS,
    Order,
    parse_order,
    parse_post,
)
from custom_components.flipsnack.webhook_posts import REASONS, Lead, PostIgnoredError

from .fake_flipsnack import FakeOrderItem, order_post

RECEIVED_AT = datetime(2026, 5, 4, 10, 0, 5, tzinfo=UTC)
BUYER = {"Name": "Ana Popescu", "Email": "ana.popescu@example.com"}
ORDER = order_post(
    "FS-1001",
    [FakeOrderItem(sku="CH-1", name="Chair", quantity=2, price=19.99)],
    buyer=BUYER,
    currency="eur",
    submitted_at=datetime(2026, 5, 4, 10, 0, tzinfo=UTC),
)


def _parse(**changes: Any) -> tuple[Order, set[str]]:
    payload = {
        key: value for key, value in {**ORDER, **changes}.items() if value is not ...
    }
    return parse_order(payload, received_at=RECEIVED_AT)


def test_an_order_as_flipsnack_documents_it() -> None:
    """Every documented part is read; the total is the decimal that was posted."""
    order, notes = _parse()

    assert notes == set()
    assert order.order_id == "FS-1001"
    assert order.submitted_at == datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
    assert order.total_price == Decimal("39.98")
    assert order.currency == "EUR"
    assert order.items == (
        {"sku": "CH-1", "name": "Chair", "quantity": 2, "unit_price": 19.99},
    )
    assert order.custom_fields == BUYER
    assert order.flipbook_hash is None
    assert order.flipbook_title is None
    # Nothing of the buyer in a repr, which a log or the dispatcher may show.
    for value in BUYER.values():
        assert value not in repr(order)


def test_retries_share_the_key_and_other_orders_do_not() -> None:
    """The key is the order id's: the same id with another time is the same order."""
    order, _ = _parse()
    retry, _ = _parse(timestamp=1, datetime="2026-05-04 11:00:00")
    other, _ = _parse(order_id="FS-1002")
    assert order.key == retry.key != other.key


def test_parse_post_reads_both_types() -> None:
    """Orders go to parse_order, lead forms to parse_lead; orders only when wanted."""
    order, _ = parse_post(ORDER, received_at=RECEIVED_AT)
    assert isinstance(order, Order)
    lead, _ = parse_post({"type": "contact", "data": {}}, received_at=RECEIVED_AT)
    assert isinstance(lead, Lead)
    with pytest.raises(PostIgnoredError) as err:
        parse_post(ORDER, received_at=RECEIVED_AT, orders=False)
    assert err.value.reason == "order"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        pytest.param({"total_price": math.inf}, "invalid_price", id="infinite"),
        pytest.param({"total_price": math.nan}, "invalid_price", id="nan"),
        pytest.param({"total_price": True}, "invalid_price", id="bool"),
        pytest.param({"total_price": [1]}, "invalid_price", id="list"),
        pytest.param(
            {"items": [{"sku": "A", "unit_price": math.inf}]},
            "invalid_price",
            id="unit_inf",
        ),
        pytest.param({"currency": "E1R"}, "invalid_currency", id="digit"),
        pytest.param({"items": "CH-1"}, "invalid_items", id="text_items"),
    ],
)
def test_orders_that_cannot_be_counted(changes: dict[str, Any], reason: str) -> None:
    """Money is not mended: a doubtful price, currency or items list drops the order."""
    with pytest.raises(PostIgnoredError) as err:
        _parse(**changes)
    assert err.value.reason == reason
    assert reason in ORDER_REASONS


def test_a_currency_without_a_total_and_an_order_without_items() -> None:
    """Neither is wrong: the order fires and is counted, with no value."""
    order, notes = _parse(total_price=..., items=..., custom_fields=...)
    assert order.total_price is None
    assert order.currency == "EUR"
    assert order.items == ()
    assert order.custom_fields == {}
    assert notes == set()


@pytest.mark.parametrize(
    ("item", "expected", "note"),
    [
        pytest.param(
            "Chair", {"sku": None, "name": "Chair"}, "invalid_item", id="text"
        ),
        pytest.param(
            {"sku": 12, "name": "Chair", "qty": 1.5, "unitPrice": 3},
            {"sku": "12", "name": "Chair", "quantity": 1.5, "unit_price": 3.0},
            None,
            id="other_names",
        ),
        pytest.param(
            {"sku": "A", "quantity": math.inf},
            {"sku": "A", "name": None, "quantity": "inf"},
            "text_quantity",
            id="infinite_quantity",
        ),
        pytest.param(
            {"sku": "A", "count": None, "price": None},
            {"sku": "A", "name": None, "quantity": None},
            None,
            id="nulls",
        ),
        pytest.param(
            {"sku": "A", "options": {"colour": "oak"}},
            {"sku": "A", "name": None, "options": '{"colour": "oak"}'},
            "nested_value",
            id="nested_key",
        ),
    ],
)
def test_each_item_is_read_as_far_as_it_can(
    item: Any, expected: dict[str, Any], note: str | None
) -> None:
    """An odd item is kept, as text where nothing better can be read, and noted."""
    order, notes = _parse(items=[item], total_price=1)
    assert order.items == (expected,)
    assert notes == ({note} if note else set())


def test_an_item_keeps_a_few_other_keys() -> None:
    """At most MAX_OTHER_ITEM_KEYS keys besides the known ones, so an item stays small."""
    item = {"sku": "A", **{f"k{n}": n for n in range(MAX_OTHER_ITEM_KEYS + 5)}}
    order, notes = _parse(items=[item], total_price=1)
    assert len(order.items[0]) == 2 + MAX_OTHER_ITEM_KEYS
    assert notes == {"many_item_keys"}


def test_the_flipbook_only_where_the_post_names_one() -> None:
    """An order may name its flipbook; then the listing's title fills a missing title."""
    order, notes = _parse(flipbook_hash="fxh4k89")
    assert order.flipbook_hash == "fxh4k89"
    assert order.flipbook_title == "fxh4k89"
    assert notes == {"missing_flipbook_title"}
    order, _ = parse_order(
        {**ORDER, "flipbook_hash": "fxh4k89"},
        received_at=RECEIVED_AT,
        flipbook_titles={"fxh4k89": "Spring catalog"},
    )
    assert order.flipbook_title == "Spring catalog"
    order, _ = _parse(flipbook_title="Spring catalog")
    assert (order.flipbook_hash, order.flipbook_title) == (None, "Spring catalog")


def test_every_reason_says_nothing_of_the_post() -> None:
    """Order reasons add to those of lead forms, and none replaces one of them."""
    assert not set(ORDER_REASONS) & set(REASONS)
    assert ALL_REASONS == REASONS | ORDER_REASONS
