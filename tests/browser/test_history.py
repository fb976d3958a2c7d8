"""History: a tracked flipbook's past days, imported by the integration, in a graph.

One flipbook is tracked with 90 days of history, which the integration imports at its
own pace (some five minutes: one call a day, well inside Flipsnack's 20 a minute). Its
daily views are then a statistics graph card's bars, each the demo's figure of that day.
"""

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from playwright.sync_api import Page
import pytest

from scripts.check_history import (
    HistoryCheck,
    statistic_id,
    turn_on_history,
    wait_for_complete_import,
)
from scripts.harness import Sandbox
from tests.browser.ui import create_dashboard, open_dashboard, statistics_graph_bars

FLIPBOOK = "Spring/Summer Catalogue 2026"
DAYS = 90
DASHBOARD = "dashboard-history"


@pytest.fixture
def imported_history(sandbox: Sandbox, entry: dict[str, Any]) -> Iterator[HistoryCheck]:
    """Track the demo's most read flipbook with 90 days of history, imported whole.

    History and tracking are turned off again afterwards, as the other tests expect.
    """
    flipbook_hash = sandbox.demo_flipbooks()[FLIPBOOK]["hash"]
    sandbox.set_options(
        "flipbooks", ({"tracking": "chosen"}, {"flipbooks": [flipbook_hash]})
    )
    history = turn_on_history(sandbox, entry["entry_id"], 1, DAYS)
    wait_for_complete_import(sandbox, DAYS + 1)
    yield history
    sandbox.set_options("history", ({"history_days": "off"},))
    sandbox.set_options("flipbooks", ({"tracking": "none"},))


def test_statistics_graph_shows_90_days_of_a_flipbooks_views(
    page: Page, sandbox: Sandbox, imported_history: HistoryCheck
) -> None:
    """A statistics graph of the flipbook's views by day has a bar for each of 90 days.

    Each bar is the demo's views of that day; the day the window starts on may fall
    before the graph's 90 days, and today's bar grows during the day.
    """
    flipbook = sandbox.demo_flipbooks()[FLIPBOOK]
    views = statistic_id(imported_history.entry_id, flipbook["hash"], "views")
    create_dashboard(
        page,
        DASHBOARD,
        "History",
        {
            "views": [
                {
                    "path": "views",
                    "cards": [
                        {
                            "type": "statistics-graph",
                            "title": "Views per day",
                            "entities": [views],
                            "period": "day",
                            "stat_types": ["change"],
                            "chart_type": "bar",
                            "days_to_show": DAYS,
                        }
                    ],
                }
            ]
        },
    )
    open_dashboard(page, f"/{DASHBOARD}/views")

    bars = statistics_graph_bars(page, DAYS)[f"{views}-change"]

    today = imported_history.today
    past_days = [(today - timedelta(days=age)).isoformat() for age in range(1, DAYS)]
    assert len(bars) >= DAYS
    assert {day: bars.get(day) for day in past_days} == {
        day: flipbook["daily"][day]["views"] for day in past_days
    }
    assert min(date.fromisoformat(day) for day in bars) >= imported_history.first_day
