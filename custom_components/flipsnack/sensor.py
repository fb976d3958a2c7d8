"""Sensors for the statistics of the Flipsnack account and its tracked flipbooks.

And two of the history import: its progress, and the week's most viewed flipbook; and
those of the orders the webhook receives: their count, and their value per currency.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

from homeassistant.components.sensor import (
    DOMAIN as SENSOR_DOMAIN,
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    MAX_LENGTH_STATE_STATE,
    PERCENTAGE,
    EntityCategory,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .api import Figures, UserStats
from .const import CONF_ORDERS
from .coordinator import FlipsnackFlipbooksCoordinator
from .devices import account_device_info, flipbook_device_name
from .entity import (
    FlipsnackAccountEntity,
    FlipsnackFlipbookEntity,
    FlipsnackHistoryEntity,
)
from .history_summary import most_viewed
from .order_book import OrderBook
from .runtime_data import FlipsnackConfigEntry

# The coordinators fetch for all entities; they never update on their own.
PARALLEL_UPDATES = 0


# Contravariant, so that a description that reads any figures serves the account too; the
# type parameter syntax cannot declare that for a frozen dataclass field.
_DataT_contra = TypeVar("_DataT_contra", contravariant=True)


@dataclass(frozen=True, kw_only=True)
class FlipsnackSensorEntityDescription(SensorEntityDescription, Generic[_DataT_contra]):  # noqa: UP046
    """Describes a Flipsnack statistics sensor."""

    value_fn: Callable[[_DataT_contra], int]


# Time spent is shown in hours, which the frontend writes as hours and whole minutes
# ("1h 33m") after rounding the state to the display precision. Four decimals of an hour
# (0.36 s) keep every whole second, so the minutes shown are the true ones; one decimal
# (six minutes) showed 154 s as "0h" and 5,580 s as "1h 36m". (More decimals would not
# help the one case left: a total of whole minutes whose hours don't end in a finite
# decimal, such as 7,320 s = 2.0333… h, can show a minute less, as the frontend cuts.)
# Home Assistant writes the suggested precision into the entity registry each time it
# adds the entity, so existing entities take this one at their next start, while a
# precision the user chose stays.
TIME_SPENT_DISPLAY_PRECISION = 4

# Totals shrink when a flipbook is deleted or its statistics are reset. With state class
# "total" the recorder takes such a drop as a change of the sum; "total_increasing" would
# take it as a meter reset.
FIGURE_SENSORS: tuple[FlipsnackSensorEntityDescription[Figures], ...] = (
    FlipsnackSensorEntityDescription(
        key="impressions",
        translation_key="impressions",
        state_class=SensorStateClass.TOTAL,
        value_fn=lambda figures: figures.impressions,
    ),
    FlipsnackSensorEntityDescription(
        key="views",
        translation_key="views",
        state_class=SensorStateClass.TOTAL,
        value_fn=lambda figures: figures.views,
    ),
    FlipsnackSensorEntityDescription(
        key="time_spent",
        translation_key="time_spent",
        device_class=SensorDeviceClass.DURATION,
        state_class=SensorStateClass.TOTAL,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_unit_of_measurement=UnitOfTime.HOURS,
        suggested_display_precision=TIME_SPENT_DISPLAY_PRECISION,
        value_fn=lambda figures: figures.time_spent,
    ),
    FlipsnackSensorEntityDescription(
        key="downloads",
        translation_key="downloads",
        state_class=SensorStateClass.TOTAL,
        value_fn=lambda figures: figures.downloads,
    ),
)

API_UPLOADS_LEFT_SENSOR = FlipsnackSensorEntityDescription[UserStats](
    key="api_uploads_left",
    translation_key="api_uploads_left",
    state_class=SensorStateClass.MEASUREMENT,
    value_fn=lambda stats: stats.api_uploads_left,
)

ACCOUNT_SENSORS: tuple[FlipsnackSensorEntityDescription[UserStats], ...] = (
    *FIGURE_SENSORS,
    API_UPLOADS_LEFT_SENSOR,
)

HISTORY_IMPORT_SENSOR = SensorEntityDescription(
    key="history_import",
    translation_key="history_import",
    entity_category=EntityCategory.DIAGNOSTIC,
    native_unit_of_measurement=PERCENTAGE,
)

MOST_VIEWED_SENSOR = SensorEntityDescription(
    key="most_viewed_flipbook",
    translation_key="most_viewed_flipbook",
)

# The book (order_book.py) keeps the count on disk, so it survives restarts and reloads,
# and only ever grows: long-term statistics give the orders of each day.
ORDERS_SENSOR = FlipsnackSensorEntityDescription[OrderBook](
    key="orders",
    translation_key="orders",
    state_class=SensorStateClass.TOTAL_INCREASING,
    value_fn=lambda book: book.orders,
)


def order_value_sensor(currency: str) -> SensorEntityDescription:
    """Describe the sum of the orders' total prices in currency.

    Home Assistant allows monetary sensors the state class total only; a total that only
    grows gives the same statistics as total_increasing would: the revenue of each day.
    """
    return SensorEntityDescription(
        key=f"order_value_{currency.lower()}",
        translation_key="order_value",
        translation_placeholders={"currency": currency},
        device_class=SensorDeviceClass.MONETARY,
        state_class=SensorStateClass.TOTAL,
        native_unit_of_measurement=currency,
    )


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FlipsnackConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the account's sensors, and those of each tracked flipbook as it appears."""
    data = entry.runtime_data
    async_add_entities(
        FlipsnackAccountSensorEntity(data.account, description)
        for description in ACCOUNT_SENSORS
    )
    async_add_entities(
        [
            FlipsnackHistoryImportSensorEntity(entry, HISTORY_IMPORT_SENSOR),
            FlipsnackMostViewedSensorEntity(entry, MOST_VIEWED_SENSOR),
        ]
    )
    if data.flipbooks is not None:
        _async_follow_flipbooks(entry, data.flipbooks, async_add_entities)
    if data.lead_webhook is not None and entry.options.get(CONF_ORDERS):
        _async_follow_orders(
            entry, data.lead_webhook.receiver.order_book, async_add_entities
        )
    else:
        _async_remove_order_sensors(hass, entry)


@callback
def _async_remove_order_sensors(
    hass: HomeAssistant, entry: FlipsnackConfigEntry
) -> None:
    """Remove the order sensors while orders are off: they could never change.

    The book keeps the counts, so turning orders on again brings the same sensors back
    with their counts, and their statistics go on under the same entity ids.
    """
    registry = er.async_get(hass)
    prefixes = (
        f"{entry.entry_id}_{ORDERS_SENSOR.key}",
        f"{entry.entry_id}_order_value_",
    )
    for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
        if entity.domain == SENSOR_DOMAIN and entity.unique_id.startswith(prefixes):
            registry.async_remove(entity.entity_id)


@callback
def _async_follow_orders(
    entry: FlipsnackConfigEntry,
    book: OrderBook,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the Orders sensor, and an Order value sensor for each currency as it appears."""
    async_add_entities([FlipsnackOrdersSensorEntity(entry, book, ORDERS_SENSOR)])
    known: set[str] = set()

    @callback
    def add_new_currencies() -> None:
        new = sorted(set(book.values) - known)
        known.update(new)
        async_add_entities(
            FlipsnackOrderValueSensorEntity(entry, book, order_value_sensor(currency))
            for currency in new
        )

    add_new_currencies()
    entry.async_on_unload(book.async_add_listener(add_new_currencies))


@callback
def _async_follow_flipbooks(
    entry: FlipsnackConfigEntry,
    coordinator: FlipsnackFlipbooksCoordinator,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of every tracked flipbook, now and whenever a new one appears."""
    account_device_id = entry.runtime_data.account_device_id
    known: set[str] = set()

    @callback
    def add_new_flipbooks() -> None:
        tracked = coordinator.data.flipbooks
        # A flipbook that is dropped loses its device and entities; should it come
        # back, it gets new ones.
        known.intersection_update(tracked)
        new = [flipbook for h, flipbook in tracked.items() if h not in known]
        known.update(flipbook.hash for flipbook in new)
        async_add_entities(
            FlipsnackFlipbookSensorEntity(
                coordinator, flipbook, description, account_device_id
            )
            for flipbook in new
            for description in FIGURE_SENSORS
        )

    add_new_flipbooks()
    entry.async_on_unload(coordinator.async_add_listener(add_new_flipbooks))


class FlipsnackAccountSensorEntity(FlipsnackAccountEntity, SensorEntity):
    """One figure of the account statistics."""

    entity_description: FlipsnackSensorEntityDescription[UserStats]

    @property
    def native_value(self) -> int:
        """Return the figure from the latest statistics."""
        return self.entity_description.value_fn(self.coordinator.data)


class FlipsnackFlipbookSensorEntity(FlipsnackFlipbookEntity, SensorEntity):
    """One figure of a tracked flipbook."""

    entity_description: FlipsnackSensorEntityDescription[Figures]

    @property
    def native_value(self) -> int | None:
        """Return the figure from the flipbook's latest figures."""
        figures = self.coordinator.figures_of(self.flipbook_hash)
        return None if figures is None else self.entity_description.value_fn(figures)


class FlipsnackHistoryImportSensorEntity(FlipsnackHistoryEntity, SensorEntity):
    """How much of the tracked flipbooks' window the history import has done."""

    @property
    def available(self) -> bool:
        """Whether history is on and flipbooks are tracked."""
        return self.history is not None

    @property
    def native_value(self) -> float | None:
        """Return the percentage of the flipbook-days imported."""
        return None if self.history is None else self.history.progress


class FlipsnackMostViewedSensorEntity(FlipsnackHistoryEntity, SensorEntity):
    """The title of the tracked flipbook viewed most in the last 7 complete days.

    Unknown while history is off or lacks one of those days of a tracked flipbook.
    The flipbooks' coordinator updates every minute, so the week moves on within a
    minute of midnight, and a listing's new titles show at once.
    """

    async def async_added_to_hass(self) -> None:
        """Choose the flipbook before the first state is written."""
        await super().async_added_to_hass()
        self._update()

    @callback
    def _handle_update(self) -> None:
        self._update()
        super()._handle_update()

    def _update(self) -> None:
        """Choose the flipbook from the imported days of the tracked flipbooks."""
        self._attr_native_value = None
        self._attr_extra_state_attributes = {}
        if (history := self.history) is None:
            return
        tracked = history.tracked
        imported = history.state.flipbooks
        result = most_viewed(
            {
                h: item.daily if (item := imported.get(h)) is not None else {}
                for h in tracked
            },
            dt_util.utcnow().date(),
        )
        if result is None:
            return
        title = flipbook_device_name(tracked[result.flipbook_hash])
        self._attr_native_value = title[:MAX_LENGTH_STATE_STATE]
        self._attr_extra_state_attributes = {
            "flipbook_hash": result.flipbook_hash,
            "views": result.views,
        }


class FlipsnackOrderBookSensorEntity(SensorEntity):
    """A sensor of the account's device that shows what the order book holds."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(
        self,
        entry: FlipsnackConfigEntry,
        book: OrderBook,
        description: SensorEntityDescription,
    ) -> None:
        """Attach the entity to the account's device."""
        self.entity_description = description
        self._book = book
        self._attr_unique_id = f"{entry.entry_id}_{description.key}"
        self._attr_device_info = account_device_info(entry)

    async def async_added_to_hass(self) -> None:
        """Follow the book: each order counted writes the state."""
        await super().async_added_to_hass()
        self.async_on_remove(self._book.async_add_listener(self.async_write_ha_state))


class FlipsnackOrdersSensorEntity(FlipsnackOrderBookSensorEntity):
    """How many orders the webhook has received, each counted once."""

    entity_description: FlipsnackSensorEntityDescription[OrderBook]

    @property
    def native_value(self) -> int:
        """Return the count of orders."""
        return self.entity_description.value_fn(self._book)


class FlipsnackOrderValueSensorEntity(FlipsnackOrderBookSensorEntity):
    """The sum of the total prices of the orders in one currency."""

    @property
    def native_value(self) -> Decimal:
        """Return the sum in the sensor's currency."""
        return self._book.values[str(self.native_unit_of_measurement)]
