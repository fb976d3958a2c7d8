"""Tests for turning lead forms on and off in the entry's options."""

import re
from typing import Any

from homeassistant.components import cloud
from homeassistant.components.webhook import async_generate_path
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.flipsnack.const import (
    CONF_CLOUDHOOK_URL,
    CONF_LEAD_FORMS,
    CONF_ORDERS,
    CONF_WEBHOOK_URL,
    DOMAIN,
)

from .const import CLOUDHOOK_URL, EXTERNAL_URL, WEBHOOK_ID, WEBHOOK_URL
from .test_orders import ORDER
from .test_webhook import ENTITY_ID, LEAD

CHANGED = "lead_webhook_url_changed_01JFLIPSNACKTESTENTRY00000"


def _suggested(result: Any) -> dict[str, Any]:
    return {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description and "suggested_value" in key.description
    }


async def _open(hass: HomeAssistant, entry: MockConfigEntry) -> Any:
    """Open the options, pick lead forms in the menu and check the step."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["flipbooks", "history", "lead_forms"]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "lead_forms"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "lead_forms"
    assert result["errors"] == {}
    assert set(result["description_placeholders"]) == {"cloud_link", "network_link"}
    return result


async def _configure(
    hass: HomeAssistant, result: Any, user_input: dict[str, Any] | None = None
) -> Any:
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], user_input
    )
    await hass.async_block_till_done()
    return result


@pytest.mark.usefixtures("external_url")
async def test_turn_lead_forms_on(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Turning lead forms on shows the URL, then starts receiving lead forms."""
    result = await _open(hass, init_integration)
    assert _suggested(result) == {CONF_LEAD_FORMS: False, CONF_ORDERS: False}

    result = await _configure(hass, result, {CONF_LEAD_FORMS: True})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "lead_forms_url"
    webhook_id = init_integration.data[CONF_WEBHOOK_ID]
    assert re.fullmatch(r"[0-9a-f]{64}", webhook_id)
    url = f"{EXTERNAL_URL}/api/webhook/{webhook_id}"
    assert result["description_placeholders"] == {"webhook_url": url}
    # Nothing is on until the user has seen the URL through.
    assert init_integration.options == {}

    result = await _configure(hass, result, {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert init_integration.options == {CONF_LEAD_FORMS: True}
    assert init_integration.data[CONF_WEBHOOK_URL] == url
    assert init_integration.state is ConfigEntryState.LOADED
    assert init_integration.runtime_data.lead_webhook is not None
    assert issue_registry.issues == {}

    client = await hass_client_no_auth()
    response = await client.post(async_generate_path(webhook_id), json=LEAD)
    assert response.status == 200
    state = hass.states.get(ENTITY_ID)
    assert state is not None
    assert state.attributes["event_type"] == "contact_submitted"


@pytest.mark.usefixtures("subscribed")
async def test_turn_lead_forms_on_with_home_assistant_cloud(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """With a Home Assistant Cloud subscription the URL shown is the cloudhook."""
    result = await _open(hass, init_integration)
    result = await _configure(hass, result, {CONF_LEAD_FORMS: True})

    assert result["description_placeholders"] == {"webhook_url": CLOUDHOOK_URL}
    assert init_integration.data[CONF_CLOUDHOOK_URL] == CLOUDHOOK_URL
    result = await _configure(hass, result, {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert init_integration.data[CONF_WEBHOOK_URL] == CLOUDHOOK_URL


@pytest.mark.parametrize(
    ("external", "cloud_state", "error"),
    [
        pytest.param(None, None, "no_url", id="no_url"),
        pytest.param("http://ha.example.com", None, "url_not_https", id="http"),
        pytest.param(None, "not_connected", "cloud_not_connected", id="cloud_offline"),
        pytest.param(None, "failing", "cloudhook_failed", id="cloudhook_failed"),
    ],
)
async def test_lead_forms_need_a_url_flipsnack_can_reach(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    subscribed: dict[str, Any],
    external: str | None,
    cloud_state: str | None,
    error: str,
) -> None:
    """Without a usable URL the step says what to set up, and nothing is turned on."""
    hass.config.external_url = external
    subscribed["active"].return_value = cloud_state is not None
    subscribed["connected"].return_value = cloud_state != "not_connected"
    if cloud_state == "failing":
        subscribed["get_cloudhook"].side_effect = cloud.CloudNotAvailable

    result = await _open(hass, init_integration)
    result = await _configure(hass, result, {CONF_LEAD_FORMS: True})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "lead_forms"
    assert result["errors"] == {"base": error}
    assert _suggested(result) == {CONF_LEAD_FORMS: True, CONF_ORDERS: False}
    assert init_integration.options == {}

    # Once the user has set one up, the same flow goes through.
    hass.config.external_url = EXTERNAL_URL
    subscribed["active"].return_value = False
    result = await _configure(hass, result, {CONF_LEAD_FORMS: True})
    assert result["step_id"] == "lead_forms_url"
    result = await _configure(hass, result, {})
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_turn_lead_forms_off(
    hass: HomeAssistant,
    init_lead_forms: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Turning lead forms off stops the webhook and removes the entity, not the id."""
    assert entity_registry.async_get(ENTITY_ID) is not None
    result = await _open(hass, init_lead_forms)
    assert _suggested(result) == {CONF_LEAD_FORMS: True, CONF_ORDERS: False}

    result = await _configure(hass, result, {CONF_LEAD_FORMS: False})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert init_lead_forms.options == {CONF_LEAD_FORMS: False}
    assert init_lead_forms.state is ConfigEntryState.LOADED
    assert init_lead_forms.runtime_data.lead_webhook is None
    assert entity_registry.async_get(ENTITY_ID) is None
    assert hass.states.get(ENTITY_ID) is None
    client = await hass_client_no_auth()
    response = await client.post(async_generate_path(WEBHOOK_ID), json=LEAD)
    assert response.status == 200
    assert hass.states.get(ENTITY_ID) is None

    # Turned on again: the same id, so the same URL as the one in Flipsnack.
    result = await _open(hass, init_lead_forms)
    result = await _configure(hass, result, {CONF_LEAD_FORMS: True})
    assert result["description_placeholders"] == {"webhook_url": WEBHOOK_URL}
    result = await _configure(hass, result, {})
    assert init_lead_forms.data[CONF_WEBHOOK_ID] == WEBHOOK_ID
    assert entity_registry.async_get(ENTITY_ID) is not None


async def test_showing_the_url_again_clears_the_changed_url_issue(
    hass: HomeAssistant,
    init_lead_forms: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """The options show the current URL at any time, which counts as pasting it."""
    await hass.config.async_update(external_url="https://new.example.com")
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, CHANGED) is not None
    lead_webhook = init_lead_forms.runtime_data.lead_webhook

    result = await _open(hass, init_lead_forms)
    result = await _configure(hass, result, {CONF_LEAD_FORMS: True})
    new_url = f"https://new.example.com/api/webhook/{WEBHOOK_ID}"
    assert result["description_placeholders"] == {"webhook_url": new_url}
    result = await _configure(hass, result, {})

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert init_lead_forms.data[CONF_WEBHOOK_URL] == new_url
    assert issue_registry.async_get_issue(DOMAIN, CHANGED) is None
    # The options did not change, so the entry kept running without a reload.
    assert init_lead_forms.runtime_data.lead_webhook is lead_webhook


async def test_an_entry_from_before_orders_keeps_its_lead_forms_and_url(
    hass: HomeAssistant,
    init_lead_forms: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """An entry saved with lead forms only needs no migration: nothing changes for it.

    Its options lack the orders switch, which reads as off; the step shows lead forms
    on, and saving the same choice leaves the options, the id and the URL as they were.
    """
    assert init_lead_forms.version == 1
    assert init_lead_forms.options == {CONF_LEAD_FORMS: True}
    assert init_lead_forms.runtime_data.lead_webhook is not None
    assert entity_registry.async_get(ENTITY_ID) is not None
    assert entity_registry.async_get("event.flipsnack_7832_order") is None

    result = await _open(hass, init_lead_forms)
    assert _suggested(result) == {CONF_LEAD_FORMS: True, CONF_ORDERS: False}
    result = await _configure(hass, result, {CONF_LEAD_FORMS: True, CONF_ORDERS: False})
    assert result["description_placeholders"] == {"webhook_url": WEBHOOK_URL}
    result = await _configure(hass, result, {})

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert init_lead_forms.options == {CONF_LEAD_FORMS: True}
    assert init_lead_forms.data[CONF_WEBHOOK_ID] == WEBHOOK_ID
    assert init_lead_forms.data[CONF_WEBHOOK_URL] == WEBHOOK_URL


async def test_turn_orders_on_beside_lead_forms(
    hass: HomeAssistant,
    init_lead_forms: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Orders come to the URL already in Flipsnack: the same id, both entities."""
    result = await _open(hass, init_lead_forms)
    result = await _configure(hass, result, {CONF_LEAD_FORMS: True, CONF_ORDERS: True})
    assert result["description_placeholders"] == {"webhook_url": WEBHOOK_URL}
    result = await _configure(hass, result, {})

    assert init_lead_forms.options == {CONF_LEAD_FORMS: True, CONF_ORDERS: True}
    assert init_lead_forms.data[CONF_WEBHOOK_ID] == WEBHOOK_ID
    assert entity_registry.async_get(ENTITY_ID) is not None
    assert entity_registry.async_get("event.flipsnack_7832_order") is not None
    client = await hass_client_no_auth()
    for payload in (LEAD, ORDER):
        response = await client.post(async_generate_path(WEBHOOK_ID), json=payload)
        assert response.status == 200
    lead = hass.states.get(ENTITY_ID)
    order = hass.states.get("event.flipsnack_7832_order")
    assert lead is not None
    assert order is not None
    assert lead.attributes["event_type"] == "contact_submitted"
    assert order.attributes["event_type"] == "order_submitted"

    # Lead forms off, orders on: the webhook stays, only the Lead form entity goes.
    result = await _open(hass, init_lead_forms)
    result = await _configure(hass, result, {CONF_LEAD_FORMS: False, CONF_ORDERS: True})
    result = await _configure(hass, result, {})
    assert init_lead_forms.options == {CONF_LEAD_FORMS: False, CONF_ORDERS: True}
    assert init_lead_forms.runtime_data.lead_webhook is not None
    assert entity_registry.async_get(ENTITY_ID) is None
    assert entity_registry.async_get("event.flipsnack_7832_order") is not None

    # Both off: no webhook at all.
    result = await _open(hass, init_lead_forms)
    result = await _configure(
        hass, result, {CONF_LEAD_FORMS: False, CONF_ORDERS: False}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert init_lead_forms.runtime_data.lead_webhook is None
    assert entity_registry.async_get("event.flipsnack_7832_order") is None


@pytest.mark.usefixtures("external_url")
async def test_a_client_that_knows_only_lead_forms_keeps_orders(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A REST client posting only the lead forms switch leaves orders as they were."""
    hass.config_entries.async_update_entry(
        init_integration, options={CONF_ORDERS: True}
    )
    await hass.async_block_till_done()
    result = await _open(hass, init_integration)
    result = await _configure(hass, result, {CONF_LEAD_FORMS: True})
    result = await _configure(hass, result, {})
    assert init_integration.options == {CONF_LEAD_FORMS: True, CONF_ORDERS: True}
