"""The whole stack for real, from the config flow to the sensor states.

Home Assistant, the integration, its API client and the fake Flipsnack API on
127.0.0.1 all run as they would for a user; nothing is mocked.
"""

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.flipsnack.const import CONF_API_SECRET, DOMAIN

from .const import API_KEY, API_SECRET
from .fake_flipsnack import FakeFlipsnack


async def test_add_account_and_read_the_five_figures(
    hass: HomeAssistant, flipsnack: FakeFlipsnack
) -> None:
    """A user adds the account in the UI and gets its figures as sensors."""
    # Flipsnack may send numbers as strings; the sensors still get integers.
    flipsnack.accounts[API_KEY].stats = {
        "impressions": 120345,
        "views": "98765",
        "time_spent": 7200,
        "downloads": 432,
        "api_uploads_left": "17",
    }

    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: API_KEY, CONF_API_SECRET: API_SECRET}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    states = {
        key: hass.states.get(f"sensor.flipsnack_7832_{key}").state
        for key in (
            "impressions",
            "views",
            "time_spent",
            "downloads",
            "api_uploads_left",
        )
    }
    assert states == {
        "impressions": "120345",
        "views": "98765",
        "time_spent": "2.0",
        "downloads": "432",
        "api_uploads_left": "17",
    }
    # The credential check and the first poll: two signed GETs of user.getStats.
    assert [(r.method, r.params["action"]) for r in flipsnack.requests] == [
        ("GET", "user.getStats"),
        ("GET", "user.getStats"),
    ]


async def test_rotating_the_key_keeps_entities_and_history(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    entity_registry: er.EntityRegistry,
    init_integration: MockConfigEntry,
) -> None:
    """After Reconfigure with a new key the same entities show the new figures."""
    before = {
        entry.entity_id: entry.unique_id
        for entry in er.async_entries_for_config_entry(
            entity_registry, init_integration.entry_id
        )
    }
    flipsnack.add_account(
        "ROTATED-KEY-9999",
        "rotated-secret",
        {**flipsnack.accounts[API_KEY].stats, "views": 5000},
    )

    result = await init_integration.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_API_KEY: "ROTATED-KEY-9999", CONF_API_SECRET: "rotated-secret"},
    )
    # Another key shows its totals next to the current ones before it is saved.
    assert result["step_id"] == "reconfigure_confirm"
    assert result["description_placeholders"]["current_views"] == "3\u202f719"
    assert result["description_placeholders"]["new_views"] == "5\u202f000"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert init_integration.state is ConfigEntryState.LOADED
    after = {
        entry.entity_id: entry.unique_id
        for entry in er.async_entries_for_config_entry(
            entity_registry, init_integration.entry_id
        )
    }
    assert after == before
    assert hass.states.get("sensor.flipsnack_7832_views").state == "5000"
    assert flipsnack.requests[-1].params["apiKey"] == "ROTATED-KEY-9999"
