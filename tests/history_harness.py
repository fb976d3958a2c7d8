"""What the history tests share: an entry with history on, two flipbooks, reading rows."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
import itertools
from typing import Any

from homeassistant.components.recorder.statistics import statistics_during_period
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.flipsnack.const import (
    CONF_HISTORY_DAYS,
    CONF_TRACKING,
    DOMAIN,
    Tracking,
)
from custom_components.flipsnack.history_rows import statistic_id

from .const import API_KEY, API_SECRET
from .fake_flipsnack import FakeFigures, FakeFlipsnack, RecordedRequest

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


def make_history_entry(**options: Any) -> MockConfigEntry:
    """Return the test entry tracking all flipbooks with 30 days of history."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Flipsnack …7832",
        data={"api_key": API_KEY, "api_secret": API_SECRET},
        options={CONF_TRACKING: Tracking.ALL, CONF_HISTORY_DAYS: DAYS, **options},
        entry_id=ENTRY_ID,
    )


def add_books(flipsnack: FakeFlipsnack) -> FakeFlipsnack:
    """Give the account two flipbooks with figures on each of the last 45 days."""
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


def rotation_cycles(
    requests: Sequence[RecordedRequest], *, until: float
) -> list[float]:
    """Return the seconds between two rotation calls of a flipbook, ending by until.

    The rotation asks for a flipbook's figures without a date; the import always
    names its days.
    """
    refreshed: defaultdict[str, list[float]] = defaultdict(list)
    for request in requests:
        params = request.params
        if params.get("action") == "collection.getStats" and "startDate" not in params:
            refreshed[params["collectionHash"]].append(request.at)
    return [
        later - earlier
        for times in refreshed.values()
        for earlier, later in itertools.pairwise(times)
        if later <= until
    ]
