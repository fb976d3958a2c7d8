"""Paces every call to Flipsnack made with one API key under one budget.

Flipsnack allows 60 calls a minute and 5 a second per API key (older docs: 30 and 3), and
the customer's own tools share that budget. Every call the integration makes, polling, flows
and actions alike, waits here for a slot, so no number of flipbooks can make the integration
exceed its share. The scheduler of a key lives in hass.data for as long as anything uses the
key, so the calls of an entry that just reloaded, or of the flow that just checked the key,
still count against the calls that follow.
"""

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
import hashlib
import heapq
import itertools
import math
from typing import Final

from homeassistant.core import CALLBACK_TYPE, HassJob, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.util.hass_dict import HassKey

from .api import FlipsnackRateLimitError
from .const import DOMAIN, LOGGER

# The integration's share of Flipsnack's limits: a third of the current per-minute limit
# and two thirds of the older one, so the customer's own tools keep room under both.
CALLS_PER_MINUTE: Final = 20
CALLS_PER_SECOND: Final = 2
# The rotation of the flipbooks' figures may use the whole share but this many calls of any
# 60 s, so that a person waiting (a flow, an action) finds a slot within a second or two.
INTERACTIVE_RESERVE: Final = 1
# While the rotation has flipbooks due, the history import gets one of this many of the
# spread slots: the rotation's cycle grows by a tenth at most.
HISTORY_SLOT_EVERY: Final = 11
# After Flipsnack throttled the key, something else is using it heavily: for a while the
# integration takes half of its share.
REDUCED_CALLS_PER_MINUTE: Final = 10
REDUCED_RATE_SECONDS: Final = 600.0
# Flipsnack's windows may count a call at their edge; starting a little later keeps any
# 60 s (or 1 s) window, edges included, within the share.
_WINDOW_MARGIN: Final = 0.05


class Priority(IntEnum):
    """Who waits for a call; lower values are served first."""

    INTERACTIVE = 0  # a person waits: config and options flows, actions
    BACKGROUND = 1  # polling of the account and the listing
    # The rotation of the flipbooks' figures: what the others leave of the share but
    # the INTERACTIVE_RESERVE, spread evenly over the minute rather than in bursts.
    ROTATION = 2
    # The history import: the rotation's spread slots the rotation leaves, and while
    # it has flipbooks due, one in HISTORY_SLOT_EVERY of them.
    HISTORY = 3


# The priority of the call a request belongs to. A call of the client can make several
# requests (the pages of a listing); each of them waits with the call's priority.
_PRIORITY: ContextVar[Priority] = ContextVar(
    "flipsnack_request_priority", default=Priority.BACKGROUND
)
# How long each request of the call may wait for its slot; None waits as long as it takes.
_SLOT_TIMEOUT: ContextVar[float | None] = ContextVar(
    "flipsnack_slot_timeout", default=None
)


class SchedulerClosedError(Exception):
    """The entry unloaded while a call waited for its slot."""


# The schedulers of the API keys in use, by a digest of the key.
_SCHEDULERS: HassKey[dict[str, RequestScheduler]] = HassKey(f"{DOMAIN}_schedulers")


@dataclass(frozen=True, kw_only=True, slots=True)
class SchedulerStats:
    """What the scheduler has done, for diagnostics and benchmarks."""

    calls: int
    calls_last_minute: int
    waiting: int
    pauses: int
    calls_per_minute: int
    paused_for: float


class RequestScheduler:
    """Grants call slots in priority order within per-second and per-minute limits."""

    def __init__(
        self,
        hass: HomeAssistant,
        *,
        calls_per_minute: int = CALLS_PER_MINUTE,
        calls_per_second: int = CALLS_PER_SECOND,
    ) -> None:
        """Create an idle scheduler."""
        self._hass = hass
        self._calls_per_minute = calls_per_minute
        self._calls_per_second = calls_per_second
        # The clock of the timers that wake the scheduler up.
        self._clock = hass.loop.time
        self._started: deque[float] = deque()
        self._last_spread_start = -math.inf
        # Spread slots granted so far, to give the history import its turn.
        self._spread_slots = 0
        self._waiting: list[tuple[Priority, int, asyncio.Future[None], object]] = []
        self._order = itertools.count()
        self._paused_until = 0.0
        self._reduced_until = 0.0
        self._calls = 0
        self._pauses = 0
        self._cancel_timer: CALLBACK_TYPE | None = None
        self._timer_job = HassJob(self._on_timer, "flipsnack request scheduler")
        # How many leases use the scheduler: loaded entries and running flows.
        self.leases = 0

    async def async_call[T](
        self,
        call: Callable[[], Awaitable[T]],
        *,
        priority: Priority = Priority.BACKGROUND,
        slot_timeout: float | None = None,
    ) -> T:
        """Make a call of the client, whose every request waits for a slot.

        Args:
            call: The call of the client.
            priority: Who waits for the call.
            slot_timeout: Seconds each request may wait for its slot. A listing of
                many pages may take longer in all; only a request that cannot start
                in time gives up. None waits as long as it takes.

        Raises:
            TimeoutError: A request waited longer than slot_timeout; it was not made,
                and its place in the queue goes to the next call.
            FlipsnackError: The call failed. After a rate-limit error every call waits
                for the pause Flipsnack asked for.
        """
        priority_token = _PRIORITY.set(priority)
        timeout_token = _SLOT_TIMEOUT.set(slot_timeout)
        try:
            return await call()
        except FlipsnackRateLimitError as err:
            self._throttled(err.retry_after)
            raise
        finally:
            _SLOT_TIMEOUT.reset(timeout_token)
            _PRIORITY.reset(priority_token)

    async def async_wait_for_slot(self, owner: object = None) -> None:
        """Wait until one more request fits; the client awaits this before each one.

        Args:
            owner: Who waits, so that async_cancel can give up its requests.
        """
        slot: asyncio.Future[None] = self._hass.loop.create_future()
        heapq.heappush(self._waiting, (_PRIORITY.get(), next(self._order), slot, owner))
        self._grant_slots()
        # A timeout cancels the slot, and cancelled slots are skipped when granting.
        async with asyncio.timeout(_SLOT_TIMEOUT.get()):
            await slot

    @property
    def stats(self) -> SchedulerStats:
        """Return the counters of the scheduler."""
        now = self._clock()
        return SchedulerStats(
            calls=self._calls,
            calls_last_minute=sum(1 for t in self._started if t > now - 60),
            waiting=sum(1 for _, _, slot, _ in self._waiting if not slot.done()),
            pauses=self._pauses,
            calls_per_minute=self._current_calls_per_minute(now),
            paused_for=max(0.0, self._paused_until - now),
        )

    @property
    def idle(self) -> bool:
        """Whether nothing uses the scheduler and forgetting it loses nothing."""
        now = self._clock()
        return (
            self.leases == 0
            and not self._waiting
            and (not self._started or self._started[-1] <= now - 60 - _WINDOW_MARGIN)
            and now >= max(self._paused_until, self._reduced_until)
        )

    @callback
    def async_cancel(self, owner: object) -> None:
        """Give up the requests owner waits with, when its entry unloads."""
        for priority, _, slot, slot_owner in self._waiting:
            if slot.done() or slot_owner is not owner:
                continue
            if priority is Priority.INTERACTIVE:
                # A flow or an action waits outside the entry's own tasks: it is told
                # that the entry went away rather than cancelled.
                slot.set_exception(SchedulerClosedError())
            else:
                slot.cancel()
        # The cancelled slots leave the queue as they come up; an empty one needs no timer.
        self._grant_slots()

    def _current_calls_per_minute(self, now: float) -> int:
        if now < self._reduced_until:
            return min(self._calls_per_minute, REDUCED_CALLS_PER_MINUTE)
        return self._calls_per_minute

    @callback
    def _throttled(self, retry_after: float) -> None:
        """Pause every call after Flipsnack throttled the key, and lower the rate."""
        now = self._clock()
        self._pauses += 1
        self._paused_until = max(self._paused_until, now + retry_after)
        self._reduced_until = now + REDUCED_RATE_SECONDS
        LOGGER.debug(
            "Flipsnack throttled the API key; pausing all calls for %.0f s", retry_after
        )
        self._grant_slots()

    @callback
    def _on_timer(self, _now: datetime) -> None:
        self._cancel_timer = None
        self._grant_slots()

    @callback
    def _grant_slots(self) -> None:
        """Start the waiting calls that fit now; wake up when the next one fits."""
        while self._waiting:
            if self._waiting[0][2].done():  # its caller was cancelled
                heapq.heappop(self._waiting)
                continue
            now = self._clock()
            priority = self._waiting[0][0]
            delay = self._delay_until_free(now, priority)
            if delay > 0:
                self._wake_in(delay)
                return
            if priority is Priority.ROTATION and self._history_turn():
                priority = Priority.HISTORY
                slot = self._pop_first_waiting(Priority.HISTORY)
            else:
                _, _, slot, _ = heapq.heappop(self._waiting)
            self._started.append(now)
            if priority >= Priority.ROTATION:
                self._last_spread_start = now
                self._spread_slots += 1
            self._calls += 1
            slot.set_result(None)
        # Nothing waits: no timer either.
        if self._cancel_timer is not None:
            self._cancel_timer()
            self._cancel_timer = None

    def _history_turn(self) -> bool:
        """Whether this spread slot goes to the history import, though the rotation waits."""
        return (
            self._spread_slots % HISTORY_SLOT_EVERY == HISTORY_SLOT_EVERY - 1
            and any(
                priority is Priority.HISTORY and not slot.done()
                for priority, _, slot, _ in self._waiting
            )
        )

    def _pop_first_waiting(self, priority: Priority) -> asyncio.Future[None]:
        """Take the first live waiter of priority out of the queue."""
        first = min(
            entry
            for entry in self._waiting
            if entry[0] is priority and not entry[2].done()
        )
        self._waiting.remove(first)
        heapq.heapify(self._waiting)
        return first[2]

    def _delay_until_free(self, now: float, priority: Priority) -> float:
        """Return how long the next call, of priority, must wait; 0 if it may start now."""
        while self._started and self._started[0] <= now - 60 - _WINDOW_MARGIN:
            self._started.popleft()
        delays = [self._paused_until - now]
        per_minute = self._current_calls_per_minute(now)
        if priority >= Priority.ROTATION:
            # Bursts would fill the window for the rest of the minute, and a person
            # would wait for it to pass; one call every 60 s / share never does.
            per_minute -= INTERACTIVE_RESERVE
            delays.append(self._last_spread_start + 60 / per_minute - now)
        if len(self._started) >= per_minute:
            oldest_in_window = self._started[-per_minute]
            delays.append(oldest_in_window + 60 + _WINDOW_MARGIN - now)
        if len(self._started) >= self._calls_per_second:
            oldest_in_second = self._started[-self._calls_per_second]
            delays.append(oldest_in_second + 1 + _WINDOW_MARGIN - now)
        return max(0.0, *delays)

    @callback
    def _wake_in(self, delay: float) -> None:
        if self._cancel_timer is not None:
            self._cancel_timer()
        # Round up so the timer never fires a hair before the slot is free.
        self._cancel_timer = async_call_later(
            self._hass, math.ceil(delay * 1000) / 1000, self._timer_job
        )


class SchedulerLease:
    """One user of an API key's scheduler: a loaded entry, or a flow checking the key.

    Its requests wait in the key's queue, and go when the lease ends.
    """

    def __init__(self, hass: HomeAssistant, scheduler: RequestScheduler) -> None:
        """Use scheduler until async_release."""
        self._hass = hass
        self._scheduler = scheduler
        scheduler.leases += 1

    @property
    def stats(self) -> SchedulerStats:
        """Return the counters of the key's scheduler."""
        return self._scheduler.stats

    async def async_call[T](
        self,
        call: Callable[[], Awaitable[T]],
        *,
        priority: Priority = Priority.BACKGROUND,
        slot_timeout: float | None = None,
    ) -> T:
        """Make a call of a client whose request gate is this lease's; see the scheduler."""
        return await self._scheduler.async_call(
            call, priority=priority, slot_timeout=slot_timeout
        )

    async def async_wait_for_slot(self) -> None:
        """Wait for the slot of one request: the request gate of the lease's client."""
        await self._scheduler.async_wait_for_slot(self)

    @callback
    def async_release(self) -> None:
        """End the lease: its waiting requests give up, and an idle scheduler goes."""
        self._scheduler.leases -= 1
        self._scheduler.async_cancel(self)
        _async_forget_idle(self._hass)


@callback
def async_lease_scheduler(hass: HomeAssistant, api_key: str) -> SchedulerLease:
    """Return a lease of the scheduler of api_key, made on its first use."""
    schedulers = hass.data.setdefault(_SCHEDULERS, {})
    key = hashlib.sha256(api_key.encode()).hexdigest()
    if (scheduler := schedulers.get(key)) is None:
        scheduler = schedulers[key] = RequestScheduler(hass)
    return SchedulerLease(hass, scheduler)


@callback
def _async_forget_idle(hass: HomeAssistant) -> None:
    """Forget the schedulers of keys nothing uses whose last minute is over.

    One whose last minute is not over yet stays until a later lease ends, so that a key
    used again soon finds its recent calls.
    """
    schedulers = hass.data.get(_SCHEDULERS, {})
    for key in [key for key, scheduler in schedulers.items() if scheduler.idle]:
        del schedulers[key]
