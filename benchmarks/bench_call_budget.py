"""The calls of one API key over an entry's life, as Flipsnack would count them.

The sequence of tests/test_call_budget.py: add the entry, choose flipbooks in the
options, reload, re-authenticate, ask the action, reload, then five quiet minutes. The
fake's log gives each step's calls and the busiest windows.
"""

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest

from custom_components.flipsnack.scheduler import CALLS_PER_MINUTE, CALLS_PER_SECOND
from tests.call_windows import most_in_any_window
from tests.entry_life import live_an_entry
from tests.fake_flipsnack import FakeFlipsnack

from . import BUDGET_RESULTS, BudgetResult


@pytest.mark.usefixtures("socket_enabled")
async def bench_call_budget(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipsnack: FakeFlipsnack,
    request: pytest.FixtureRequest,
) -> None:
    """Live an entry's life and count its calls."""
    steps = await live_an_entry(hass, freezer, flipsnack)
    times = sorted(recorded.at for recorded in flipsnack.requests)
    result = BudgetResult(
        calls_by_step=[
            (step.name, len(flipsnack.requests[step.requests])) for step in steps
        ],
        most_per_second=most_in_any_window(times, 1),
        most_per_minute=most_in_any_window(times, 60),
        simulated_seconds=times[-1] - times[0],
    )
    request.config.stash.setdefault(BUDGET_RESULTS, []).append(result)
    if (
        result.most_per_second > CALLS_PER_SECOND
        or result.most_per_minute > CALLS_PER_MINUTE
    ):
        pytest.fail(f"Over the share: {result}")
