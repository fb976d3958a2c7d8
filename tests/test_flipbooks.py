"""Tests for tracked flipbooks: devices, figures, the rotation, dynamic and stale devices."""

from datetime import timedelta
import itertools
import json
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import CoreState, HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.entity_registry import RegistryEntryDisabler
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.flipsnack.const import (
    CONF_FLIPBOOKS,
    CONF_TRACKING,
    DOMAIN,
    FLIPBOOK_CALLS_PER_MINUTE,
    FLIPBOOK_UPDATE_INTERVAL,
    LISTING_INTERVAL,
    LISTING_RETRY,
    STALE_AFTER_CYCLES,
    Tracking,
    flipbook_cycle,
)

from . import advance_time, setup_and_list
from .const import API_KEY, API_SECRET
from .fake_flipsnack import FakeFigures, FakeFlipsnack, FakeMode

ENTRY_ID = "01JFLIPSNACKTESTENTRY00000"
CATALOG = "spring-catalog"
PRICES = "price-list"
DRAFT = "draft"


def _entry(**options: Any) -> MockConfigEntry:
    """Return the test account's entry with the given options."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Flipsnack …7832",
        data={"api_key": API_KEY, "api_secret": API_SECRET},
        options=options,
        entry_id=ENTRY_ID,
    )


@pytest.fixture
def flipbooks(flipsnack: FakeFlipsnack) -> FakeFlipsnack:
    """Give the test account a public, an unlisted and an editable flipbook."""
    flipsnack.add_flipbook(
        API_KEY,
        hash=CATALOG,
        title="Spring catalog",
        totals=FakeFigures(impressions=500, views=120, time_spent=5580, downloads=7),
    )
    flipsnack.add_flipbook(
        API_KEY,
        hash=PRICES,
        title="Price list",
        status="unlisted",
        totals=FakeFigures(impressions=90, views=30, time_spent=154, downloads=12),
    )
    flipsnack.add_flipbook(API_KEY, hash=DRAFT, title="Draft", status="editable")
    return flipsnack


def _actions(flipsnack: FakeFlipsnack) -> list[str]:
    return [request.params["action"] for request in flipsnack.requests]


def _flipbook_device(
    device_registry: dr.DeviceRegistry, flipbook_hash: str
) -> dr.DeviceEntry | None:
    return device_registry.async_get_device_by_identifier(
        (DOMAIN, f"{ENTRY_ID}_flipbook_{flipbook_hash}"), ENTRY_ID
    )


def _state(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, unique_id: str
) -> str:
    entity_id = entity_registry.async_get_entity_id("sensor", DOMAIN, unique_id)
    assert entity_id is not None
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


async def test_no_tracking_costs_nothing(
    hass: HomeAssistant,
    flipbooks: FakeFlipsnack,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Without options nothing changes: one device, one call per poll, no listing."""
    await setup_and_list(hass, freezer, _entry())
    await advance_time(hass, freezer, timedelta(minutes=2))

    assert _actions(flipbooks) == ["user.getStats"]
    assert len(dr.async_entries_for_config_entry(device_registry, ENTRY_ID)) == 1


async def test_all_published_flipbooks_become_devices(
    hass: HomeAssistant,
    flipbooks: FakeFlipsnack,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Public and unlisted flipbooks get a device linked to the account; drafts don't.

    The setup costs the account call and the listing, not one call per flipbook; the
    figures come with the rotation a minute later.
    """
    await setup_and_list(hass, freezer, _entry(tracking="all"))

    assert _actions(flipbooks) == ["user.getStats", "collection.getList"]
    account = device_registry.async_get_device_by_identifier(
        (DOMAIN, ENTRY_ID), ENTRY_ID
    )
    assert account is not None
    for flipbook_hash, title in ((CATALOG, "Spring catalog"), (PRICES, "Price list")):
        device = _flipbook_device(device_registry, flipbook_hash)
        assert device is not None
        assert device.name == title
        assert device.manufacturer == "Flipsnack"
        assert device.entry_type is dr.DeviceEntryType.SERVICE
        assert device.via_device_id == account.id
    assert _flipbook_device(device_registry, DRAFT) is None
    assert (
        _state(hass, entity_registry, f"{ENTRY_ID}_{CATALOG}_views")
        == STATE_UNAVAILABLE
    )

    await advance_time(hass, freezer, FLIPBOOK_UPDATE_INTERVAL + timedelta(seconds=5))

    assert sorted(_actions(flipbooks)[2:]) == ["collection.getStats"] * 2
    assert _state(hass, entity_registry, f"{ENTRY_ID}_{CATALOG}_views") == "120"
    assert _state(hass, entity_registry, f"{ENTRY_ID}_{PRICES}_downloads") == "12"
    entities = [
        entity
        for entity in er.async_entries_for_config_entry(entity_registry, ENTRY_ID)
        if entity.unique_id.startswith(f"{ENTRY_ID}_{CATALOG}")
    ]
    assert len(entities) == 4
    for entity in entities:
        assert hass.states.get(entity.entity_id) == snapshot(name=entity.unique_id)


async def test_restart_shows_the_last_figures_without_calls_per_flipbook(
    hass: HomeAssistant,
    flipbooks: FakeFlipsnack,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
) -> None:
    """At a start of Home Assistant the stored figures and a recent listing serve."""
    entry = _entry(tracking="all")
    await setup_and_list(hass, freezer, entry)
    await advance_time(hass, freezer, FLIPBOOK_UPDATE_INTERVAL + timedelta(seconds=5))
    flipbooks.requests.clear()

    hass.set_state(CoreState.starting)
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    hass.set_state(CoreState.running)

    assert _actions(flipbooks) == ["user.getStats"]
    assert _state(hass, entity_registry, f"{ENTRY_ID}_{CATALOG}_views") == "120"


async def test_reload_shows_the_last_figures_and_lists_again(
    hass: HomeAssistant,
    flipbooks: FakeFlipsnack,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """A reload shows the stored figures at once and follows Flipsnack's list at once."""
    entry = _entry(tracking="all")
    await setup_and_list(hass, freezer, entry)
    await advance_time(hass, freezer, FLIPBOOK_UPDATE_INTERVAL + timedelta(seconds=5))
    flipbooks.add_flipbook(API_KEY, hash="new-one", title="Autumn catalog")
    flipbooks.requests.clear()

    await hass.config_entries.async_reload(entry.entry_id)
    await advance_time(hass, freezer, timedelta(seconds=5))

    # The listing, and no call per flipbook: their figures are recent.
    assert _actions(flipbooks) == ["user.getStats", "collection.getList"]
    assert _state(hass, entity_registry, f"{ENTRY_ID}_{CATALOG}_views") == "120"
    assert _flipbook_device(device_registry, "new-one") is not None


async def test_new_flipbook_gets_its_device_without_a_reload(
    hass: HomeAssistant,
    flipbooks: FakeFlipsnack,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
) -> None:
    """A flipbook published later appears with the next listing."""
    await setup_and_list(hass, freezer, _entry(tracking="all"))
    flipbooks.add_flipbook(API_KEY, hash="new-one", title="Autumn catalog")

    await advance_time(hass, freezer, LISTING_INTERVAL + timedelta(minutes=2))

    device = _flipbook_device(device_registry, "new-one")
    assert device is not None
    assert device.name == "Autumn catalog"


async def test_deleted_and_unpublished_flipbooks_lose_their_devices(
    hass: HomeAssistant,
    flipbooks: FakeFlipsnack,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Only a complete listing removes devices: never a failed one."""
    await setup_and_list(hass, freezer, _entry(tracking="all"))
    flipbooks.remove_flipbook(API_KEY, CATALOG)
    flipbooks.accounts[API_KEY].flipbooks[PRICES].status = "editable"

    flipbooks.mode = FakeMode.MAINTENANCE
    await advance_time(hass, freezer, LISTING_INTERVAL + timedelta(minutes=2))
    assert _flipbook_device(device_registry, CATALOG) is not None
    assert _flipbook_device(device_registry, PRICES) is not None

    flipbooks.reset()
    await advance_time(hass, freezer, LISTING_RETRY + FLIPBOOK_UPDATE_INTERVAL * 2)

    assert _flipbook_device(device_registry, CATALOG) is None
    assert _flipbook_device(device_registry, PRICES) is None
    assert not [
        entity
        for entity in er.async_entries_for_config_entry(entity_registry, ENTRY_ID)
        if CATALOG in entity.unique_id or PRICES in entity.unique_id
    ]


async def test_flipbook_that_comes_back_gets_its_device_again(
    hass: HomeAssistant,
    flipbooks: FakeFlipsnack,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
) -> None:
    """Unpublishing and republishing a flipbook brings its sensors back."""
    await setup_and_list(hass, freezer, _entry(tracking="all"))
    flipbook = flipbooks.accounts[API_KEY].flipbooks[CATALOG]
    flipbook.status = "editable"
    await advance_time(hass, freezer, LISTING_INTERVAL + timedelta(minutes=2))
    assert (
        entity_registry.async_get_entity_id(
            "sensor", DOMAIN, f"{ENTRY_ID}_{CATALOG}_views"
        )
        is None
    )

    flipbook.status = "public"
    await advance_time(hass, freezer, LISTING_INTERVAL + timedelta(minutes=2))

    assert _state(hass, entity_registry, f"{ENTRY_ID}_{CATALOG}_views") == "120"


async def test_title_changes_rename_the_device_unless_the_user_named_it(
    hass: HomeAssistant,
    flipbooks: FakeFlipsnack,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
) -> None:
    """The device follows the flipbook's title; a name the user gave it stays."""
    await setup_and_list(hass, freezer, _entry(tracking="all"))
    prices = _flipbook_device(device_registry, PRICES)
    assert prices is not None
    device_registry.async_update_device(prices.id, name_by_user="Our prices")
    account_flipbooks = flipbooks.accounts[API_KEY].flipbooks
    account_flipbooks[CATALOG].title = "Spring catalog 2027"
    account_flipbooks[PRICES].title = "Price list 2027"

    await advance_time(hass, freezer, LISTING_INTERVAL + timedelta(minutes=2))

    catalog = _flipbook_device(device_registry, CATALOG)
    prices = _flipbook_device(device_registry, PRICES)
    assert catalog is not None
    assert catalog.name == "Spring catalog 2027"
    assert prices is not None
    assert prices.name == "Price list 2027"
    assert prices.name_by_user == "Our prices"


@pytest.mark.usefixtures("flipbooks")
async def test_chosen_flipbooks_only(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
) -> None:
    """In the chosen mode only the chosen published flipbooks get devices."""
    entry = _entry(tracking="chosen", flipbooks=[PRICES])
    await setup_and_list(hass, freezer, entry)

    assert _flipbook_device(device_registry, PRICES) is not None
    assert _flipbook_device(device_registry, CATALOG) is None

    # No longer chosen: its device goes at once with the reload of the options.
    hass.config_entries.async_update_entry(
        entry, options={CONF_TRACKING: "chosen", CONF_FLIPBOOKS: [CATALOG]}
    )
    await hass.config_entries.async_reload(entry.entry_id)
    await advance_time(hass, freezer, timedelta(seconds=5))

    assert _flipbook_device(device_registry, PRICES) is None
    assert _flipbook_device(device_registry, CATALOG) is not None


@pytest.mark.usefixtures("flipbooks")
async def test_tracking_nothing_again_removes_the_flipbook_devices(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Going back to no tracking leaves only the account's device."""
    entry = _entry(tracking="all")
    await setup_and_list(hass, freezer, entry)

    hass.config_entries.async_update_entry(entry, options={CONF_TRACKING: "none"})
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()

    devices = dr.async_entries_for_config_entry(device_registry, ENTRY_ID)
    assert [device.identifiers for device in devices] == [{(DOMAIN, ENTRY_ID)}]


async def test_disabled_flipbook_entities_cost_no_calls(
    hass: HomeAssistant,
    flipbooks: FakeFlipsnack,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
) -> None:
    """A flipbook whose sensors are all disabled is never asked for its figures."""
    entry = _entry(tracking="all")
    await setup_and_list(hass, freezer, entry)
    for entity in er.async_entries_for_config_entry(entity_registry, ENTRY_ID):
        if PRICES in entity.unique_id:
            entity_registry.async_update_entity(
                entity.entity_id, disabled_by=RegistryEntryDisabler.USER
            )
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    flipbooks.requests.clear()

    await advance_time(hass, freezer, FLIPBOOK_UPDATE_INTERVAL + timedelta(seconds=5))

    stats_of = [
        request.params["collectionHash"]
        for request in flipbooks.requests
        if request.params["action"] == "collection.getStats"
    ]
    assert stats_of == [CATALOG]


async def test_rotation_refreshes_the_stalest_within_the_rate(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Each update fetches at most its share, stalest first, and each one per cycle."""
    flipsnack.add_flipbooks(API_KEY, 40, status_cycle=["public"])
    await setup_and_list(hass, freezer, _entry(tracking="all"))
    flipsnack.requests.clear()

    await advance_time(hass, freezer, FLIPBOOK_UPDATE_INTERVAL * 5)
    fetched = [
        request.params["collectionHash"]
        for request in flipsnack.requests
        if request.params["action"] == "collection.getStats"
    ]
    assert len(fetched) == 40
    assert len(set(fetched)) == 40

    flipsnack.requests.clear()
    # Nothing is due again before the cycle is over.
    await advance_time(hass, freezer, flipbook_cycle(40) - FLIPBOOK_UPDATE_INTERVAL * 5)
    assert "collection.getStats" not in _actions(flipsnack)
    assert FLIPBOOK_CALLS_PER_MINUTE < 40


async def test_one_failing_flipbook_does_not_hide_the_others(
    hass: HomeAssistant,
    flipbooks: FakeFlipsnack,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """A flipbook Flipsnack no longer knows goes; the others keep their figures."""
    await setup_and_list(hass, freezer, _entry(tracking="all"))
    await advance_time(hass, freezer, FLIPBOOK_UPDATE_INTERVAL + timedelta(seconds=5))
    # Deleted between two listings: its figures call answers 43.
    flipbooks.remove_flipbook(API_KEY, CATALOG)

    await advance_time(hass, freezer, flipbook_cycle(2) + FLIPBOOK_UPDATE_INTERVAL * 3)

    assert _state(hass, entity_registry, f"{ENTRY_ID}_{PRICES}_views") == "30"
    assert _flipbook_device(device_registry, CATALOG) is None


async def test_figures_too_old_show_as_unavailable(
    hass: HomeAssistant,
    flipbooks: FakeFlipsnack,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
) -> None:
    """During a long outage the flipbook figures go unavailable after a few cycles."""
    await setup_and_list(hass, freezer, _entry(tracking="all"))
    await advance_time(hass, freezer, FLIPBOOK_UPDATE_INTERVAL + timedelta(seconds=5))
    flipbooks.mode = FakeMode.MAINTENANCE

    await advance_time(hass, freezer, flipbook_cycle(2) * 2)
    assert _state(hass, entity_registry, f"{ENTRY_ID}_{CATALOG}_views") == "120"

    await advance_time(hass, freezer, flipbook_cycle(2) * (STALE_AFTER_CYCLES - 1))
    assert (
        _state(hass, entity_registry, f"{ENTRY_ID}_{CATALOG}_views")
        == STATE_UNAVAILABLE
    )


@pytest.mark.usefixtures("flipbooks")
async def test_user_may_delete_only_untracked_flipbook_devices(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """The account's and tracked flipbooks' devices can't be deleted; others can."""
    assert await _async_setup_config(hass)
    entry = _entry(tracking="all")
    await setup_and_list(hass, freezer, entry)
    stale = device_registry.async_get_or_create(
        config_entry_id=ENTRY_ID,
        identifiers={(DOMAIN, f"{ENTRY_ID}_flipbook_gone")},
    )
    account = device_registry.async_get_device_by_identifier(
        (DOMAIN, ENTRY_ID), ENTRY_ID
    )
    tracked = _flipbook_device(device_registry, CATALOG)
    assert account is not None
    assert tracked is not None
    client = await hass_ws_client(hass)

    for device, removable in ((account, False), (tracked, False), (stale, True)):
        await client.send_json_auto_id(
            {
                "type": "config/device_registry/remove",
                "device_id": device.id,
            }
        )
        response = await client.receive_json()
        assert response["success"] is removable
        assert (device_registry.async_get(device.id) is None) is removable

    # While the entry is not loaded nothing tracks its flipbooks; the next listing
    # brings a tracked one back.
    await hass.config_entries.async_unload(ENTRY_ID)
    await client.send_json_auto_id(
        {
            "type": "config/device_registry/remove",
            "device_id": tracked.id,
        }
    )
    assert (await client.receive_json())["success"]
    assert device_registry.async_get(tracked.id) is None


async def _async_setup_config(hass: HomeAssistant) -> bool:
    from homeassistant.setup import async_setup_component  # noqa: PLC0415

    return await async_setup_component(hass, "config", {})


@pytest.mark.usefixtures("flipbooks")
async def test_removing_the_entry_deletes_the_stored_figures(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hass_storage: dict[str, Any]
) -> None:
    """The figures kept on disk go with the entry."""
    entry = _entry(tracking="all")
    await setup_and_list(hass, freezer, entry)
    await hass.config_entries.async_unload(entry.entry_id)
    key = f"{DOMAIN}.{ENTRY_ID}.flipbooks"
    assert key in hass_storage

    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()

    assert key not in hass_storage


@pytest.mark.usefixtures("flipbooks")
async def test_damaged_storage_is_ignored(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    device_registry: dr.DeviceRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A damaged store starts afresh from a listing."""
    hass_storage[f"{DOMAIN}.{ENTRY_ID}.flipbooks"] = {
        "version": 1,
        "key": f"{DOMAIN}.{ENTRY_ID}.flipbooks",
        "data": {"tracking": "all", "flipbooks": {"x": {"title": 1}}},
    }
    entry = _entry(tracking="all")
    await setup_and_list(hass, freezer, entry)

    assert entry.state is ConfigEntryState.LOADED
    assert "damaged" in caplog.text
    assert _flipbook_device(device_registry, CATALOG) is not None


@pytest.mark.usefixtures("flipbooks")
async def test_diagnostics_count_without_naming_flipbooks(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
) -> None:
    """Diagnostics tell the mode, counts and the scheduler's figures, no titles or hashes."""
    entry = _entry(tracking="chosen", flipbooks=[CATALOG, PRICES])
    await setup_and_list(hass, freezer, entry)
    await advance_time(hass, freezer, FLIPBOOK_UPDATE_INTERVAL + timedelta(seconds=5))

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)

    assert diagnostics["flipbooks"]["tracking"] == Tracking.CHOSEN
    assert diagnostics["flipbooks"]["tracked"] == 2
    assert diagnostics["flipbooks"]["with_figures"] == 2
    assert diagnostics["flipbooks"]["cycle_minutes"] == 30
    assert diagnostics["scheduler"]["calls"] == 4
    assert diagnostics["scheduler"]["pauses"] == 0
    dumped = json.dumps(diagnostics)
    for secret in (API_KEY, API_SECRET, CATALOG, PRICES, "Spring catalog"):
        assert secret not in dumped


async def test_stored_figures_without_a_listing_are_shown_and_listed(
    hass: HomeAssistant,
    flipbooks: FakeFlipsnack,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    entity_registry: er.EntityRegistry,
) -> None:
    """Figures stored before any listing succeeded show at once; the listing follows."""
    fetched_at = dt_util.utcnow().isoformat()
    hass_storage[f"{DOMAIN}.{ENTRY_ID}.flipbooks"] = {
        "version": 1,
        "key": f"{DOMAIN}.{ENTRY_ID}.flipbooks",
        "data": {
            "tracking": "all",
            "chosen": [],
            "listed_at": None,
            "flipbooks": {
                CATALOG: {
                    "title": "Spring catalog",
                    "status": "public",
                    "figures": {
                        "impressions": 1,
                        "views": 99,
                        "time_spent": 3,
                        "downloads": 4,
                        "fetched_at": fetched_at,
                    },
                }
            },
        },
    }

    await setup_and_list(hass, freezer, _entry(tracking="all"))

    assert _state(hass, entity_registry, f"{ENTRY_ID}_{CATALOG}_views") == "99"
    assert "collection.getList" in _actions(flipbooks)


async def test_rotation_keeps_its_pace_however_long_an_update_takes(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The rotation's calls come evenly spread, and one update follows the other at once."""
    flipsnack.add_flipbooks(API_KEY, 40, status_cycle=["public"])
    await setup_and_list(hass, freezer, _entry(tracking="all"))

    # Second by second, so that the wait between two updates shows as it is.
    await advance_time(hass, freezer, FLIPBOOK_UPDATE_INTERVAL * 5, longest_step=1.0)
    fetched_at = [
        request.at
        for request in flipsnack.requests
        if request.params["action"] == "collection.getStats"
    ]
    assert len(fetched_at) == 40
    gaps = [later - earlier for earlier, later in itertools.pairwise(fetched_at)]
    spacing = 60 / FLIPBOOK_CALLS_PER_MINUTE
    assert spacing - 1e-6 <= min(gaps)
    # An update of 19 spread calls takes about a minute: the next one starts at once.
    assert max(gaps) <= spacing + 1
