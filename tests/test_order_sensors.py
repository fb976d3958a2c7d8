"""Tests for the Orders and Order value sensors, and the order book behind them.

The book (order_book.py) keeps the counts and the recent order ids on disk, so a
restart is simulated by what the test plugin's storage mock holds for the store.
"""

from datetime import timedelta
from typing import Any
from unittest.mock import patch

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import get_instance
from homeassistant.components.recorder.statistics import statistics_during_period
from homeassistant.components.sensor import (
    ATTR_STATE_CLASS,
    SensorDeviceClass,
    SensorStateClass,
)
from homeassistant.const import ATTR_DEVICE_CLASS, ATTR_UNIT_OF_MEASUREMENT
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, storage
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
    do_adhoc_statistics,
    get_start_time,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.flipsnack.const import CONF_LEAD_FORMS, CONF_ORDERS
from custom_components.flipsnack.order_book import SAVE_DELAY

from . import setup_integration, store_writes
from .fake_flipsnack import FakeOrderItem, order_post
from .test_orders import BUYER, EUR_ID, ITEMS, ORDER, ORDERS_ID
from .test_webhook import post_json, receiver_of

STORE_KEY = "flipsnack.01JFLIPSNACKTESTENTRY00000.orders"
RON_ID = "sensor.flipsnack_7832_order_value_ron"
# Home Assistant's own, before the test plugin's storage mock replaces it in each test.
STORE_REMOVE = storage.Store.async_remove
VIEWS_ID = "sensor.flipsnack_7832_views"


def _value(hass: HomeAssistant, entity_id: str) -> str | None:
    state = hass.states.get(entity_id)
    return None if state is None else state.state


async def _save(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let the book's delayed write happen."""
    freezer.tick(SAVE_DELAY + timedelta(seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


async def _reload_with(
    hass: HomeAssistant, entry: MockConfigEntry, options: dict[str, Any]
) -> None:
    """Give the entry these options and reload it, as the options flow does."""
    hass.config_entries.async_update_entry(entry, options=options)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()


async def test_orders_are_counted(
    hass: HomeAssistant, orders_client: TestClient, entity_registry: er.EntityRegistry
) -> None:
    """Orders counts every order, priced or not; its statistics give orders per day."""
    assert _value(hass, ORDERS_ID) == "0"
    await post_json(orders_client, ORDER)
    await post_json(
        orders_client, order_post("FS-2", [FakeOrderItem(sku="A", name="A")], buyer={})
    )

    state = hass.states.get(ORDERS_ID)
    assert state is not None
    assert state.state == "2"
    assert state.attributes[ATTR_STATE_CLASS] == SensorStateClass.TOTAL_INCREASING
    entry = entity_registry.async_get(ORDERS_ID)
    assert entry is not None
    assert entry.translation_key == "orders"
    views = entity_registry.async_get(VIEWS_ID)
    assert views is not None
    assert entry.device_id == views.device_id


async def test_each_currency_gets_its_sensor_when_it_first_appears(
    hass: HomeAssistant,
    orders_client: TestClient,
    init_orders: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No restart: the first order in a currency adds its Order value sensor."""
    assert hass.states.get(EUR_ID) is None
    await post_json(orders_client, ORDER)
    await hass.async_block_till_done()

    state = hass.states.get(EUR_ID)
    assert state is not None
    assert state.state == "798.0"
    assert state.attributes[ATTR_DEVICE_CLASS] == SensorDeviceClass.MONETARY
    assert state.attributes[ATTR_UNIT_OF_MEASUREMENT] == "EUR"
    assert state.attributes[ATTR_STATE_CLASS] == SensorStateClass.TOTAL
    assert state.attributes["friendly_name"] == "Flipsnack …7832 Order value EUR"

    await post_json(
        orders_client, order_post("FS-2", ITEMS, buyer=BUYER, currency="ron")
    )
    await post_json(
        orders_client, order_post("FS-3", ITEMS[:1], buyer=BUYER, currency="EUR")
    )
    await hass.async_block_till_done()
    assert _value(hass, RON_ID) == "798.0"
    assert _value(hass, EUR_ID) == "1097.0"
    # Home Assistant warns about a state class a device class does not allow.
    assert "impossible" not in caplog.text


async def test_counts_and_currencies_survive_a_restart(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    orders_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    flipsnack: Any,
    external_url: str,
) -> None:
    """The set-up makes each currency's sensor again, with the counts on disk."""
    hass_storage[STORE_KEY] = {
        "version": 1,
        "key": STORE_KEY,
        "data": {
            "orders": 4,
            "values": {"EUR": "1200.50", "RON": "99"},
            "recent": {},
        },
    }
    await setup_integration(hass, orders_config_entry)

    assert _value(hass, ORDERS_ID) == "4"
    assert _value(hass, EUR_ID) == "1200.50"
    assert _value(hass, RON_ID) == "99"


async def test_a_retry_after_a_restart_counts_nothing(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    orders_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    flipsnack: Any,
    external_url: str,
) -> None:
    """The recent ids are on disk: Flipsnack's retry after a restart is recognised."""
    await setup_integration(hass, orders_config_entry)
    orders_client = await hass_client_no_auth()
    await post_json(orders_client, ORDER)
    await _save(hass, freezer)
    stored = hass_storage[STORE_KEY]["data"]
    assert stored["orders"] == 1
    assert stored["values"] == {"EUR": "798.0"}
    # Nothing of the buyer, and not even the order id, reaches the disk.
    assert "FS-1001" not in str(stored)
    for value in BUYER.values():
        assert value not in str(stored)

    # A restart: the entry is set up afresh from what the disk holds.
    assert await hass.config_entries.async_remove(orders_config_entry.entry_id)
    hass_storage[STORE_KEY] = {"version": 1, "key": STORE_KEY, "data": stored}
    entry = MockConfigEntry(
        domain=orders_config_entry.domain,
        title=orders_config_entry.title,
        unique_id=orders_config_entry.unique_id,
        data=dict(orders_config_entry.data),
        options=dict(orders_config_entry.options),
        entry_id=orders_config_entry.entry_id,
    )
    await setup_integration(hass, entry)
    await post_json(orders_client, ORDER)

    receiver = receiver_of(entry)
    assert receiver.posts_dropped == {"duplicate_order": 1}
    assert _value(hass, ORDERS_ID) == "1"
    assert _value(hass, EUR_ID) == "798.0"


async def test_the_book_is_written_only_when_it_changed(
    hass: HomeAssistant,
    orders_client: TestClient,
    freezer: FrozenDateTimeFactory,
) -> None:
    """One write a few seconds after an order; none for a retry or a bad post."""
    await _save(hass, freezer)
    assert store_writes(STORE_KEY) == 0
    await post_json(orders_client, ORDER)
    await post_json(
        orders_client, order_post("FS-2", ITEMS, buyer=BUYER, currency="EUR")
    )
    await _save(hass, freezer)
    assert store_writes(STORE_KEY) == 1

    await post_json(orders_client, ORDER)
    await post_json(orders_client, {"type": "orders"})
    await _save(hass, freezer)
    assert store_writes(STORE_KEY) == 1


async def test_the_recent_ids_are_bounded(
    orders_client: TestClient,
    init_orders: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A flood of distinct orders forgets the oldest ids, not the memory's bounds."""
    monkeypatch.setattr("custom_components.flipsnack.order_book.MAX_RECENT_ORDERS", 2)
    for number in range(3):
        await post_json(orders_client, order_post(f"FS-{number}", ITEMS, buyer={}))
    book = receiver_of(init_orders).order_book
    assert book.diagnostics == {
        "orders_counted": 3,
        "currencies": 1,
        "recent_order_ids": 2,
    }
    # The oldest was forgotten, so its retry counts again.
    await post_json(orders_client, order_post("FS-0", ITEMS, buyer={}))
    assert book.orders == 4


async def test_orders_turned_off_remove_the_entities_and_keep_the_book(
    hass: HomeAssistant,
    orders_client: TestClient,
    init_orders: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Off, the Order entity goes; the counts wait on disk for orders to come back."""
    await post_json(orders_client, ORDER)
    await _save(hass, freezer)
    await _reload_with(hass, init_orders, {CONF_LEAD_FORMS: True})

    assert entity_registry.async_get("event.flipsnack_7832_order") is None
    assert entity_registry.async_get(ORDERS_ID) is None
    assert entity_registry.async_get(EUR_ID) is None
    assert hass.states.get(ORDERS_ID) is None
    assert hass_storage[STORE_KEY]["data"]["orders"] == 1

    # On again: the same sensors, with the counts of before.
    await _reload_with(hass, init_orders, {CONF_LEAD_FORMS: True, CONF_ORDERS: True})
    assert _value(hass, ORDERS_ID) == "1"
    assert _value(hass, EUR_ID) == "798.0"


async def test_removing_the_entry_deletes_the_book_and_its_due_write(
    hass: HomeAssistant,
    orders_client: TestClient,
    init_orders: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A write still due when the entry is deleted must not bring the file back."""
    await post_json(orders_client, ORDER)
    await _save(hass, freezer)
    assert store_writes(STORE_KEY) == 1
    await post_json(
        orders_client, order_post("FS-2", ITEMS, buyer=BUYER, currency="EUR")
    )

    # The test plugin's storage mock forgets the data without cancelling the write due;
    # Home Assistant's own async_remove cancels it.
    with patch.object(storage.Store, "async_remove", STORE_REMOVE):
        assert await hass.config_entries.async_remove(init_orders.entry_id)
    await _save(hass, freezer)

    assert store_writes(STORE_KEY) == 1


@pytest.mark.usefixtures("recorder_mock", "flipsnack", "external_url")
async def test_orders_and_revenue_have_long_term_statistics(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    orders_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The recorder compiles both sensors' sums: orders and revenue per period."""
    freezer.move_to("2026-05-04T10:01:00+00:00")
    await setup_integration(hass, orders_config_entry)
    client = await hass_client_no_auth()
    await post_json(client, ORDER)
    await post_json(client, order_post("FS-2", ITEMS[:1], buyer=BUYER, currency="EUR"))
    await async_wait_recording_done(hass)
    freezer.move_to("2026-05-04T10:06:00+00:00")
    start = get_start_time(dt_util.utcnow() - timedelta(minutes=5))
    do_adhoc_statistics(hass, start=start)
    await async_wait_recording_done(hass)

    rows = await get_instance(hass).async_add_executor_job(
        statistics_during_period,
        hass,
        start,
        None,
        {ORDERS_ID, EUR_ID},
        "5minute",
        None,
        {"state", "sum"},
    )
    assert rows[ORDERS_ID][0]["state"] == 2
    assert rows[EUR_ID][0]["state"] == 1097.0
    assert "sum" in rows[EUR_ID][0]
