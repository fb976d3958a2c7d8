"""The webhook's event entities: Lead form (a reader's lead) and Order (a buyer's order)."""

from typing import override

from homeassistant.components.event import (
    DOMAIN as EVENT_DOMAIN,
    EventEntity,
    EventExtraStoredData,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import CONF_LEAD_FORMS, CONF_ORDERS, DOMAIN
from .devices import account_device_info
from .runtime_data import FlipsnackConfigEntry
from .webhook_delivery import Mailbox
from .webhook_orders import (
    ATTR_CUSTOM_FIELDS,
    ATTR_ITEMS,
    EVENT_ORDER_SUBMITTED,
    Order,
)
from .webhook_posts import ATTR_FIELDS, EVENT_CONTACT_SUBMITTED, Lead

# Leads and orders arrive through the webhook; the entities never update on their own.
PARALLEL_UPDATES = 0

LEAD_KEY = "lead"
ORDER_KEY = "order"


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FlipsnackConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the Lead form and Order entities of what is turned on."""
    entities: list[EventEntity] = []
    if (lead_webhook := entry.runtime_data.lead_webhook) is not None:
        receiver = lead_webhook.receiver
        if entry.options.get(CONF_LEAD_FORMS):
            entities.append(FlipsnackLeadEventEntity(entry, receiver.leads))
        if entry.options.get(CONF_ORDERS):
            entities.append(FlipsnackOrderEventEntity(entry, receiver.orders))
    wanted = {entity.unique_id for entity in entities}
    for key in (LEAD_KEY, ORDER_KEY):
        unique_id = f"{entry.entry_id}_{key}"
        if unique_id in wanted:
            continue
        # Turned off: an entity that can never fire again would only confuse.
        registry = er.async_get(hass)
        if entity_id := registry.async_get_entity_id(EVENT_DOMAIN, DOMAIN, unique_id):
            registry.async_remove(entity_id)
    async_add_entities(entities)


class FlipsnackWebhookEventEntity[PostT: (Lead, Order)](EventEntity):
    """An event entity of the account's device that fires what the webhook receives.

    Not a coordinator entity: an outage of the statistics API must not make it
    unavailable, because an event entity that becomes available again replays its last
    event to state triggers.

    The attributes in _unrecorded_attributes are a person's data or too large for the
    recorder: they are for the state machine and the automations it triggers, not
    recorded, and not in the event data kept for a restart, so a restart or a reload
    brings back the time and type of the last event and its other attributes only.
    (Home Assistant's restore cache also copies the current state while it runs; no
    entity can leave that out.)
    """

    _attr_has_entity_name = True
    # Posts come from the webhook; there is nothing to poll.
    _attr_should_poll = False
    _key: str
    _event_type: str

    def __init__(self, entry: FlipsnackConfigEntry, mailbox: Mailbox[PostT]) -> None:
        """Attach the entity to the account's device."""
        self._mailbox: Mailbox[PostT] = mailbox
        self._attr_event_types = [self._event_type]
        self._attr_translation_key = self._key
        self._attr_unique_id = f"{entry.entry_id}_{self._key}"
        self._attr_device_info = account_device_info(entry)

    @override
    async def async_added_to_hass(self) -> None:
        """Fire the posts of the entry's webhook, those that waited for it first."""
        await super().async_added_to_hass()
        self.async_on_remove(self._mailbox.async_attach(self._async_handle_post))

    @property
    @override
    def extra_restore_state_data(self) -> EventExtraStoredData:
        """Return the last event to restore, without the unrecorded attributes."""
        return self._without_unrecorded(super().extra_restore_state_data)

    @override
    async def async_get_last_event_data(self) -> EventExtraStoredData | None:
        """Restore the last event without them, also from data an older version saved."""
        if (stored := await super().async_get_last_event_data()) is None:
            return None
        return self._without_unrecorded(stored)

    def _without_unrecorded(self, stored: EventExtraStoredData) -> EventExtraStoredData:
        attributes = stored.last_event_attributes
        return EventExtraStoredData(
            stored.last_event_type,
            None
            if attributes is None
            else {
                key: value
                for key, value in attributes.items()
                if key not in self._unrecorded_attributes
            },
        )

    @callback
    def _async_handle_post(self, post: PostT) -> None:
        self._trigger_event(self._event_type, post.event_attributes())
        self.async_write_ha_state()


class FlipsnackLeadEventEntity(FlipsnackWebhookEventEntity[Lead]):
    """Fires contact_submitted with the flipbook and the lead's fields.

    The fields are a reader's personal data.
    """

    _key = LEAD_KEY
    _event_type = EVENT_CONTACT_SUBMITTED
    _unrecorded_attributes = frozenset({ATTR_FIELDS})


class FlipsnackOrderEventEntity(FlipsnackWebhookEventEntity[Order]):
    """Fires order_submitted with the order's id, items, total and custom fields.

    The custom fields are the buyer's personal data; the items are not, but up to 200
    of them would make each recorded state large, so the recorder keeps the order's id,
    time, total, currency and flipbook only.
    """

    _key = ORDER_KEY
    _event_type = EVENT_ORDER_SUBMITTED
    _unrecorded_attributes = frozenset({ATTR_CUSTOM_FIELDS, ATTR_ITEMS})
