"""Tests for the lead form webhook: what Flipsnack posts, and the Lead form event entity.

The posts are real HTTP requests to Home Assistant's webhook path, as Flipsnack (or Home
Assistant Cloud relaying for it) makes them.
"""

from datetime import timedelta
import json
import logging
from typing import Any

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder.history import get_significant_states
from homeassistant.components.webhook import async_generate_path, async_handle_webhook
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from homeassistant.util.aiohttp import MockRequest
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.flipsnack.const import DOMAIN
from custom_components.flipsnack.webhook_posts import MAX_BODY_BYTES

from . import setup_integration
from .const import WEBHOOK_ID
from .fake_flipsnack import FakeFlipsnack, FakeMode

ENTITY_ID = "event.flipsnack_7832_lead_form"
PATH = async_generate_path(WEBHOOK_ID)
LOGGER_NAME = "custom_components.flipsnack"

# What a reader typed: it must reach the entity and nothing else.
FIELDS = {
    "Name": "Ana Popescu",
    "Email": "ana.popescu@example.com",
    "Message": "Please call me about the spring catalog",
}
LEAD: dict[str, Any] = {
    "type": "contact",
    "timestamp": 1777888800,
    "datetime": "2026-05-04 10:00:00",
    "flipbook_hash": "fxh4k89",
    "flipbook_title": "Spring catalog 2026",
    "data": FIELDS,
}


@pytest.fixture
async def client(
    hass_client_no_auth: ClientSessionGenerator, init_lead_forms: MockConfigEntry
) -> TestClient:
    """Return a client posting to the webhook of a loaded entry with lead forms on."""
    return await hass_client_no_auth()


async def _post(client: TestClient, payload: Any) -> None:
    """Post payload as JSON and check that Home Assistant answered 200."""
    response = await client.post(PATH, json=payload)
    assert response.status == 200


def _lead(**changes: Any) -> dict[str, Any]:
    """Return LEAD with some keys changed; a value of ... removes the key."""
    lead = {**LEAD, **changes}
    return {key: value for key, value in lead.items() if value is not ...}


def _counters(entry: MockConfigEntry) -> tuple[int, int]:
    lead_webhook = entry.runtime_data.lead_webhook
    assert lead_webhook is not None
    return lead_webhook.leads_received, lead_webhook.posts_ignored.total()


async def test_lead_fires_event(
    hass: HomeAssistant,
    client: TestClient,
    init_lead_forms: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    snapshot: SnapshotAssertion,
) -> None:
    """A lead form becomes one contact_submitted event with the lead's fields."""
    state = hass.states.get(ENTITY_ID)
    assert state is not None
    assert state.state == STATE_UNKNOWN

    freezer.move_to("2026-05-04T10:00:02+00:00")
    await _post(client, LEAD)

    state = hass.states.get(ENTITY_ID)
    assert state == snapshot
    assert state.state == "2026-05-04T10:00:02.000+00:00"
    assert state.attributes["event_type"] == "contact_submitted"
    assert state.attributes["fields"] == FIELDS
    assert state.attributes["submitted_at"] == "2026-05-04T10:00:00+00:00"
    assert _counters(init_lead_forms) == (1, 0)


async def test_lead_form_entity_is_on_the_account_device(
    entity_registry: er.EntityRegistry, init_lead_forms: MockConfigEntry
) -> None:
    """The entity belongs to the account's device, next to the sensors."""
    entry = entity_registry.async_get(ENTITY_ID)
    assert entry is not None
    assert entry.unique_id == f"{init_lead_forms.entry_id}_lead"
    assert entry.translation_key == "lead"
    sensor = entity_registry.async_get("sensor.flipsnack_7832_views")
    assert sensor is not None
    assert entry.device_id == sensor.device_id


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(FIELDS, id="object"),
        pytest.param(
            [{"name": name, "value": value} for name, value in FIELDS.items()],
            id="name_value_pairs",
        ),
        pytest.param(
            [
                {"field_name": name, "field_value": value}
                for name, value in FIELDS.items()
            ],
            id="field_name_field_value_pairs",
        ),
    ],
)
async def test_both_shapes_of_data(
    hass: HomeAssistant, client: TestClient, data: Any
) -> None:
    """The fields arrive as an object or as a list of name/value pairs."""
    await _post(client, _lead(data=data))

    state = hass.states.get(ENTITY_ID)
    assert state is not None
    assert state.attributes["fields"] == FIELDS


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        pytest.param([LEAD], "not_object", id="array"),
        pytest.param("contact", "not_object", id="string"),
        pytest.param(_lead(type="orders"), "order", id="order"),
        pytest.param(_lead(type="subscription"), "unknown_type", id="unknown_type"),
        pytest.param(_lead(type=...), "unknown_type", id="no_type"),
        pytest.param(_lead(flipbook_hash=...), "invalid_flipbook_hash", id="no_hash"),
        pytest.param(_lead(flipbook_hash=42), "invalid_flipbook_hash", id="int_hash"),
        pytest.param(
            _lead(flipbook_hash=" "), "invalid_flipbook_hash", id="blank_hash"
        ),
        pytest.param(
            _lead(flipbook_hash="h" * 65), "invalid_flipbook_hash", id="long_hash"
        ),
        pytest.param(
            _lead(flipbook_title=...), "invalid_flipbook_title", id="no_title"
        ),
        pytest.param(
            _lead(flipbook_title=["a"]), "invalid_flipbook_title", id="list_title"
        ),
        pytest.param(_lead(timestamp=...), "invalid_timestamp", id="no_timestamp"),
        pytest.param(
            _lead(timestamp="1777888800"), "invalid_timestamp", id="text_timestamp"
        ),
        pytest.param(_lead(timestamp=True), "invalid_timestamp", id="bool_timestamp"),
        pytest.param(_lead(datetime=...), "invalid_datetime", id="no_datetime"),
        pytest.param(
            _lead(datetime=1777888800), "invalid_datetime", id="number_datetime"
        ),
        pytest.param(_lead(data=...), "invalid_data", id="no_data"),
        pytest.param(_lead(data="Name=Ana"), "invalid_data", id="text_data"),
        pytest.param(_lead(data=["Ana"]), "invalid_data", id="list_of_text"),
        pytest.param(
            _lead(data=[{"value": "Ana"}]), "invalid_data", id="pair_without_name"
        ),
        pytest.param(_lead(data={" ": "Ana"}), "invalid_data", id="blank_name"),
        pytest.param(
            _lead(data={"Name": {"first": "Ana"}}), "invalid_data", id="object_value"
        ),
        pytest.param(
            _lead(data={"Name": [["Ana"]]}), "invalid_data", id="nested_list_value"
        ),
    ],
)
async def test_malformed_posts_are_ignored(
    hass: HomeAssistant,
    client: TestClient,
    init_lead_forms: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    payload: Any,
    reason: str,
) -> None:
    """Anything but a well-formed lead form is answered 200, logged once and dropped."""
    caplog.set_level(logging.DEBUG, LOGGER_NAME)
    await _post(client, payload)
    await _post(client, payload)

    state = hass.states.get(ENTITY_ID)
    assert state is not None
    assert state.state == STATE_UNKNOWN
    lead_webhook = init_lead_forms.runtime_data.lead_webhook
    assert lead_webhook is not None
    assert lead_webhook.posts_ignored == {reason: 2}
    assert lead_webhook.leads_received == 0
    ours = [r for r in caplog.records if r.name.startswith(LOGGER_NAME)]
    assert len(ours) == 2
    # The second time of a kind only goes to the debug log.
    assert ours[1].levelno == logging.DEBUG
    assert ours[0].getMessage() == ours[1].getMessage()
    assert "Ana" not in caplog.text


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        pytest.param(b"", "invalid_json", id="empty"),
        pytest.param(b"type=contact&name=Ana", "invalid_json", id="form_encoded"),
        pytest.param(b'{"type": "contact", ', "invalid_json", id="truncated"),
        pytest.param(b"\xff\xfe{}", "invalid_json", id="not_utf8"),
        pytest.param(
            json.dumps(_lead(data={"Message": "Ana " * MAX_BODY_BYTES})).encode(),
            "too_large",
            id="over_64_kB",
        ),
    ],
)
async def test_bodies_that_are_not_json_are_ignored(
    hass: HomeAssistant,
    client: TestClient,
    init_lead_forms: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    reason: str,
) -> None:
    """Non-JSON and oversized bodies are answered 200 and dropped unread."""
    response = await client.post(
        PATH, data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status == 200

    state = hass.states.get(ENTITY_ID)
    assert state is not None
    assert state.state == STATE_UNKNOWN
    lead_webhook = init_lead_forms.runtime_data.lead_webhook
    assert lead_webhook is not None
    assert lead_webhook.posts_ignored == {reason: 1}
    assert "Ana" not in caplog.text


async def test_body_of_exactly_64_kb_is_read(
    hass: HomeAssistant, client: TestClient
) -> None:
    """The limit is 64 kB: a lead of that size still fires."""
    body = json.dumps(LEAD).encode()
    body += b" " * (MAX_BODY_BYTES - len(body))
    response = await client.post(PATH, data=body)
    assert response.status == 200

    state = hass.states.get(ENTITY_ID)
    assert state is not None
    assert state.attributes["fields"] == FIELDS


@pytest.mark.parametrize(
    ("body", "leads", "ignored"),
    [
        pytest.param(json.dumps(LEAD).encode(), 1, 0, id="lead"),
        pytest.param(b"x" * (MAX_BODY_BYTES + 1), 0, 1, id="over_64_kB"),
    ],
)
async def test_posts_relayed_by_home_assistant_cloud(
    hass: HomeAssistant,
    init_lead_forms: MockConfigEntry,
    body: bytes,
    leads: int,
    ignored: int,
) -> None:
    """A cloudhook hands the post over as a request of its own; it is read the same."""
    request = MockRequest(content=body, mock_source="cloud", method="POST")
    response = await async_handle_webhook(hass, WEBHOOK_ID, request)  # type: ignore[arg-type]

    assert response.status == 200
    assert _counters(init_lead_forms) == (leads, ignored)


async def test_only_post_is_accepted(
    hass: HomeAssistant, client: TestClient, init_lead_forms: MockConfigEntry
) -> None:
    """Flipsnack only POSTs; Home Assistant refuses GET and answers HEAD."""
    response = await client.get(PATH)
    assert response.status == 405
    response = await client.head(PATH)
    assert response.status == 200

    state = hass.states.get(ENTITY_ID)
    assert state is not None
    assert state.state == STATE_UNKNOWN
    assert _counters(init_lead_forms) == (0, 0)


async def test_unreadable_datetime_uses_the_time_received(
    hass: HomeAssistant,
    client: TestClient,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Flipsnack does not document its datetime format: a lead is never lost to it."""
    freezer.move_to("2026-05-04T10:00:02+00:00")
    await _post(client, _lead(datetime="04/05/2026 10:00"))
    await _post(client, _lead(datetime="2026-02-30 10:00:00", timestamp=1))

    state = hass.states.get(ENTITY_ID)
    assert state is not None
    assert state.attributes["submitted_at"] == "2026-05-04T10:00:02+00:00"
    assert state.attributes["fields"] == FIELDS
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "the time the lead was received is used" in warnings[0].getMessage()


async def test_retry_of_the_same_lead_fires_once(
    hass: HomeAssistant,
    client: TestClient,
    init_lead_forms: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Flipsnack's retries of one submission fire one event; a new submission fires."""
    freezer.move_to("2026-05-04T10:00:02+00:00")
    await _post(client, LEAD)
    first = hass.states.get(ENTITY_ID)
    assert first is not None

    freezer.tick(timedelta(minutes=2))
    # The same lead, with its fields in another order.
    await _post(client, _lead(data=dict(reversed(FIELDS.items()))))
    assert hass.states.get(ENTITY_ID) == first
    assert init_lead_forms.runtime_data.lead_webhook.posts_ignored == {"duplicate": 1}

    # The same person submitting again is a new lead.
    await _post(client, _lead(timestamp=LEAD["timestamp"] + 120))
    second = hass.states.get(ENTITY_ID)
    assert second is not None
    assert second.state != first.state

    # Past the window, even an identical post fires again.
    freezer.tick(timedelta(minutes=11))
    await _post(client, LEAD)
    third = hass.states.get(ENTITY_ID)
    assert third is not None
    assert third.state != second.state
    assert _counters(init_lead_forms) == (3, 1)


async def test_remembered_leads_are_capped(
    client: TestClient,
    init_lead_forms: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Only the newest leads are remembered for the duplicate check."""
    monkeypatch.setattr("custom_components.flipsnack.webhook.MAX_REMEMBERED", 2)
    for timestamp in (1, 2, 3):
        await _post(client, _lead(timestamp=timestamp))
    await _post(client, _lead(timestamp=1))
    await _post(client, _lead(timestamp=3))

    assert _counters(init_lead_forms) == (4, 1)


async def test_answer_never_waits_on_flipsnack(
    client: TestClient, flipsnack: FakeFlipsnack, init_lead_forms: MockConfigEntry
) -> None:
    """Posting a lead makes no API call, so an API outage cannot delay the answer."""
    flipsnack.requests.clear()
    flipsnack.mode = FakeMode.MAINTENANCE
    await _post(client, LEAD)

    assert flipsnack.requests == []
    assert _counters(init_lead_forms) == (1, 0)


async def test_event_entity_stays_available_when_polling_fails(
    hass: HomeAssistant,
    client: TestClient,
    flipsnack: FakeFlipsnack,
    init_lead_forms: MockConfigEntry,
) -> None:
    """An API outage makes the sensors unavailable, never the Lead form entity.

    An event entity that comes back from unavailable replays its last event to
    state-triggered automations.
    """
    await _post(client, LEAD)
    before = hass.states.get(ENTITY_ID)
    assert before is not None

    flipsnack.mode = FakeMode.MAINTENANCE
    await init_lead_forms.runtime_data.account.async_refresh()
    await hass.async_block_till_done()

    views = hass.states.get("sensor.flipsnack_7832_views")
    assert views is not None
    assert views.state == STATE_UNAVAILABLE
    assert hass.states.get(ENTITY_ID) == before


async def test_fields_stay_out_of_the_log(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Even the debug log holds no field, title or hash of a lead.

    Home Assistant itself logs the webhook id at debug level; the integration does not.
    """
    caplog.set_level(logging.DEBUG)
    await _post(client, LEAD)
    await _post(client, LEAD)
    await _post(client, _lead(data={**FIELDS, "Notes": "x" * 2000}, timestamp=2))

    for text in (*FIELDS.values(), LEAD["flipbook_title"], LEAD["flipbook_hash"]):
        assert text not in caplog.text
    ours = [r.getMessage() for r in caplog.records if r.name.startswith(LOGGER_NAME)]
    assert ours
    assert not [message for message in ours if WEBHOOK_ID in message]


@pytest.mark.usefixtures("recorder_mock", "flipsnack", "external_url")
async def test_fields_are_not_recorded(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    lead_forms_config_entry: MockConfigEntry,
) -> None:
    """The recorder keeps the flipbook of each lead, never the lead's fields."""
    start = dt_util.utcnow()
    await setup_integration(hass, lead_forms_config_entry)
    client = await hass_client_no_auth()
    await _post(client, LEAD)
    await async_wait_recording_done(hass)

    states = await hass.async_add_executor_job(
        get_significant_states, hass, start, None, [ENTITY_ID]
    )
    recorded = states[ENTITY_ID][-1]
    assert isinstance(recorded, State)
    assert recorded.attributes["event_type"] == "contact_submitted"
    assert recorded.attributes["flipbook_title"] == LEAD["flipbook_title"]
    assert "fields" not in recorded.attributes
    state = hass.states.get(ENTITY_ID)
    assert state is not None
    assert state.attributes["fields"] == FIELDS


async def test_unload_unregisters_the_webhook(
    hass: HomeAssistant,
    client: TestClient,
    init_lead_forms: MockConfigEntry,
) -> None:
    """An unloaded entry receives nothing; loading it again brings the webhook back."""
    lead_webhook = init_lead_forms.runtime_data.lead_webhook
    assert lead_webhook is not None
    assert await hass.config_entries.async_unload(init_lead_forms.entry_id)
    await hass.async_block_till_done()

    await _post(client, LEAD)
    assert lead_webhook.leads_received == 0
    state = hass.states.get(ENTITY_ID)
    assert state is not None
    assert state.state == STATE_UNAVAILABLE

    assert await hass.config_entries.async_setup(init_lead_forms.entry_id)
    await hass.async_block_till_done()
    await _post(client, LEAD)
    state = hass.states.get(ENTITY_ID)
    assert state is not None
    assert state.attributes["fields"] == FIELDS


async def test_last_lead_is_restored_after_a_restart(
    hass: HomeAssistant,
    client: TestClient,
    init_lead_forms: MockConfigEntry,
) -> None:
    """A reload keeps the last lead in the state, as Home Assistant restores it."""
    await _post(client, LEAD)
    before = hass.states.get(ENTITY_ID)
    assert before is not None

    assert await hass.config_entries.async_reload(init_lead_forms.entry_id)
    await hass.async_block_till_done()

    after = hass.states.get(ENTITY_ID)
    assert after is not None
    assert after.state == before.state
    assert after.attributes == before.attributes


@pytest.mark.usefixtures("flipsnack")
async def test_no_entity_and_no_webhook_while_lead_forms_are_off(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    mock_config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Lead forms are opt-in: without them there is no entity and no handler."""
    await setup_integration(hass, mock_config_entry)

    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert mock_config_entry.runtime_data.lead_webhook is None
    assert (
        entity_registry.async_get_entity_id(
            "event", DOMAIN, f"{mock_config_entry.entry_id}_lead"
        )
        is None
    )
    assert hass.states.get(ENTITY_ID) is None
    client = await hass_client_no_auth()
    await _post(client, LEAD)
    assert hass.states.get(ENTITY_ID) is None
