"""How the integration scales with the number of tracked flipbooks.

For each count an entry tracks "all" flipbooks of the fake account and two hours pass in
simulated time. Every call the fake answers is recorded with the simulated time it arrived
at; the windows and the refresh cycle are measured from those records.
"""

from collections import Counter, defaultdict
from datetime import timedelta
import gc
import itertools
import tracemalloc

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest

from custom_components.flipsnack.const import flipbook_cycle
from tests.call_windows import most_in_any_window
from tests.const import API_KEY
from tests.fake_flipsnack import FakeFlipsnack

from . import (
    MEMORY_RESULTS,
    SCALE_RESULTS,
    MemoryResult,
    ScaleResult,
    Spread,
    Stepping,
    fail_on_broken_limits,
    pass_time,
    record_calls,
    set_up_all_tracking,
    snapshot_without_test_doubles,
    wall_clock,
)

COUNTS = [0, 100, 500, 1000]
SIMULATED = timedelta(hours=2)
GET_STATS = "collection.getStats"


@pytest.mark.parametrize("count", COUNTS)
async def bench_scale(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    freezer: FrozenDateTimeFactory,
    stepping: Stepping,
    request: pytest.FixtureRequest,
    count: int,
) -> None:
    """Track `count` flipbooks for two simulated hours from async_setup on."""
    run_started = wall_clock()
    flipsnack.add_flipbooks(API_KEY, count, status_cycle=["public"])
    calls = record_calls(flipsnack)

    set_up = await set_up_all_tracking(hass, freezer, flipsnack, stepping)
    calls_at_setup = len(calls)
    if len(set_up.coordinator.data.flipbooks) != count:
        pytest.fail(f"{len(set_up.coordinator.data.flipbooks)} flipbooks listed")
    await pass_time(
        hass,
        freezer,
        SIMULATED - timedelta(seconds=flipsnack.clock() - set_up.started_at),
        stepping,
    )

    times = [call.at for call in calls]
    refreshed: defaultdict[str, list[float]] = defaultdict(list)
    for call in calls:
        if call.action == GET_STATS and call.flipbook_hash is not None:
            refreshed[call.flipbook_hash].append(call.at)
    intervals = [
        later - earlier
        for at in refreshed.values()
        for earlier, later in itertools.pairwise(at)
    ]
    all_figures_after = None
    if count and len(refreshed) == count:
        first_figures = max(at[0] for at in refreshed.values())
        all_figures_after = (first_figures - set_up.started_at) / 60
    result = ScaleResult(
        flipbooks=count,
        stepping=stepping,
        simulated_hours=(flipsnack.clock() - set_up.started_at) / 3600,
        calls_at_setup=calls_at_setup,
        listed_after=set_up.listed_after,
        most_per_minute=most_in_any_window(times, 60),
        most_per_second=most_in_any_window(times, 1),
        calls=len(calls),
        calls_by_action=dict(Counter(call.action for call in calls)),
        expected_cycle=flipbook_cycle(count).total_seconds() / 60,
        cycle=Spread.of(intervals),
        all_figures_after=all_figures_after,
        setup_seconds=set_up.setup_seconds,
        listed_seconds=set_up.listed_seconds,
        throttled=set_up.entry.runtime_data.scheduler.stats.pauses,
        rejected=len(flipsnack.requests) - len(calls),
        run_seconds=wall_clock() - run_started,
    )
    request.config.stash.setdefault(SCALE_RESULTS, []).append(result)

    fail_on_broken_limits(
        result.most_per_minute,
        result.most_per_second,
        result.throttled,
        **{"requests the fake rejected": result.rejected},
    )


@pytest.mark.parametrize("count", COUNTS)
async def bench_memory(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    freezer: FrozenDateTimeFactory,
    stepping: Stepping,
    request: pytest.FixtureRequest,
    count: int,
) -> None:
    """Trace what the setup and a full cycle of `count` flipbooks leave allocated.

    Apart from the scale run, since tracing slows down every allocation.
    """
    flipsnack.add_flipbooks(API_KEY, count, status_cycle=["public"])
    gc.collect()
    tracemalloc.start()
    try:
        baseline = tracemalloc.take_snapshot()
        set_up = await set_up_all_tracking(hass, freezer, flipsnack, stepping)
        coordinator = set_up.coordinator
        # Each listing replaces the dict of figures: look it up each time.
        while len(coordinator.data.figures) < count:
            if flipsnack.clock() - set_up.started_at > SIMULATED.total_seconds():
                pytest.fail("Not every flipbook had figures after two hours")
            await pass_time(hass, freezer, timedelta(minutes=1), stepping)
        simulated_minutes = (flipsnack.clock() - set_up.started_at) / 60
        snapshot = snapshot_without_test_doubles(flipsnack)
    finally:
        tracemalloc.stop()
    traced = sum(stat.size_diff for stat in snapshot.compare_to(baseline, "filename"))
    request.config.stash.setdefault(MEMORY_RESULTS, []).append(
        MemoryResult(
            flipbooks=count,
            traced_bytes=traced,
            simulated_minutes=simulated_minutes,
        )
    )
