"""How long a person waits for a slot of the scheduler while the rotation uses its share.

An entry tracks 1,000 flipbooks of the fake account, so the rotation always has flipbooks
due. From its second minute on, for two simulated hours, the statistics action is asked
every 47 s (another flipbook each time, so that its cache never answers), and every 10
minutes the options flow lists the account's flipbooks, one interactive call of many
pages. Each request's wait runs from asking the scheduler for a slot until it got one,
in simulated time.
"""

import asyncio
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import timedelta
from functools import partial
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest

from custom_components.flipsnack.const import DOMAIN
from custom_components.flipsnack.scheduler import RequestScheduler
from tests.const import API_KEY
from tests.fake_flipsnack import FakeFlipsnack

from . import (
    INTERACTIVE_RESULTS,
    InteractiveResult,
    Stepping,
    pass_time,
    record_calls,
    set_up_all_tracking,
)

FLIPBOOKS = 1000
SIMULATED = timedelta(hours=2)
ACTION_EVERY = timedelta(seconds=47)
LISTING_EVERY = timedelta(minutes=10)

# Which of the benchmark's calls a request belongs to; None for the integration's own.
_MEASURED: ContextVar[list[float] | None] = ContextVar("measured", default=None)


def _record_slot_waits(hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch) -> None:
    """Add each measured request's wait for its slot to the list of its call."""
    wait_for_slot = RequestScheduler.async_wait_for_slot

    async def timed_wait(self: RequestScheduler, owner: object = None) -> None:
        asked = hass.loop.time()
        await wait_for_slot(self, owner)
        if (waits := _MEASURED.get()) is not None:
            waits.append(hass.loop.time() - asked)

    monkeypatch.setattr(RequestScheduler, "async_wait_for_slot", timed_wait)


class _Person:
    """Asks the action and opens the flipbook dialog, each call measured as it goes."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        self._hass = hass
        self._entry_id = entry_id
        self.action_waits: list[float] = []
        self.listing_waits: list[float] = []
        self.actions = 0
        self.dialogs = 0
        self.running: list[asyncio.Task[None]] = []

    def ask_action(self, flipbook_hash: str) -> None:
        """Ask a flipbook's figures through the action."""
        self.actions += 1
        self._measure(
            partial(
                self._hass.services.async_call,
                DOMAIN,
                "get_statistics",
                {"config_entry_id": self._entry_id, "flipbook": flipbook_hash},
                blocking=True,
                return_response=True,
            ),
            self.action_waits,
        )

    def open_flipbook_dialog(self) -> None:
        """Open the options flow's flipbook step, which lists the flipbooks."""
        self.dialogs += 1
        self._measure(self._list_in_options_flow, self.listing_waits)

    def unanswered(self) -> int:
        """Cancel the calls still waiting and return their number; raise what failed."""
        waiting = [task for task in self.running if not task.done()]
        for task in self.running:
            if task in waiting:
                task.cancel()
            else:
                task.result()
        return len(waiting)

    async def _list_in_options_flow(self) -> None:
        flows = self._hass.config_entries.options
        flow_id = (await flows.async_init(self._entry_id))["flow_id"]
        await flows.async_configure(flow_id, {"next_step_id": "flipbooks"})
        flows.async_abort(flow_id)

    def _measure(self, call: Callable[[], Awaitable[Any]], waits: list[float]) -> None:
        async def measured() -> None:
            _MEASURED.set(waits)
            await call()

        # Not a Home Assistant task: settling must not wait for calls that wait for
        # simulated time to pass. Tasks copy the context: the call's own tasks too.
        self.running.append(self._hass.loop.create_task(measured()))


async def bench_interactive_wait(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    freezer: FrozenDateTimeFactory,
    stepping: Stepping,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Time the slots of the actions and the flow's listings made while the rotation runs."""
    flipbooks = flipsnack.add_flipbooks(API_KEY, FLIPBOOKS, status_cycle=["public"])
    set_up = await set_up_all_tracking(hass, freezer, flipsnack, stepping)
    await pass_time(hass, freezer, timedelta(minutes=1), stepping)
    calls = record_calls(flipsnack)
    _record_slot_waits(hass, monkeypatch)
    person = _Person(hass, set_up.entry.entry_id)

    step = timedelta(seconds=1)
    elapsed = timedelta()
    while elapsed < SIMULATED:
        if elapsed >= ACTION_EVERY * person.actions:
            person.ask_action(flipbooks[person.actions].hash)
        if elapsed >= LISTING_EVERY * (person.dialogs + 0.5):
            person.open_flipbook_dialog()
        await pass_time(hass, freezer, step, stepping)
        elapsed += step
    await pass_time(hass, freezer, timedelta(minutes=2), stepping)
    unanswered = person.unanswered()

    figures_calls = sum(1 for call in calls if call.action == "collection.getStats")
    request.config.stash.setdefault(INTERACTIVE_RESULTS, []).append(
        InteractiveResult(
            flipbooks=FLIPBOOKS,
            stepping=stepping,
            simulated_hours=SIMULATED / timedelta(hours=1),
            action_waits=person.action_waits,
            listing_waits=person.listing_waits,
            rotation_calls=figures_calls - person.actions,
        )
    )
    if unanswered:
        pytest.fail(f"{unanswered} calls were never answered")
