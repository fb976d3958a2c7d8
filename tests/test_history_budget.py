"""The history import against the request budget, with the rotation of 40 flipbooks.

Two accounts with the same 40 flipbooks, each tracked by its own entry, run side by
side in the same simulated time: one imports 30 days of history, the other does not.
Each API key has its own scheduler, so the second entry's rotation is what the first
one's would be without the import.
"""

from collections.abc import Generator
from datetime import UTC, date, datetime, timedelta
import itertools
import statistics
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.flipsnack.const import (
    CONF_HISTORY_DAYS,
    CONF_TRACKING,
    DOMAIN,
    Tracking,
)
from custom_components.flipsnack.history_plan import import_duration
from custom_components.flipsnack.scheduler import CALLS_PER_MINUTE, CALLS_PER_SECOND

from . import advance_to_timers, setup_integration
from .call_windows import most_in_any_window
from .const import API_KEY, API_SECRET, OTHER_API_KEY, OTHER_API_SECRET
from .fake_flipsnack import FakeFigures, FakeFlipsnack
from .history_harness import rotation_cycles

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
FLIPBOOKS = 40
DAYS = 30


def _figures(number: int, day: date) -> FakeFigures:
    """Return made-up figures of flipbook number on day, with views every day."""
    age = (NOW.date() - day).days
    return FakeFigures(
        impressions=50 + number + age,
        views=5 + (number + age) % 9,
        time_spent=30 * number + age,
        downloads=(number * age) % 2,
    )


def _entry(
    api_key: str, api_secret: str, entry_id: str, **options: object
) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        title=f"Flipsnack …{api_key[-4:]}",
        data={"api_key": api_key, "api_secret": api_secret},
        options={CONF_TRACKING: Tracking.ALL, **options},
        entry_id=entry_id,
    )


@pytest.fixture(autouse=True)
def enable_event_loop_debug() -> None:
    """Keep the event loop out of debug mode, as the benchmarks do.

    Home Assistant's test plugin turns it on for every test; it records where each of
    the thousands of tasks and timers here was made, which takes most of the run.
    """


@pytest.fixture
def rows_not_written() -> Generator[None]:
    """Keep the import's rows from the recorder: only its calls count here.

    test_history.py checks the rows; writing 5,000 of them would take the recorder
    thread longer than the whole import takes the event loop.
    """
    with patch(
        "custom_components.flipsnack.history_rows.async_add_external_statistics"
    ):
        yield


@pytest.fixture
def twin_accounts(
    flipsnack: FakeFlipsnack, freezer: FrozenDateTimeFactory
) -> FakeFlipsnack:
    """Give two accounts the same 40 flipbooks, with figures on each of 45 days."""
    freezer.move_to(NOW)
    flipsnack.add_account(OTHER_API_KEY, OTHER_API_SECRET)
    for api_key, number in itertools.product(
        (API_KEY, OTHER_API_KEY), range(1, FLIPBOOKS + 1)
    ):
        flipsnack.add_flipbook(
            api_key,
            hash=f"book{number:03}",
            title=f"Book {number}",
            daily={
                day: _figures(number, day)
                for day in (NOW.date() - timedelta(days=age) for age in range(45))
            },
        )
    return flipsnack


@pytest.mark.usefixtures("rows_not_written")
async def test_import_keeps_the_budget_and_the_rotation_pace(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    twin_accounts: FakeFlipsnack,
) -> None:
    """The import completes within the limits, slowing the rotation by under a tenth."""
    with_history = _entry(
        API_KEY, API_SECRET, "01JFLIPSNACKHISTORYENTRY00", **{CONF_HISTORY_DAYS: DAYS}
    )
    without = _entry(OTHER_API_KEY, OTHER_API_SECRET, "01JFLIPSNACKPLAINENTRY0000")
    await setup_integration(hass, with_history)
    await setup_integration(hass, without)
    started = hass.loop.time()
    history = with_history.runtime_data.history
    assert history is not None
    assert without.runtime_data.history is None

    while history.progress < 100:
        if hass.loop.time() - started > 3 * 3600:
            pytest.fail(f"The import is at {history.progress:.1f}% after three hours")
        await advance_to_timers(hass, freezer, timedelta(minutes=1))
    complete_after = hass.loop.time() - started
    # An hour more: rotations and polls go on, and the import keeps today fresh.
    await advance_to_timers(hass, freezer, timedelta(hours=1))

    requests = {
        api_key: [
            r for r in twin_accounts.requests if r.params.get("apiKey") == api_key
        ]
        for api_key in (API_KEY, OTHER_API_KEY)
    }
    for sent in requests.values():
        times = [request.at for request in sent]
        assert most_in_any_window(times, 60.0) <= CALLS_PER_MINUTE
        assert most_in_any_window(times, 1.0) <= CALLS_PER_SECOND
    imported = [r for r in requests[API_KEY] if "startDate" in r.params]
    assert len(imported) >= FLIPBOOKS * DAYS
    # The formula the options form and the README give holds, within a tenth.
    estimate = import_duration(FLIPBOOKS, DAYS).total_seconds()
    assert 0.9 * estimate <= complete_after <= 1.1 * estimate

    # The rotation's cycle while the import ran, against the twin's over the same time.
    until = started + complete_after
    cycles = rotation_cycles(requests[API_KEY], until=until)
    plain = rotation_cycles(requests[OTHER_API_KEY], until=until)
    assert len(cycles) >= FLIPBOOKS
    assert len(plain) >= FLIPBOOKS
    assert max(cycles) <= 1.1 * max(plain)
    assert statistics.median(cycles) <= 1.1 * statistics.median(plain)
