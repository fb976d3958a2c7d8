"""The history import: each tracked flipbook's daily figures into long-term statistics.

One call per flipbook and day, newest days first, queued below everything else
(Priority.HISTORY): the scheduler gives it the slots the rotation leaves, and a tenth
of the rotation's while that has flipbooks due.
Days are fetched again until they are two days old. Progress is kept in a store and
checked against the recorder's rows, so a restart, a reload or a failed call resumes
where the import was. It runs as a background task of the entry.
"""

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from .api import (
    Figures,
    Flipbook,
    FlipsnackClient,
    FlipsnackError,
    FlipsnackFlipbookNotFoundError,
    FlipsnackRateLimitError,
    FlipsnackResponseError,
    day_figures,
    probe_end_date,
    range_figures,
)
from .const import LOGGER
from .coordinator import FlipsnackFlipbooksCoordinator
from .history_plan import spare_calls_per_minute
from .history_resume import async_resume
from .history_rows import ALL_TRACKED, async_names, write_rows
from .history_store import (
    FINAL_AGE,
    FlipbookHistory,
    HistoryState,
    all_tracked_rows,
    history_store,
    state_from_store,
    state_to_store,
)
from .scheduler import Priority, SchedulerLease

# The probe asks about a day this old and the next one: both final.
PROBE_AGE: Final = FINAL_AGE + 1
# When the answers could not tell what endDate means, ask again after this long.
PROBE_RETRY: Final = 3600.0
# A day whose answer was unusable is asked again after this long.
BAD_ANSWER_RETRY: Final = 900.0
# After a failed call (connection, maintenance, credentials) the import waits this long.
ERROR_RETRY: Final = 300.0
# With nothing to fetch, the import looks again after at most this long.
IDLE_WAIT: Final = 3600.0
# The all-tracked rows are rewritten at most this often while days come in: during a
# backfill each rewrite is a row per day and figure from the day fetched on, most of what
# the recorder would get otherwise.
ALL_TRACKED_EVERY: Final = 600.0
# Progress is written this long after it changed: an SD card is not worn by every day
# imported, and a lost write costs only calls, since the recorder keeps the rows.
STORE_DELAY: Final = 300.0


@dataclass(frozen=True, kw_only=True, slots=True)
class _Work:
    """The next call: a flipbook's window total (day None) or one of its days."""

    flipbook_hash: str
    day: date | None


class HistoryImporter:
    """Imports the daily figures of the tracked flipbooks of one entry."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: FlipsnackClient,
        scheduler: SchedulerLease,
        flipbooks: FlipsnackFlipbooksCoordinator,
        *,
        days: int,
    ) -> None:
        """Prepare the import of days of daily figures; async_run runs it."""
        self._hass = hass
        self._entry_id = entry.entry_id
        self._client = client
        self._scheduler = scheduler
        self._flipbooks = flipbooks
        self.days = days
        self._store = history_store(hass, entry)
        self.state = HistoryState()
        self._names: dict[str, str] = {}
        self._retry_at: dict[tuple[str, date | None], float] = {}
        # Flipbooks Flipsnack called gone, with the listing that still had them.
        self._ended: dict[str, datetime | None] = {}
        self._probe_attempts = 0
        # When the probe may ask again (loop time), after answers that could not tell.
        self._probe_at = 0.0
        # The listing the import last looked at: a new one may bring flipbooks to import.
        self._listed_at: datetime | None = None
        self._importing = False
        # The oldest day whose all-tracked sum changed since the rows were last written.
        self._all_tracked_from: date | None = None
        self._all_tracked_written_at = 0.0
        # Whether the task waits for time to pass, not for a call: tests move the clock.
        self.sleeping = False
        self.calls = 0
        self._unsaved = False
        self._wakeup: asyncio.Future[None] | None = None
        self._listeners: list[CALLBACK_TYPE] = []

    @property
    def tracked(self) -> dict[str, Flipbook]:
        """The tracked flipbooks, read from the flipbooks coordinator."""
        return self._flipbooks.data.flipbooks

    @property
    def progress(self) -> float:
        """The percentage of the tracked flipbooks' window days imported so far."""
        if self._flipbooks.data.listed_at is None:
            return (
                0.0  # not listed yet: nothing is tracked, but not because all is done
            )
        return self.state.progress(self.tracked)

    @property
    def backfilling(self) -> bool:
        """Whether a tracked flipbook still lacks days of its window."""
        return self.state.backfilling(h for h in self.tracked if h not in self._ended)

    @property
    def diagnostics(self) -> dict[str, Any]:
        """Counts and the endDate finding: no hash and no title."""
        return {
            "days": self.days,
            "end_date": self.state.end_date,
            "flipbooks": len(self.tracked),
            "started": sum(1 for h in self.tracked if h in self.state.flipbooks),
            "backfilled": sum(
                1
                for h, item in self.state.flipbooks.items()
                if h in self.tracked and item.backfilled
            ),
            "ended": len(self._ended),
            "progress": self.progress,
            "calls": self.calls,
            "spare_calls_per_minute": spare_calls_per_minute(len(self.tracked)),
        }

    @callback
    def async_add_listener(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call update whenever the import's progress changes; return the remover."""
        self._listeners.append(update)

        @callback
        def remove() -> None:
            self._listeners.remove(update)

        return remove

    async def async_run(self) -> None:
        """Import until the entry unloads, which cancels the task."""
        await self._async_load()
        # A listing can bring flipbooks to import: it ends any wait.
        remove_listener = self._flipbooks.async_add_listener(self._on_flipbooks_update)
        try:
            while True:
                if wait := await self._async_step():
                    await self._async_sleep(wait)
        finally:
            remove_listener()
            self._write_all_tracked()
            if self._unsaved:
                await self._store.async_save(self._to_store())

    async def _async_load(self) -> None:
        """Take the progress of the last run, where the recorder still has its rows."""
        self._names = await async_names(self._hass)
        self.state = state_from_store(await self._store.async_load())
        await async_resume(
            self._hass,
            self._entry_id,
            self.state,
            tracked=self.tracked,
            days=self.days,
            today=dt_util.utcnow().date(),
        )

    async def _async_step(self) -> float:
        """Make the next call if it is due; return how long to wait before the next."""
        now = self._hass.loop.time()
        today = dt_util.utcnow().date()
        tracked = self.tracked
        listed_at = self._flipbooks.data.listed_at
        self._ended = {h: at for h, at in self._ended.items() if at == listed_at}
        for flipbook_hash in [h for h in self.state.flipbooks if h not in tracked]:
            # Untracked: its rows stay, and the all-tracked sums go on without it.
            del self.state.flipbooks[flipbook_hash]
            self._all_tracked_from = date.min
        if self.state.end_date is None:
            if now < self._probe_at:
                return self._probe_at - now
            return await self._async_probe(today)
        work = self._next_work(today, now, tracked)
        if work is None:
            return self._idle(today, now)
        if self.backfilling and not self._importing:
            self._importing = True
            LOGGER.info(
                "Importing the daily figures of %s tracked flipbooks, %s days back",
                len(tracked),
                self.days,
            )
        # The scheduler paces the calls, below the rotation's (Priority.HISTORY).
        return await self._async_fetch(work, today, now)

    def _next_work(
        self, today: date, now: float, tracked: dict[str, Flipbook]
    ) -> _Work | None:
        """Return the newest flipbook-day to fetch; a window total counts as today."""
        best: tuple[date, _Work] | None = None
        for flipbook_hash in tracked:
            if flipbook_hash in self._ended:
                continue
            item = self.state.flipbooks.get(flipbook_hash)
            day = today if item is None else item.next_day(today)
            if day is None:
                continue
            work = _Work(flipbook_hash=flipbook_hash, day=None if item is None else day)
            if self._retry_at.get((flipbook_hash, work.day), 0.0) > now:
                continue
            if best is None or day > best[0]:
                best = (day, work)
        return None if best is None else best[1]

    def _idle(self, today: date, now: float) -> float:
        """Finish an import that has nothing left, and say when to look again."""
        self._write_all_tracked()
        if self.state.forget_days_before(today - timedelta(days=self.days)):
            self._save()
        if self._importing and not self.backfilling:
            self._importing = False
            LOGGER.info("The daily figures of the tracked flipbooks are imported")
        midnight = datetime.combine(today + timedelta(days=1), time(), UTC)
        waits = [
            IDLE_WAIT,
            (midnight - dt_util.utcnow()).total_seconds() + 60,
            *(at - now for at in self._retry_at.values() if at > now),
        ]
        self._retry_at = {key: at for key, at in self._retry_at.items() if at > now}
        return max(1.0, min(waits))

    async def _async_probe(self, today: date) -> float:
        """Find out what endDate means from a flipbook with readers; None waits."""
        candidates = sorted(
            self.tracked,
            key=lambda h: (
                -(
                    figures.views
                    if (figures := self._flipbooks.figures_of(h)) is not None
                    else 0
                )
            ),
        )
        if not candidates:
            return IDLE_WAIT
        flipbook_hash = candidates[self._probe_attempts % len(candidates)]
        self._probe_attempts += 1
        day = today - timedelta(days=PROBE_AGE)
        try:
            finding = await self._scheduler.async_call(
                partial(probe_end_date, self._client, flipbook_hash, day),
                priority=Priority.HISTORY,
            )
        except FlipsnackError as err:
            LOGGER.debug("Could not ask what endDate means: %s", err)
            return ERROR_RETRY
        finally:
            self.calls += 3
        if finding is None:
            LOGGER.debug("The answers could not tell what endDate means yet")
            self._probe_at = self._hass.loop.time() + PROBE_RETRY
            return PROBE_RETRY
        LOGGER.debug("Flipsnack's endDate is %s", finding)
        self.state.end_date = finding
        self._save()
        return 0.0

    async def _async_fetch(self, work: _Work, today: date, now: float) -> float:
        """Make one call of the import and take in its answer."""
        end_date = self.state.end_date
        assert end_date is not None  # noqa: S101 - the probe came first
        flipbook_hash = work.flipbook_hash
        first_day = today - timedelta(days=self.days)
        anchor_day = today - timedelta(days=FINAL_AGE)
        self.calls += 1
        try:
            if work.day is None:
                total = await self._call(
                    range_figures, flipbook_hash, first_day, anchor_day, end_date
                )
            else:
                figures = await self._call(
                    day_figures, flipbook_hash, work.day, end_date
                )
        except FlipsnackFlipbookNotFoundError:
            # Deleted or moved: nothing more until a listing still has it.
            self._ended[flipbook_hash] = self._flipbooks.data.listed_at
            return 0.0
        except FlipsnackRateLimitError:
            return 0.0  # the scheduler pauses every call
        except FlipsnackResponseError as err:
            LOGGER.debug("Unusable answer for a flipbook's day, asking later: %s", err)
            self._retry_at[(flipbook_hash, work.day)] = now + BAD_ANSWER_RETRY
            return 0.0
        except FlipsnackError as err:
            LOGGER.debug("The history import waits after a failed call: %s", err)
            return ERROR_RETRY
        self._retry_at.pop((flipbook_hash, work.day), None)
        if work.day is None:
            self.state.flipbooks[flipbook_hash] = FlipbookHistory.anchored(
                first_day, anchor_day, total
            )
        else:
            item = self.state.flipbooks[flipbook_hash]
            rows = item.add_day(work.day, figures, today)
            flipbook = self.tracked.get(flipbook_hash)
            title = (flipbook.title if flipbook else None) or flipbook_hash
            write_rows(
                self._hass,
                entry_id=self._entry_id,
                key=flipbook_hash,
                title=title,
                names=self._names,
                rows=rows,
            )
            self._all_tracked_from = min(self._all_tracked_from or date.max, work.day)
            if now - self._all_tracked_written_at >= ALL_TRACKED_EVERY:
                self._write_all_tracked()
        self._save()
        return 0.0

    async def _call(self, fetch: Any, *args: Any) -> Figures:
        result: Figures = await self._scheduler.async_call(
            partial(fetch, self._client, *args), priority=Priority.HISTORY
        )
        return result

    def _write_all_tracked(self) -> None:
        """Rewrite the all-tracked rows from the oldest day whose sum changed.

        The rows before it hold the same sums already: after the import, writing only
        the last days keeps the recorder from rewriting the whole window every time.
        """
        if (changed_from := self._all_tracked_from) is None:
            return
        self._all_tracked_from = None
        self._all_tracked_written_at = self._hass.loop.time()
        write_rows(
            self._hass,
            entry_id=self._entry_id,
            key=ALL_TRACKED,
            title=self._names[ALL_TRACKED],
            names=self._names,
            rows=[
                (day, sums)
                for day, sums in all_tracked_rows(self.state.flipbooks.values())
                if day >= changed_from
            ],
        )

    def _save(self) -> None:
        """Write the progress soon: only a change calls this."""
        self._unsaved = True
        self._store.async_delay_save(self._to_store, STORE_DELAY)
        for update in list(self._listeners):
            update()

    def _to_store(self) -> dict[str, Any]:
        self._unsaved = False
        return state_to_store(self.state)

    async def _async_sleep(self, seconds: float) -> None:
        """Wait on Home Assistant's clock, which tests move, or until woken."""
        self._wakeup = self._hass.loop.create_future()
        cancel = async_call_later(self._hass, seconds, self._wake_at)
        self.sleeping = True
        try:
            await self._wakeup
        finally:
            self.sleeping = False
            cancel()

    @callback
    def _on_flipbooks_update(self) -> None:
        """Wake the import when a listing came in; the rotation's figures do not matter."""
        listed_at = self._flipbooks.data.listed_at
        if listed_at != self._listed_at:
            self._listed_at = listed_at
            self._wake()

    @callback
    def _wake_at(self, _now: datetime) -> None:
        self._wake()

    @callback
    def _wake(self) -> None:
        if self._wakeup is not None and not self._wakeup.done():
            self._wakeup.set_result(None)
