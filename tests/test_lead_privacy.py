"""Tests that a lead's fields live in the state machine only.

The fields are what a reader typed. They reach the Lead form entity's state and the
automations it triggers; the recorder, the restore data, the log, diagnostics and reprs
never hold them (the recorder, log and diagnostics are checked in test_webhook.py and
test_diagnostics.py).
"""

import json

from aiohttp.test_utils import TestClient
from homeassistant.components.webhook import async_generate_path
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant, State
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    mock_restore_cache,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from . import restore_last_event, setup_integration, stored_event_data
from .const import WEBHOOK_ID
from .test_webhook import ENTITY_ID, FIELDS, LEAD, receiver_of

PATH = async_generate_path(WEBHOOK_ID)
LAST_FIRED = "2026-05-04T10:00:02.000+00:00"
# What an older version kept in the restore data: the fields included.
STORED_ATTRIBUTES = {
    "flipbook_title": "Spring catalog 2026",
    "flipbook_hash": "fxh4k89",
    "submitted_at": "2026-05-04T10:00:00+00:00",
    "fields": FIELDS,
}


@pytest.fixture
async def client(
    hass_client_no_auth: ClientSessionGenerator, init_lead_forms: MockConfigEntry
) -> TestClient:
    """Return a client posting to the webhook of a loaded entry with lead forms on."""
    return await hass_client_no_auth()


@pytest.mark.usefixtures("flipsnack", "external_url")
async def test_fields_are_not_restored_after_a_restart(
    hass: HomeAssistant, lead_forms_config_entry: MockConfigEntry
) -> None:
    """A restart brings back when and where the last lead came from, not its fields."""
    restore_last_event(
        hass, ENTITY_ID, LAST_FIRED, "contact_submitted", STORED_ATTRIBUTES
    )
    await setup_integration(hass, lead_forms_config_entry)

    state = hass.states.get(ENTITY_ID)
    assert state is not None
    assert state.state == LAST_FIRED
    assert state.attributes["event_type"] == "contact_submitted"
    assert state.attributes["flipbook_title"] == "Spring catalog 2026"
    assert state.attributes["submitted_at"] == "2026-05-04T10:00:00+00:00"
    assert "fields" not in state.attributes


@pytest.mark.usefixtures("flipsnack", "external_url")
async def test_a_state_without_event_data_restores_nothing(
    hass: HomeAssistant, lead_forms_config_entry: MockConfigEntry
) -> None:
    """Without the event's own restore data, the entity starts afresh."""
    mock_restore_cache(
        hass, [State(ENTITY_ID, LAST_FIRED, {"event_type": "contact_submitted"})]
    )
    await setup_integration(hass, lead_forms_config_entry)

    state = hass.states.get(ENTITY_ID)
    assert state is not None
    assert state.state == STATE_UNKNOWN


async def test_restore_data_holds_no_fields(
    hass: HomeAssistant, client: TestClient
) -> None:
    """What the entity hands to the restore cache has the event, not the fields."""
    response = await client.post(PATH, json=LEAD)
    assert response.status == 200

    extra = stored_event_data(hass, ENTITY_ID)
    assert extra["last_event_type"] == "contact_submitted"
    assert extra["last_event_attributes"]["flipbook_title"] == "Spring catalog 2026"
    assert "fields" not in extra["last_event_attributes"]
    for value in FIELDS.values():
        assert value not in json.dumps(extra)


async def test_a_reload_keeps_the_last_lead_but_not_its_fields(
    hass: HomeAssistant,
    client: TestClient,
    init_lead_forms: MockConfigEntry,
) -> None:
    """A reload restores the last lead as a restart does: without what the reader typed."""
    response = await client.post(PATH, json=LEAD)
    assert response.status == 200
    before = hass.states.get(ENTITY_ID)
    assert before is not None
    assert before.attributes["fields"] == FIELDS

    assert await hass.config_entries.async_reload(init_lead_forms.entry_id)
    await hass.async_block_till_done()

    after = hass.states.get(ENTITY_ID)
    assert after is not None
    assert after.state == before.state
    without_fields = {k: v for k, v in before.attributes.items() if k != "fields"}
    assert after.attributes == without_fields


async def test_no_repr_shows_a_waiting_lead(
    hass: HomeAssistant,
    client: TestClient,
    init_lead_forms: MockConfigEntry,
) -> None:
    """Home Assistant may log the repr of what it handles: none holds the fields."""
    lead_webhook = init_lead_forms.runtime_data.lead_webhook
    receiver = receiver_of(init_lead_forms)
    # Unloaded, the entry's leads wait in the receiver.
    assert await hass.config_entries.async_unload(init_lead_forms.entry_id)
    response = await client.post(PATH, json=LEAD)
    assert response.status == 200
    assert receiver.diagnostics["leads_waiting"] == 1

    for holder in (receiver, lead_webhook, receiver.diagnostics):
        for value in FIELDS.values():
            assert value not in repr(holder)
