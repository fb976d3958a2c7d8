"""Sensors for the Flipsnack account statistics."""

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import UserStats
from .coordinator import FlipsnackConfigEntry
from .entity import FlipsnackEntity

# The coordinator fetches for all entities; they never update on their own.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class FlipsnackSensorEntityDescription(SensorEntityDescription):
    """Describes a Flipsnack statistics sensor."""

    value_fn: Callable[[UserStats], int]


# Account totals shrink when a flipbook is deleted. With state class "total" the recorder
# takes such a drop as a change of the sum; "total_increasing" would take it as a meter reset.
SENSORS: tuple[FlipsnackSensorEntityDescription, ...] = (
    FlipsnackSensorEntityDescription(
        key="impressions",
        translation_key="impressions",
        state_class=SensorStateClass.TOTAL,
        value_fn=lambda stats: stats.impressions,
    ),
    FlipsnackSensorEntityDescription(
        key="views",
        translation_key="views",
        state_class=SensorStateClass.TOTAL,
        value_fn=lambda stats: stats.views,
    ),
    FlipsnackSensorEntityDescription(
        key="time_spent",
        translation_key="time_spent",
        device_class=SensorDeviceClass.DURATION,
        state_class=SensorStateClass.TOTAL,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_unit_of_measurement=UnitOfTime.HOURS,
        suggested_display_precision=1,
        value_fn=lambda stats: stats.time_spent,
    ),
    FlipsnackSensorEntityDescription(
        key="downloads",
        translation_key="downloads",
        state_class=SensorStateClass.TOTAL,
        value_fn=lambda stats: stats.downloads,
    ),
    FlipsnackSensorEntityDescription(
        key="api_uploads_left",
        translation_key="api_uploads_left",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda stats: stats.api_uploads_left,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FlipsnackConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the statistics sensors of a Flipsnack account."""
    coordinator = entry.runtime_data.account
    async_add_entities(
        FlipsnackSensorEntity(coordinator, description) for description in SENSORS
    )


class FlipsnackSensorEntity(FlipsnackEntity, SensorEntity):
    """One figure of the account statistics."""

    entity_description: FlipsnackSensorEntityDescription

    @property
    def native_value(self) -> int:
        """Return the figure from the latest statistics."""
        return self.entity_description.value_fn(self.coordinator.data)
