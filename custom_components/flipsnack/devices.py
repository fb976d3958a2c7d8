"""The devices of an entry: the account's, and one per tracked flipbook linked to it."""

from collections.abc import Iterable

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo

from .api import Flipbook
from .const import DOMAIN, FLIPSNACK_APP_URL


def account_device_identifier(entry: ConfigEntry) -> tuple[str, str]:
    """Return the identifier of the account's device.

    The API exposes no account id, and the API key can be rotated, so the entry id is the
    only identifier that stays the same for the life of the account's entry.
    """
    return (DOMAIN, entry.entry_id)


def _flipbook_identifier_prefix(entry: ConfigEntry) -> str:
    return f"{entry.entry_id}_flipbook_"


def flipbook_device_identifier(
    entry: ConfigEntry, flipbook_hash: str
) -> tuple[str, str]:
    """Return the identifier of a tracked flipbook's device."""
    return (DOMAIN, f"{_flipbook_identifier_prefix(entry)}{flipbook_hash}")


def flipbook_hash_of(entry: ConfigEntry, device: dr.DeviceEntry) -> str | None:
    """Return the hash of the flipbook a device of the entry stands for, if any."""
    prefix = _flipbook_identifier_prefix(entry)
    for domain, identifier in device.identifiers:
        if domain == DOMAIN and identifier.startswith(prefix):
            return identifier.removeprefix(prefix)
    return None


def flipbook_device_name(flipbook: Flipbook) -> str:
    """Return the name of a flipbook's device: its title, or its hash without one."""
    return flipbook.title or flipbook.hash


def account_device_info(entry: ConfigEntry) -> DeviceInfo:
    """Return the device of the account, which its sensors and Lead form entity share."""
    return DeviceInfo(
        identifiers={account_device_identifier(entry)},
        entry_type=DeviceEntryType.SERVICE,
        manufacturer="Flipsnack",
        name=entry.title,
        configuration_url=FLIPSNACK_APP_URL,
    )


@callback
def async_create_account_device(hass: HomeAssistant, entry: ConfigEntry) -> str:
    """Create the account's device ahead of its entities, and return its id.

    The flipbook devices link to it by id, so it must exist before they are added; the
    account's entities fill in the rest of it from account_device_info.
    """
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={account_device_identifier(entry)}
    )
    return device.id


def flipbook_device_info(
    entry: ConfigEntry, flipbook: Flipbook, account_device_id: str
) -> DeviceInfo:
    """Return the device of a tracked flipbook, linked to the account's device."""
    return DeviceInfo(
        identifiers={flipbook_device_identifier(entry, flipbook.hash)},
        entry_type=DeviceEntryType.SERVICE,
        manufacturer="Flipsnack",
        name=flipbook_device_name(flipbook),
        configuration_url=FLIPSNACK_APP_URL,
        via_device_id=account_device_id,
    )


@callback
def async_rename_flipbook_devices(
    hass: HomeAssistant, entry: ConfigEntry, flipbooks: Iterable[Flipbook]
) -> None:
    """Follow title changes; a name the user gave a device stays as it is."""
    device_registry = dr.async_get(hass)
    for flipbook in flipbooks:
        device = device_registry.async_get_device_by_identifier(
            flipbook_device_identifier(entry, flipbook.hash), entry.entry_id
        )
        name = flipbook_device_name(flipbook)
        if device is not None and device.name != name:
            device_registry.async_update_device(device.id, name=name)


@callback
def async_remove_flipbook_devices(
    hass: HomeAssistant, entry: ConfigEntry, *, keep: Iterable[str] = ()
) -> None:
    """Remove the entry's flipbook devices, except those of the flipbooks in keep."""
    kept = set(keep)
    device_registry = dr.async_get(hass)
    for device in dr.async_entries_for_config_entry(device_registry, entry.entry_id):
        flipbook_hash = flipbook_hash_of(entry, device)
        if flipbook_hash is not None and flipbook_hash not in kept:
            device_registry.async_remove_device(device.id)
