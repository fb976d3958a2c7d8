"""Tests for orders through the webhook: the Order event entity, and what is dropped.

The posts are real HTTP requests to Home Assistant's webhook path, as Flipsnack makes
them, built by the fake's order_post.
"""

from datetime import UTC, datetime, timedelta
import json
import logging
from typing import Any

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.webhook import async_generate_path
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_STATE_CHANGED, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.flipsnack.webhook_orders import ALL_REASONS, MAX_ITEMS

from . import advance_time, setup_integration
from .const import WEBHOOK_ID
from .fake_flipsnack import FakeFlipsnack, FakeMode, FakeOrderItem, order_post
from .test_webhook import LEAD, LOGGER_NAME, our_records, post_json, receiver_of

ENTITY_ID = "event.flipsnack_7832_order"
ORDERS_ID = "sensor.flipsnack_7832_orders"
EUR_ID = "sensor.flipsnack_7832_order_value_eur"
PATH = async_generate_path(WEBHOOK_ID)

# What the buyer typed into the order form: it must reach the entity and nothing else.
BUYER = {
    "Name": "Ana Popescu",
    "Email": "ana.popescu@example.com",
    "Address": "Strada Lunga 5, Brasov",
}
ITEMS = (
    FakeOrderItem(sku="CH-OAK-2", name="Oak dining chair", quantity=2, price=149.5),
    FakeOrderItem(sku="TB-ASH-1", name="Ash table", quantity=1, price=499),
)
SUBMITTED = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
ORDER = order_post(
    "FS-1001", ITEMS, buyer=BUYER, currency="EUR", submitted_at=SUBMITTED
)


async def test_order_fires_event(
    hass: HomeAssistant,
    orders_client: TestClient,
    init_orders: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    snapshot: SnapshotAssertion,
) -> None:
    """An order becomes one order_submitted event with its items, total and fields."""
    state = hass.states.get(ENTITY_ID)
    assert state is not None
    assert state.state == STATE_UNKNOWN

    freezer.move_to("2026-05-04T10:00:02+00:00")
    await post_json(orders_client, ORDER)

    state = hass.states.get(ENTITY_ID)
    assert state == snapshot
    assert state.attributes["event_type"] == "order_submitted"
    assert state.attributes["order_id"] == "FS-1001"
    assert state.attributes["submitted_at"] == "2026-05-04T10:00:00+00:00"
    assert state.attributes["total_price"] == 798.0
    assert state.attributes["currency"] == "EUR"
    assert state.attributes["items"] == [
        {
            "sku": "CH-OAK-2",
            "name": "Oak dining chair",
            "quantity": 2,
            "unit_price": 149.5,
        },
        {"sku": "TB-ASH-1", "name": "Ash table", "quantity": 1, "unit_price": 499.0},
    ]
    assert state.attributes["custom_fields"] == BUYER
    assert receiver_of(init_orders).orders_received == 1


async def test_order_entity_is_on_the_account_device(
    entity_registry: er.EntityRegistry, init_orders: MockConfigEntry
) -> None:
    """The entity belongs to the account's device, next to the sensors."""
    entry = entity_registry.async_get(ENTITY_ID)
    assert entry is not None
    assert entry.unique_id == f"{init_orders.entry_id}_order"
    assert entry.translation_key == "order"
    sensor = entity_registry.async_get("sensor.flipsnack_7832_views")
    assert sensor is not None
    assert entry.device_id == sensor.device_id
    # Lead forms are off in this entry: no Lead form entity.
    assert entity_registry.async_get("event.flipsnack_7832_lead_form") is None


async def test_an_unpriced_order_fires_without_a_total(
    hass: HomeAssistant, orders_client: TestClient
) -> None:
    """A catalog without prices posts no total and no currency: the order still fires."""
    items = [FakeOrderItem(sku="SW-1", name="Fabric swatch", quantity=3)]
    await post_json(orders_client, order_post("FS-2", items, buyer=BUYER))

    state = hass.states.get(ENTITY_ID)
    assert state is not None
    assert state.attributes["total_price"] is None
    assert state.attributes["currency"] is None
    assert state.attributes["items"] == [
        {"sku": "SW-1", "name": "Fabric swatch", "quantity": 3}
    ]


def _order(**changes: Any) -> dict[str, Any]:
    return order_post("FS-9", ITEMS, buyer=BUYER, **{"currency": "EUR", **changes})


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        pytest.param([ORDER], "not_object", id="array"),
        pytest.param(_order(order_id=...), "invalid_order_id", id="no_order_id"),
        pytest.param(_order(order_id=1001), "invalid_order_id", id="number_id"),
        pytest.param(_order(order_id=" "), "invalid_order_id", id="blank_id"),
        pytest.param(_order(items={"sku": "A"}), "invalid_items", id="items_object"),
        pytest.param(
            _order(items=[{"sku": str(n)} for n in range(MAX_ITEMS + 1)]),
            "too_many_items",
            id="too_many_items",
        ),
        pytest.param(_order(total_price="798.00"), "invalid_price", id="text_total"),
        pytest.param(_order(total_price=-1), "invalid_price", id="negative_total"),
        pytest.param(
            _order(items=[{"sku": "A", "name": "A", "price": "9.99"}]),
            "invalid_price",
            id="text_unit_price",
        ),
        pytest.param(
            _order(items=[{"sku": "A", "name": "A", "price": -9.99}]),
            "invalid_price",
            id="negative_unit_price",
        ),
        pytest.param(_order(currency=...), "price_without_currency", id="no_currency"),
        pytest.param(_order(currency="EURO"), "invalid_currency", id="four_letters"),
        pytest.param(_order(currency=978), "invalid_currency", id="number_currency"),
    ],
)
async def test_bad_orders_are_dropped(
    hass: HomeAssistant,
    orders_client: TestClient,
    init_orders: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    payload: Any,
    reason: str,
) -> None:
    """A bad order is answered 200, logged once by kind, counted: no event, no count."""
    caplog.set_level(logging.DEBUG, LOGGER_NAME)
    await post_json(orders_client, payload)
    await post_json(orders_client, payload)

    state = hass.states.get(ENTITY_ID)
    assert state is not None
    assert state.state == STATE_UNKNOWN
    receiver = receiver_of(init_orders)
    assert receiver.posts_dropped == {reason: 2}
    assert receiver.orders_received == 0
    assert receiver.order_book.orders == 0
    assert [record.levelno for record in our_records(caplog)] == [
        ALL_REASONS[reason][0]
    ]
    for value in BUYER.values():
        assert value not in caplog.text


async def test_a_non_finite_price_is_no_json(
    orders_client: TestClient, init_orders: MockConfigEntry
) -> None:
    """JSON has no infinity: a price too large for a float makes the body unreadable."""
    body = json.dumps(_order()).replace('"total_price": 798.0', '"total_price": 1e400')
    response = await orders_client.post(
        PATH, data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status == 200
    assert receiver_of(init_orders).posts_dropped == {"invalid_json": 1}


async def test_long_fields_are_shortened_and_noted(
    hass: HomeAssistant,
    orders_client: TestClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Texts over the limits are shortened, logged once, and the order still fires."""
    caplog.set_level(logging.DEBUG, LOGGER_NAME)
    await post_json(
        orders_client,
        _order(
            order_id="X" * 300,
            custom_fields=[{"field_name": "Notes", "field_value": "n" * 2000}],
            items=[{"sku": "S" * 300, "name": "N" * 300, "colour": "oak", "qty": "2"}],
            total_price=10,
        ),
    )

    state = hass.states.get(ENTITY_ID)
    assert state is not None
    assert len(state.attributes["order_id"]) == 100
    assert len(state.attributes["custom_fields"]["Notes"]) == 1000
    item = state.attributes["items"][0]
    assert len(item["sku"]) == 100
    assert len(item["name"]) == 255
    assert item["quantity"] == "2"
    assert item["colour"] == "oak"
    messages = [record.getMessage() for record in our_records(caplog)]
    assert len([m for m in messages if "was shortened" in m]) == 1
    assert "n" * 100 not in caplog.text


async def test_a_retry_of_the_same_order_fires_once(
    hass: HomeAssistant,
    orders_client: TestClient,
    init_orders: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The same order_id within a day fires nothing and counts nothing; later it does."""
    freezer.move_to("2026-05-04T10:00:02+00:00")
    await post_json(orders_client, ORDER)
    first = hass.states.get(ENTITY_ID)
    freezer.tick(timedelta(hours=23))
    # Flipsnack's retry may differ in its time; the id is what makes it the same order.
    await post_json(orders_client, {**ORDER, "timestamp": ORDER["timestamp"] + 5})

    assert hass.states.get(ENTITY_ID) == first
    receiver = receiver_of(init_orders)
    assert receiver.posts_dropped == {"duplicate_order": 1}
    assert receiver.order_book.orders == 1

    freezer.tick(timedelta(hours=1, seconds=1))
    await post_json(orders_client, ORDER)
    assert receiver.order_book.orders == 2


async def test_a_lead_while_lead_forms_are_off_is_dropped(
    hass: HomeAssistant,
    orders_client: TestClient,
    init_orders: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """With orders on and lead forms off, a lead form is ignored quietly."""
    caplog.set_level(logging.DEBUG, LOGGER_NAME)
    await post_json(orders_client, LEAD)

    receiver = receiver_of(init_orders)
    assert receiver.posts_dropped == {"lead_form": 1}
    assert receiver.leads_received == 0
    assert [record.levelno for record in our_records(caplog)] == [logging.DEBUG]


async def test_a_disabled_order_entity_fires_nothing_but_counts(
    hass: HomeAssistant,
    orders_client: TestClient,
    init_orders: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """The user may disable the Order entity; the sensors still count the order."""
    entity_registry.async_update_entity(
        ENTITY_ID, disabled_by=er.RegistryEntryDisabler.USER
    )
    assert await hass.config_entries.async_reload(init_orders.entry_id)
    await hass.async_block_till_done()

    await post_json(orders_client, ORDER)

    receiver = receiver_of(init_orders)
    assert receiver.posts_dropped == {"order_entity_disabled": 1}
    assert receiver.order_book.orders == 1
    state = hass.states.get(ORDERS_ID)
    assert state is not None
    assert state.state == "1"


async def test_orders_posted_while_flipsnack_is_down_count_and_fire_once_set_up(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    external_url: str,
    orders_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Orders don't wait for the statistics API: counted at once, fired when set up."""
    events = async_capture_events(hass, EVENT_STATE_CHANGED)
    flipsnack.mode = FakeMode.MAINTENANCE
    await setup_integration(hass, orders_config_entry)
    assert orders_config_entry.state is ConfigEntryState.SETUP_RETRY
    client = await hass_client_no_auth()
    await post_json(client, ORDER)
    await post_json(client, ORDER)  # Flipsnack's retry, while nothing is set up
    await post_json(client, _order(order_id="FS-1002"))

    flipsnack.mode = FakeMode.NORMAL
    await advance_time(hass, freezer, timedelta(minutes=5))

    assert orders_config_entry.state is ConfigEntryState.LOADED
    fired = [
        event.data["new_state"].attributes["order_id"]
        for event in events
        if event.data["entity_id"] == ENTITY_ID
        and event.data["new_state"] is not None
        and "order_id" in event.data["new_state"].attributes
    ]
    assert fired == ["FS-1001", "FS-1002"]
    state = hass.states.get(ORDERS_ID)
    assert state is not None
    assert state.state == "2"
