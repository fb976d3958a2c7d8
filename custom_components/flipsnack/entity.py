"""Base entities: the account's, a tracked flipbook's, and the history import's."""

from homeassistant.core import callback
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api import Flipbook
from .coordinator import FlipsnackAccountCoordinator, FlipsnackFlipbooksCoordinator
from .devices import account_device_info, flipbook_device_info
from .runtime_data import FlipsnackConfigEntry


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


class FlipsnackHistoryEntity(Entity):
    """An entity of the account's device that follows the history import.

    It exists whether history is on or off, so that turning history on gives it a
    state rather than a new entity; history is None while it is off. It also follows
    the flipbooks' coordinator, whose listings change the tracked flipbooks.
    """

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(
        self, entry: FlipsnackConfigEntry, description: EntityDescription
    ) -> None:
        """Attach the entity to the account's device."""
        self.entity_description = description
        self.history = entry.runtime_data.history
        self._flipbooks = entry.runtime_data.flipbooks
        self._attr_unique_id = f"{entry.entry_id}_{description.key}"
        self._attr_device_info = account_device_info(entry)

    async def async_added_to_hass(self) -> None:
        """Follow the import's progress and the tracked flipbooks."""
        await super().async_added_to_hass()
        if self.history is None or self._flipbooks is None:
            return
        self.async_on_remove(self.history.async_add_listener(self._handle_update))
        self.async_on_remove(self._flipbooks.async_add_listener(self._handle_update))

    @callback
    def _handle_update(self) -> None:
        """Show what the import has done now."""
        self.async_write_ha_state()
