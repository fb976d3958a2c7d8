"""Benchmarks of the Flipsnack integration, run with scripts/benchmark.

They print figures and are no part of the test suite: pytest's `testpaths` leaves them
out, and their files are named bench_*.py so that no test run collects them by accident.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
import gc
import math
import statistics
import tracemalloc
from typing import Any

import freezegun.api
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import storage
from homeassistant.util.async_ import get_scheduled_timer_handles
import pytest
from pytest_homeassistant_custom_component import patch_recorder
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed_exact,
)

from tests import _settle, advance_time, cloud_stub
from tests.const import API_KEY, API_SECRET
from tests.fake_flipsnack import FakeAccount, FakeFlipsnack

# Importing tests installed the stand-in of Home Assistant Cloud, which the integration
# imports, where cloud's own requirements are not installed.
cloud_stub.install_if_needed()

from custom_components.flipsnack.const import (  # noqa: E402 - after the stand-in
    CONF_HISTORY_DAYS,
    CONF_TRACKING,
    DOMAIN,
    Tracking,
)
from custom_components.flipsnack.coordinator import (  # noqa: E402 - after the stand-in
    FlipsnackFlipbooksCoordinator,
)
from custom_components.flipsnack.scheduler import (  # noqa: E402 - after the stand-in
    CALLS_PER_MINUTE,
    CALLS_PER_SECOND,
)


def wall_clock() -> float:
    """Return the real performance counter, in seconds, even while time is frozen.

    freezegun replaces time.perf_counter, and every module attribute that refers to it,
    while the `freezer` fixture runs; only its own module keeps the real one.
    """
    return freezegun.api.real_perf_counter()


class Stepping(StrEnum):
    """How the benchmarks let simulated time pass."""

    # From one pending timer to the next, exactly: the scheduler's slots and the
    # coordinators' intervals are taken when they fall due, as on a real clock.
    TIMERS = "timers"
    # The tests' advance_time: 1 s steps while a call waits for the scheduler, 20 s
    # steps otherwise. The limits hold just as well, but a slot that frees 1.05 s after
    # a call is taken at the next whole step, 2 s after it, and a timer may fire up to
    # 20 s late: the refresh cycle comes out longer than on a real clock.
    ADVANCE_TIME = "advance_time"


async def pass_time(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    delta: timedelta,
    stepping: Stepping,
) -> None:
    """Let `delta` of simulated time pass, stepping as chosen."""
    if stepping is Stepping.ADVANCE_TIME:
        await advance_time(hass, freezer, delta)
        return
    loop = hass.loop
    end = loop.time() + delta.total_seconds()
    # As in advance_time: time moves only once every update has finished or waits for
    # the scheduler, whose slots only simulated time frees.
    await _settle(hass)
    while (now := loop.time()) < end:
        # Nothing runs until a timer falls due: leap to the first one, or to the end.
        due = min(
            (
                handle.when()
                for handle in get_scheduled_timer_handles(loop)
                if not handle.cancelled()
            ),
            default=end,
        )
        # The frozen clock counts whole microseconds: round up, so that the timer is due.
        step = math.ceil((min(due, end) - now) * 1_000_000)
        freezer.tick(timedelta(microseconds=max(step, 1)))
        async_fire_time_changed_exact(hass)
        await _settle(hass)


@dataclass(frozen=True, slots=True)
class Call:
    """A call the fake answered, at the simulated time it arrived."""

    at: float  # the fake's clock: the frozen monotonic clock, as the scheduler's
    action: str
    flipbook_hash: str | None


type Handler = Callable[[FakeAccount, dict[str, str]], Awaitable[Any]]


def record_calls(fake: FakeFlipsnack) -> list[Call]:
    """Record every call the fake answers from now on, with its simulated time.

    Requests the fake rejects before an action runs (a broken rate limit, a bad
    signature) are not recorded; they show as more requests than calls.
    """
    calls: list[Call] = []

    def recorded(action: str, handler: Handler) -> Handler:
        async def record(account: FakeAccount, params: dict[str, str]) -> Any:
            calls.append(Call(fake.clock(), action, params.get("collectionHash")))
            return await handler(account, params)

        return record

    for action, handler in list(fake.actions.items()):
        fake.actions[action] = recorded(action, handler)
    return calls


@dataclass(frozen=True, kw_only=True, slots=True)
class SetUp:
    """A benchmark entry after its setup and its first listing."""

    entry: MockConfigEntry
    coordinator: FlipsnackFlipbooksCoordinator
    started_at: float  # simulated, the fake's clock at async_setup
    listed_after: float  # simulated seconds from async_setup to the finished listing
    setup_seconds: float  # wall clock of async_setup, without the listing
    listed_seconds: float  # wall clock from async_setup until the listing is in


async def set_up_all_tracking(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fake: FakeFlipsnack,
    stepping: Stepping,
    *,
    credentials: tuple[str, str] = (API_KEY, API_SECRET),
    entry_id: str = "01JFLIPSNACKBENCHENTRY0000",
    history_days: int = 0,
) -> SetUp:
    """Set up an entry that tracks all flipbooks, and let its first listing finish.

    Args:
        hass: Home Assistant.
        freezer: The frozen clock.
        fake: The fake Flipsnack, which knows the account of credentials.
        stepping: How simulated time passes.
        credentials: The API key and secret of the entry's account.
        entry_id: The id of the entry, one per entry of the run.
        history_days: Days of history to import; 0 leaves history off.
    """
    api_key, api_secret = credentials
    options: dict[str, object] = {CONF_TRACKING: Tracking.ALL}
    if history_days:
        options[CONF_HISTORY_DAYS] = history_days
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=f"Flipsnack …{api_key[-4:]}",
        data={"api_key": api_key, "api_secret": api_secret},
        options=options,
        entry_id=entry_id,
    )
    entry.add_to_hass(hass)
    started_at = fake.clock()
    setup_started = wall_clock()
    set_up = await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    setup_seconds = wall_clock() - setup_started
    coordinator = entry.runtime_data.flipbooks if set_up else None
    if coordinator is None:
        pytest.fail(f"The entry did not set up: {entry.state}, {entry.reason}")
    # The listing runs in the background; its pages wait for the scheduler.
    while coordinator.data.listed_at is None:
        await pass_time(hass, freezer, timedelta(seconds=1), stepping)
    return SetUp(
        entry=entry,
        coordinator=coordinator,
        started_at=started_at,
        listed_after=fake.clock() - started_at,
        setup_seconds=setup_seconds,
        listed_seconds=wall_clock() - setup_started,
    )


def fail_on_broken_limits(
    most_per_minute: int, most_per_second: int, throttled: int, **others: int
) -> None:
    """Fail the run if a limit broke; the figures are printed whatever they are.

    Args:
        most_per_minute: The most calls in any 60 s.
        most_per_second: The most calls in any 1 s.
        throttled: The rate-limit pauses Flipsnack asked for.
        others: More counts that must stay 0, by what they count.
    """
    limits = (
        ("most calls in 60 s", most_per_minute, CALLS_PER_MINUTE),
        ("most calls in 1 s", most_per_second, CALLS_PER_SECOND),
        ("rate-limit pauses", throttled, 0),
        *((name, value, 0) for name, value in others.items()),
    )
    broken = [
        f"{name}: {value} > {limit}" for name, value, limit in limits if value > limit
    ]
    if broken:
        pytest.fail(", ".join(broken))


def forget_test_doubles(fake: FakeFlipsnack) -> None:
    """Drop what the test doubles keep and no installation has.

    The fake's list of requests; the calls the mocked storage records, each with the
    data it wrote; and, with the recorder set up, the calls of the mock that wraps its
    database sessions, each with its arguments.
    """
    fake.requests.clear()
    storage.Store._async_write_data.reset_mock()  # type: ignore[attr-defined]  # noqa: SLF001
    # An autospec mock of a function: a function with the mock's reset_mock.
    if (
        reset := getattr(patch_recorder.real_session_scope, "reset_mock", None)
    ) is not None:
        reset()


def snapshot_without_test_doubles(fake: FakeFlipsnack) -> tracemalloc.Snapshot:
    """Take a snapshot of what Home Assistant and the integration hold.

    Left out, as no installation has them: what forget_test_doubles drops, and the
    parsed copy of every stored file that the mocked storage keeps where Home Assistant
    writes to disk.
    """
    forget_test_doubles(fake)
    gc.collect()
    return tracemalloc.take_snapshot().filter_traces(
        [
            tracemalloc.Filter(inclusive=False, filename_pattern=pattern)
            for pattern in (
                "*/homeassistant/util/json.py",
                "*/tests/fake_flipsnack.py",
                "*/benchmarks/*",
            )
        ]
    )


@dataclass(frozen=True, slots=True)
class Spread:
    """The smallest, median and largest of some durations, in minutes."""

    count: int
    low: float
    median: float
    high: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Spread | None:
        """Describe durations given in seconds; None when there are none."""
        if not seconds:
            return None
        minutes = [value / 60 for value in seconds]
        return cls(len(minutes), min(minutes), statistics.median(minutes), max(minutes))


@dataclass(frozen=True, kw_only=True, slots=True)
class ScaleResult:
    """What one run of the scale benchmark measured."""

    flipbooks: int
    stepping: Stepping
    simulated_hours: float
    calls_at_setup: int
    listed_after: float  # simulated seconds from async_setup to the finished listing
    most_per_minute: int  # in any 60 s window
    most_per_second: int  # in any 1 s window
    calls: int  # in the simulated time, the setup included
    calls_by_action: dict[str, int]
    expected_cycle: float  # minutes, flipbook_cycle(flipbooks)
    cycle: Spread | None  # between two refreshes of the same flipbook
    all_figures_after: float | None  # minutes until every flipbook had figures once
    setup_seconds: float  # wall clock of async_setup, without the listing
    listed_seconds: float  # wall clock from async_setup until the listing is in
    throttled: int  # rate-limit pauses the scheduler took
    rejected: int  # requests the fake rejected before any action ran
    run_seconds: float  # wall clock of the whole run


@dataclass(frozen=True, kw_only=True, slots=True)
class MemoryResult:
    """The memory an entry holds after its setup and a full cycle."""

    flipbooks: int
    traced_bytes: int
    simulated_minutes: float

    @property
    def per_flipbook(self) -> float | None:
        """Return the memory per flipbook, in bytes."""
        return self.traced_bytes / self.flipbooks if self.flipbooks else None


@dataclass(frozen=True, kw_only=True, slots=True)
class OverheadResult:
    """One flipbook refresh through the integration against one raw signed request."""

    integration: Sequence[float]  # seconds
    raw: Sequence[float]  # seconds

    @property
    def ratio(self) -> float:
        """Return how many times longer the integration's refresh takes (medians)."""
        return statistics.median(self.integration) / statistics.median(self.raw)


@dataclass(frozen=True, kw_only=True, slots=True)
class StoreResult:
    """How often the flipbook figures were written to disk."""

    flipbooks: int
    growing: bool  # whether every flipbook's figures grew every minute
    simulated_hours: float  # measured, after the first hour
    writes: int

    @property
    def per_hour(self) -> float:
        """Return the writes per simulated hour."""
        return self.writes / self.simulated_hours


@dataclass(frozen=True, kw_only=True, slots=True)
class InteractiveResult:
    """How long the requests a person waits for waited for their slots."""

    flipbooks: int
    stepping: Stepping
    simulated_hours: float
    action_waits: Sequence[float]  # seconds, one per action
    listing_waits: Sequence[float]  # seconds, one per page of the flow's listings
    rotation_calls: int  # the rotation's calls meanwhile

    @property
    def rotation_per_minute(self) -> float:
        """Return the rotation's calls per simulated minute."""
        return self.rotation_calls / (self.simulated_hours * 60)


@dataclass(frozen=True, kw_only=True, slots=True)
class BudgetResult:
    """The calls of one API key over an entry's life."""

    calls_by_step: Sequence[tuple[str, int]]
    most_per_second: int  # in any 1 s window
    most_per_minute: int  # in any 60 s window
    simulated_seconds: float  # from the first call to the last


@dataclass(frozen=True, kw_only=True, slots=True)
class HistoryResult:
    """One run of the history benchmark: an import beside a twin without one."""

    flipbooks: int
    days: int
    stepping: Stepping
    calls: int  # of the importing entry's key, in the measured time
    import_calls: int  # of those, collection.getStats with a startDate
    rotation_calls: int  # of those, collection.getStats without one
    measured: float  # simulated seconds from async_setup until complete, or the end
    complete: bool  # whether the import was complete then
    estimate: float  # seconds, history_plan.import_duration
    most_per_minute: int  # in any 60 s window, the importing entry's key
    most_per_second: int  # in any 1 s window, the importing entry's key
    cycle: (
        Spread | None
    )  # between two rotation calls of a flipbook, in the measured time
    twin_cycle: Spread | None  # the same, of the twin without history
    throttled: int  # rate-limit pauses the importing entry's scheduler took
    recorder_seconds: float  # wall clock the recorder took after the import
    run_seconds: float  # wall clock of the whole run


@dataclass(frozen=True, kw_only=True, slots=True)
class HistoryMemoryResult:
    """The memory an entry takes while it imports history, traced."""

    flipbooks: int
    days: int
    peak_bytes: int  # above what was allocated before async_setup
    held_bytes: (
        int  # still allocated when the import is complete, test doubles left out
    )


# Where the benchmarks leave their results for the report at the end of the session.
SCALE_RESULTS = pytest.StashKey[list[ScaleResult]]()
MEMORY_RESULTS = pytest.StashKey[list[MemoryResult]]()
OVERHEAD_RESULTS = pytest.StashKey[list[OverheadResult]]()
STORE_RESULTS = pytest.StashKey[list[StoreResult]]()
INTERACTIVE_RESULTS = pytest.StashKey[list[InteractiveResult]]()
BUDGET_RESULTS = pytest.StashKey[list[BudgetResult]]()
HISTORY_RESULTS = pytest.StashKey[list[HistoryResult]]()
HISTORY_MEMORY_RESULTS = pytest.StashKey[list[HistoryMemoryResult]]()
