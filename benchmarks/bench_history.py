"""The history import at scale: every flipbook's daily figures, in simulated time.

An entry tracks all flipbooks of an account and imports their days into the recorder
(an in-memory SQLite database, as in the tests). A twin entry, with another API key
and as many flipbooks, tracks them without history in the same simulated time: each
key has its own scheduler, so the twin's rotation is what the first entry's would be
without the import. Every call the fake answers is recorded with the simulated time it
arrived at; the import is complete when its progress reaches 100 %.
"""

from datetime import UTC, datetime, timedelta
import gc
import tracemalloc

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.flipsnack.history import HistoryImporter
from custom_components.flipsnack.history_plan import import_duration
from tests.call_windows import most_in_any_window
from tests.const import API_KEY, OTHER_API_KEY, OTHER_API_SECRET
from tests.fake_flipsnack import FakeFigures, FakeFlipsnack
from tests.history_harness import rotation_cycles

from . import (
    HISTORY_MEMORY_RESULTS,
    HISTORY_RESULTS,
    HistoryMemoryResult,
    HistoryResult,
    SetUp,
    Spread,
    Stepping,
    fail_on_broken_limits,
    forget_test_doubles,
    pass_time,
    set_up_all_tracking,
    snapshot_without_test_doubles,
    wall_clock,
)

# Flipbooks and days; the smallest case is the one `scripts/benchmark --short` runs.
CASES = [
    pytest.param(100, 90, id="100x90"),
    pytest.param(10, 60, id="10x60"),
]
# With 1,000 flipbooks the rotation takes the whole share and the import one spread slot
# in eleven: 290 simulated hours for 90 days. Its first two show the rotation's cycle.
FULL_SHARE_FLIPBOOKS = 1000
FULL_SHARE_HOURS = 2.0
FULL_SHARE = pytest.param(FULL_SHARE_FLIPBOOKS, 90, id="1000x90-2h")
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
HISTORY_ENTRY = "01JFLIPSNACKBENCHHISTORY00"
TWIN_ENTRY = "01JFLIPSNACKBENCHTWIN00000"
GET_STATS = "collection.getStats"
COMPLETE = 100.0  # percent


def _give_days(fake: FakeFlipsnack, api_key: str, count: int, days: int) -> None:
    """Give an account count flipbooks with made-up figures on each of days + 10 days."""
    for number, flipbook in enumerate(
        fake.add_flipbooks(api_key, count, status_cycle=["public"]), start=1
    ):
        flipbook.daily = {
            NOW.date() - timedelta(days=age): FakeFigures(
                impressions=10 * number + age % 11,
                views=1 + (number + age) % 7,
                time_spent=30 * number + age,
                downloads=(number * age) % 3,
            )
            for age in range(days + 10)
        }


def _importer(set_up: SetUp) -> HistoryImporter:
    """Return the entry's history import, which must have started."""
    history: HistoryImporter | None = set_up.entry.runtime_data.history
    if history is None:
        pytest.fail("The entry did not start its history import")
    return history


async def _import_until_complete(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fake: FakeFlipsnack,
    history: HistoryImporter,
    *,
    started_at: float,
    limit: float,
    stepping: Stepping,
    forget: bool = False,
    give_up: bool = False,
) -> float:
    """Let simulated time pass a minute at a time until the import is complete.

    Returns the simulated seconds from started_at to then, or to limit when give_up
    says that the import need not be complete by then. With forget, what the test
    doubles keep is dropped every minute, so that it does not count as memory, and the
    recorder writes the rows of each minute before the next begins, as it does in real
    time: simulated time would otherwise queue hours of them.
    """
    while history.progress < COMPLETE:
        if fake.clock() - started_at >= limit:
            if give_up:
                break
            pytest.fail(
                f"The import is at {history.progress:.1f} %"
                f" after {limit / 3600:.1f} simulated hours"
            )
        await pass_time(hass, freezer, timedelta(minutes=1), stepping)
        if forget:
            await async_wait_recording_done(hass)
            forget_test_doubles(fake)
    return fake.clock() - started_at


@pytest.mark.parametrize(("flipbooks", "days"), [*CASES, FULL_SHARE])
async def bench_history(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    freezer: FrozenDateTimeFactory,
    stepping: Stepping,
    request: pytest.FixtureRequest,
    flipbooks: int,
    days: int,
) -> None:
    """Import days of flipbooks' figures beside a twin that imports nothing.

    The case of the full share stops after FULL_SHARE_HOURS, the others when the
    import is complete.
    """
    run_started = wall_clock()
    freezer.move_to(NOW)
    flipsnack.add_account(OTHER_API_KEY, OTHER_API_SECRET)
    for api_key in (API_KEY, OTHER_API_KEY):
        _give_days(flipsnack, api_key, flipbooks, days)

    set_up = await set_up_all_tracking(
        hass, freezer, flipsnack, stepping, entry_id=HISTORY_ENTRY, history_days=days
    )
    await set_up_all_tracking(
        hass,
        freezer,
        flipsnack,
        stepping,
        credentials=(OTHER_API_KEY, OTHER_API_SECRET),
        entry_id=TWIN_ENTRY,
    )
    history = _importer(set_up)
    estimate = import_duration(flipbooks, days).total_seconds()
    full_share = flipbooks == FULL_SHARE_FLIPBOOKS
    measured = await _import_until_complete(
        hass,
        freezer,
        flipsnack,
        history,
        started_at=set_up.started_at,
        limit=FULL_SHARE_HOURS * 3600 if full_share else 2 * estimate + 3600,
        stepping=stepping,
        give_up=full_share,
    )
    recorder_started = wall_clock()
    await async_wait_recording_done(hass)
    recorder_seconds = wall_clock() - recorder_started

    until = set_up.started_at + measured
    sent = {
        api_key: [
            r
            for r in flipsnack.requests
            if r.params.get("apiKey") == api_key and r.at <= until
        ]
        for api_key in (API_KEY, OTHER_API_KEY)
    }
    importing = sent[API_KEY]
    times = [r.at for r in importing]
    stats_calls = [r for r in importing if r.params.get("action") == GET_STATS]
    result = HistoryResult(
        flipbooks=flipbooks,
        days=days,
        stepping=stepping,
        calls=len(importing),
        import_calls=sum(1 for r in stats_calls if "startDate" in r.params),
        rotation_calls=sum(1 for r in stats_calls if "startDate" not in r.params),
        measured=measured,
        complete=history.progress >= COMPLETE,
        estimate=estimate,
        most_per_minute=most_in_any_window(times, 60),
        most_per_second=most_in_any_window(times, 1),
        cycle=Spread.of(rotation_cycles(importing, until=until)),
        twin_cycle=Spread.of(rotation_cycles(sent[OTHER_API_KEY], until=until)),
        throttled=set_up.entry.runtime_data.scheduler.stats.pauses,
        recorder_seconds=recorder_seconds,
        run_seconds=wall_clock() - run_started,
    )
    request.config.stash.setdefault(HISTORY_RESULTS, []).append(result)

    fail_on_broken_limits(
        result.most_per_minute,
        result.most_per_second,
        result.throttled,
    )


@pytest.mark.parametrize(("flipbooks", "days"), CASES)
async def bench_history_memory(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    freezer: FrozenDateTimeFactory,
    stepping: Stepping,
    request: pytest.FixtureRequest,
    flipbooks: int,
    days: int,
) -> None:
    """Trace the memory of the import, without the twin; apart, as tracing is slow."""
    freezer.move_to(NOW)
    _give_days(flipsnack, API_KEY, flipbooks, days)
    gc.collect()
    tracemalloc.start()
    try:
        baseline = tracemalloc.take_snapshot()
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        set_up = await set_up_all_tracking(
            hass,
            freezer,
            flipsnack,
            stepping,
            entry_id=HISTORY_ENTRY,
            history_days=days,
        )
        history = _importer(set_up)
        estimate = import_duration(flipbooks, days).total_seconds()
        await _import_until_complete(
            hass,
            freezer,
            flipsnack,
            history,
            started_at=set_up.started_at,
            limit=2 * estimate + 3600,
            stepping=stepping,
            forget=True,
        )
        await async_wait_recording_done(hass)
        _, peak = tracemalloc.get_traced_memory()
        snapshot = snapshot_without_test_doubles(flipsnack)
    finally:
        tracemalloc.stop()
    held = sum(stat.size_diff for stat in snapshot.compare_to(baseline, "filename"))
    request.config.stash.setdefault(HISTORY_MEMORY_RESULTS, []).append(
        HistoryMemoryResult(
            flipbooks=flipbooks,
            days=days,
            peak_bytes=peak - before,
            held_bytes=held,
        )
    )
