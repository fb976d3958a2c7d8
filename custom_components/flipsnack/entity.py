"""Base entity for the Flipsnack integration."""

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN, FLIPSNACK_APP_URL
from .coordinator import FlipsnackDataUpdateCoordinator


class FlipsnackEntity(CoordinatorEntity[FlipsnackDataUpdateCoordinator]):
    """An entity of the Flipsnack account service device."""

    _attr_has_entity_name = True

    def __init__(
        self,
        coordinator: FlipsnackDataUpdateCoordinator,
        description: EntityDescription,
    ) -> None:
        """Attach the entity to the account's device."""
        super().__init__(coordinator)
        self.entity_description = description
        # The API exposes no account id, and the API key can be rotated, so the entry id is
        # the only identifier that stays the same for the life of the account's entry.
        entry = coordinator.config_entry
        self._attr_unique_id = f"{entry.entry_id}_{description.key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, entry.entry_id)},
            entry_type=DeviceEntryType.SERVICE,
            manufacturer="Flipsnack",
            name=entry.title,
            configuration_url=FLIPSNACK_APP_URL,
        )
