"""Tests for the history import: daily figures into long-term statistics."""

from collections.abc import Iterator
from datetime import date, timedelta
import itertools
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.flipsnack.api import EndDate
from custom_components.flipsnack.history_plan import (
    import_duration,
    spare_calls_per_minute,
)
from custom_components.flipsnack.history_rows import ALL_TRACKED, write_rows

from . import advance_to_timers, setup_integration
from .call_windows import most_in_any_window
from .const import API_KEY
from .fake_flipsnack import FakeApiError, FakeFigures, FakeFlipsnack
from .history_harness import (
    BOOKS,
    DAYS,
    FIGURES,
    NOW,
    TODAY,
    add_books,
    backfill_calls,
    daily_figures,
    make_history_entry,
    rows_of,
    stats_days,
)


@pytest.fixture(name="history_entry")
def history_entry_fixture() -> MockConfigEntry:
    """Return the test entry tracking all flipbooks with 30 days of history."""
    return make_history_entry()


@pytest.fixture
def books(flipsnack: FakeFlipsnack, freezer: FrozenDateTimeFactory) -> FakeFlipsnack:
    """Give the account two flipbooks with figures on each of the last 45 days."""
    freezer.move_to(NOW)
    return add_books(flipsnack)


@pytest.mark.parametrize("inclusive", [True, False])
async def test_import_writes_each_day_once_either_way(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    books: FakeFlipsnack,
    history_entry: MockConfigEntry,
    inclusive: bool,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Each day's change is its figure, for each flipbook and for all together."""
    books.end_date_inclusive = inclusive
    caplog.set_level("INFO", logger="custom_components.flipsnack")
    await setup_integration(hass, history_entry)

    await advance_to_timers(hass, freezer, timedelta(minutes=15))

    history = history_entry.runtime_data.history
    assert history is not None
    expected_finding = EndDate.INCLUSIVE if inclusive else EndDate.EXCLUSIVE
    assert history.state.end_date is expected_finding
    assert history.progress == 100.0
    first_day = TODAY - timedelta(days=DAYS)
    window = [first_day + timedelta(days=n) for n in range(DAYS + 1)]
    all_rows = await rows_of(hass, "all_tracked")
    for number, flipbook_hash in enumerate(BOOKS, start=1):
        rows = await rows_of(hass, flipbook_hash)
        for figure in FIGURES:
            assert sorted(rows[figure]) == window
            changes = [rows[figure][day]["change"] for day in window[1:]]
            assert changes == [
                getattr(daily_figures(number, day), figure) for day in window[1:]
            ]
            # Cumulative since the window's first day: that day's sum is its figure.
            assert rows[figure][first_day]["sum"] == getattr(
                daily_figures(number, first_day), figure
            )
    for figure in FIGURES:
        assert [all_rows[figure][day]["change"] for day in window[1:]] == [
            sum(getattr(daily_figures(n, day), figure) for n in (1, 2))
            for day in window[1:]
        ]
    # Three calls find out what endDate means; then one for each flipbook-day of the
    # backfill, none twice.
    backfill = backfill_calls(books, before=TODAY)
    assert len(backfill) == len(set(backfill))
    messages = [r.getMessage() for r in caplog.records if r.levelname == "INFO"]
    assert len([m for m in messages if m.startswith("Importing")]) == 1
    assert len([m for m in messages if m.endswith("are imported")]) == 1


async def test_import_stays_within_the_budget(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    books: FakeFlipsnack,
    history_entry: MockConfigEntry,
) -> None:
    """With the rotation, the import never makes more than 20 calls a minute, 2 a second."""
    await setup_integration(hass, history_entry)

    await advance_to_timers(hass, freezer, timedelta(minutes=15))

    times = [request.at for request in books.requests]
    assert len(times) > 60
    assert most_in_any_window(times, 60.0) <= 20
    assert most_in_any_window(times, 1.0) <= 2


async def test_refetched_days_are_not_counted_twice(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    books: FakeFlipsnack,
    history_entry: MockConfigEntry,
) -> None:
    """Today's figures grow; tomorrow and after, the day is fetched again and replaced."""
    await setup_integration(hass, history_entry)
    await advance_to_timers(hass, freezer, timedelta(minutes=15))
    book = books.accounts[API_KEY].flipbooks[BOOKS[0]]
    book.daily[TODAY] = FakeFigures(1000, 500, 9000, 50)

    await advance_to_timers(hass, freezer, timedelta(days=2, hours=1))

    rows = (await rows_of(hass, BOOKS[0]))["views"]
    yesterday = TODAY - timedelta(days=1)
    assert rows[TODAY]["change"] == 500
    assert rows[TODAY]["sum"] - rows[yesterday]["sum"] == 500
    days = sorted(rows)
    for earlier, later in itertools.pairwise(days):
        assert rows[later]["sum"] - rows[earlier]["sum"] == rows[later]["change"]
    history = history_entry.runtime_data.history
    assert history is not None
    assert history.state.flipbooks[BOOKS[0]].final_day == TODAY
    # Fetched when new, a day old and final at two days old: three times, no more.
    assert stats_days(books).count((BOOKS[0], str(TODAY), str(TODAY))) == 3


async def test_all_tracked_rows_are_written_from_the_oldest_changed_day(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    books: FakeFlipsnack,
    history_entry: MockConfigEntry,
) -> None:
    """After the import, a day fetched again rewrites its all-tracked row and later ones.

    The rows before it keep their sums, so the recorder is not made to rewrite the
    whole window each time.
    """
    await setup_integration(hass, history_entry)
    await advance_to_timers(hass, freezer, timedelta(minutes=15))
    written: list[list[date]] = []

    def record(
        *args: Any, key: str, rows: list[tuple[date, Any]], **kwargs: Any
    ) -> None:
        if key == ALL_TRACKED:
            written.append([day for day, _ in rows])
        write_rows(*args, key=key, rows=rows, **kwargs)

    with patch("custom_components.flipsnack.history.write_rows", side_effect=record):
        await advance_to_timers(hass, freezer, timedelta(days=1, hours=1))

    assert written
    tomorrow = TODAY + timedelta(days=1)
    assert min(day for days in written for day in days) >= TODAY - timedelta(days=1)
    assert max(day for days in written for day in days) == tomorrow
    all_rows = (await rows_of(hass, ALL_TRACKED))["views"]
    days = sorted(all_rows)
    flipbooks = books.accounts[API_KEY].flipbooks
    for earlier, later in itertools.pairwise(days):
        assert all_rows[later]["sum"] - all_rows[earlier]["sum"] == sum(
            flipbooks[flipbook_hash].daily.get(later, FakeFigures(0, 0, 0, 0)).views
            for flipbook_hash in BOOKS
        )


async def test_resumes_after_a_reload(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    books: FakeFlipsnack,
    history_entry: MockConfigEntry,
) -> None:
    """A reload goes on from the stored progress: no backfilled day is asked again."""
    await setup_integration(hass, history_entry)
    await advance_to_timers(hass, freezer, timedelta(minutes=2))
    history = history_entry.runtime_data.history
    assert history is not None
    assert 0 < history.progress < 100

    await hass.config_entries.async_reload(history_entry.entry_id)
    await advance_to_timers(hass, freezer, timedelta(minutes=15))

    history = history_entry.runtime_data.history
    assert history is not None
    assert history.progress == 100.0
    backfill = backfill_calls(books, before=TODAY - timedelta(days=2))
    assert len(backfill) == len(set(backfill))
    rows = (await rows_of(hass, BOOKS[1]))["views"]
    first_day = TODAY - timedelta(days=DAYS)
    assert rows[first_day]["sum"] == daily_figures(2, first_day).views


async def test_undecided_end_date_writes_nothing(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipsnack: FakeFlipsnack,
    history_entry: MockConfigEntry,
) -> None:
    """Without readers the probe cannot tell: nothing is written, and it asks again."""
    freezer.move_to(NOW)
    flipsnack.add_flipbook(API_KEY, hash="quiet", title="Quiet", daily={})
    await setup_integration(hass, history_entry)

    await advance_to_timers(hass, freezer, timedelta(minutes=90))

    history = history_entry.runtime_data.history
    assert history is not None
    assert history.state.end_date is None
    assert (await rows_of(hass, "quiet"))["views"] == {}
    probes = [call for call in stats_days(flipsnack) if call[0] == "quiet"]
    assert len(probes) == 6  # twice three calls: at once, and an hour later


async def test_bad_answers_are_asked_again_not_written_as_zero(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    books: FakeFlipsnack,
    history_entry: MockConfigEntry,
) -> None:
    """A day whose answer lacks a figure is asked again later; 43 ends a flipbook."""
    bad_day = str(TODAY - timedelta(days=10))
    answers: Iterator[bool] = iter([True, True])
    original = books.actions["collection.getStats"]

    async def flaky(account: Any, params: dict[str, str]) -> Any:
        if params.get("collectionHash") == BOOKS[1]:
            raise FakeApiError(43, "Forbidden")
        data = await original(account, params)
        if params.get("startDate") == bad_day and next(answers, False):
            del data["views"]
        return data

    books.actions["collection.getStats"] = flaky
    await setup_integration(hass, history_entry)

    await advance_to_timers(hass, freezer, timedelta(minutes=10))
    rows = (await rows_of(hass, BOOKS[0]))["views"]
    assert date.fromisoformat(bad_day) not in rows
    assert TODAY - timedelta(days=11) not in rows

    # Asked again 15 minutes after each unusable answer: the third answer is good.
    await advance_to_timers(hass, freezer, timedelta(minutes=30))
    rows = (await rows_of(hass, BOOKS[0]))["views"]
    assert (
        rows[date.fromisoformat(bad_day)]["change"]
        == daily_figures(1, date.fromisoformat(bad_day)).views
    )
    assert (await rows_of(hass, BOOKS[1]))["views"] == {}
    history = history_entry.runtime_data.history
    assert history is not None
    assert history.diagnostics["ended"] == 1


async def test_progress_is_written_only_when_it_changes(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    books: FakeFlipsnack,
    history_entry: MockConfigEntry,
) -> None:
    """Once the import is complete, time passing within the day writes nothing."""
    await setup_integration(hass, history_entry)
    await advance_to_timers(hass, freezer, timedelta(minutes=15))

    with patch.object(Store, "_async_write_data") as write:
        await advance_to_timers(hass, freezer, timedelta(hours=2))

    written = [call.args[0] for call in write.call_args_list]
    assert not [path for path in written if path.endswith(".history")]


def test_import_duration_formula() -> None:
    """Flipbooks x days / spare calls a minute: 19 less the poll's and the rotation's."""
    # Ten flipbooks rotate every 30 minutes: a third of a call a minute.
    assert spare_calls_per_minute(10) == pytest.approx(19 - 1 - 10 / 30)
    assert import_duration(10, 90) == timedelta(minutes=51)  # 900 / 17.67, rounded up
    assert import_duration(100, 90) == timedelta(minutes=614)  # 9,000 / 14.67
    # The rotation takes the whole share: the import gets one slot in eleven.
    assert spare_calls_per_minute(2000) == pytest.approx(19 / 11)
