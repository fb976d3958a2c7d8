"""The Lead form event entity: one event per lead form a reader submits."""

from typing import Any, override

from homeassistant.components.event import (
    DOMAIN as EVENT_DOMAIN,
    EventEntity,
    EventExtraStoredData,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import DOMAIN
from .devices import account_device_info
from .runtime_data import FlipsnackConfigEntry
from .webhook import LeadReceiver
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
    if (lead_webhook := entry.runtime_data.lead_webhook) is None:
        # Turned off: an entity that can never fire again would only confuse.
        registry = er.async_get(hass)
        unique_id = f"{entry.entry_id}_{LEAD_KEY}"
        if entity_id := registry.async_get_entity_id(EVENT_DOMAIN, DOMAIN, unique_id):
            registry.async_remove(entity_id)
        return
    async_add_entities([FlipsnackLeadEventEntity(entry, lead_webhook.receiver)])


class FlipsnackLeadEventEntity(EventEntity):
    """Fires contact_submitted with the flipbook and the lead's fields.

    Not a coordinator entity: an outage of the statistics API must not make it
    unavailable, because an event entity that becomes available again replays its last
    event to state triggers.

    The fields are a reader's personal data, for the state machine and the automations
    it triggers: not recorded, and not in the event data kept for a restart, so a
    restart or a reload brings back the time, type and flipbook of the last lead but not
    what the reader typed. (Home Assistant's restore cache also copies the current state
    while it runs; no entity can leave that out.)
    """

    _attr_has_entity_name = True
    # Leads come from the webhook; there is nothing to poll.
    _attr_should_poll = False
    _attr_translation_key = LEAD_KEY
    _unrecorded_attributes = frozenset({ATTR_FIELDS})

    def __init__(self, entry: FlipsnackConfigEntry, receiver: LeadReceiver) -> None:
        """Attach the entity to the account's device."""
        self._receiver = receiver
        self._attr_event_types = [EVENT_CONTACT_SUBMITTED]
        self._attr_unique_id = f"{entry.entry_id}_{LEAD_KEY}"
        self._attr_device_info = account_device_info(entry)

    @override
    async def async_added_to_hass(self) -> None:
        """Fire the leads of the entry's webhook, those that waited for it first."""
        await super().async_added_to_hass()
        self.async_on_remove(self._receiver.async_attach(self._async_handle_lead))

    @property
    @override
    def extra_restore_state_data(self) -> EventExtraStoredData:
        """Return the last event to restore, without the lead's fields."""
        stored = super().extra_restore_state_data
        return EventExtraStoredData(
            stored.last_event_type, _without_fields(stored.last_event_attributes)
        )

    @override
    async def async_get_last_event_data(self) -> EventExtraStoredData | None:
        """Restore the last event without fields, also from data an older version saved."""
        if (stored := await super().async_get_last_event_data()) is None:
            return None
        return EventExtraStoredData(
            stored.last_event_type, _without_fields(stored.last_event_attributes)
        )

    @callback
    def _async_handle_lead(self, lead: Lead) -> None:
        self._trigger_event(EVENT_CONTACT_SUBMITTED, lead.event_attributes())
        self.async_write_ha_state()


def _without_fields(attributes: dict[str, Any] | None) -> dict[str, Any] | None:
    if attributes is None:
        return None
    return {key: value for key, value in attributes.items() if key != ATTR_FIELDS}
