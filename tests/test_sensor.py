"""Tests for the Flipsnack sensors."""

from typing import Any

from homeassistant.const import MAJOR_VERSION, MINOR_VERSION
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.flipsnack.sensor import (
    ACCOUNT_SENSORS,
    HISTORY_IMPORT_SENSOR,
    MOST_VIEWED_SENSOR,
)

from . import setup_integration
from .fake_flipsnack import FakeFlipsnack

# The registry snapshots were recorded on this release. Older releases serialise registry
# entries without the fields added since, so only the comparison is skipped there.
SNAPSHOTS_RECORDED_ON = (2026, 10)
TIME_SPENT = "sensor.flipsnack_7832_time_spent"
# The account's sensors: its figures, and two of the history import, even while it is off.
ACCOUNT_DEVICE_SENSORS = (*ACCOUNT_SENSORS, HISTORY_IMPORT_SENSOR, MOST_VIEWED_SENSOR)


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
    """The account's sensors, their states and registry entries.

    History is off: its import's progress is unavailable, the most viewed flipbook unknown.
    """
    entities = er.async_entries_for_config_entry(
        entity_registry, init_integration.entry_id
    )
    assert sorted(entity.unique_id for entity in entities) == sorted(
        f"{init_integration.entry_id}_{description.key}"
        for description in ACCOUNT_DEVICE_SENSORS
    )
    for entity in entities:
        assert hass.states.get(entity.entity_id) is not None

    _skip_registry_snapshot_on_older_home_assistant()
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


async def test_sensors_belong_to_one_service_device(
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
    init_integration: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    """One device per account holds all its sensors."""
    devices = dr.async_entries_for_config_entry(
        device_registry, init_integration.entry_id
    )
    assert len(devices) == 1
    device = devices[0]
    assert device.identifiers == {("flipsnack", init_integration.entry_id)}
    entities = er.async_entries_for_config_entry(
        entity_registry, init_integration.entry_id
    )
    assert len(entities) == len(ACCOUNT_DEVICE_SENSORS) == 7
    assert {entity.device_id for entity in entities} == {device.id}

    _skip_registry_snapshot_on_older_home_assistant()
    assert device == snapshot


@pytest.mark.parametrize(
    ("seconds", "hours"),
    [(154, "0.0427777777777778"), (5580, "1.55"), (0, "0.0")],
)
async def test_time_spent_is_shown_in_hours(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    flipsnack: FakeFlipsnack,
    mock_config_entry: MockConfigEntry,
    seconds: int,
    hours: str,
) -> None:
    """Flipsnack counts seconds; the state is in hours, unrounded, shown to 4 decimals."""
    flipsnack.accounts[next(iter(flipsnack.accounts))].stats["time_spent"] = seconds
    await setup_integration(hass, mock_config_entry)

    state = hass.states.get(TIME_SPENT)
    assert state.state == hours
    assert state.attributes["device_class"] == "duration"
    assert state.attributes["unit_of_measurement"] == "h"
    options = entity_registry.async_get(TIME_SPENT).options
    assert options["sensor"] == {"suggested_display_precision": 4}


@pytest.mark.parametrize(
    ("sensor_options", "expected"),
    [
        # Made by an earlier version, whose suggested precision was 1.
        (
            {"suggested_display_precision": 1},
            {"suggested_display_precision": 4},
        ),
        # The user chose a precision of their own: it stays.
        (
            {"suggested_display_precision": 1, "display_precision": 2},
            {"suggested_display_precision": 4, "display_precision": 2},
        ),
        # The user chose another unit: it stays, and the precision follows it.
        (
            {"suggested_display_precision": 1, "unit_of_measurement": "min"},
            {"suggested_display_precision": 3, "unit_of_measurement": "min"},
        ),
    ],
)
@pytest.mark.usefixtures("flipsnack")
async def test_existing_time_spent_entities_take_the_new_precision(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    mock_config_entry: MockConfigEntry,
    sensor_options: dict[str, Any],
    expected: dict[str, Any],
) -> None:
    """An entity made by an earlier version shows its time spent to 4 decimals too.

    Home Assistant writes the suggested precision into the entity registry whenever it
    adds the entity, so no migration is needed; the suggested unit (hours) is the same.
    """
    mock_config_entry.add_to_hass(hass)
    entity = entity_registry.async_get_or_create(
        "sensor",
        "flipsnack",
        f"{mock_config_entry.entry_id}_time_spent",
        config_entry=mock_config_entry,
        suggested_object_id="flipsnack_7832_time_spent",
    )
    entity_registry.async_update_entity_options(
        entity.entity_id, "sensor", sensor_options
    )
    entity_registry.async_update_entity_options(
        entity.entity_id, "sensor.private", {"suggested_unit_of_measurement": "h"}
    )
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    options = entity_registry.async_get(TIME_SPENT).options
    assert options["sensor"] == expected
    assert options["sensor.private"] == {"suggested_unit_of_measurement": "h"}
    unit = sensor_options.get("unit_of_measurement", "h")
    assert hass.states.get(TIME_SPENT).attributes["unit_of_measurement"] == unit
