"""Tests for the Flipsnack diagnostics."""

from datetime import UTC, date, datetime, timedelta
import json

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.components.webhook import async_generate_path
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.flipsnack.const import (
    CONF_HISTORY_DAYS,
    CONF_TRACKING,
    DOMAIN,
    Tracking,
)

from . import advance_to_timers
from .const import API_KEY, API_SECRET, EXTERNAL_URL, WEBHOOK_ID, WEBHOOK_URL
from .fake_flipsnack import FakeFigures, FakeFlipsnack, FakeMode
from .test_orders import BUYER, ORDER
from .test_webhook import FIELDS, LEAD


async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    """Diagnostics hold the entry and latest stats, and no credential at all."""
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_integration
    )

    assert diagnostics == snapshot(exclude=props("created_at", "modified_at"))
    dumped = json.dumps(diagnostics)
    for secret in (API_KEY, API_SECRET):
        assert secret not in dumped


async def test_diagnostics_after_a_failed_poll(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    flipsnack: FakeFlipsnack,
    init_integration: MockConfigEntry,
) -> None:
    """During an outage diagnostics tell the error and keep the last statistics."""
    flipsnack.mode = FakeMode.MAINTENANCE
    await init_integration.runtime_data.account.async_refresh()

    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_integration
    )

    assert diagnostics["last_update_success"] is False
    assert diagnostics["last_error"] == (
        "UpdateFailed: The Flipsnack API is down for maintenance:"
        " Flipsnack API returned code 22: Maintenance mode"
    )
    assert diagnostics["stats"]["views"] == 3719
    dumped = json.dumps(diagnostics)
    for secret in (API_KEY, API_SECRET):
        assert secret not in dumped


async def test_diagnostics_with_lead_forms(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    hass_client_no_auth: ClientSessionGenerator,
    init_lead_forms: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    """Lead forms add counts and the kind of URL: never the URL, the id or a lead."""
    # Views can only be added before the first client starts Home Assistant's server.
    assert await async_setup_component(hass, "diagnostics", {})
    client = await hass_client_no_auth()
    for payload in (LEAD, LEAD, [LEAD], {**LEAD, "type": "orders"}):
        response = await client.post(async_generate_path(WEBHOOK_ID), json=payload)
        assert response.status == 200

    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_lead_forms
    )

    assert diagnostics["lead_forms"] == snapshot(exclude=props("last_received"))
    assert diagnostics["lead_forms"]["last_received"] is not None
    assert diagnostics["entry"]["data"]["webhook_id"] == "**REDACTED**"
    assert diagnostics["entry"]["data"]["webhook_url"] == "**REDACTED**"
    dumped = json.dumps(diagnostics)
    for secret in (API_KEY, API_SECRET, WEBHOOK_ID, WEBHOOK_URL, EXTERNAL_URL):
        assert secret not in dumped
    for text in (*FIELDS.values(), LEAD["flipbook_title"], LEAD["flipbook_hash"]):
        assert text not in dumped


@pytest.fixture
def march_10(freezer: FrozenDateTimeFactory) -> None:
    """Move the clock to noon on 10 March 2026, before any token is issued."""
    freezer.move_to(datetime(2026, 3, 10, 12, tzinfo=UTC))


async def test_diagnostics_with_history(
    recorder_mock: Recorder,
    march_10: None,
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
    flipsnack: FakeFlipsnack,
    snapshot: SnapshotAssertion,
) -> None:
    """History adds the import's counts and what endDate means: no hash, no title."""
    books = {"spring-catalog": "Spring catalog", "price-list": "Price list"}
    for flipbook_hash, title in books.items():
        flipsnack.add_flipbook(
            API_KEY,
            hash=flipbook_hash,
            title=title,
            daily={
                date(2026, 3, 10) - timedelta(days=age): FakeFigures(5, 3, 60, 1)
                for age in range(40)
            },
        )
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Flipsnack …7832",
        data={"api_key": API_KEY, "api_secret": API_SECRET},
        options={CONF_TRACKING: Tracking.ALL, CONF_HISTORY_DAYS: 30},
        entry_id="01JFLIPSNACKTESTENTRY00000",
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await advance_to_timers(hass, freezer, timedelta(minutes=15))

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)

    history = entry.runtime_data.history
    assert history is not None
    assert diagnostics["history"] == {"enabled": True, **history.diagnostics}
    assert diagnostics["history"] == snapshot
    dumped = json.dumps(diagnostics)
    for text in (API_KEY, API_SECRET, *books, *books.values()):
        assert text not in dumped


async def test_diagnostics_with_orders(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    hass_client_no_auth: ClientSessionGenerator,
    init_orders: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    """Orders add counts and reasons: no order id, price, item or buyer."""
    assert await async_setup_component(hass, "diagnostics", {})
    client = await hass_client_no_auth()
    for payload in (ORDER, ORDER, {**ORDER, "currency": "EURO"}, LEAD):
        response = await client.post(async_generate_path(WEBHOOK_ID), json=payload)
        assert response.status == 200

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, init_orders)

    assert diagnostics["orders"] == snapshot
    assert diagnostics["lead_forms"] == snapshot(exclude=props("last_received"))
    dumped = json.dumps(diagnostics)
    for text in (ORDER["order_id"], "798", "Oak dining chair", *BUYER.values()):
        assert text not in dumped
