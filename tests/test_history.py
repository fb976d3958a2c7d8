"""Tests for the history import: daily figures into long-term statistics."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
import itertools
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.statistics import statistics_during_period
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.flipsnack.api import EndDate
from custom_components.flipsnack.const import (
    CONF_HISTORY_DAYS,
    CONF_TRACKING,
    DOMAIN,
    Tracking,
)
from custom_components.flipsnack.history_plan import (
    import_duration,
    spare_calls_per_minute,
)
from custom_components.flipsnack.history_rows import statistic_id

from . import advance_to_timers, setup_integration
from .const import API_KEY, API_SECRET
from .fake_flipsnack import FakeApiError, FakeFigures, FakeFlipsnack

ENTRY_ID = "01JFLIPSNACKTESTENTRY00000"
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
DAYS = 30
BOOKS = ("spring-catalog", "price-list")
FIGURES = ("impressions", "views", "time_spent", "downloads")


def daily_figures(number: int, day: date) -> FakeFigures:
    """Return made-up figures of flipbook number on day, different on every day."""
    offset = (TODAY - day).days
    return FakeFigures(
        impressions=100 * number + offset,
        views=10 * number + offset % 7,
        time_spent=60 * number + 3 * offset,
        downloads=(number + offset) % 3,
    )


def stat_id(key: str, figure: str) -> str:
    """Return the id of one figure's statistic of the test entry."""
    return statistic_id(ENTRY_ID, key, figure)


@pytest.fixture
def history_entry() -> MockConfigEntry:
    """Return the test entry tracking all flipbooks with 30 days of history."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Flipsnack …7832",
        data={"api_key": API_KEY, "api_secret": API_SECRET},
        options={CONF_TRACKING: Tracking.ALL, CONF_HISTORY_DAYS: DAYS},
        entry_id=ENTRY_ID,
    )


@pytest.fixture
def books(flipsnack: FakeFlipsnack, freezer: FrozenDateTimeFactory) -> FakeFlipsnack:
    """Give the account two flipbooks with figures on each of the last 45 days."""
    freezer.move_to(NOW)
    for number, flipbook_hash in enumerate(BOOKS, start=1):
        flipsnack.add_flipbook(
            API_KEY,
            hash=flipbook_hash,
            title=flipbook_hash.replace("-", " ").capitalize(),
            daily={
                TODAY - timedelta(days=offset): daily_figures(
                    number, TODAY - timedelta(days=offset)
                )
                for offset in range(45)
            },
        )
    return flipsnack


async def rows_of(hass: HomeAssistant, key: str) -> dict[str, dict[date, Any]]:
    """Return each figure's rows of key by day: sum and change."""
    await async_wait_recording_done(hass)
    ids = {stat_id(key, figure) for figure in FIGURES}
    result = await get_instance(hass).async_add_executor_job(
        statistics_during_period,
        hass,
        NOW - timedelta(days=400),
        None,
        ids,
        "day",
        None,
        {"sum", "change"},
    )
    return {
        figure: {
            dt_util.as_local(dt_util.utc_from_timestamp(row["start"])).date(): row
            for row in result.get(stat_id(key, figure), [])
        }
        for figure in FIGURES
    }


def stats_days(fake: FakeFlipsnack) -> list[tuple[str, str, str]]:
    """Return the hash, startDate and endDate of every collection.getStats call."""
    return [
        (
            request.params["collectionHash"],
            request.params.get("startDate", ""),
            request.params.get("endDate", ""),
        )
        for request in fake.requests
        if request.params.get("action") == "collection.getStats"
        and "startDate" in request.params
    ]


def backfill_calls(fake: FakeFlipsnack, *, before: date) -> list[tuple[str, str, str]]:
    """Return the import's calls for days before a day, after the endDate probe's three.

    The probe asks day D, day D+1 and D..D+1 of one flipbook, D three days back, once
    for the entry.
    """
    calls = stats_days(fake)
    probe_day = str(TODAY - timedelta(days=3))
    next_day = str(TODAY - timedelta(days=2))
    assert [call[1] for call in calls[:3]] == [probe_day, next_day, probe_day]
    assert [call[1] for call in calls[3:]].count(probe_day) <= 2  # once per flipbook
    return [call for call in calls[3:] if call[1] < str(before)]


def max_in_window(times: list[float], seconds: float) -> int:
    """Return the most calls in any window of seconds."""
    most = 0
    for index, start in enumerate(times):
        most = max(most, sum(1 for t in times[index:] if t < start + seconds))
    return most


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
    assert max_in_window(times, 60.0) <= 20
    assert max_in_window(times, 1.0) <= 2


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
