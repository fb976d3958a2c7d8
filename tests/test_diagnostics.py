"""Tests for the Flipsnack diagnostics."""

import json

from homeassistant.components.webhook import async_generate_path
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from .const import API_KEY, API_SECRET, EXTERNAL_URL, WEBHOOK_ID, WEBHOOK_URL
from .fake_flipsnack import FakeFlipsnack, FakeMode
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
