"""Tests for how the history import goes on: after a lost store, deleted rows, changes."""

from datetime import date, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.flipsnack.const import CONF_FLIPBOOKS, CONF_TRACKING, Tracking
from custom_components.flipsnack.history import HistoryImporter
from custom_components.flipsnack.history_rows import ALL_TRACKED

from . import advance_to_timers, setup_integration
from .const import API_KEY
from .fake_flipsnack import FakeApiError, FakeFlipsnack
from .history_harness import (
    BOOKS,
    DAYS,
    ENTRY_ID,
    FIGURES,
    NOW,
    TODAY,
    add_books,
    daily_figures,
    make_history_entry,
    rows_of,
    stat_id,
    stats_days,
)

STORE_KEY = f"flipsnack.{ENTRY_ID}.history"
FIRST_DAY = TODAY - timedelta(days=DAYS)


@pytest.fixture
def books(flipsnack: FakeFlipsnack, freezer: FrozenDateTimeFactory) -> FakeFlipsnack:
    """Give the account two flipbooks with figures on each of the last 45 days."""
    freezer.move_to(NOW)
    return add_books(flipsnack)


def importer(entry: MockConfigEntry) -> HistoryImporter:
    """Return the entry's running history import."""
    history = entry.runtime_data.history
    assert history is not None
    return history


async def imported(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, entry: MockConfigEntry
) -> None:
    """Set the entry up and let its import complete."""
    await setup_integration(hass, entry)
    await advance_to_timers(hass, freezer, timedelta(minutes=15))
    assert importer(entry).progress == 100.0


def assert_consistent(rows: dict[date, Any], number: int) -> None:
    """Each row's change is its day's views, and the first day's sum is its views.

    The fake's flipbooks have no views after the test's first day.
    """
    assert rows[FIRST_DAY]["sum"] == daily_figures(number, FIRST_DAY).views
    for day in sorted(rows)[1:]:
        views = daily_figures(number, day).views if day <= TODAY else 0
        assert rows[day]["change"] == views


def assert_all_tracked_consistent(rows: dict[date, Any]) -> None:
    """Each all-tracked row's change is both flipbooks' views, counted from FIRST_DAY."""
    assert rows[FIRST_DAY]["sum"] == sum(
        daily_figures(number, FIRST_DAY).views for number in (1, 2)
    )
    for day in sorted(rows)[1:]:
        assert rows[day]["change"] == sum(
            daily_figures(number, day).views if day <= TODAY else 0 for number in (1, 2)
        )


async def test_a_lost_store_goes_on_from_the_recorders_rows(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    books: FakeFlipsnack,
    hass_storage: dict[str, Any],
) -> None:
    """Without its store the import asks what endDate means again, and no old day."""
    entry = make_history_entry()
    await imported(hass, freezer, entry)
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    del hass_storage[STORE_KEY]
    calls_before = len(stats_days(books))

    await hass.config_entries.async_setup(entry.entry_id)
    await advance_to_timers(hass, freezer, timedelta(days=1))

    after = stats_days(books)[calls_before:]
    probe, later = after[:3], after[3:]
    assert len({call[0] for call in probe}) == 1
    # Only days the recorder's last final row does not cover: none older than that.
    last_final = TODAY - timedelta(days=2)
    assert later
    assert all(date.fromisoformat(call[1]) >= last_final for call in later)
    for number, flipbook_hash in enumerate(BOOKS, start=1):
        assert_consistent((await rows_of(hass, flipbook_hash))["views"], number)
    # The all-tracked sums go on from the recorder's too, not from zero again.
    assert_all_tracked_consistent((await rows_of(hass, ALL_TRACKED))["views"])


async def test_days_that_leave_the_window_leave_the_store(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    books: FakeFlipsnack,
    hass_storage: dict[str, Any],
) -> None:
    """The store holds the window's days only; all-tracked sums go on the same."""
    entry = make_history_entry()
    await imported(hass, freezer, entry)

    await advance_to_timers(hass, freezer, timedelta(days=5))
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()

    today = TODAY + timedelta(days=5)
    window_start = today - timedelta(days=DAYS)
    for stored in hass_storage[STORE_KEY]["data"]["flipbooks"].values():
        days = sorted(date.fromisoformat(day) for day in stored["daily"])
        assert days[0] == window_start
        assert date.fromisoformat(stored["earlier_until"]) == window_start - timedelta(
            days=1
        )
    assert_all_tracked_consistent((await rows_of(hass, ALL_TRACKED))["views"])

    # The next run reads the shortened store and its rows go on from the same sums.
    await hass.config_entries.async_setup(entry.entry_id)
    await advance_to_timers(hass, freezer, timedelta(days=2))
    assert importer(entry).state.flipbooks[BOOKS[0]].earlier_until >= window_start - (
        timedelta(days=1)
    )
    assert_all_tracked_consistent((await rows_of(hass, ALL_TRACKED))["views"])


async def test_deleted_rows_are_imported_again(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    books: FakeFlipsnack,
) -> None:
    """Rows deleted in Developer tools make the import start that flipbook afresh."""
    entry = make_history_entry()
    await imported(hass, freezer, entry)
    await hass.config_entries.async_unload(entry.entry_id)
    get_instance(hass).async_clear_statistics(
        [stat_id(BOOKS[1], figure) for figure in FIGURES]
    )
    calls_before = len(stats_days(books))

    await hass.config_entries.async_setup(entry.entry_id)
    await advance_to_timers(hass, freezer, timedelta(minutes=15))

    after = stats_days(books)[calls_before:]
    assert {call[0] for call in after if call[1] < str(TODAY)} == {BOOKS[1]}
    assert_consistent((await rows_of(hass, BOOKS[1]))["views"], 2)


async def test_a_damaged_store_starts_afresh(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    books: FakeFlipsnack,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A store that cannot be read is said once and the import starts again."""
    hass_storage[STORE_KEY] = {
        "version": 1,
        "key": STORE_KEY,
        "data": {"end_date": "inclusive", "days": DAYS, "flipbooks": {"x": {}}},
    }
    entry = make_history_entry()

    await imported(hass, freezer, entry)

    assert "history progress is damaged" in caplog.text
    assert_consistent((await rows_of(hass, BOOKS[0]))["views"], 1)


async def test_a_longer_window_imports_again(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    books: FakeFlipsnack,
) -> None:
    """From 30 days to 40, each flipbook gets the older days and consistent sums."""
    entry = make_history_entry()
    await imported(hass, freezer, entry)

    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "history_days": 40}
    )
    await hass.config_entries.async_reload(entry.entry_id)
    await advance_to_timers(hass, freezer, timedelta(minutes=15))

    rows = (await rows_of(hass, BOOKS[0]))["views"]
    first_day = TODAY - timedelta(days=40)
    assert min(rows) == first_day
    assert rows[first_day]["sum"] == daily_figures(1, first_day).views
    for day in sorted(rows)[1:]:
        assert rows[day]["change"] == daily_figures(1, day).views


async def test_an_untracked_flipbook_keeps_its_rows(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    books: FakeFlipsnack,
) -> None:
    """Deleted in Flipsnack: its rows stay and all tracked flipbooks go on without it."""
    entry = make_history_entry()
    await imported(hass, freezer, entry)
    books.remove_flipbook(API_KEY, BOOKS[1])

    await advance_to_timers(hass, freezer, timedelta(minutes=40))

    assert BOOKS[1] not in importer(entry).state.flipbooks
    assert_consistent((await rows_of(hass, BOOKS[1]))["views"], 2)
    all_tracked = (await rows_of(hass, "all_tracked"))["views"]
    assert all_tracked[FIRST_DAY]["sum"] == daily_figures(1, FIRST_DAY).views


async def test_a_chosen_list_without_a_flipbook_keeps_its_rows(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    books: FakeFlipsnack,
) -> None:
    """No longer chosen: the reload leaves its rows and its progress behind."""
    entry = make_history_entry()
    await imported(hass, freezer, entry)

    hass.config_entries.async_update_entry(
        entry,
        options={
            **entry.options,
            CONF_TRACKING: Tracking.CHOSEN,
            CONF_FLIPBOOKS: [BOOKS[0]],
        },
    )
    await hass.config_entries.async_reload(entry.entry_id)
    await advance_to_timers(hass, freezer, timedelta(minutes=5))

    assert set(importer(entry).state.flipbooks) == {BOOKS[0]}
    assert_consistent((await rows_of(hass, BOOKS[1]))["views"], 2)


async def test_failed_calls_wait_and_go_on(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    books: FakeFlipsnack,
) -> None:
    """Maintenance stops the probe and the import for a while; then they go on.

    The fake counts the dated calls it answers before it is in maintenance again, so
    what the import has done does not depend on how fast the machine is.
    """
    answered_before_maintenance: int | None = 0  # None: no maintenance
    answer = books.actions["collection.getStats"]

    async def dated_in_maintenance(account: Any, params: dict[str, str]) -> Any:
        nonlocal answered_before_maintenance
        if "startDate" in params and answered_before_maintenance is not None:
            if answered_before_maintenance <= 0:
                raise FakeApiError(22, "Maintenance mode")
            answered_before_maintenance -= 1
        return await answer(account, params)

    books.actions["collection.getStats"] = dated_in_maintenance
    entry = make_history_entry()
    await setup_integration(hass, entry)
    await advance_to_timers(hass, freezer, timedelta(minutes=3))
    assert importer(entry).state.end_date is None

    # The probe's three calls and 20 of the 62 the import needs, then maintenance; a
    # failed call makes the import wait five minutes.
    answered_before_maintenance = 23
    await advance_to_timers(hass, freezer, timedelta(minutes=10))
    assert importer(entry).state.end_date is not None
    progress = importer(entry).progress
    assert 0 < progress < 100
    await advance_to_timers(hass, freezer, timedelta(minutes=10))
    assert importer(entry).progress == progress

    answered_before_maintenance = None
    await advance_to_timers(hass, freezer, timedelta(minutes=20))
    assert importer(entry).progress == 100.0
    assert_consistent((await rows_of(hass, BOOKS[0]))["views"], 1)


async def test_a_rate_limit_pauses_the_import_and_loses_no_day(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    books: FakeFlipsnack,
) -> None:
    """Code 32 on a day's call: every call pauses, then that day is asked again."""
    limited_day = str(TODAY - timedelta(days=5))
    limits = iter([True])
    answer = books.actions["collection.getStats"]

    async def limited_once(account: Any, params: dict[str, str]) -> Any:
        if params.get("startDate") == limited_day and next(limits, False):
            raise FakeApiError(32, "Requests per minute limit exceeded")
        return await answer(account, params)

    books.actions["collection.getStats"] = limited_once
    entry = make_history_entry()

    await imported(hass, freezer, entry)

    asked = [call for call in stats_days(books) if call[1] == limited_day]
    assert len(asked) == 3  # one refused, then each flipbook's day
    for number, flipbook_hash in enumerate(BOOKS, start=1):
        assert_consistent((await rows_of(hass, flipbook_hash))["views"], number)
