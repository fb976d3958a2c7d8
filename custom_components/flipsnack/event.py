"""The Lead form event entity: one event per lead form a reader submits."""

from typing import override

from homeassistant.components.event import DOMAIN as EVENT_DOMAIN, EventEntity
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import DOMAIN
from .devices import account_device_info
from .runtime_data import FlipsnackConfigEntry
from .webhook import lead_signal
from .webhook_posts import ATTR_FIELDS, EVENT_CONTACT_SUBMITTED, Lead

# Leads arrive through the webhook; the entity never updates on its own.
PARALLEL_UPDATES = 0

LEAD_KEY = "lead"


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FlipsnackConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the Lead form entity while lead forms are turned on."""
    if entry.runtime_data.lead_webhook is None:
        # Turned off: an entity that can never fire again would only confuse.
        registry = er.async_get(hass)
        unique_id = f"{entry.entry_id}_{LEAD_KEY}"
        if entity_id := registry.async_get_entity_id(EVENT_DOMAIN, DOMAIN, unique_id):
            registry.async_remove(entity_id)
        return
    async_add_entities([FlipsnackLeadEventEntity(entry)])


class FlipsnackLeadEventEntity(EventEntity):
    """Fires contact_submitted with the flipbook and the lead's fields.

    Not a coordinator entity: an outage of the statistics API must not make it
    unavailable, because an event entity that becomes available again replays its last
    event to state triggers.
    """

    _attr_has_entity_name = True
    _attr_translation_key = LEAD_KEY
    # The fields are a reader's personal data: keep them out of the database.
    _unrecorded_attributes = frozenset({ATTR_FIELDS})

    def __init__(self, entry: FlipsnackConfigEntry) -> None:
        """Attach the entity to the account's device."""
        self._signal = lead_signal(entry.entry_id)
        self._attr_event_types = [EVENT_CONTACT_SUBMITTED]
        self._attr_unique_id = f"{entry.entry_id}_{LEAD_KEY}"
        self._attr_device_info = account_device_info(entry)

    @override
    async def async_added_to_hass(self) -> None:
        """Listen for the leads of the entry's webhook."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(self.hass, self._signal, self._async_handle_lead)
        )

    @callback
    def _async_handle_lead(self, lead: Lead) -> None:
        self._trigger_event(EVENT_CONTACT_SUBMITTED, lead.event_attributes())
        self.async_write_ha_state()
