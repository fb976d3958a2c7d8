"""Tests for the lead form webhook: what Flipsnack posts, and the Lead form event entity.

The posts are real HTTP requests to Home Assistant's webhook path, as Flipsnack (or Home
Assistant Cloud relaying for it) makes them.
"""

from datetime import timedelta
import json
import logging
from typing import Any

from aiohttp.http_exceptions import ContentLengthError
from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.event import DATA_COMPONENT as EVENT_COMPONENT
from homeassistant.components.recorder.history import get_significant_states
from homeassistant.components.webhook import async_generate_path, async_handle_webhook
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.util import dt as dt_util
from homeassistant.util.aiohttp import MockRequest
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.flipsnack.const import CONF_TRACKING, DOMAIN
from custom_components.flipsnack.webhook import LeadReceiver
from custom_components.flipsnack.webhook_posts import MAX_BODY_BYTES, REASONS

from . import add_book_with_days, advance_time, setup_integration
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


async def post_json(client: TestClient, payload: Any) -> None:
    """Post payload as JSON and check that Home Assistant answered 200."""
    response = await client.post(
        PATH, data=json.dumps(payload), headers={"Content-Type": "application/json"}
    )
    assert response.status == 200


def _lead(**changes: Any) -> dict[str, Any]:
    """Return LEAD with some keys changed; a value of ... removes the key."""
    lead = {**LEAD, **changes}
    return {key: value for key, value in lead.items() if value is not ...}


def receiver_of(entry: MockConfigEntry) -> LeadReceiver:
    """Return the receiver of a loaded entry with lead forms on."""
    lead_webhook = entry.runtime_data.lead_webhook
    assert lead_webhook is not None
    return lead_webhook.receiver


def _counters(entry: MockConfigEntry) -> tuple[int, int]:
    receiver = receiver_of(entry)
    return receiver.leads_received, receiver.posts_dropped.total()


def our_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Return the records the integration logged."""
    return [r for r in caplog.records if r.name.startswith(LOGGER_NAME)]


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
    await post_json(client, LEAD)

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


async def test_lead_form_entity_is_not_polled(
    hass: HomeAssistant, init_lead_forms: MockConfigEntry
) -> None:
    """Leads come from the webhook: Home Assistant has nothing to poll every 30 s."""
    entity = hass.data[EVENT_COMPONENT].get_entity(ENTITY_ID)
    assert entity is not None
    assert entity.should_poll is False


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
    await post_json(client, _lead(data=data))

    state = hass.states.get(ENTITY_ID)
    assert state is not None
    assert state.attributes["fields"] == FIELDS


@pytest.mark.parametrize(
    ("payload", "reason", "level"),
    [
        pytest.param([LEAD], "not_object", logging.WARNING, id="array"),
        pytest.param("contact", "not_object", logging.WARNING, id="string"),
        pytest.param(None, "not_object", logging.WARNING, id="null"),
        pytest.param(_lead(type="orders"), "order", logging.DEBUG, id="order"),
        pytest.param(
            _lead(type="subscription"), "unknown_type", logging.WARNING, id="other_type"
        ),
        pytest.param(_lead(type=...), "unknown_type", logging.WARNING, id="no_type"),
        pytest.param(
            _lead(type=["contact"]), "unknown_type", logging.WARNING, id="list"
        ),
    ],
)
async def test_posts_that_are_no_lead_form_are_dropped(
    hass: HomeAssistant,
    client: TestClient,
    init_lead_forms: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    payload: Any,
    reason: str,
    level: int,
) -> None:
    """Only a post that is no lead form at all is dropped: answered 200, logged once."""
    caplog.set_level(logging.DEBUG, LOGGER_NAME)
    await post_json(client, payload)
    await post_json(client, payload)

    state = hass.states.get(ENTITY_ID)
    assert state is not None
    assert state.state == STATE_UNKNOWN
    receiver = receiver_of(init_lead_forms)
    assert receiver.posts_dropped == {reason: 2}
    assert receiver.leads_received == 0
    # One line per reason, not per post.
    assert [record.levelno for record in our_records(caplog)] == [level]
    assert "Ana" not in caplog.text


RECEIVED = "2026-05-04T10:00:02+00:00"


@pytest.mark.parametrize(
    ("payload", "changed", "note"),
    [
        pytest.param(
            _lead(flipbook_hash=...),
            {"flipbook_hash": None},
            "invalid_flipbook_hash",
            id="no_hash",
        ),
        pytest.param(
            _lead(flipbook_hash=42),
            {"flipbook_hash": None},
            "invalid_flipbook_hash",
            id="int_hash",
        ),
        pytest.param(
            _lead(flipbook_hash=" "),
            {"flipbook_hash": None},
            "invalid_flipbook_hash",
            id="blank_hash",
        ),
        pytest.param(
            _lead(flipbook_hash="h" * 65),
            {"flipbook_hash": None},
            "invalid_flipbook_hash",
            id="long_hash",
        ),
        pytest.param(
            _lead(flipbook_hash=..., flipbook_title=None),
            {"flipbook_hash": None, "flipbook_title": None},
            "invalid_flipbook_hash",
            id="neither_hash_nor_title",
        ),
        pytest.param(
            _lead(flipbook_title=...),
            {"flipbook_title": "fxh4k89"},
            "missing_flipbook_title",
            id="no_title",
        ),
        pytest.param(
            _lead(flipbook_title=None),
            {"flipbook_title": "fxh4k89"},
            "missing_flipbook_title",
            id="null_title",
        ),
        pytest.param(
            _lead(flipbook_title=["a"]),
            {"flipbook_title": "fxh4k89"},
            "missing_flipbook_title",
            id="list_title",
        ),
        pytest.param(_lead(timestamp=...), {}, "invalid_timestamp", id="no_timestamp"),
        pytest.param(
            _lead(timestamp="1777888800"), {}, "invalid_timestamp", id="text_timestamp"
        ),
        pytest.param(
            _lead(timestamp=True), {}, "invalid_timestamp", id="bool_timestamp"
        ),
        pytest.param(
            _lead(datetime=...),
            {"submitted_at": RECEIVED},
            "unparsed_datetime",
            id="no_datetime",
        ),
        pytest.param(
            _lead(datetime=1777888800),
            {"submitted_at": RECEIVED},
            "unparsed_datetime",
            id="number_datetime",
        ),
        pytest.param(
            # Valid, but before the first day of the calendar once in UTC.
            _lead(datetime="0001-01-01T00:00:00+01:00"),
            {"submitted_at": RECEIVED},
            "unparsed_datetime",
            id="overflowing_datetime",
        ),
        pytest.param(_lead(data=...), {"fields": {}}, "invalid_data", id="no_data"),
        pytest.param(_lead(data={}), {"fields": {}}, "invalid_data", id="empty_data"),
        pytest.param(
            _lead(data="Name=Ana"),
            {"fields": {"#1": "Name=Ana"}},
            "unnamed_field",
            id="text_data",
        ),
        pytest.param(
            _lead(data=["Ana"]),
            {"fields": {"#1": "Ana"}},
            "unnamed_field",
            id="list_of_text",
        ),
        pytest.param(
            _lead(data=[{"name": "Name", "value": "Ana"}, {"value": "Popescu"}]),
            {"fields": {"Name": "Ana", "#2": "Popescu"}},
            "unnamed_field",
            id="pair_without_name",
        ),
        pytest.param(
            _lead(data={" ": "Ana"}),
            {"fields": {"#1": "Ana"}},
            "unnamed_field",
            id="blank_name",
        ),
        pytest.param(
            _lead(data={"Name": {"first": "Ana"}}),
            {"fields": {"Name": '{"first": "Ana"}'}},
            "nested_value",
            id="object_value",
        ),
        pytest.param(
            _lead(data={"Name": [["Ana"]]}),
            {"fields": {"Name": '[["Ana"]]'}},
            "nested_value",
            id="nested_list_value",
        ),
    ],
)
async def test_each_part_of_a_lead_is_judged_on_its_own(
    hass: HomeAssistant,
    client: TestClient,
    init_lead_forms: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    payload: dict[str, Any],
    changed: dict[str, Any],
    note: str,
) -> None:
    """A part that cannot be read is replaced, kept as text or left out: the lead fires.

    The change is logged once per kind, without the lead's content.
    """
    caplog.set_level(logging.DEBUG, LOGGER_NAME)
    freezer.move_to(RECEIVED)
    await post_json(client, payload)
    first = hass.states.get(ENTITY_ID)
    # Another submission with the same problem is logged no more.
    await post_json(client, {**payload, "data": {"Name": "Ana"}, "timestamp": 1})

    assert first is not None
    expected = {
        "flipbook_hash": "fxh4k89",
        "flipbook_title": "Spring catalog 2026",
        "submitted_at": "2026-05-04T10:00:00+00:00",
        "fields": FIELDS,
    } | changed
    assert {key: first.attributes[key] for key in expected} == expected
    assert _counters(init_lead_forms) == (2, 0)
    logged = [record.getMessage() for record in our_records(caplog)]
    assert len([text for text in logged if REASONS[note][1] in text]) == 1
    assert "Ana" not in caplog.text
    assert "Popescu" not in caplog.text


async def test_a_lead_without_title_takes_the_title_of_the_listing(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    external_url: str,
    freezer: FrozenDateTimeFactory,
    hass_client_no_auth: ClientSessionGenerator,
    lead_forms_config_entry: MockConfigEntry,
) -> None:
    """The listing of the tracked flipbooks knows the title a post may lack."""
    add_book_with_days(flipsnack)
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=lead_forms_config_entry.title,
        data=lead_forms_config_entry.data,
        options={**lead_forms_config_entry.options, CONF_TRACKING: "all"},
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await advance_time(hass, freezer, timedelta(seconds=5))
    client = await hass_client_no_auth()

    await post_json(client, _lead(flipbook_title=None))
    state = hass.states.get(ENTITY_ID)
    assert state is not None
    assert state.attributes["flipbook_title"] == "Catalogue"

    # A flipbook the listing doesn't have is named by its hash.
    await post_json(client, _lead(flipbook_title=None, flipbook_hash="other"))
    state = hass.states.get(ENTITY_ID)
    assert state is not None
    assert state.attributes["flipbook_title"] == "other"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        pytest.param(b"", "invalid_json", id="empty"),
        pytest.param(b"type=contact&name=Ana", "invalid_json", id="form_encoded"),
        pytest.param(b'{"type": "contact", ', "invalid_json", id="truncated"),
        pytest.param(b"\xff\xfe{}", "invalid_json", id="not_utf8"),
        pytest.param(b'{"data": "\\ud800 Ana"}', "invalid_json", id="lone_surrogate"),
        pytest.param(b"[" * 5000 + b"]" * 5000, "invalid_json", id="deeply_nested"),
        pytest.param(b'{"timestamp": 1e400}', "invalid_json", id="infinite_number"),
        pytest.param(
            json.dumps(_lead(data={"Message": "Ana " * MAX_BODY_BYTES})).encode(),
            "too_large",
            id="over_64_kB",
        ),
    ],
)
async def test_bodies_that_are_not_json_are_dropped(
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
    assert receiver_of(init_lead_forms).posts_dropped == {reason: 1}
    assert "Ana" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_dropped_posts_raise_one_repair_issue(
    hass: HomeAssistant,
    client: TestClient,
    init_lead_forms: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """The user learns that posts were dropped, by count and reason, without content."""
    issue_id = f"unreadable_lead_forms_{init_lead_forms.entry_id}"
    # Orders and Flipsnack's retries are expected: no issue for them.
    await post_json(client, _lead(type="orders"))
    await post_json(client, LEAD)
    await post_json(client, LEAD)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None

    await post_json(client, [LEAD])
    await client.post(PATH, data=b"Name=Ana")
    await post_json(client, _lead(type="subscription"))
    await client.post(PATH, data=b"Name=Ana Popescu")

    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_key == "unreadable_lead_forms"
    assert not issue.is_fixable
    assert issue.severity is ir.IssueSeverity.WARNING
    assert issue.translation_placeholders == {
        "title": "Flipsnack …7832",
        "count": "4",
        "invalid_json": "2",
        "not_object": "1",
        "unknown_type": "1",
        "too_large": "0",
        "read_error": "0",
    }
    assert len([i for i in issue_registry.issues.values() if i.domain == DOMAIN]) == 1


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


class _BrokenStream:
    """A body that breaks off, as when the sender's connection drops halfway."""

    async def read(self, size: int = -1) -> bytes:
        raise ContentLengthError("Not enough data to satisfy content length header")


class _BrokenRequest(MockRequest):
    @property
    def content(self) -> _BrokenStream:  # type: ignore[override]
        return _BrokenStream()


async def test_a_body_cut_short_is_dropped_quietly(
    hass: HomeAssistant,
    init_lead_forms: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A read error never reaches Home Assistant, which would log the webhook id."""
    request = _BrokenRequest(content=b"", mock_source="cloud", method="POST")
    response = await async_handle_webhook(hass, WEBHOOK_ID, request)  # type: ignore[arg-type]

    assert response.status == 200
    assert receiver_of(init_lead_forms).posts_dropped == {"read_error": 1}
    assert WEBHOOK_ID not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_an_unexpected_error_never_leaves_the_handler(
    hass: HomeAssistant,
    client: TestClient,
    init_lead_forms: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Home Assistant logs an error that escapes a webhook with its id: none escapes.

    The integration logs it once, without its message, which may hold the lead.
    """

    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError(FIELDS["Name"])

    monkeypatch.setattr("custom_components.flipsnack.webhook.parse_post", fail)
    await post_json(client, LEAD)
    await post_json(client, LEAD)

    assert receiver_of(init_lead_forms).posts_dropped == {"unexpected_error": 2}
    assert [r.levelno for r in our_records(caplog)] == [logging.ERROR]
    assert "Ana" not in caplog.text
    assert not [
        r
        for r in caplog.records
        if r.levelno > logging.DEBUG
        and r.name != "aiohttp.access"
        and WEBHOOK_ID in r.getMessage()
    ]


@pytest.mark.parametrize("method", ["GET", "PUT", "HEAD"])
async def test_other_methods_are_answered_quietly(
    hass: HomeAssistant,
    client: TestClient,
    init_lead_forms: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    method: str,
) -> None:
    """Opening the URL in a browser gets 200, and no log line with the id above debug.

    Flipsnack only POSTs; anything else is answered and forgotten. aiohttp's access log
    shows every path at info level; Home Assistant keeps that logger at warning.
    """
    response = await client.request(method, PATH, data=json.dumps(LEAD))
    assert response.status == 200

    assert not [
        r
        for r in caplog.records
        if r.levelno > logging.DEBUG and r.name != "aiohttp.access"
    ]
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
    await post_json(client, _lead(datetime="04/05/2026 10:00"))
    await post_json(client, _lead(datetime="2026-02-30 10:00:00", timestamp=1))

    state = hass.states.get(ENTITY_ID)
    assert state is not None
    assert state.attributes["submitted_at"] == "2026-05-04T10:00:02+00:00"
    assert state.attributes["fields"] == FIELDS
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "the time the post was received is used" in warnings[0].getMessage()


async def test_retry_of_the_same_lead_fires_once(
    hass: HomeAssistant,
    client: TestClient,
    init_lead_forms: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Flipsnack's retries of one submission fire one event; a new submission fires."""
    freezer.move_to("2026-05-04T10:00:02+00:00")
    await post_json(client, LEAD)
    first = hass.states.get(ENTITY_ID)
    assert first is not None

    freezer.tick(timedelta(minutes=2))
    # The same lead, with its fields in another order.
    await post_json(client, _lead(data=dict(reversed(FIELDS.items()))))
    assert hass.states.get(ENTITY_ID) == first
    assert receiver_of(init_lead_forms).posts_dropped == {"duplicate": 1}

    # The same person submitting again is a new lead.
    await post_json(client, _lead(timestamp=LEAD["timestamp"] + 120))
    second = hass.states.get(ENTITY_ID)
    assert second is not None
    assert second.state != first.state

    # Past the window, even an identical post fires again.
    freezer.tick(timedelta(minutes=11))
    await post_json(client, LEAD)
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
        await post_json(client, _lead(timestamp=timestamp))
    await post_json(client, _lead(timestamp=1))
    await post_json(client, _lead(timestamp=3))

    assert _counters(init_lead_forms) == (4, 1)


async def test_answer_never_waits_on_flipsnack(
    client: TestClient, flipsnack: FakeFlipsnack, init_lead_forms: MockConfigEntry
) -> None:
    """Posting a lead makes no API call, so an API outage cannot delay the answer."""
    flipsnack.requests.clear()
    flipsnack.mode = FakeMode.MAINTENANCE
    await post_json(client, LEAD)

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
    await post_json(client, LEAD)
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
    await post_json(client, LEAD)
    await post_json(client, LEAD)
    await post_json(client, _lead(data={**FIELDS, "Notes": "x" * 2000}, timestamp=2))

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
    await post_json(client, LEAD)
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
    await post_json(client, LEAD)
    assert hass.states.get(ENTITY_ID) is None
