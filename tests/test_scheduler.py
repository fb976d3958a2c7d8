"""Tests for the request scheduler that paces every call to Flipsnack.

The scheduler's clock is the event loop's, which the freezer moves: the tests let
simulated time pass and fire the scheduler's timer on the way, so minutes of pacing
take milliseconds and every start time is exact.
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
import itertools

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.flipsnack.api import (
    FlipsnackClient,
    FlipsnackMaintenanceError,
    FlipsnackRateLimitError,
)
from custom_components.flipsnack.const import FLIPBOOK_CALLS_PER_MINUTE
from custom_components.flipsnack.scheduler import (
    CALLS_PER_MINUTE,
    HISTORY_SLOT_EVERY,
    INTERACTIVE_RESERVE,
    Priority,
    RequestScheduler,
    SchedulerClosedError,
    SchedulerLease,
    SchedulerStats,
    async_lease_scheduler,
)

from . import armed_timers, scheduler_timers
from .call_windows import most_in_any_window
from .const import API_KEY, API_SECRET
from .fake_flipsnack import FakeAccount, FakeFlipsnack

RATE_LIMITS = [
    pytest.param(31, "Requests per second limit exceeded", 1.0, id="per_second"),
    pytest.param(32, "Requests per minute limit exceeded", 60.0, id="per_minute"),
]


async def _settle() -> None:
    """Let the tasks that got a slot run up to their next wait."""
    for _ in range(5):
        await asyncio.sleep(0)


async def _advance_to(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, when: float
) -> None:
    """Let simulated time pass up to the loop time `when`.

    Time stops at every timer due on the way, so the scheduler wakes up exactly when
    it asked to, and the calls it starts then record that time.
    """
    for _ in range(10_000):
        await _settle()  # calls just made register their waits first
        now = hass.loop.time()
        due = [handle.when() for handle in armed_timers(hass) if handle.when() <= when]
        target = min([*due, when])
        if target > now:
            freezer.tick(target - now)
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
        if not due:
            return
    pytest.fail("The timers kept firing without time passing")


class _Calls:
    """Makes calls through a scheduler and records when each of their requests starts."""

    def __init__(self, hass: HomeAssistant, scheduler: SchedulerLease) -> None:
        self._hass = hass
        self._scheduler = scheduler
        self.t0 = hass.loop.time()
        # (request name, loop time it got its slot), in the order they started.
        self.started: list[tuple[str, float]] = []
        self.tasks: dict[str, asyncio.Task[None]] = {}

    def make(
        self,
        name: str,
        *,
        priority: Priority = Priority.BACKGROUND,
        requests: int = 1,
        slot_timeout: float | None = None,
    ) -> asyncio.Task[None]:
        """Start a call of `requests` requests, as the client's calls make them.

        A call of one request records its start as `name`, the requests of a longer
        call as `name/0`, `name/1` and so on.
        """

        async def call() -> None:
            for number in range(requests):
                await self._scheduler.async_wait_for_slot()
                request = name if requests == 1 else f"{name}/{number}"
                self.started.append((request, self._hass.loop.time()))

        # Not a Home Assistant task: async_block_till_done must not wait for calls
        # that wait for simulated time to pass.
        task = self._hass.loop.create_task(
            self._scheduler.async_call(
                call, priority=priority, slot_timeout=slot_timeout
            )
        )
        self.tasks[name] = task
        return task

    def make_many(self, count: int, prefix: str = "call") -> list[str]:
        """Start `count` background calls of one request; return their names."""
        names = [f"{prefix}{number}" for number in range(count)]
        for name in names:
            self.make(name)
        return names

    @property
    def order(self) -> list[str]:
        """The requests in the order they started."""
        return [name for name, _ in self.started]

    def offsets(self) -> dict[str, float]:
        """Return the seconds from the start of the test to each request's start."""
        return {name: start - self.t0 for name, start in self.started}

    def times(self) -> list[float]:
        """Return the loop times the requests started at."""
        return [start for _, start in self.started]


@pytest.fixture
def scheduler(hass: HomeAssistant) -> SchedulerLease:
    """Return a lease of a key's scheduler with the integration's limits, as an entry has."""
    return async_lease_scheduler(hass, API_KEY)


@pytest.fixture
def calls(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, scheduler: RequestScheduler
) -> _Calls:
    """Return a recorder of calls through the scheduler, with time frozen."""
    return _Calls(hass, scheduler)


def _refused(code: int, status: str) -> Callable[[], Awaitable[None]]:
    """Return a call that Flipsnack answers with a rate-limit error."""

    async def call() -> None:
        raise FlipsnackRateLimitError(code, status)

    return call


async def test_calls_start_at_once_under_the_limits(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    scheduler: SchedulerLease,
    calls: _Calls,
) -> None:
    """Calls that fit the limits start without any time passing."""
    calls.make("first")
    await _settle()
    assert calls.offsets() == {"first": 0.0}

    calls.make("second")
    await _settle()
    assert calls.offsets() == {"first": 0.0, "second": 0.0}
    assert scheduler.stats.waiting == 0
    assert scheduler_timers(hass) == []

    # Once the second is over, two more fit at once.
    await _advance_to(hass, freezer, calls.t0 + 5)
    calls.make("third")
    calls.make("fourth")
    await _settle()
    assert calls.offsets() == {
        "first": 0.0,
        "second": 0.0,
        "third": 5.0,
        "fourth": 5.0,
    }


async def test_third_call_in_a_second_waits_for_the_next_second(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    scheduler: SchedulerLease,
    calls: _Calls,
) -> None:
    """The third call within a second starts only after that second, edge included."""
    calls.make_many(3)
    await _settle()
    assert calls.order == ["call0", "call1"]
    assert scheduler.stats.waiting == 1

    # At exactly one second, a window [t, t + 1 s] would still hold three calls.
    await _advance_to(hass, freezer, calls.t0 + 1.0)
    assert calls.order == ["call0", "call1"]

    await _advance_to(hass, freezer, calls.t0 + 1.1)
    assert calls.order == ["call0", "call1", "call2"]
    assert 1.0 < calls.offsets()["call2"] <= 1.1
    assert scheduler.stats.waiting == 0


async def test_21st_call_in_a_minute_waits_for_the_first_to_leave_the_window(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    scheduler: SchedulerLease,
    calls: _Calls,
) -> None:
    """Twenty calls start two a second; the 21st waits until the first is a minute old."""
    names = calls.make_many(21)
    await _advance_to(hass, freezer, calls.t0 + 59.9)
    assert calls.order == names[:20]
    offsets = calls.offsets()
    # Two calls each time the second is over, with no time lost in between.
    for number, name in enumerate(names[:20]):
        assert offsets[name] == pytest.approx((number // 2) * 1.05, abs=0.002)

    # At exactly 60 s, a window [t, t + 60 s] would still hold 21 calls.
    await _advance_to(hass, freezer, calls.t0 + 60.0)
    assert calls.order == names[:20]
    assert scheduler.stats.waiting == 1

    await _advance_to(hass, freezer, calls.t0 + 60.1)
    assert calls.order == names
    assert 60.0 < calls.offsets()[names[20]] <= 60.1


@pytest.mark.parametrize(
    "arrivals",
    [
        pytest.param([0.0] * 100, id="all_at_once"),
        pytest.param(
            [0.0] * 15 + [30.0] * 10 + [59.99] * 5 + [60.04] * 20 + [200.0] * 50,
            id="bursts",
        ),
        pytest.param([number * 0.7 for number in range(100)], id="steady_stream"),
    ],
)
async def test_no_window_ever_holds_more_than_the_limits(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    scheduler: SchedulerLease,
    calls: _Calls,
    arrivals: list[float],
) -> None:
    """However the calls arrive, no 60 s window holds 21 starts, no 1 s window 3."""
    for number, arrival in enumerate(arrivals):
        await _advance_to(hass, freezer, calls.t0 + arrival)
        calls.make(f"call{number}")
        await _settle()
    await _advance_to(hass, freezer, calls.t0 + 600)

    assert len(calls.started) == len(arrivals)
    assert scheduler.stats.calls == len(arrivals)
    starts = calls.times()
    # Windows with both edges included: the 21st start after any start comes more
    # than 60 s later, the third more than 1 s later.
    assert most_in_any_window(starts, 60.0) == 20
    assert most_in_any_window(starts, 1.0) == 2
    # Calls start in the order they came, and none before it came.
    assert calls.order == [f"call{number}" for number in range(len(arrivals))]
    offsets = calls.offsets()
    for number, arrival in enumerate(arrivals):
        assert offsets[f"call{number}"] >= arrival - 1e-6


async def test_queue_of_100_calls_keeps_the_full_pace(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, calls: _Calls
) -> None:
    """A backlog is worked off at 20 calls a minute, not slower."""
    calls.make_many(100)
    await _advance_to(hass, freezer, calls.t0 + 600)
    offsets = sorted(calls.offsets().values())
    assert len(offsets) == 100
    # Each minute's twenty calls take ten seconds, two a second; the fifth minute's
    # last call starts 4 minutes and 9.45 s (plus the margins) after the first.
    assert offsets[-1] == pytest.approx(4 * 60.05 + 9 * 1.05, abs=0.05)
    for minute in range(5):
        assert offsets[20 * minute] == pytest.approx(minute * 60.05, abs=0.05)


async def test_interactive_calls_go_before_background_ones(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, calls: _Calls
) -> None:
    """Waiting interactive calls start first; calls of one priority keep their order."""
    calls.make_many(2, prefix="running")
    calls.make_many(3, prefix="poll")
    await _settle()
    calls.make("flow0", priority=Priority.INTERACTIVE)
    calls.make("flow1", priority=Priority.INTERACTIVE)
    await _settle()
    assert calls.order == ["running0", "running1"]

    await _advance_to(hass, freezer, calls.t0 + 10)
    assert calls.order == [
        "running0",
        "running1",
        "flow0",
        "flow1",
        "poll0",
        "poll1",
        "poll2",
    ]
    # The interactive calls took the first free slots.
    assert calls.offsets()["flow0"] == pytest.approx(1.05, abs=0.002)


def test_rotation_takes_the_share_but_the_reserve() -> None:
    """The rotation's calls a minute are the share less the slot kept for a person."""
    assert FLIPBOOK_CALLS_PER_MINUTE == CALLS_PER_MINUTE - INTERACTIVE_RESERVE


async def test_rotation_calls_are_spread_over_the_minute(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, calls: _Calls
) -> None:
    """A backlog of the rotation goes one call every 60 s / 19, never in a burst."""
    spacing = 60 / FLIPBOOK_CALLS_PER_MINUTE
    for number in range(40):
        calls.make(f"figures{number}", priority=Priority.ROTATION)
    await _advance_to(hass, freezer, calls.t0 + 59)
    offsets = calls.offsets()
    assert len(offsets) == FLIPBOOK_CALLS_PER_MINUTE
    for number in range(FLIPBOOK_CALLS_PER_MINUTE):
        assert offsets[f"figures{number}"] == pytest.approx(number * spacing, abs=0.002)

    await _advance_to(hass, freezer, calls.t0 + 600)
    starts = calls.times()
    assert len(starts) == 40
    assert min(later - earlier for earlier, later in itertools.pairwise(starts)) >= (
        spacing - 1e-6
    )
    assert most_in_any_window(starts, 60.0) == FLIPBOOK_CALLS_PER_MINUTE


async def test_rotation_at_full_share_leaves_a_person_a_slot_at_once(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, calls: _Calls
) -> None:
    """Whenever a flow or an action comes, it starts within a second; a poll goes next."""
    for number in range(100):
        calls.make(f"figures{number}", priority=Priority.ROTATION)
    arrivals = (120.0, 131.3, 162.9, 200.0, 244.4)
    # Two minutes in, the rotation has used its whole share of every window.
    for arrival in arrivals:
        await _advance_to(hass, freezer, calls.t0 + arrival)
        calls.make(f"action{arrival}", priority=Priority.INTERACTIVE)
        calls.make(f"poll{arrival}")
        await _settle()
    await _advance_to(hass, freezer, calls.t0 + 900)

    offsets = calls.offsets()
    order = calls.order
    assert len(order) == 110
    for arrival in arrivals:
        assert -1e-6 <= offsets[f"action{arrival}"] - arrival <= 1.05
        # The poll goes before the rotation's next call after it came.
        next_figures = min(
            offsets[name]
            for name in order
            if name.startswith("figures") and offsets[name] > arrival
        )
        assert offsets[f"poll{arrival}"] <= next_figures
    starts = calls.times()
    assert most_in_any_window(starts, 60.0) <= CALLS_PER_MINUTE
    assert most_in_any_window(starts, 1.0) <= 2


def _spread_order(calls: _Calls) -> list[str]:
    """The rotation's and the history import's requests, in the order they started."""
    return [name for name in calls.order if name.startswith(("figures", "history"))]


def _assert_every_spread_slot_taken(starts: Sequence[float]) -> None:
    """Check that spread calls came every 60 s / 19, none sooner and no slot unused.

    The 19th call after a call waits for the window's margin: 50 ms more.
    """
    spacing = 60 / FLIPBOOK_CALLS_PER_MINUTE
    for earlier, later in itertools.pairwise(starts):
        assert spacing - 1e-6 <= later - earlier <= spacing + 0.051
    assert most_in_any_window(starts, 60.0) == FLIPBOOK_CALLS_PER_MINUTE


async def _release(scheduler: SchedulerLease) -> None:
    """End the lease, so that the calls still waiting give up and leave no timer."""
    scheduler.async_release()
    await _settle()


async def test_history_gets_one_spread_slot_in_eleven_while_the_rotation_waits(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    scheduler: SchedulerLease,
    calls: _Calls,
) -> None:
    """With the rotation's calls always waiting, every 11th spread slot is history's."""
    for number in range(300):
        calls.make(f"figures{number}", priority=Priority.ROTATION)
    for number in range(60):
        calls.make(f"history{number}", priority=Priority.HISTORY)
    # Slots at every 60 s / 19 from 0 s on: 285 before 899 s, all with both waiting.
    await _advance_to(hass, freezer, calls.t0 + 899)

    order = calls.order
    assert len(order) == 285
    history = [index for index, name in enumerate(order) if name.startswith("history")]
    assert history == list(range(HISTORY_SLOT_EVERY - 1, 285, HISTORY_SLOT_EVERY))
    # Each queue keeps its order, and the slots stay evenly spread.
    assert [order[index] for index in history] == [f"history{n}" for n in range(25)]
    assert [name for name in order if name.startswith("figures")] == [
        f"figures{n}" for n in range(260)
    ]
    _assert_every_spread_slot_taken(calls.times())
    await _release(scheduler)


async def test_history_takes_every_spread_slot_the_rotation_leaves(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    scheduler: SchedulerLease,
    calls: _Calls,
) -> None:
    """Alone, the import gets every spread slot; a rotation that comes goes first.

    The rotation asks for its flipbooks one after another, as the coordinator does;
    it comes when nine spread slots are gone, so the 11th is the import's turn.
    """
    for number in range(60):
        calls.make(f"history{number}", priority=Priority.HISTORY)
    await _advance_to(hass, freezer, calls.t0 + 27)
    calls.make("figures", priority=Priority.ROTATION, requests=3)
    await _advance_to(hass, freezer, calls.t0 + 179)

    history = [f"history{number}" for number in range(54)]
    # The 11th spread slot is the import's turn, though the rotation waits.
    assert calls.order == [
        *history[:9],
        "figures/0",
        history[9],
        "figures/1",
        "figures/2",
        *history[10:],
    ]
    _assert_every_spread_slot_taken(calls.times())
    await _release(scheduler)


async def test_people_and_polls_go_before_the_history_import(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    scheduler: SchedulerLease,
    calls: _Calls,
) -> None:
    """With history queued, a person and a poll wait as little, and the limits hold.

    Their calls take no spread slot, so the import's turn stays one in eleven.
    """
    for number in range(200):
        calls.make(f"figures{number}", priority=Priority.ROTATION)
    for number in range(60):
        calls.make(f"history{number}", priority=Priority.HISTORY)
    arrivals = (120.0, 131.3, 162.9, 200.0, 244.4)
    for arrival in arrivals:
        await _advance_to(hass, freezer, calls.t0 + arrival)
        calls.make(f"action{arrival}", priority=Priority.INTERACTIVE)
        calls.make(f"poll{arrival}")
        await _settle()
    # A listing of many pages on top, as after a reload.
    await _advance_to(hass, freezer, calls.t0 + 300)
    calls.make("listing", requests=25)
    await _advance_to(hass, freezer, calls.t0 + 599)

    offsets = calls.offsets()
    spread = _spread_order(calls)
    for arrival in arrivals:
        assert -1e-6 <= offsets[f"action{arrival}"] - arrival <= 1.05
        next_spread = min(offsets[name] for name in spread if offsets[name] > arrival)
        assert offsets[f"poll{arrival}"] <= next_spread
    pages = [offsets[f"listing/{page}"] for page in range(25)]
    assert pages[-1] < min(offsets[name] for name in spread if offsets[name] > 300)
    history = [index for index, name in enumerate(spread) if name.startswith("history")]
    assert history == list(
        range(HISTORY_SLOT_EVERY - 1, len(spread), HISTORY_SLOT_EVERY)
    )
    assert len(history) >= 10
    starts = calls.times()
    assert most_in_any_window(starts, 60.0) == CALLS_PER_MINUTE
    assert most_in_any_window(starts, 1.0) == 2
    await _release(scheduler)


async def test_every_request_of_an_interactive_call_is_interactive(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, calls: _Calls
) -> None:
    """Each page of an interactive listing goes before the waiting background calls."""
    calls.make_many(2, prefix="running")
    calls.make_many(4, prefix="poll")
    await _settle()
    calls.make("listing", priority=Priority.INTERACTIVE, requests=3)
    await _advance_to(hass, freezer, calls.t0 + 10)
    # A page is asked for only when the one before arrived, so each second the
    # next page takes one slot and the oldest background call the other.
    assert calls.order == [
        "running0",
        "running1",
        "listing/0",
        "poll0",
        "listing/1",
        "poll1",
        "listing/2",
        "poll2",
        "poll3",
    ]


@pytest.mark.parametrize("fails", [False, True])
async def test_priority_ends_with_the_call(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    scheduler: SchedulerLease,
    calls: _Calls,
    fails: bool,
) -> None:
    """After an interactive call, returned or failed, requests wait as background."""
    calls.make_many(2, prefix="running")
    calls.make("poll")
    await _settle()

    async def interactive() -> None:
        if fails:
            raise FlipsnackMaintenanceError(22, "Maintenance mode")

    if fails:
        with pytest.raises(FlipsnackMaintenanceError):
            await scheduler.async_call(interactive, priority=Priority.INTERACTIVE)
    else:
        await scheduler.async_call(interactive, priority=Priority.INTERACTIVE)

    # A request made outside any call, in this task's context.
    async def plain_request() -> None:
        await scheduler.async_wait_for_slot()
        calls.started.append(("plain", hass.loop.time()))

    plain = hass.loop.create_task(plain_request())
    await _advance_to(hass, freezer, calls.t0 + 5)
    assert plain.done()
    assert calls.order == ["running0", "running1", "poll", "plain"]
    assert scheduler.stats.pauses == 0


@pytest.mark.parametrize(("code", "status", "retry_after"), RATE_LIMITS)
async def test_rate_limit_error_pauses_every_waiting_call(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    scheduler: SchedulerLease,
    calls: _Calls,
    code: int,
    status: str,
    retry_after: float,
) -> None:
    """After Flipsnack throttled a call, no call starts for the wait it asked for."""
    calls.make_many(4)
    await _settle()
    assert calls.order == ["call0", "call1"]
    await _advance_to(hass, freezer, calls.t0 + 0.5)

    with pytest.raises(FlipsnackRateLimitError) as raised:
        await scheduler.async_call(_refused(code, status))
    assert raised.value.code == code
    stats = scheduler.stats
    assert stats.pauses == 1
    assert stats.paused_for == pytest.approx(retry_after, abs=1e-6)
    assert stats.waiting == 2

    # The two waiting calls would have started at 1.05 s without the pause.
    await _advance_to(hass, freezer, calls.t0 + 0.5 + retry_after - 0.01)
    assert calls.order == ["call0", "call1"]
    assert scheduler.stats.paused_for == pytest.approx(0.01, abs=1e-3)

    await _advance_to(hass, freezer, calls.t0 + 0.5 + retry_after + 0.01)
    assert calls.order == ["call0", "call1", "call2", "call3"]
    offsets = calls.offsets()
    for name in ("call2", "call3"):
        assert offsets[name] == pytest.approx(0.5 + retry_after, abs=0.002)
    assert scheduler.stats.paused_for == 0.0
    assert scheduler.stats.pauses == 1


async def test_calls_made_during_a_pause_wait_for_its_end(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    scheduler: SchedulerLease,
    calls: _Calls,
) -> None:
    """A call made while paused waits, even with the limits far away."""
    with pytest.raises(FlipsnackRateLimitError):
        await scheduler.async_call(_refused(32, "Requests per minute limit exceeded"))
    await _advance_to(hass, freezer, calls.t0 + 30)
    calls.make("during_pause")
    await _advance_to(hass, freezer, calls.t0 + 59.9)
    assert calls.started == []

    await _advance_to(hass, freezer, calls.t0 + 60.1)
    assert calls.order == ["during_pause"]
    assert calls.offsets()["during_pause"] == pytest.approx(60.0, abs=0.002)


async def test_shorter_pause_does_not_cut_a_longer_one(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    scheduler: SchedulerLease,
    calls: _Calls,
) -> None:
    """A per-second throttle during a per-minute pause leaves the longer pause."""
    with pytest.raises(FlipsnackRateLimitError):
        await scheduler.async_call(_refused(32, "Requests per minute limit exceeded"))
    await _advance_to(hass, freezer, calls.t0 + 10)
    with pytest.raises(FlipsnackRateLimitError):
        await scheduler.async_call(_refused(31, "Requests per second limit exceeded"))
    assert scheduler.stats.pauses == 2
    assert scheduler.stats.paused_for == pytest.approx(50.0, abs=1e-3)

    calls.make("waiting")
    await _advance_to(hass, freezer, calls.t0 + 59.9)
    assert calls.started == []
    await _advance_to(hass, freezer, calls.t0 + 60.1)
    assert calls.offsets()["waiting"] == pytest.approx(60.0, abs=0.002)


async def test_other_errors_do_not_pause(
    scheduler: SchedulerLease, calls: _Calls
) -> None:
    """Only a rate-limit error pauses the calls and lowers the rate."""

    async def in_maintenance() -> None:
        raise FlipsnackMaintenanceError(22, "Maintenance mode")

    with pytest.raises(FlipsnackMaintenanceError):
        await scheduler.async_call(in_maintenance)
    calls.make("next")
    await _settle()
    assert calls.order == ["next"]
    assert scheduler.stats.pauses == 0
    assert scheduler.stats.calls_per_minute == 20


async def test_rate_limit_error_lowers_the_rate_for_ten_minutes(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    scheduler: SchedulerLease,
    calls: _Calls,
) -> None:
    """After a throttle, 10 calls a minute for ten minutes, then 20 again."""
    with pytest.raises(FlipsnackRateLimitError):
        await scheduler.async_call(_refused(31, "Requests per second limit exceeded"))
    assert scheduler.stats.calls_per_minute == 10

    throttled = calls.make_many(25, prefix="throttled")
    await _advance_to(hass, freezer, calls.t0 + 60.0)
    assert calls.order == throttled[:10]
    # The first ten wait for the 1 s pause, then go two a second.
    assert calls.offsets()["throttled0"] == pytest.approx(1.0, abs=0.002)
    await _advance_to(hass, freezer, calls.t0 + 590)
    assert calls.order == throttled
    assert most_in_any_window(calls.times(), 60.0) == 10
    assert most_in_any_window(calls.times(), 1.0) == 2

    assert scheduler.stats.calls_per_minute == 10
    await _advance_to(hass, freezer, calls.t0 + 600.1)
    assert scheduler.stats.calls_per_minute == 20

    after = calls.make_many(21, prefix="after")
    await _advance_to(hass, freezer, calls.t0 + 659)
    # Twenty again within the minute, two a second.
    assert calls.order == throttled + after[:20]
    offsets = calls.offsets()
    assert offsets["after19"] - offsets["after0"] == pytest.approx(9.45, abs=0.01)
    # And no more than twenty.
    await _advance_to(hass, freezer, calls.t0 + 700)
    assert calls.order == throttled + after
    offsets = calls.offsets()
    assert offsets["after20"] - offsets["after0"] == pytest.approx(60.05, abs=0.01)
    assert scheduler.stats.pauses == 1


async def test_second_throttle_extends_the_reduced_rate(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    scheduler: SchedulerLease,
    calls: _Calls,
) -> None:
    """Each throttle counts a pause and keeps the reduced rate ten more minutes."""
    refused = _refused(31, "Requests per second limit exceeded")
    with pytest.raises(FlipsnackRateLimitError):
        await scheduler.async_call(refused)
    await _advance_to(hass, freezer, calls.t0 + 300)
    with pytest.raises(FlipsnackRateLimitError):
        await scheduler.async_call(refused)
    assert scheduler.stats.pauses == 2

    await _advance_to(hass, freezer, calls.t0 + 899)
    assert scheduler.stats.calls_per_minute == 10
    await _advance_to(hass, freezer, calls.t0 + 900.1)
    assert scheduler.stats.calls_per_minute == 20


async def test_cancelled_waiter_does_not_use_a_slot(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    scheduler: SchedulerLease,
    calls: _Calls,
) -> None:
    """A call cancelled while waiting leaves its slot to the next call."""
    calls.make_many(2, prefix="running")
    cancelled = calls.make("cancelled")
    await _settle()
    assert scheduler.stats.waiting == 1

    cancelled.cancel()
    await _settle()
    assert cancelled.cancelled()
    assert scheduler.stats.waiting == 0

    await _advance_to(hass, freezer, calls.t0 + 1.1)
    assert calls.order == ["running0", "running1"]
    assert scheduler.stats.calls == 2

    # Had the cancelled call taken the slot at 1.05 s, only one of these would fit
    # before 2.1 s.
    calls.make_many(2, prefix="later")
    await _settle()
    assert calls.order == ["running0", "running1", "later0", "later1"]
    assert calls.offsets()["later1"] == pytest.approx(1.1, abs=1e-6)
    assert scheduler.stats.calls == 4


async def test_request_that_cannot_start_in_time_gives_up(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    scheduler: SchedulerLease,
    calls: _Calls,
) -> None:
    """With a slot timeout, a request still waiting then raises and leaves the queue."""
    with pytest.raises(FlipsnackRateLimitError):
        await scheduler.async_call(_refused(32, "Requests per minute limit exceeded"))
    impatient = calls.make("impatient", priority=Priority.INTERACTIVE, slot_timeout=30)
    patient = calls.make("patient")
    await _settle()
    assert scheduler.stats.waiting == 2

    # Firing the timers also fires those due within the next half second.
    await _advance_to(hass, freezer, calls.t0 + 29.4)
    assert not impatient.done()
    await _advance_to(hass, freezer, calls.t0 + 30.1)
    assert isinstance(impatient.exception(), TimeoutError)
    assert scheduler.stats.waiting == 1

    await _advance_to(hass, freezer, calls.t0 + 61)
    assert calls.order == ["patient"]
    assert patient.done()
    assert scheduler.stats.calls == 1


async def test_slot_timeout_bounds_each_request_not_the_call(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, calls: _Calls
) -> None:
    """A listing of many pages may take longer than the timeout, if every page starts in time."""
    listing = calls.make(
        "listing", priority=Priority.INTERACTIVE, requests=5, slot_timeout=2
    )
    await _advance_to(hass, freezer, calls.t0 + 3)

    assert listing.done()
    assert listing.exception() is None
    assert calls.offsets()["listing/4"] == pytest.approx(2.1, abs=0.002)


async def test_cancelled_waiter_behind_others_is_skipped(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    scheduler: SchedulerLease,
    calls: _Calls,
) -> None:
    """A cancelled call in the middle of the queue does not hold up the ones after it."""
    calls.make_many(2, prefix="running")
    calls.make("first")
    gone = calls.make("gone")
    calls.make("last")
    await _settle()
    gone.cancel()
    await _settle()
    assert scheduler.stats.waiting == 2

    await _advance_to(hass, freezer, calls.t0 + 1.1)
    assert calls.order == ["running0", "running1", "first", "last"]
    assert calls.offsets()["last"] == pytest.approx(1.05, abs=0.002)
    assert scheduler.stats.calls == 4


async def test_shutdown_cancels_waiters_and_the_timer(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    scheduler: SchedulerLease,
    calls: _Calls,
) -> None:
    """Unloading cancels the waiting polls and leaves no timer behind."""
    calls.make_many(5)
    await _settle()
    assert calls.order == ["call0", "call1"]
    assert len(scheduler_timers(hass)) == 1

    scheduler.async_release()
    await _settle()
    for name in ("call2", "call3", "call4"):
        assert calls.tasks[name].cancelled()
    for name in ("call0", "call1"):
        assert calls.tasks[name].done()
        assert not calls.tasks[name].cancelled()
    assert scheduler_timers(hass) == []
    assert scheduler.stats.waiting == 0

    await _advance_to(hass, freezer, calls.t0 + 120)
    assert calls.order == ["call0", "call1"]
    assert scheduler.stats.calls == 2


async def test_shutdown_tells_interactive_waiters_the_entry_went_away(
    hass: HomeAssistant, scheduler: SchedulerLease, calls: _Calls
) -> None:
    """A flow waiting at unload gets SchedulerClosedError, not a cancellation."""
    calls.make_many(2, prefix="running")
    poll = calls.make("poll")
    flow = calls.make("flow", priority=Priority.INTERACTIVE)
    gone = calls.make("gone", priority=Priority.INTERACTIVE)
    await _settle()
    # Cancelled while queued behind the other flow: still in the queue at unload.
    gone.cancel()
    await _settle()
    assert scheduler.stats.waiting == 2

    scheduler.async_release()
    await asyncio.wait([poll, flow, gone])
    assert poll.cancelled()
    assert gone.cancelled()
    assert not flow.cancelled()
    assert isinstance(flow.exception(), SchedulerClosedError)
    assert scheduler_timers(hass) == []
    assert scheduler.stats == SchedulerStats(
        calls=2,
        calls_last_minute=2,
        waiting=0,
        pauses=0,
        calls_per_minute=20,
        paused_for=0.0,
    )


async def test_shutdown_of_an_idle_scheduler(
    hass: HomeAssistant, scheduler: RequestScheduler
) -> None:
    """An entry that made no call unloads cleanly."""
    scheduler.async_release()
    assert scheduler_timers(hass) == []
    assert scheduler.stats.waiting == 0


async def test_stats_count_what_the_scheduler_did(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    scheduler: SchedulerLease,
    calls: _Calls,
) -> None:
    """The counters follow the calls, the waits, the last minute and the pauses."""
    assert scheduler.stats == SchedulerStats(
        calls=0,
        calls_last_minute=0,
        waiting=0,
        pauses=0,
        calls_per_minute=20,
        paused_for=0.0,
    )

    calls.make_many(3)
    await _settle()
    assert scheduler.stats == SchedulerStats(
        calls=2,
        calls_last_minute=2,
        waiting=1,
        pauses=0,
        calls_per_minute=20,
        paused_for=0.0,
    )

    await _advance_to(hass, freezer, calls.t0 + 59.9)
    assert (scheduler.stats.calls, scheduler.stats.calls_last_minute) == (3, 3)
    assert scheduler.stats.waiting == 0
    # The first two leave the last minute, the third (at 1.05 s) a little later.
    await _advance_to(hass, freezer, calls.t0 + 60.5)
    assert (scheduler.stats.calls, scheduler.stats.calls_last_minute) == (3, 1)
    await _advance_to(hass, freezer, calls.t0 + 61.1)
    assert (scheduler.stats.calls, scheduler.stats.calls_last_minute) == (3, 0)

    with pytest.raises(FlipsnackRateLimitError):
        await scheduler.async_call(_refused(32, "Requests per minute limit exceeded"))
    assert scheduler.stats.pauses == 1
    assert scheduler.stats.paused_for == pytest.approx(60.0)
    assert scheduler.stats.calls_per_minute == 10
    await _advance_to(hass, freezer, calls.t0 + 61.1 + 45)
    assert scheduler.stats.paused_for == pytest.approx(15.0, abs=1e-3)
    await _advance_to(hass, freezer, calls.t0 + 61.1 + 75)
    assert scheduler.stats.paused_for == 0.0
    assert scheduler.stats.calls == 3


async def test_custom_limits(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Lower limits given to the scheduler are kept, also after a throttle."""
    scheduler = RequestScheduler(hass, calls_per_minute=3, calls_per_second=1)
    calls = _Calls(hass, scheduler)
    calls.make_many(4)
    await _advance_to(hass, freezer, calls.t0 + 59)
    assert calls.order == ["call0", "call1", "call2"]
    offsets = calls.offsets()
    assert offsets["call1"] == pytest.approx(1.05, abs=0.002)
    assert offsets["call2"] == pytest.approx(2.1, abs=0.002)
    assert scheduler.stats.calls_per_minute == 3

    with pytest.raises(FlipsnackRateLimitError):
        await scheduler.async_call(_refused(31, "Requests per second limit exceeded"))
    # Throttled, the rate drops to 10 a minute, but never above the given limit.
    assert scheduler.stats.calls_per_minute == 3
    await _advance_to(hass, freezer, calls.t0 + 61)
    assert calls.order == ["call0", "call1", "call2", "call3"]


async def _drive(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    scheduler: SchedulerLease,
    task: asyncio.Task[object],
) -> None:
    """Run a call against the fake, letting simulated time pass while it waits.

    Time only moves while the call waits for a slot, never while a request is on
    its way, so the client's request timeout never runs out.
    """
    for _ in range(100_000):
        if task.done():
            return
        if scheduler.stats.waiting:
            await _advance_to(hass, freezer, hass.loop.time() + 0.05)
        else:
            await asyncio.sleep(0)  # the request and its answer, over the socket
    pytest.fail("The call did not finish")


@pytest.fixture
def arrivals(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, flipsnack: FakeFlipsnack
) -> list[tuple[str, dict[str, str], float]]:
    """Record each call the fake answers, with the simulated time it arrived at.

    The fake also counts its own rate limits in simulated time, so that it throttles
    the client as Flipsnack would.
    """
    flipsnack.clock = hass.loop.time
    recorded: list[tuple[str, dict[str, str], float]] = []
    for action, handler in list(flipsnack.actions.items()):

        async def record(
            account: FakeAccount,
            params: dict[str, str],
            action: str = action,
            handler: Callable[
                [FakeAccount, dict[str, str]], Awaitable[object]
            ] = handler,
        ) -> object:
            recorded.append((action, params, hass.loop.time()))
            return await handler(account, params)

        flipsnack.actions[action] = record
    return recorded


def _client(
    flipsnack: FakeFlipsnack,
    session: aiohttp.ClientSession,
    scheduler: SchedulerLease,
) -> FlipsnackClient:
    """Return a client of the fake whose requests wait for the scheduler."""
    return FlipsnackClient(
        API_KEY,
        API_SECRET,
        session=session,
        base_url=flipsnack.url,
        request_gate=scheduler.async_wait_for_slot,
    )


async def test_client_paces_every_page_of_a_listing(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipsnack: FakeFlipsnack,
    session: aiohttp.ClientSession,
    scheduler: SchedulerLease,
    arrivals: list[tuple[str, dict[str, str], float]],
) -> None:
    """A listing of 300 flipbooks takes six calls, which reach Flipsnack two a second."""
    flipsnack.add_flipbooks(API_KEY, 300)
    client = _client(flipsnack, session, scheduler)
    t0 = hass.loop.time()

    task = hass.loop.create_task(
        scheduler.async_call(client.collections, priority=Priority.INTERACTIVE)
    )
    await _drive(hass, freezer, scheduler, task)

    assert len(task.result()) == 300
    assert [(action, params["from"]) for action, params, _ in arrivals] == [
        ("collection.getList", str(first)) for first in range(0, 300, 50)
    ]
    times = [arrived for *_, arrived in arrivals]
    assert most_in_any_window(times, 1.0) == 2
    assert [round(arrived - t0, 2) for arrived in times] == [
        0.0,
        0.0,
        1.05,
        1.05,
        2.1,
        2.1,
    ]
    assert scheduler.stats.calls == 6
    assert scheduler.stats.pauses == 0


async def test_client_pauses_after_flipsnack_throttled_it(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipsnack: FakeFlipsnack,
    session: aiohttp.ClientSession,
    scheduler: SchedulerLease,
    arrivals: list[tuple[str, dict[str, str], float]],
) -> None:
    """After code 32 from Flipsnack, the next call reaches it a minute later."""
    client = _client(flipsnack, session, scheduler)
    flipsnack.envelope_override = {
        "code": 32,
        "status": "Requests per minute limit exceeded",
    }
    throttled_at = hass.loop.time()
    with pytest.raises(FlipsnackRateLimitError):
        await scheduler.async_call(client.user_stats)
    assert scheduler.stats.pauses == 1

    flipsnack.reset()
    task = hass.loop.create_task(scheduler.async_call(client.user_stats))
    await _drive(hass, freezer, scheduler, task)
    assert task.result().views == 3719

    # The throttled call is answered from the override, without reaching an action.
    assert [action for action, *_ in arrivals] == ["user.getStats"]
    assert 60.0 <= arrivals[0][2] - throttled_at <= 60.1
    assert scheduler.stats.calls == 2
