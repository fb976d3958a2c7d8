"""Base entities: the account's and a tracked flipbook's."""

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api import Flipbook
from .const import FLIPSNACK_APP_URL
from .coordinator import (
    FlipsnackAccountCoordinator,
    FlipsnackConfigEntry,
    FlipsnackFlipbooksCoordinator,
    account_device_identifier,
    flipbook_device_identifier,
    flipbook_device_name,
)


def account_device_info(entry: FlipsnackConfigEntry) -> DeviceInfo:
    """Return the device of the account, which its sensors and Lead form entity share."""
    return DeviceInfo(
        identifiers={account_device_identifier(entry)},
        entry_type=DeviceEntryType.SERVICE,
        manufacturer="Flipsnack",
        name=entry.title,
        configuration_url=FLIPSNACK_APP_URL,
    )


class FlipsnackEntity(CoordinatorEntity[FlipsnackAccountCoordinator]):
    """An entity of the Flipsnack account service device."""

    _attr_has_entity_name = True

    def __init__(
        self,
        coordinator: FlipsnackAccountCoordinator,
        description: EntityDescription,
    ) -> None:
        """Attach the entity to the account's device."""
        super().__init__(coordinator)
        self.entity_description = description
        entry = coordinator.config_entry
        self._attr_unique_id = f"{entry.entry_id}_{description.key}"
        self._attr_device_info = account_device_info(entry)


class FlipsnackFlipbookEntity(CoordinatorEntity[FlipsnackFlipbooksCoordinator]):
    """An entity of a tracked flipbook's service device."""

    _attr_has_entity_name = True

    def __init__(
        self,
        coordinator: FlipsnackFlipbooksCoordinator,
        flipbook: Flipbook,
        description: EntityDescription,
    ) -> None:
        """Attach the entity to the flipbook's device, linked to the account's."""
        # The context tells the coordinator to fetch this flipbook's figures; a
        # disabled entity never subscribes, so its flipbook costs no calls.
        super().__init__(coordinator, context=flipbook.hash)
        self.entity_description = description
        self.flipbook_hash = flipbook.hash
        entry = coordinator.config_entry
        self._attr_unique_id = f"{entry.entry_id}_{flipbook.hash}_{description.key}"
        self._attr_device_info = DeviceInfo(
            identifiers={flipbook_device_identifier(entry, flipbook.hash)},
            entry_type=DeviceEntryType.SERVICE,
            manufacturer="Flipsnack",
            name=flipbook_device_name(flipbook),
            configuration_url=FLIPSNACK_APP_URL,
            via_device_id=entry.runtime_data.account_device_id,
        )

    @property
    def available(self) -> bool:
        """Whether the flipbook is tracked and its figures are recent enough.

        Not the coordinator's last update: one failing flipbook, or a failed listing,
        must not make the figures of the others unavailable.
        """
        return self.coordinator.figures_of(self.flipbook_hash) is not None
