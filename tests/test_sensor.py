"""Tests for the Flipsnack sensors."""

from homeassistant.const import MAJOR_VERSION, MINOR_VERSION
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.flipsnack.sensor import ACCOUNT_SENSORS

from . import setup_integration
from .fake_flipsnack import FakeFlipsnack

# The registry snapshots were recorded on this release. Older releases serialise registry
# entries without the fields added since, so only the comparison is skipped there.
SNAPSHOTS_RECORDED_ON = (2026, 10)


def _skip_registry_snapshot_on_older_home_assistant() -> None:
    if (MAJOR_VERSION, MINOR_VERSION) < SNAPSHOTS_RECORDED_ON:
        pytest.skip(
            "registry snapshots are recorded on Home Assistant 2026.10;"
            f" {MAJOR_VERSION}.{MINOR_VERSION} serialises registry entries without"
            " the fields added since"
        )


async def test_sensors(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    init_integration: MockConfigEntry,
) -> None:
    """The five statistics sensors, their states and registry entries."""
    entities = er.async_entries_for_config_entry(
        entity_registry, init_integration.entry_id
    )
    assert sorted(entity.unique_id for entity in entities) == sorted(
        f"{init_integration.entry_id}_{description.key}"
        for description in ACCOUNT_SENSORS
    )
    for entity in entities:
        assert hass.states.get(entity.entity_id) is not None

    _skip_registry_snapshot_on_older_home_assistant()
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


async def test_sensors_belong_to_one_service_device(
    hass: HomeAssistant,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
    init_integration: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    """One device per account holds all five sensors."""
    devices = dr.async_entries_for_config_entry(
        device_registry, init_integration.entry_id
    )
    assert len(devices) == 1
    device = devices[0]
    assert device.identifiers == {("flipsnack", init_integration.entry_id)}
    entities = er.async_entries_for_config_entry(
        entity_registry, init_integration.entry_id
    )
    assert len(entities) == len(ACCOUNT_SENSORS) == 5
    assert {entity.device_id for entity in entities} == {device.id}

    _skip_registry_snapshot_on_older_home_assistant()
    assert device == snapshot


async def test_time_spent_is_shown_in_hours(
    hass: HomeAssistant, flipsnack: FakeFlipsnack, mock_config_entry: MockConfigEntry
) -> None:
    """Flipsnack counts seconds; the sensor shows hours."""
    flipsnack.accounts[next(iter(flipsnack.accounts))].stats["time_spent"] = 5400
    await setup_integration(hass, mock_config_entry)

    state = hass.states.get("sensor.flipsnack_7832_time_spent")
    assert state.state == "1.5"
    assert state.attributes["unit_of_measurement"] == "h"
