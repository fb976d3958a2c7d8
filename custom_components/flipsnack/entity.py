"""Base entities: the account's and a tracked flipbook's."""

from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api import Flipbook
from .coordinator import FlipsnackAccountCoordinator, FlipsnackFlipbooksCoordinator
from .devices import account_device_info, flipbook_device_info


class FlipsnackAccountEntity(CoordinatorEntity[FlipsnackAccountCoordinator]):
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
        account_device_id: str,
    ) -> None:
        """Attach the entity to the flipbook's device, linked to the account's."""
        # The context tells the coordinator to fetch this flipbook's figures; a
        # disabled entity never subscribes, so its flipbook costs no calls.
        super().__init__(coordinator, context=flipbook.hash)
        self.entity_description = description
        self.flipbook_hash = flipbook.hash
        entry = coordinator.config_entry
        self._attr_unique_id = f"{entry.entry_id}_{flipbook.hash}_{description.key}"
        self._attr_device_info = flipbook_device_info(
            entry, flipbook, account_device_id
        )

    @property
    def available(self) -> bool:
        """Whether the flipbook is tracked and its figures are recent enough.

        Not the coordinator's last update: one failing flipbook, or a failed listing,
        must not make the figures of the others unavailable.
        """
        return self.coordinator.figures_of(self.flipbook_hash) is not None
