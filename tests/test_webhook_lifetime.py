"""Tests of when the lead form webhook receives: from set-up, whatever Flipsnack's API does.

A lead form does not depend on the statistics API. Flipsnack never sends a lead again once
Home Assistant answered it, and Home Assistant answers every post, so a lead posted while
the webhook is not registered would be lost without a trace.
"""

from datetime import timedelta
import json
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.webhook import async_generate_path, async_handle_webhook
from homeassistant.config_entries import ConfigEntryDisabler, ConfigEntryState
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, EventStateChangedData, HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.util.aiohttp import MockRequest
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)

import custom_components.flipsnack as integration
from custom_components.flipsnack.const import CONF_LEAD_FORMS, DOMAIN
from custom_components.flipsnack.webhook_posts import Lead

from . import advance_time, setup_integration
from .const import API_KEY, API_SECRET, WEBHOOK_ID
from .fake_flipsnack import FakeFlipsnack, FakeMode
from .test_webhook import ENTITY_ID, FIELDS, LEAD, receiver_of

PATH = async_generate_path(WEBHOOK_ID)
OTHER_FIELDS = {"Name": "Ion Ionescu"}
OTHER_LEAD = {**LEAD, "timestamp": LEAD["timestamp"] + 60, "data": OTHER_FIELDS}
UNREGISTERED = "Received message for unregistered webhook"


async def _post(hass: HomeAssistant, payload: Any) -> None:
    """Post payload to the webhook as Home Assistant Cloud relays it."""
    request = MockRequest(
        content=json.dumps(payload).encode(), mock_source="test", method="POST"
    )
    response = await async_handle_webhook(hass, WEBHOOK_ID, request)  # type: ignore[arg-type]
    assert response.status == 200


async def _registered(hass_ws_client: WebSocketGenerator) -> bool:
    """Return whether Home Assistant has a handler for the entry's webhook id."""
    client = await hass_ws_client()
    await client.send_json_auto_id({"type": "webhook/list"})
    response = await client.receive_json()
    assert response["success"]
    return any(hook["webhook_id"] == WEBHOOK_ID for hook in response["result"])


def _fired(events: list[Event[EventStateChangedData]]) -> list[dict[str, str]]:
    """Return the fields of each lead the entity fired, in order."""
    return [
        event.data["new_state"].attributes["fields"]
        for event in events
        if event.data["entity_id"] == ENTITY_ID
        and event.data["new_state"] is not None
        and "fields" in event.data["new_state"].attributes
    ]


@pytest.fixture
def entry(
    flipsnack: FakeFlipsnack,
    external_url: str,
    lead_forms_config_entry: MockConfigEntry,
) -> MockConfigEntry:
    """Return the entry with lead forms on, reachable at the external URL."""
    return lead_forms_config_entry


async def test_leads_posted_while_flipsnack_is_down_fire_once_set_up(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_ws_client: WebSocketGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The set-up waits for the API; the webhook doesn't, and no lead is lost.

    Each failed attempt leaves the one registration in place for the next.
    """
    events = async_capture_events(hass, EVENT_STATE_CHANGED)
    flipsnack.mode = FakeMode.MAINTENANCE
    await setup_integration(hass, entry)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert await _registered(hass_ws_client)

    await _post(hass, LEAD)
    await advance_time(hass, freezer, timedelta(minutes=1))
    assert entry.state is ConfigEntryState.SETUP_RETRY
    await _post(hass, OTHER_LEAD)

    flipsnack.mode = FakeMode.NORMAL
    await advance_time(hass, freezer, timedelta(minutes=5))

    assert entry.state is ConfigEntryState.LOADED
    # Each lead fired as an event of its own, in the order they came.
    assert _fired(events) == [FIELDS, OTHER_FIELDS]
    assert receiver_of(entry).diagnostics["leads_waiting"] == 0
    assert UNREGISTERED not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_leads_posted_while_the_key_is_refused_fire_after_reauth(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """An entry waiting for re-authentication still receives its leads."""
    flipsnack.accounts.clear()
    flipsnack.add_account(API_KEY, "rotated-secret")
    await setup_integration(hass, entry)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert await _registered(hass_ws_client)

    await _post(hass, LEAD)
    # The user re-authenticates; the flow reloads the entry.
    flipsnack.accounts.clear()
    flipsnack.add_account(API_KEY, API_SECRET)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.LOADED
    state = hass.states.get(ENTITY_ID)
    assert state is not None
    assert state.attributes["fields"] == FIELDS


async def test_a_lead_posted_during_a_reload_is_not_lost(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Between the unload and the next set-up the lead waits, then fires."""
    await setup_integration(hass, entry)
    events = async_capture_events(hass, EVENT_STATE_CHANGED)
    set_up = integration.async_setup_entry

    async def post_then_set_up(hass: HomeAssistant, entry: MockConfigEntry) -> bool:
        assert entry.state is ConfigEntryState.SETUP_IN_PROGRESS
        await _post(hass, LEAD)
        return bool(await set_up(hass, entry))

    monkeypatch.setattr(
        "custom_components.flipsnack.async_setup_entry", post_then_set_up
    )
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.LOADED
    assert _fired(events) == [FIELDS]


async def test_at_most_max_waiting_leads_wait(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A flood while the entry cannot be set up keeps the newest leads, and says so."""
    monkeypatch.setattr("custom_components.flipsnack.webhook_delivery.MAX_WAITING", 2)
    events = async_capture_events(hass, EVENT_STATE_CHANGED)
    flipsnack.mode = FakeMode.MAINTENANCE
    await setup_integration(hass, entry)
    for number in range(3):
        await _post(hass, {**LEAD, "timestamp": number, "data": {"Name": str(number)}})

    flipsnack.mode = FakeMode.NORMAL
    await advance_time(hass, freezer, timedelta(minutes=2))

    assert entry.state is ConfigEntryState.LOADED
    assert _fired(events) == [{"Name": "1"}, {"Name": "2"}]
    assert receiver_of(entry).posts_dropped == {"too_many_waiting": 1}
    assert "leads or orders waited for their entity" in caplog.text


async def test_a_disabled_lead_form_entity_fires_nothing(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Leads for a disabled entity are dropped, not kept for an entity that never comes."""
    await setup_integration(hass, entry)
    entity_registry.async_update_entity(
        ENTITY_ID, disabled_by=er.RegistryEntryDisabler.USER
    )
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()

    await _post(hass, LEAD)

    assert hass.states.get(ENTITY_ID) is None
    receiver = receiver_of(entry)
    assert receiver.posts_dropped == {"entity_disabled": 1}
    assert receiver.diagnostics["leads_waiting"] == 0


@pytest.mark.parametrize("api_up", [True, False], ids=["loaded", "setup_retry"])
async def test_disabling_the_entry_unregisters_the_webhook(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    caplog: pytest.LogCaptureFixture,
    api_up: bool,
) -> None:
    """A disabled entry receives nothing; enabling it registers the webhook again."""
    if not api_up:
        flipsnack.mode = FakeMode.MAINTENANCE
    await setup_integration(hass, entry)
    assert await _registered(hass_ws_client)

    assert await hass.config_entries.async_set_disabled_by(
        entry.entry_id, ConfigEntryDisabler.USER
    )
    await hass.async_block_till_done()
    assert not await _registered(hass_ws_client)
    caplog.set_level(logging.INFO)
    await _post(hass, LEAD)
    assert UNREGISTERED in caplog.text

    flipsnack.mode = FakeMode.NORMAL
    assert await hass.config_entries.async_set_disabled_by(entry.entry_id, None)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert await _registered(hass_ws_client)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("api_up", [True, False], ids=["loaded", "setup_retry"])
async def test_removing_the_entry_unregisters_the_webhook(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    issue_registry: ir.IssueRegistry,
    api_up: bool,
) -> None:
    """Nothing of a deleted entry keeps receiving, and its issue goes with it."""
    if not api_up:
        flipsnack.mode = FakeMode.MAINTENANCE
    await setup_integration(hass, entry)
    await _post(hass, [LEAD])
    issue_id = f"unreadable_lead_forms_{entry.entry_id}"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None

    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()

    assert not await _registered(hass_ws_client)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


async def test_turning_lead_forms_off_unregisters_the_webhook(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """The set-up after lead forms were turned off ends the registration."""
    await setup_integration(hass, entry)
    receiver = receiver_of(entry)

    hass.config_entries.async_update_entry(entry, options={CONF_LEAD_FORMS: False})
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()

    assert not await _registered(hass_ws_client)
    client = await hass_client_no_auth()
    response = await client.post(PATH, json=LEAD)
    assert response.status == 200
    assert receiver.leads_received == 0


async def test_a_late_detach_leaves_the_new_entity_attached(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """Detaching what was replaced already must not cut off what replaced it."""
    await setup_integration(hass, entry)
    receiver = receiver_of(entry)
    first: list[Lead] = []
    second: list[Lead] = []
    detach_first = receiver.async_attach(first.append)
    detach_second = receiver.async_attach(second.append)

    detach_first()
    await _post(hass, LEAD)
    detach_second()
    await _post(hass, OTHER_LEAD)

    assert first == []
    assert [lead.fields for lead in second] == [FIELDS]
