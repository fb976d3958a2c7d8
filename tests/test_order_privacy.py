"""Tests that an order's custom fields, the buyer's data, live in the state machine only.

They reach the Order entity's state and the automations it triggers; the recorder, the
restore data, the log, diagnostics (test_diagnostics.py) and reprs never hold them. The
items are no one's personal data, but they stay out of the recorder and the restore
data too, for their size.
"""

import json
import logging

from aiohttp.test_utils import TestClient
from homeassistant.components.recorder.history import get_significant_states
from homeassistant.core import HomeAssistant, State
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
)
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.flipsnack.webhook_orders import parse_order

from . import restore_last_event, setup_integration, stored_event_data
from .const import WEBHOOK_ID
from .test_orders import BUYER, ENTITY_ID, ORDER
from .test_webhook import post_json, receiver_of

LAST_FIRED = "2026-05-04T10:00:02.000+00:00"


@pytest.mark.usefixtures("recorder_mock", "flipsnack", "external_url")
async def test_custom_fields_and_items_are_not_recorded(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    orders_config_entry: MockConfigEntry,
) -> None:
    """The recorder keeps each order's id, total and currency: no buyer, no items."""
    start = dt_util.utcnow()
    await setup_integration(hass, orders_config_entry)
    orders_client = await hass_client_no_auth()
    await post_json(orders_client, ORDER)
    await async_wait_recording_done(hass)

    states = await hass.async_add_executor_job(
        get_significant_states, hass, start, None, [ENTITY_ID]
    )
    recorded = states[ENTITY_ID][-1]
    assert isinstance(recorded, State)
    assert recorded.attributes["event_type"] == "order_submitted"
    assert recorded.attributes["order_id"] == "FS-1001"
    assert recorded.attributes["total_price"] == 798.0
    assert "custom_fields" not in recorded.attributes
    assert "items" not in recorded.attributes
    state = hass.states.get(ENTITY_ID)
    assert state is not None
    assert state.attributes["custom_fields"] == BUYER


async def test_restore_data_holds_no_custom_fields(
    hass: HomeAssistant, orders_client: TestClient
) -> None:
    """What the entity hands to the restore cache has the order, not the buyer."""
    await post_json(orders_client, ORDER)

    extra = stored_event_data(hass, ENTITY_ID)
    assert extra["last_event_type"] == "order_submitted"
    assert extra["last_event_attributes"]["order_id"] == "FS-1001"
    assert "custom_fields" not in extra["last_event_attributes"]
    assert "items" not in extra["last_event_attributes"]
    for value in BUYER.values():
        assert value not in json.dumps(extra)


@pytest.mark.usefixtures("flipsnack", "external_url")
async def test_a_restart_restores_the_last_order_without_the_buyer(
    hass: HomeAssistant, orders_config_entry: MockConfigEntry
) -> None:
    """A restart brings back the last order's id and total, never what the buyer typed."""
    attributes = {
        "order_id": "FS-1001",
        "total_price": 798.0,
        "currency": "EUR",
        "custom_fields": BUYER,
    }
    restore_last_event(hass, ENTITY_ID, LAST_FIRED, "order_submitted", attributes)
    await setup_integration(hass, orders_config_entry)

    state = hass.states.get(ENTITY_ID)
    assert state is not None
    assert state.state == LAST_FIRED
    assert state.attributes["order_id"] == "FS-1001"
    assert "custom_fields" not in state.attributes


async def test_the_buyer_stays_out_of_the_log_and_reprs(
    hass: HomeAssistant,
    orders_client: TestClient,
    init_orders: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Even the debug log holds nothing of the buyer; reprs name no custom field."""
    caplog.set_level(logging.DEBUG)
    await post_json(orders_client, ORDER)
    await post_json(orders_client, ORDER)
    await post_json(orders_client, {**ORDER, "order_id": "FS-2", "currency": "EURO"})

    for value in BUYER.values():
        assert value not in caplog.text
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("custom_")]
    assert ours
    assert not [message for message in ours if WEBHOOK_ID in message]
    order, _ = parse_order(ORDER, received_at=dt_util.utcnow())
    receiver = receiver_of(init_orders)
    for holder in (order, receiver.orders, receiver.order_book.diagnostics):
        for value in BUYER.values():
            assert value not in repr(holder)
